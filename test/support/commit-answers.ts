/**
 * What the group-commit tests share, for the queue on the store and on the writer thread alike:
 * a two-span trace, each write's answer as data, and the check that a commit whose data the store
 * refused fails exactly the export that brought it.
 */
import { expect } from 'vitest';
import type { Span } from '../../src/model/index.js';
import type { GroupCommitQueue } from '../../src/receiver/group-commit-queue.js';
import type { TraceStore } from '../../src/store/index.js';
import { buildTrace } from './trace-builder.js';

export function smallTrace(name: string) {
  return buildTrace({ name, service: 'api', children: [{ name: `${name}.db`, service: 'postgres' }] });
}

export type Settled = { ok: true } | { ok: false; code: string; message: string };

/** A write's answer as data: ok, or the error's code and message. */
export const settle = (promise: Promise<void>): Promise<Settled> =>
  promise.then(
    () => ({ ok: true }) as const,
    (error: { code: string; message: string }) => ({ ok: false, code: error.code, message: error.message }),
  );

/** A good and a bad export (a span before 1970) share a commit: only the bad one is refused, as 400. */
export async function expectOnlyTheBadExportRefused(
  queue: GroupCommitQueue,
  store: TraceStore,
): Promise<void> {
  const good = smallTrace('good');
  const bad = smallTrace('bad');
  const broken: Span[] = [{ ...bad.spans[0]!, startTimeUnixNano: -1n }, bad.spans[1]!];
  const [goodAnswer, badAnswer] = await Promise.all(
    [queue.write('spans', good.spans), queue.write('spans', broken)].map(settle),
  );
  expect(goodAnswer).toEqual({ ok: true });
  expect(badAnswer).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  expect(store.getTrace(good.traceId)?.spans).toHaveLength(2);
  expect(store.getTrace(bad.traceId)).toBeUndefined();
}
