/**
 * An example application under examples/<name>, as its manifest (<name>.json) describes it: the
 * services to start, the trigger, the defect switch and the specs. Gives each service a free
 * loopback port and a readiness check, in the shape execute_and_capture takes. `checkout` is the
 * five-service demo; `polyglot` the same kind of flow across Node, Python, Java and Go.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import * as z from 'zod';
import { OtelMcpError } from '../../model/errors.js';
import { packageRoot } from '../package-root.js';

const manifestSchema = z.object({
  description: z.string().optional(),
  services: z
    .array(z.object({ name: z.string(), command: z.string(), port_env: z.string(), health_path: z.string() }))
    .min(1),
  trigger: z.string(),
  defects_env: z.string(),
  defects: z.record(z.string(), z.string()),
  specs: z.array(z.string()).min(1),
});

export type ExampleManifest = z.infer<typeof manifestSchema>;

export type ExampleName = 'checkout' | 'polyglot';

export interface ExampleService {
  name: string;
  command: string;
  ready: { http: string };
}

export interface ExampleApp {
  dir: string;
  manifest: ExampleManifest;
  /** Every service's port variable, for all of them (they call each other). */
  portEnv: Record<string, string>;
  services: ExampleService[];
  specFiles: string[];
}

/** examples/<name> in the package root (the examples run from a clone of the repository). */
export function exampleDir(name: ExampleName): string {
  return join(packageRoot(), 'examples', name);
}

export async function loadExampleApp(name: ExampleName, dir = exampleDir(name)): Promise<ExampleApp> {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    throw new OtelMcpError(
      'NOT_FOUND',
      `the example application is not at ${dir}`,
      'the demo runs from a clone of the otel-mcp repository (npm ci installs what the example needs)',
    );
  }
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${file} is not a valid example manifest: ${parsed.error.message}`,
    );
  const manifest = parsed.data;
  const portEnv: Record<string, string> = {};
  const services: ExampleService[] = [];
  const ports = await freePorts(manifest.services.length);
  for (const [index, service] of manifest.services.entries()) {
    const port = ports[index] as number;
    portEnv[service.port_env] = String(port);
    services.push({
      name: service.name,
      command: service.command,
      ready: { http: `http://127.0.0.1:${port}${service.health_path}` },
    });
  }
  return { dir, manifest, portEnv, services, specFiles: manifest.specs.map((spec) => join(dir, spec)) };
}

/**
 * `count` distinct ports free a moment ago on 127.0.0.1. All are held open until the last is bound:
 * the OS may hand a just-closed port to the next bind(0), and two services given one port had the
 * frontend's order calls answered by the cart service.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolveListen());
      });
    }
    return servers.map((server) => {
      const address = server.address();
      return typeof address === 'object' && address ? address.port : 0;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  }
}
