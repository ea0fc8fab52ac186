/**
 * The store's writer, on its own thread (worker-sink.ts starts it): its own SQLite connection to the
 * data dir (WAL: the main thread's connection keeps reading committed data meanwhile), writing what
 * the main thread's group-commit queue hands it, spans already checked and encoded there
 * (encoded-spans.ts). A write is answered only after its commit, so an export is still acknowledged
 * only once its spans are on disk.
 *
 * Span writes that wait for it are stored together, in one transaction (merged-writes.ts).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { errorMessage, isOtelMcpError } from '../model/index.js';
import type { LogRecord } from '../model/index.js';
import type { EncodedSpans } from './spans/encoded-spans.js';
import type { SpansWritten } from './spans/span-writer.js';
import { MERGED_TRANSACTION_SPANS, gatherWrites, storeTogether } from './merged-writes.js';
import { openTraceStore, type TraceStoreOptions } from './trace-store.js';

export type WriterOptions = Pick<
  TraceStoreOptions,
  'dataDir' | 'retention' | 'durability' | 'retentionEverySpans'
>;

export type ToWriter =
  | { type: 'write'; id: number; kind: 'spans'; batches: EncodedSpans[] }
  | { type: 'write'; id: number; kind: 'logs'; items: LogRecord[] }
  | { type: 'close' };

export type FromWriter =
  | { type: 'done'; id: number; written?: SpansWritten }
  | { type: 'failed'; id: number; code: string; message: string; hint?: string }
  | { type: 'log'; line: string }
  | { type: 'closed' };

const port = parentPort;
if (!port) throw new Error('span-write-worker runs in a worker thread');
const send = (message: FromWriter) => port.postMessage(message);
const options = (workerData as { options: WriterOptions }).options;
const store = openTraceStore({ ...options, log: (line) => send({ type: 'log', line }) });
let written: SpansWritten | undefined;
store.onSpansWritten((spans) => {
  written = spans;
});

type SpansWrite = Extract<ToWriter, { kind: 'spans' }>;

const spanCount = (write: SpansWrite) => write.batches.reduce((sum, batch) => sum + batch.count, 0);
const isSpansWrite = (message: ToWriter): message is SpansWrite =>
  message.type === 'write' && message.kind === 'spans';

function failure(id: number, error: unknown): FromWriter {
  return isOtelMcpError(error)
    ? {
        type: 'failed',
        id,
        code: error.code,
        message: error.message,
        ...(error.hint !== undefined ? { hint: error.hint } : {}),
      }
    : { type: 'failed', id, code: 'INTERNAL', message: errorMessage(error) };
}

function writeSpans(writes: SpansWrite[]): void {
  storeTogether(
    writes,
    (together) => {
      written = undefined;
      store.writeEncodedSpans(together.flatMap((write) => write.batches));
    },
    (write, index, error) => {
      if (error !== undefined) send(failure(write.id, error));
      // What the transaction stored is told once, with its first write's answer.
      else send({ type: 'done', id: write.id, ...(index === 0 && written ? { written } : {}) });
    },
  );
}

function writeLogs(write: Extract<ToWriter, { kind: 'logs' }>): void {
  try {
    store.writeLogs(write.items);
    send({ type: 'done', id: write.id });
  } catch (error) {
    send(failure(write.id, error));
  }
}

/** Messages taken off the port while gathering writes but not merged: handled next, in order. */
const inbox: ToWriter[] = [];

port.on('message', (message: ToWriter) => {
  inbox.push(message);
  for (let next = inbox.shift(); next !== undefined; next = inbox.shift()) {
    if (next.type === 'close') {
      store.close();
      send({ type: 'closed' });
      port.close();
      return;
    }
    if (!isSpansWrite(next)) {
      writeLogs(next);
      continue;
    }
    writeSpans(
      gatherWrites(
        next,
        () => inbox.shift() ?? (receiveMessageOnPort(port)?.message as ToWriter | undefined),
        (waiting) => inbox.unshift(waiting),
        isSpansWrite,
        spanCount,
        MERGED_TRANSACTION_SPANS,
      ),
    );
  }
});
