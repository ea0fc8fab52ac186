import type { StartedServiceFacts } from '../../src/workflow/lost-telemetry.js';

/** What a run knows of a service it started on `port` and stopped with SIGTERM, unless `extra` says otherwise. */
export function startedService(
  name: string,
  port: number,
  extra: Partial<StartedServiceFacts> = {},
): StartedServiceFacts {
  return {
    name,
    ports: [port],
    exitedEarly: false,
    exitCode: null,
    signal: 'SIGTERM',
    forceKilled: false,
    stopSignals: ['SIGTERM'],
    stderr: { text: '' },
    ...extra,
  };
}
