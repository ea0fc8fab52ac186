/**
 * The checkout example as an agent starts on it: its specs defined through `define_trace_spec` and a
 * development session over `checkout_structure` that starts the example's services together. Shared
 * by the tests that drive the loop on it (the MCP loop and the pictures of its iterations).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadExampleApp, type ExampleApp } from '../../src/cli/demo/example-app.js';
import type { Harness } from './mcp-harness.js';

export interface CheckoutSession {
  example: ExampleApp;
  sessionId: string;
}

export async function startCheckoutSession(harness: Harness): Promise<CheckoutSession> {
  const example = await loadExampleApp('checkout');
  for (const file of example.specFiles) {
    const text = readFileSync(file, 'utf8');
    const name = /^name:\s*(\S+)/m.exec(text)?.[1] as string;
    const defined = await harness.call('define_trace_spec', { name, specification: text });
    expect(defined.isError, defined.text).toBe(false);
  }
  const session = await harness.call('create_development_session', {
    project_name: 'checkout',
    spec_name: 'checkout_structure',
    command: example.manifest.trigger,
    working_dir: example.dir,
    services: example.services,
    start_services_together: true,
    env: example.portEnv,
  });
  expect(session.isError, session.text).toBe(false);
  return { example, sessionId: session.structured.session_id as string };
}
