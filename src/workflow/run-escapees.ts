/**
 * Processes a run started that left its process group — `setsid`, a daemon's double fork — so the
 * group signals of a timeout or a stop never reach them. Every process of a run inherits its
 * OTEL_MCP_RUN_ID; once the run is over, whatever still carries it is stopped (SIGTERM, then
 * SIGKILL after the grace) and named in the run's notes.
 */
import { delay } from './process-group.js';
import { processesWithEnvironment } from './process-table.js';
import { RUN_ID_ENV } from './run-environment.js';

/** How often a stopped escapee is looked for again during the grace. */
const POLL_MS = 50;

export async function stopRunEscapees(
  runId: string,
  graceMs: number,
): Promise<{ pid: number; name: string }[]> {
  const escaped = processesWithEnvironment(RUN_ID_ENV, runId);
  if (escaped.length === 0) return [];
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone already, or not ours: nothing to stop.
    }
  };
  for (const { pid } of escaped) signal(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs; waited += POLL_MS) {
    if (processesWithEnvironment(RUN_ID_ENV, runId).length === 0) return escaped;
    await delay(POLL_MS);
  }
  for (const { pid } of processesWithEnvironment(RUN_ID_ENV, runId)) signal(pid, 'SIGKILL');
  return escaped;
}

/** The run note naming what was stopped. */
export function escapeesNote(escaped: readonly { pid: number; name: string }[]): string | undefined {
  if (escaped.length === 0) return undefined;
  const listed = escaped
    .slice(0, 5)
    .map((item) => `${item.name} (pid ${item.pid})`)
    .join(', ');
  return `stopped ${escaped.length} process${escaped.length === 1 ? '' : 'es'} the run started that had left its process group (setsid or a daemon): ${listed}${escaped.length > 5 ? ', …' : ''}`;
}
