import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { OtelMcpError } from '../../src/model/errors.js';
import { ProcessGroup } from '../../src/workflow/process-group.js';
import { waitUntilReady } from '../../src/workflow/readiness.js';

const started: ProcessGroup[] = [];

/** A real service that prints `text` and then stays up until stopped. */
async function serviceThatPrints(text: string): Promise<{ name: string; process: ProcessGroup }> {
  const script = `process.stdout.write(${JSON.stringify(text)}); setInterval(() => {}, 1000);`;
  const process = await ProcessGroup.start(`${JSON.stringify(globalThis.process.execPath)} -e '${script}'`, {
    cwd: tmpdir(),
    env: { PATH: globalThis.process.env.PATH ?? '' },
  });
  started.push(process);
  return { name: 'svc', process };
}

describe('readiness by a line of output', () => {
  afterEach(async () => {
    await Promise.all(started.splice(0).map((process) => process.stop(1000)));
  });

  it('keeps waiting, without freezing, when a catastrophic log_pattern meets output it cannot match', async () => {
    // On Node's RegExp this probe alone takes seconds, every 50 ms; the timeout would never be seen.
    const service = await serviceThatPrints(`${'a'.repeat(40)}!\n`);
    const waiting = waitUntilReady(service, { log_pattern: '^(a+)+$' }, 300);
    await expect(waiting).rejects.toThrow(/was not ready after 300 ms/);
  });

  it('is ready when a line matches the pattern, with ^ and $ at each line, whatever the line ends', async () => {
    const service = await serviceThatPrints('starting\r\nlistening on 8080\r\nmore\r\n');
    await expect(
      waitUntilReady(service, { log_pattern: '^listening on \\d+$' }, 5000),
    ).resolves.toBeUndefined();
  });

  it('refuses a log_pattern with lookahead as an invalid argument that says why', async () => {
    const service = await serviceThatPrints('ready\n');
    const waiting = waitUntilReady(service, { log_pattern: 'ready(?!\\.)' }, 5000);
    await expect(waiting).rejects.toThrow(OtelMcpError);
    await expect(waiting).rejects.toThrow(
      /log_pattern is not a valid regular expression \(lookahead is not supported: patterns run in linear time/,
    );
  });
});
