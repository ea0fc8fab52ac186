/**
 * The store's writer, on its own thread (worker-sink.ts starts it): its own SQLite connection to the
 * data dir (WAL: the main thread's connection keeps reading committed data meanwhile), writing what
 * the main thread's group-commit queue hands it, one group at a time, spans already checked and
 * encoded there (encoded-spans.ts). A group is answered only after its commit, so an export is still
 * acknowledged only once its spans are on disk.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage, isOtelMcpError } from '../model/index.js';
import type { LogRecord } from '../model/index.js';
import type { EncodedSpans } from './spans/encoded-spans.js';
import type { SpansWritten } from './spans/span-writer.js';
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

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    store.close();
    send({ type: 'closed' });
    port.close();
    return;
  }
  written = undefined;
  try {
    if (message.kind === 'spans') store.writeEncodedSpans(message.batches);
    else store.writeLogs(message.items);
    send({ type: 'done', id: message.id, ...(written ? { written } : {}) });
  } catch (error) {
    send(
      isOtelMcpError(error)
        ? {
            type: 'failed',
            id: message.id,
            code: error.code,
            message: error.message,
            ...(error.hint !== undefined ? { hint: error.hint } : {}),
          }
        : { type: 'failed', id: message.id, code: 'INTERNAL', message: errorMessage(error) },
    );
  }
});
