/**
 * The polyglot example's gateway as a sketch: two client spans both named `POST` (older HTTP
 * instrumentations name a client span by its method), one to loans-service, one to notify-service,
 * on local ports. The tests of calls named alike (diff_traces, detect_regressions, the spec
 * comparison's unexpected spans) share it.
 */
import type { Trace } from '../../src/model/index.js';
import { seededRandom } from './seeded-random.js';
import { buildTrace, type SpanSketch } from './trace-builder.js';

export interface GatewayOptions {
  /** Duration of each call to loans-service (default 8 ms). */
  loansMs?: number;
  /** Duration of the call to notify-service (default 5 ms). */
  notifyMs?: number;
  /** Calls to loans-service, an N+1 loop when more than 1 (default 1). */
  loansCalls?: number;
  ports?: [loans: number, notify: number];
  /** False: notify-service sent no span (it did not answer, or is not traced). */
  notifyAnswers?: boolean;
}

export function gatewaySketch(options: GatewayOptions = {}): SpanSketch {
  const [loansPort, notifyPort] = options.ports ?? [4001, 4002];
  const call = (port: number, path: string, startMs: number, durationMs: number): SpanSketch => ({
    name: 'POST',
    kind: 'client',
    startMs,
    durationMs,
    attributes: {
      'server.address': '127.0.0.1',
      'server.port': port,
      'url.full': `http://127.0.0.1:${port}${path}`,
    },
  });
  const loansMs = options.loansMs ?? 8;
  const loans = Array.from({ length: options.loansCalls ?? 1 }, (_, index) => ({
    ...call(loansPort, `/loans?item=${index}`, 1 + index * 10, loansMs),
    children: [
      { name: 'POST /loans', service: 'loans-service', kind: 'server' as const, durationMs: loansMs - 1 },
    ],
  }));
  const notifyMs = options.notifyMs ?? 5;
  const notify = {
    ...call(notifyPort, '/notify', 200, notifyMs),
    children:
      options.notifyAnswers === false
        ? []
        : [
            {
              name: 'POST /notify',
              service: 'notify-service',
              kind: 'server' as const,
              durationMs: notifyMs - 1,
            },
          ],
  };
  return { name: 'POST /loans', service: 'gateway', durationMs: 300, children: [...loans, notify] };
}

/** `count` gateway traces; each call lasts its nominal duration (100 ms to loans, 5 to notify) ±20%. */
export function gatewayRun(seed: number, options: GatewayOptions = {}, count = 30): Trace[] {
  const rand = seededRandom(seed);
  const noisy = (ms: number): number => ms * (0.8 + rand() * 0.4);
  return Array.from({ length: count }, () =>
    buildTrace(
      gatewaySketch({
        ...options,
        loansMs: noisy(options.loansMs ?? 100),
        notifyMs: noisy(options.notifyMs ?? 5),
      }),
    ),
  );
}
