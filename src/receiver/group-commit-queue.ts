/**
 * Between decoding and the sink: exports wait here to be written, several at a time. Concurrent
 * exports that arrive while one is being written are stored together in one `writeSpans` call (one
 * SQLite transaction: one commit, one pass over the rollups, postings and operation counts instead
 * of one per export), and each export is acknowledged only after the commit that holds it. A failed
 * commit fails exactly the exports in it; when it failed on the data (INVALID_ARGUMENT), each of
 * them is tried alone, so only the export that carried the bad span is refused.
 *
 * One group is written per turn of the event loop, so MCP calls and other exports run between
 * groups. An export larger than a group is written in slices, one a turn: a 480,000-span export
 * no longer holds the process for one multi-second transaction (issue 19 item 8). It is answered
 * after its last slice; if a slice fails, the slices before it stay stored and the retry's copies
 * of them are recognised as duplicates by the store (same trace and span id).
 *
 * Back-pressure: while more than `maxQueuedItems` wait, `refusal()` says so and the receiver answers
 * 503 / UNAVAILABLE with Retry-After, which every OTLP exporter retries, instead of queueing without
 * bound. What waits is at most the limit plus the one export admitted last.
 */
import { OtelMcpError, errorMessage, isOtelMcpError } from '../model/index.js';
import type { LogRecord, Span } from '../model/index.js';
import type { TelemetrySink } from './telemetry-sink.js';

/** 4,096 spans a transaction: eight SDK batches share one commit, and a group stays ~50 ms of writing. */
export const DEFAULT_GROUP_ITEMS = 4_096;
/** 50,000 spans (~100 SDK batches, roughly 100 MB decoded) may wait; past that, exporters are asked to retry. */
export const DEFAULT_MAX_QUEUED_ITEMS = 50_000;

export interface GroupCommitOptions {
  groupItems?: number;
  maxQueuedItems?: number;
}

type Kind = 'spans' | 'logs';

interface Pending {
  kind: Kind;
  items: Span[] | LogRecord[];
  /** Items of `items` already written (a large export, slice by slice). */
  written: number;
  resolve: () => void;
  reject: (error: OtelMcpError) => void;
}

export interface GroupCommitQueue {
  /** Resolves once every item is committed; rejects with the commit's error. */
  write(kind: Kind, items: Span[] | LogRecord[]): Promise<void>;
  /** Why a new export must be refused now (the writer is behind), or undefined. */
  refusal(): OtelMcpError | undefined;
  /** Items waiting to be written. */
  queued(): number;
}

export function createGroupCommitQueue(
  sink: TelemetrySink,
  options: GroupCommitOptions = {},
): GroupCommitQueue {
  const groupItems = options.groupItems ?? DEFAULT_GROUP_ITEMS;
  const maxQueued = options.maxQueuedItems ?? DEFAULT_MAX_QUEUED_ITEMS;
  const pending: Pending[] = [];
  let queued = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || pending.length === 0) return;
    scheduled = true;
    setImmediate(drain);
  };

  const store = (kind: Kind, items: (Span | LogRecord)[]) => {
    if (kind === 'spans') sink.writeSpans(items as Span[]);
    else sink.writeLogs(items as LogRecord[]);
  };

  /** Writes one group (or one slice of a large export), then yields to the event loop. */
  function drain(): void {
    scheduled = false;
    const first = pending[0];
    if (!first) return;
    if (first.items.length - first.written > groupItems) {
      writeSlice(first);
    } else {
      const group: Pending[] = [];
      let size = 0;
      for (const entry of pending) {
        const remaining = entry.items.length - entry.written;
        if (entry.kind !== first.kind || (group.length > 0 && size + remaining > groupItems)) break;
        group.push(entry);
        size += remaining;
      }
      pending.splice(0, group.length);
      queued -= size;
      writeGroup(group);
    }
    schedule();
  }

  function writeSlice(entry: Pending): void {
    const slice = entry.items.slice(entry.written, entry.written + groupItems) as (Span | LogRecord)[];
    try {
      store(entry.kind, slice);
      entry.written += slice.length;
      queued -= slice.length;
    } catch (error) {
      pending.shift();
      queued -= entry.items.length - entry.written;
      entry.reject(asWriteError(error, entry));
    }
  }

  function writeGroup(group: Pending[]): void {
    try {
      store(
        group[0]!.kind,
        group.flatMap((entry) => entry.items.slice(entry.written) as (Span | LogRecord)[]),
      );
      for (const entry of group) entry.resolve();
    } catch (error) {
      if (group.length > 1 && isOtelMcpError(error) && error.code === 'INVALID_ARGUMENT') {
        // The data of one export was refused: find which, so the others are stored.
        for (const entry of group) writeGroup([entry]);
        return;
      }
      for (const entry of group) entry.reject(asWriteError(error, entry));
    }
  }

  return {
    write(kind, items) {
      if (items.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ kind, items, written: 0, resolve, reject });
        queued += items.length;
        schedule();
      });
    },
    refusal() {
      if (queued <= maxQueued) return undefined;
      return new OtelMcpError(
        'BACKEND_UNAVAILABLE',
        `the receiver is behind: ${queued} spans and log records are waiting to be stored (limit ${maxQueued})`,
        'retry after the Retry-After delay; an OTLP exporter does so by itself',
      );
    },
    queued: () => queued,
  };
}

function asWriteError(error: unknown, entry: Pending): OtelMcpError {
  // The sink refusing the data itself is the client's error: a retry would be refused the same way.
  if (isOtelMcpError(error) && error.code === 'INVALID_ARGUMENT') return error;
  return new OtelMcpError(
    'BACKEND_UNAVAILABLE',
    `could not store ${entry.items.length} ${entry.kind === 'spans' ? 'spans' : 'log records'}: ${errorMessage(error)}`,
    'the export can be retried',
    { cause: error },
  );
}
