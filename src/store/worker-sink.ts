/**
 * A sink for the receiver (its TelemetrySink) that writes on another thread (span-write-worker.ts), so that SQLite statements,
 * the commit, JSON encoding of span bodies, postings and rollups no longer run on the thread that
 * decodes exports and answers MCP. The group-commit queue hands it each export as soon as it is
 * decoded, and the worker stores the writes waiting for it together (merged-writes.ts); a write
 * settles when the worker has committed it (the export's acknowledgement waits for that, as before),
 * or rejects with the worker's error.
 *
 * If the worker dies (a crash, an out-of-memory kill of the thread), every write it held fails as
 * BACKEND_UNAVAILABLE — a 503 / UNAVAILABLE the exporter retries, so nothing acknowledged is lost and
 * nothing waits forever — and the next write starts a new worker.
 */
import { Worker } from 'node:worker_threads';
import { OtelMcpError, type ErrorCode } from '../model/index.js';
import type { LogRecord, Span } from '../model/index.js';
import type { SpanColumnsSlice } from '../otlp/index.js';
import {
  encodeSpanColumns,
  encodeSpans,
  encodedSpansBuffers,
  type EncodedSpans,
} from './spans/encoded-spans.js';
import type { SpansWritten } from './spans/span-writer.js';
import type { FromWriter, ToWriter, WriterOptions } from './span-write-worker.js';

export type { WriterOptions } from './span-write-worker.js';

/** Satisfies the receiver's TelemetrySink (whose writes may settle later). */
export interface WorkerSink {
  /** The worker stores the writes waiting for it in one transaction (span-write-worker.ts). */
  readonly mergesWrites: true;
  writeSpans(spans: Span[]): Promise<void>;
  writeSpanColumns(slices: SpanColumnsSlice[]): Promise<void>;
  writeLogs(logs: LogRecord[]): Promise<void>;
  /** Lets the worker finish its write, seal the open bucket and close its connection. */
  close(): Promise<void>;
  /** The running worker, for tests that kill it. */
  worker(): Worker | undefined;
}

export interface WorkerSinkHooks {
  /** After each commit that stored new spans (TraceStore.announceSpansWritten in the server). */
  onSpansWritten(written: SpansWritten): void;
  log(line: string): void;
}

/**
 * Spans encoded for the writer 512 at a time, each slice in its own turn of the event loop: a group of
 * 4,096 spans is ~20 ms of encoding (~5 µs a span), which in one piece would hold every MCP call
 * waiting on this thread that long. Rejects with the first malformed span's INVALID_ARGUMENT.
 */
const ENCODE_SLICE_SPANS = 512;

function encodeInTurns(spans: Span[]): Promise<EncodedSpans[]> {
  const slices: (() => EncodedSpans)[] = [];
  for (let from = 0; from < spans.length; from += ENCODE_SLICE_SPANS)
    slices.push(() => encodeSpans(spans.slice(from, from + ENCODE_SLICE_SPANS), from));
  return inTurns(slices);
}

/** The same for slices of exports decoded into columns, which the decoder has checked. */
function encodeColumnsInTurns(parts: SpanColumnsSlice[]): Promise<EncodedSpans[]> {
  const slices: (() => EncodedSpans)[] = [];
  for (const { columns, from, to } of parts) {
    for (let at = from; at < to; at += ENCODE_SLICE_SPANS) {
      const end = Math.min(to, at + ENCODE_SLICE_SPANS);
      slices.push(() => encodeSpanColumns(columns, at, end));
    }
  }
  return inTurns(slices);
}

function inTurns(slices: (() => EncodedSpans)[]): Promise<EncodedSpans[]> {
  return new Promise((resolve, reject) => {
    const batches: EncodedSpans[] = [];
    let next = 0;
    const turn = () => {
      try {
        batches.push(slices[next++]!());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (next < slices.length) setImmediate(turn);
      else resolve(batches);
    };
    if (slices.length === 0) resolve(batches);
    else turn();
  });
}

/** A write message before it is given its id (Omit on each member of the union). */
type WriteWithoutId =
  Extract<ToWriter, { type: 'write' }> extends infer Write
    ? Write extends unknown
      ? Omit<Write, 'id'>
      : never
    : never;

/** How long close() waits for the worker's last write and seal before terminating it. */
const CLOSE_TIMEOUT_MS = 10_000;

export function startWriterThread(options: WriterOptions): Worker {
  const here = import.meta.url;
  // From source (vitest, tsx) the worker is a .ts file: a bootstrap registers tsx first. Built, the
  // worker sits next to this module (dist/store/) or next to the bundled command (dist/cli/).
  if (here.endsWith('.ts')) {
    return new Worker(new URL('./span-write-worker-tsx.mjs', here), {
      workerData: { options, entry: new URL('./span-write-worker.ts', here).href },
    });
  }
  return new Worker(new URL('./span-write-worker.js', here), { workerData: { options } });
}

export function createWorkerSink(options: WriterOptions, hooks: WorkerSinkHooks): WorkerSink {
  const pending = new Map<number, { resolve: () => void; reject: (error: OtelMcpError) => void }>();
  let nextId = 0;
  let current: Worker | undefined;
  let closing: Promise<void> | undefined;

  const start = (): Worker => {
    const worker = startWriterThread(options);
    let failure: string | undefined;
    worker.on('message', (message: FromWriter) => {
      if (message.type === 'log') hooks.log(message.line);
      else if (message.type === 'done') {
        const entry = pending.get(message.id);
        pending.delete(message.id);
        if (message.written) {
          try {
            hooks.onSpansWritten(message.written);
          } catch (error) {
            hooks.log(`a spans-written listener threw: ${String(error)}`);
          }
        }
        entry?.resolve();
      } else if (message.type === 'failed') {
        const entry = pending.get(message.id);
        pending.delete(message.id);
        entry?.reject(new OtelMcpError(message.code as ErrorCode, message.message, message.hint));
      }
    });
    worker.on('error', (error) => {
      failure = error.message;
    });
    worker.on('exit', (code) => {
      if (current === worker) current = undefined;
      if (pending.size === 0) return;
      const why = failure ?? `exit code ${code}`;
      hooks.log(
        `the store's writer thread stopped (${why}); ${pending.size} writes failed and will be retried by their exporters`,
      );
      const error = new OtelMcpError(
        'BACKEND_UNAVAILABLE',
        `the store's writer thread stopped before committing (${why})`,
        'the export can be retried',
      );
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
    });
    worker.unref();
    return worker;
  };

  const write = (message: WriteWithoutId, transfer: ArrayBuffer[] = []): Promise<void> => {
    if (closing) {
      return Promise.reject(
        new OtelMcpError('BACKEND_UNAVAILABLE', 'the store is closing', 'the export can be retried'),
      );
    }
    current ??= start();
    const id = nextId++;
    const worker = current;
    return new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id } as ToWriter, transfer);
    });
  };

  return {
    mergesWrites: true,
    writeSpans(spans) {
      // Checked and encoded here, on the thread that decoded them: see encoded-spans.ts for why.
      return encodeInTurns(spans).then((batches) =>
        write({ type: 'write', kind: 'spans', batches }, batches.flatMap(encodedSpansBuffers)),
      );
    },
    writeSpanColumns(slices) {
      return encodeColumnsInTurns(slices).then((batches) =>
        write({ type: 'write', kind: 'spans', batches }, batches.flatMap(encodedSpansBuffers)),
      );
    },
    writeLogs: (logs) => write({ type: 'write', kind: 'logs', items: logs }),
    worker: () => current,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const worker = current;
        if (!worker) return resolve();
        const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage({ type: 'close' } satisfies ToWriter);
      });
      return closing;
    },
  };
}
