/**
 * The write queue between decoding and the store (group-commit-queue.ts), against a real store:
 * exports that arrive together share one commit, each is answered only after that commit, and a
 * failed commit fails exactly the exports in it.
 */
import { describe, expect, it } from 'vitest';
import { createGroupCommitQueue } from '../../src/receiver/group-commit-queue.js';
import type { TelemetrySink } from '../../src/receiver/telemetry-sink.js';
import { expectOnlyTheBadExportRefused, settle, smallTrace } from '../support/commit-answers.js';
import { buildTrace, repeated } from '../support/trace-builder.js';
import { openTestStore } from '../store/store-fixture.js';
import type { Span } from '../../src/model/index.js';
import { decodeTraceRequestColumns, type SpanColumns } from '../../src/otlp/index.js';
import { encodeOtlp, hex } from '../otlp/otlp-proto-schema.js';

/** The real store, with a record of each writeSpans call (one call is one transaction). */
function recordingStore() {
  const { store } = openTestStore();
  const calls: number[] = [];
  const sink: TelemetrySink = {
    writeSpans(spans) {
      calls.push(spans.length);
      store.writeSpans(spans);
    },
    writeLogs: (logs) => store.writeLogs(logs),
  };
  return { store, sink, calls };
}

/** The real store, recording the spans of each writeSpanColumns call (one call is one transaction). */
function recordingColumnsStore() {
  const { store } = openTestStore();
  const calls: number[] = [];
  const sink: TelemetrySink = {
    writeSpans: () => {
      throw new Error('spans decoded into columns are not written as objects');
    },
    writeSpanColumns(slices) {
      calls.push(slices.reduce((sum, slice) => sum + slice.to - slice.from, 0));
      store.writeSpanColumns(slices);
    },
    writeLogs: (logs) => store.writeLogs(logs),
  };
  return { store, sink, calls };
}

/**
 * A sink that merges the writes waiting for it itself (TelemetrySink.mergesWrites, as the server's
 * writer thread does), into the real store; each write is held until `release()`.
 */
function mergingSink() {
  const { store } = openTestStore();
  const handed: number[] = [];
  const held: (() => void)[] = [];
  const sink: TelemetrySink = {
    mergesWrites: true,
    writeSpans(spans) {
      handed.push(spans.length);
      return new Promise<void>((resolve) =>
        held.push(() => {
          store.writeSpans(spans);
          resolve();
        }),
      );
    },
    writeLogs: (logs) => store.writeLogs(logs),
  };
  const release = () => {
    for (const write of held.splice(0)) write();
  };
  return { store, sink, handed, release };
}

const turns = async (count: number) => {
  for (let turn = 0; turn < count; turn += 1) await new Promise((resolve) => setImmediate(resolve));
};

const traceOf = (name: string, spans: number) =>
  buildTrace({ name, service: 'api', children: repeated(spans - 1, { name: `${name}.call` }, 0) });

/** Spans as a protobuf export decoded into columns, as the receiver decodes them. */
function asColumns(spans: Span[]): SpanColumns {
  const bytes = encodeOtlp('ExportTraceServiceRequest', {
    resource_spans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: spans[0]!.serviceName } }] },
        scope_spans: [
          {
            spans: spans.map((span) => ({
              trace_id: hex(span.traceId),
              span_id: hex(span.spanId),
              ...(span.parentSpanId ? { parent_span_id: hex(span.parentSpanId) } : {}),
              name: span.name,
              start_time_unix_nano: span.startTimeUnixNano.toString(),
              end_time_unix_nano: span.endTimeUnixNano.toString(),
            })),
          },
        ],
      },
    ],
  });
  return decodeTraceRequestColumns(bytes)!.columns;
}

describe('the group-commit write queue', () => {
  it('stores exports queued together in one transaction and answers each after it', async () => {
    const { store, sink, calls } = recordingStore();
    const queue = createGroupCommitQueue(sink);
    const traces = [smallTrace('a'), smallTrace('b'), smallTrace('c')];
    const answers = traces.map((trace) => queue.write('spans', trace.spans));
    // Nothing is committed (so nothing may be acknowledged) before the queue's turn comes.
    expect(store.stats().spanCount).toBe(0);
    expect(await Promise.all(answers.map(settle))).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(calls).toEqual([6]);
    for (const trace of traces) expect(store.getTrace(trace.traceId)?.spans).toHaveLength(2);
  });

  it('fails exactly the exports of a commit that failed, and commits the next group', async () => {
    const { store, sink } = recordingStore();
    const queue = createGroupCommitQueue(sink);
    const poisoned = smallTrace('poisoned');
    // A real SQLite failure inside the transaction, as a full disk or an I/O error would be.
    store.connection().exec(
      `CREATE TEMP TRIGGER refuse_trace BEFORE INSERT ON main.traces WHEN NEW.trace_id = '${poisoned.traceId}'
         BEGIN SELECT RAISE(ABORT, 'simulated I/O failure'); END`,
    );
    const innocent = smallTrace('innocent');
    const first = [queue.write('spans', innocent.spans), queue.write('spans', poisoned.spans)].map(settle);
    const [innocentAnswer, poisonedAnswer] = await Promise.all(first);
    expect(innocentAnswer).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect(poisonedAnswer).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect(store.getTrace(innocent.traceId)).toBeUndefined();

    const later = smallTrace('later');
    expect(await settle(queue.write('spans', later.spans))).toEqual({ ok: true });
    expect(store.getTrace(later.traceId)?.spans).toHaveLength(2);
    // The retry of the innocent export (an SDK retries a 503) is stored.
    expect(await settle(queue.write('spans', innocent.spans))).toEqual({ ok: true });
    expect(store.getTrace(innocent.traceId)?.spans).toHaveLength(2);
  });

  it('refuses only the export whose data the store refused when it shared a commit with others', async () => {
    const { store, sink } = recordingStore();
    const queue = createGroupCommitQueue(sink);
    await expectOnlyTheBadExportRefused(queue, store);
  });

  it('writes an export larger than a group in slices, storing and answering exports that arrive meanwhile between them', async () => {
    const { store, sink, calls } = recordingStore();
    const queue = createGroupCommitQueue(sink, { groupItems: 100 });
    const large = buildTrace({ name: 'job', service: 'batch', children: repeated(349, { name: 'row' }, 0) });
    const small = smallTrace('small');
    const answered: string[] = [];
    const largeAnswer = queue.write('spans', large.spans).then(() => answered.push('large'));
    const smallAnswer = queue.write('spans', small.spans).then(() => answered.push('small'));
    await Promise.all([largeAnswer, smallAnswer]);
    // The small export queued behind it takes its turn after the first slice, not after the last.
    expect(calls).toEqual([100, 2, 100, 100, 50]);
    expect(answered).toEqual(['small', 'large']);
    expect(store.getTrace(large.traceId)?.spans).toHaveLength(350);
  });

  it('groups exports decoded into columns and slices a large one as it does spans', async () => {
    const { store, sink, calls } = recordingColumnsStore();
    const queue = createGroupCommitQueue(sink, { groupItems: 100 });
    expect(queue.acceptsColumns).toBe(true);
    const large = buildTrace({ name: 'job', service: 'batch', children: repeated(349, { name: 'row' }, 0) });
    const smalls = [smallTrace('a'), smallTrace('b')];
    const answered: string[] = [];
    const largeAnswer = queue.writeColumns(asColumns(large.spans)).then(() => answered.push('large'));
    const smallAnswers = smalls.map((trace) =>
      queue.writeColumns(asColumns(trace.spans)).then(() => answered.push(trace.spans[0]!.name)),
    );
    await Promise.all([largeAnswer, ...smallAnswers]);
    // The two small exports share a commit, taken after the large one's first slice.
    expect(calls).toEqual([100, 4, 100, 100, 50]);
    expect(answered.at(-1)).toBe('large');
    expect(store.getTrace(large.traceId)?.spans).toHaveLength(350);
    for (const trace of smalls) expect(store.getTrace(trace.traceId)?.spans).toHaveLength(2);
    expect(createGroupCommitQueue(recordingStore().sink).acceptsColumns).toBe(false);
  });

  it('hands exports to a sink that merges writes itself as they come: small ones in groups of one SDK batch, a larger one whole, eight at a time', async () => {
    const { store, sink, handed, release } = mergingSink();
    const queue = createGroupCommitQueue(sink);
    const smalls = Array.from({ length: 12 }, (_, index) => traceOf(`small${index}`, 100));
    const large = traceOf('large', 2_000);
    const answers = [...smalls, large].map((trace) => queue.write('spans', trace.spans));
    await turns(10);
    // 512 spans a group at most; 2,000 spans fit in one of the sink's transactions, so it is not sliced.
    expect(handed).toEqual([500, 500, 200, 2_000]);
    release();
    await Promise.all(answers);
    expect(store.getTrace(large.traceId)?.spans).toHaveLength(2_000);

    handed.length = 0;
    const batches = Array.from({ length: 10 }, (_, index) => traceOf(`batch${index}`, 512));
    const batchAnswers = batches.map((trace) => queue.write('spans', trace.spans));
    await turns(20);
    expect(handed).toEqual(Array.from({ length: 8 }, () => 512));
    release();
    await turns(20);
    expect(handed).toHaveLength(10);
    release();
    await Promise.all(batchAnswers);
    for (const trace of batches) expect(store.getTrace(trace.traceId)?.spans).toHaveLength(512);
  });

  it('hands a sink that merges writes the slices of a large export with the small exports that come between them, two groups’ worth of items at a time', async () => {
    const { store, sink, handed, release } = mergingSink();
    const queue = createGroupCommitQueue(sink, { groupItems: 100 });
    const large = traceOf('large', 1_000);
    const smalls = ['a', 'b', 'c'].map(smallTrace);
    const answered: string[] = [];
    const answers = [large, ...smalls].map(async (trace, index) => {
      if (index > 0) await turns(3 * index);
      await queue.write('spans', trace.spans);
      answered.push(trace.spans[0]!.name);
    });
    await turns(20);
    // A slice, the first small export, a second slice: 202 items are then in flight, past two
    // groups' 200, so the other small exports wait for a commit.
    expect(handed).toEqual([100, 2, 100]);
    while (answered.length < 4) {
      release();
      await turns(5);
    }
    await Promise.all(answers);
    expect(answered.at(-1)).toBe('large');
    expect(handed.reduce((sum, items) => sum + items, 0)).toBe(1_006);
    expect(store.getTrace(large.traceId)?.spans).toHaveLength(1_000);
  });

  it('asks exporters to come back once more than the limit waits, and admits them again once written', async () => {
    const { sink } = recordingStore();
    const queue = createGroupCommitQueue(sink, { maxQueuedItems: 3 });
    expect(queue.refusal()).toBeUndefined();
    const written = [
      queue.write('spans', smallTrace('one').spans),
      queue.write('spans', smallTrace('two').spans),
    ];
    expect(queue.refusal()?.code).toBe('BACKEND_UNAVAILABLE');
    expect(queue.refusal()?.message).toContain('limit 3');
    await Promise.all(written);
    expect(queue.refusal()).toBeUndefined();
  });
});
