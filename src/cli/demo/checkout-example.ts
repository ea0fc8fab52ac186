/**
 * The example application under examples/checkout, as its manifest (checkout.json) describes it:
 * the services to start, the trigger, the defect switch and the specs. Gives each service a free
 * loopback port and a readiness check, in the shape execute_and_capture takes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as z from 'zod';
import { OtelMcpError } from '../../model/errors.js';
import { packageRoot } from '../package-root.js';

const manifestSchema = z.object({
  description: z.string().optional(),
  services: z.array(z.object({ name: z.string(), command: z.string(), port_env: z.string(), health_path: z.string() })).min(1),
  trigger: z.string(),
  defects_env: z.string(),
  defects: z.record(z.string(), z.string()),
  specs: z.array(z.string()).min(1),
});

export type CheckoutManifest = z.infer<typeof manifestSchema>;

export interface CheckoutService {
  name: string;
  command: string;
  ready: { http: string };
}

export interface CheckoutExample {
  dir: string;
  manifest: CheckoutManifest;
  /** Every service's port variable, for all of them (they call each other). */
  portEnv: Record<string, string>;
  services: CheckoutService[];
  specFiles: string[];
}

/** examples/checkout in the package root (the demo runs from a clone of the repository). */
export function checkoutExampleDir(): string {
  return join(packageRoot(), 'examples', 'checkout');
}

export async function loadCheckoutExample(dir = checkoutExampleDir()): Promise<CheckoutExample> {
  const file = join(dir, 'checkout.json');
  if (!existsSync(file)) {
    throw new OtelMcpError('NOT_FOUND', `the example application is not at ${dir}`, 'the demo runs from a clone of the otel-mcp repository (npm ci installs what the example needs)');
  }
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new OtelMcpError('INVALID_ARGUMENT', `${file} is not a valid example manifest: ${parsed.error.message}`);
  const manifest = parsed.data;
  const portEnv: Record<string, string> = {};
  const services: CheckoutService[] = [];
  for (const service of manifest.services) {
    const port = await freePort();
    portEnv[service.port_env] = String(port);
    services.push({ name: service.name, command: service.command, ready: { http: `http://127.0.0.1:${port}${service.health_path}` } });
  }
  return { dir, manifest, portEnv, services, specFiles: manifest.specs.map((spec) => join(dir, spec)) };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
