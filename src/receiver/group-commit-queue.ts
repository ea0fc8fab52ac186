/**
 * Between decoding and the sink: exports wait here to be written, several at a time. Concurrent
 * exports that arrive while one is being written are stored together in one `writeSpans` call (one
 * SQLite transaction: one commit, one pass over the rollups, postings and operation counts instead
 * of one per export), and each export is acknowledged only after the commit that holds it. A failed
 * commit fails exactly the exports in it; when it failed on the data (INVALID_ARGUMENT), each of
 * them is tried alone, so only the export that carried the bad span is refused.
 *
 * One group is written per turn of the event loop, so MCP calls and other exports run between
 * groups. With a sink that writes on another thread up to two groups are in flight: it commits one
 * while the next is on its way, and this thread goes on decoding. The server's writer thread
 * (worker-sink.ts) merges what waits for it into one transaction itself, so it is handed each export
 * as soon as it is decoded (TelemetrySink.mergesWrites).
 *
 * An export larger than a group is written in slices, taking turns with the groups of the exports
 * that arrive meanwhile: a 480,000-span export no longer holds the process for one
 * multi-second transaction, nor the small exports behind it (issue 19 item 8). It is answered after
 * its last slice; if a slice fails, the slices before it stay stored and the retry's copies of them
 * are recognised as duplicates by the store (same trace and span id).
 *
 * Back-pressure: while more than `maxQueuedItems` wait, `refusal()` says so and the receiver answers
 * 503 / UNAVAILABLE with Retry-After, which every OTLP exporter retries, instead of queueing without
 * bound. The large export being sliced is not counted (it is already in memory, and counting it
 * would refuse every small export until it is done), so what is held is at most the limit, the
 * export admitted last and the one being sliced.
 */
import { OtelMcpError, errorMessage, isOtelMcpError } from '../model/index.js';
import type { LogRecord, Span } from '../model/index.js';
import type { SpanColumns, SpanColumnsSlice } from '../otlp/index.js';
import type { TelemetrySink } from './telemetry-sink.js';

/**
 * Groups handed at once to a sink that writes on another thread: while it commits one, the next is
 * already on its way, so it does not wait for this thread between groups.
 */
const ASYNC_WRITES_IN_FLIGHT = 2;

/**
 * For a sink that merges what waits for it (TelemetrySink.mergesWrites): exports are handed over in
 * groups of up to 512 items (one SDK batch), up to 8 of them not yet committed, and no more items
 * than two groups (two transactions' worth) at once. Handing over early keeps that sink's writer
 * busy: with four exports in flight and groups of up to 4,096 items, the writer thread sat idle ~20%
 * of the time waiting for the next group (bench/ingest-vs-jaeger.md). The item bound keeps what a
 * small export waits behind, slices of a large export included, where two groups put it.
 */
const MERGING_HAND_OFF_ITEMS = 512;
const MERGING_WRITES_IN_FLIGHT = 8;

/** 4,096 spans a transaction: eight SDK batches share one commit, and a group stays ~50 ms of writing. */
export const DEFAULT_GROUP_ITEMS = 4_096;
/** 50,000 spans (~100 SDK batches, roughly 100 MB decoded) may wait; past that, exporters are asked to retry. */
export const DEFAULT_MAX_QUEUED_ITEMS = 50_000;

export interface GroupCommitOptions {
  groupItems?: number;
  maxQueuedItems?: number;
}

type Kind = 'spans' | 'span-columns' | 'logs';

interface Pending {
  kind: Kind;
  /** The export's spans or log records, or (span-columns) its spans as columns. */
  items: Span[] | LogRecord[] | SpanColumns;
  /** How many spans or log records: what groups, slices and back-pressure count. */
  size: number;
  /** Of those, handed to the sink (the large export, slice by slice). */
  sent: number;
  /** Of those, committed. */
  written: number;
  resolve: () => void;
  reject: (error: OtelMcpError) => void;
}

export interface GroupCommitQueue {
  /** Resolves once every item is committed; rejects with the commit's error. */
  write(kind: 'spans' | 'logs', items: Span[] | LogRecord[]): Promise<void>;
  /** The same for spans decoded into columns; only when `acceptsColumns`. */
  writeColumns(columns: SpanColumns): Promise<void>;
  /** Whether the sink stores spans from columns (TelemetrySink.writeSpanColumns). */
  acceptsColumns: boolean;
  /** Why a new export must be refused now (the writer is behind), or undefined. */
  refusal(): OtelMcpError | undefined;
  /** Items waiting to be written. */
  queued(): number;
}

export function createGroupCommitQueue(
  sink: TelemetrySink,
  options: GroupCommitOptions = {},
): GroupCommitQueue {
  // An export larger than this is written in slices of it; smaller ones are grouped up to handOffItems.
  const groupItems = options.groupItems ?? DEFAULT_GROUP_ITEMS;
  const handOffItems = sink.mergesWrites ? Math.min(groupItems, MERGING_HAND_OFF_ITEMS) : groupItems;
  const writesInFlight = sink.mergesWrites ? MERGING_WRITES_IN_FLIGHT : ASYNC_WRITES_IN_FLIGHT;
  const itemsInFlight = sink.mergesWrites ? 2 * groupItems : Number.POSITIVE_INFINITY;
  const maxQueued = options.maxQueuedItems ?? DEFAULT_MAX_QUEUED_ITEMS;
  const pending: Pending[] = [];
  /** Items in `pending`: what back-pressure counts. */
  let queued = 0;
  /** The export larger than a group being written slice by slice, outside `pending`. */
  let sliced: Pending | undefined;
  let sliceTurn = false;
  let scheduled = false;
  /** Writes handed to an asynchronous sink and not committed yet, and their items. */
  let writing = 0;
  let writingItems = 0;

  const schedule = () => {
    if (
      scheduled ||
      writing >= writesInFlight ||
      writingItems >= itemsInFlight ||
      (pending.length === 0 && !sliced)
    )
      return;
    scheduled = true;
    setImmediate(drain);
  };

  const store = (kind: Kind, parts: unknown[]): void | Promise<void> => {
    if (kind === 'span-columns') return sink.writeSpanColumns!(parts as SpanColumnsSlice[]);
    return kind === 'spans' ? sink.writeSpans(parts as Span[]) : sink.writeLogs(parts as LogRecord[]);
  };

  /** What the sink is handed for items `from` to `to` of an export: the items, or a slice of its columns. */
  const partsOf = (entry: Pending, from: number, to: number): unknown[] =>
    entry.kind === 'span-columns'
      ? [{ columns: entry.items as SpanColumns, from, to } satisfies SpanColumnsSlice]
      : (entry.items as unknown[]).slice(from, to);

  const enqueue = (entry: Omit<Pending, 'sent' | 'written' | 'resolve' | 'reject'>): Promise<void> => {
    if (entry.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      pending.push({ ...entry, sent: 0, written: 0, resolve, reject });
      queued += entry.size;
      schedule();
    });
  };

  /**
   * Writes one group or one slice of the large export, then yields to the event loop. Slices and
   * groups take turns, so exports that arrive while a large one is written are stored (and
   * answered) meanwhile instead of after it.
   */
  function drain(): void {
    scheduled = false;
    let inFlight: Promise<void> | undefined;
    let handed = 0;
    let slice = false;
    const first = pending[0];
    if (!sliced && first && first.size > groupItems) {
      sliced = pending.shift();
      queued -= first.size;
      sliceTurn = true;
    }
    if (sliced && (sliceTurn || !pending[0] || pending[0].size > groupItems)) {
      const entry = sliced;
      const sentBefore = entry.sent;
      slice = true;
      inFlight = writeSlice(entry);
      handed = entry.sent - sentBefore;
    } else if (pending[0]) {
      const group: Pending[] = [];
      let size = 0;
      for (const entry of pending) {
        const oversized = entry.size > groupItems;
        if (
          entry.kind !== pending[0].kind ||
          oversized ||
          (group.length > 0 && size + entry.size > handOffItems)
        )
          break;
        group.push(entry);
        size += entry.size;
      }
      pending.splice(0, group.length);
      queued -= size;
      handed = size;
      inFlight = writeGroup(group);
    }
    sliceTurn = !sliceTurn;
    if (inFlight) {
      writing += 1;
      writingItems += handed;
      void inFlight.finally(() => {
        writing -= 1;
        writingItems -= handed;
        schedule();
      });
    }
    // After a group, the exports still waiting go in the next turn, while fewer than the limits are in
    // flight. A large export's next slice waits for a commit or an arrival instead, so its slices do
    // not fill the sink's queue ahead of the small exports that come meanwhile.
    if (!inFlight || !slice) schedule();
  }

  /** Returns a promise when the sink's write is asynchronous, settled (never rejected) once handled. */
  function writeSlice(entry: Pending): Promise<void> | undefined {
    const from = entry.sent;
    const to = Math.min(entry.size, from + groupItems);
    entry.sent = to;
    // Every slice is handed over: the export leaves the turn-taking; it is answered after the last commit.
    if (entry.sent === entry.size && sliced === entry) sliced = undefined;
    return settle(
      () => store(entry.kind, partsOf(entry, from, to)),
      () => {
        entry.written += to - from;
        if (entry.written === entry.size) entry.resolve();
      },
      (error) => {
        // No further slice is handed over; one already in flight may still commit (a retry's copies
        // of its spans are recognised as duplicates).
        if (sliced === entry) sliced = undefined;
        entry.reject(asWriteError(error, entry));
        return undefined;
      },
    );
  }

  function writeGroup(group: Pending[]): Promise<void> | undefined {
    return settle(
      () =>
        store(
          group[0]!.kind,
          group.flatMap((entry) => partsOf(entry, 0, entry.size)),
        ),
      () => {
        for (const entry of group) entry.resolve();
      },
      (error) => {
        if (group.length > 1 && isOtelMcpError(error) && error.code === 'INVALID_ARGUMENT') {
          // The data of one export was refused: find which, so the others are stored.
          return eachAlone(group, 0);
        }
        for (const entry of group) entry.reject(asWriteError(error, entry));
        return undefined;
      },
    );
  }

  /** Writes each export of a refused group alone, one after the other. */
  function eachAlone(group: Pending[], from: number): Promise<void> | undefined {
    for (let index = from; index < group.length; index += 1) {
      const writing = writeGroup([group[index]!]);
      if (writing) return writing.then(() => eachAlone(group, index + 1));
    }
    return undefined;
  }

  return {
    write: (kind, items) => enqueue({ kind, items, size: items.length }),
    writeColumns: (columns) => enqueue({ kind: 'span-columns', items: columns, size: columns.count }),
    acceptsColumns: sink.writeSpanColumns !== undefined,
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

/**
 * Runs a write that may be synchronous or return a promise, then `ok` or `failed`: at once when it
 * was synchronous (undefined is returned), else when it settles (the returned promise never rejects).
 */
function settle(
  write: () => void | Promise<void>,
  ok: () => void,
  failed: (error: unknown) => Promise<void> | undefined,
): Promise<void> | undefined {
  let result: void | Promise<void>;
  try {
    result = write();
  } catch (error) {
    return failed(error);
  }
  if (!result) {
    ok();
    return undefined;
  }
  return result.then(ok, (error: unknown) => failed(error));
}

function asWriteError(error: unknown, entry: Pending): OtelMcpError {
  // The sink refusing the data itself is the client's error: a retry would be refused the same way.
  if (isOtelMcpError(error) && error.code === 'INVALID_ARGUMENT') return error;
  return new OtelMcpError(
    'BACKEND_UNAVAILABLE',
    `could not store ${entry.size} ${entry.kind === 'logs' ? 'log records' : 'spans'}: ${errorMessage(error)}`,
    'the export can be retried',
    { cause: error },
  );
}
