import { describe, expect, it } from 'vitest';
import { loadExampleApp } from '../../../src/cli/demo/example-app.js';

describe('the example applications the demo runs', () => {
  it('give every service its own port, also when loaded many times in a row', async () => {
    // The OS may hand a just-closed port to the next bind(0): ports picked one after another could
    // repeat, and the frontend's order calls were once answered by the cart service.
    for (let round = 0; round < 20; round += 1) {
      for (const name of ['checkout', 'polyglot'] as const) {
        const example = await loadExampleApp(name);
        const ports = Object.values(example.portEnv);
        expect(ports).toHaveLength(example.manifest.services.length);
        expect(new Set(ports).size, `${name}: ${ports.join(', ')}`).toBe(ports.length);
        for (const [index, service] of example.services.entries())
          expect(service.ready).toEqual({
            http: `http://127.0.0.1:${ports[index]}${example.manifest.services[index]?.health_path}`,
          });
      }
    }
  });
});
