import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { OtelMcpError, errorMessage, invalidArgument, isOtelMcpError } from '../model/errors.js';
import type {
  LinkInto,
  LogQuery,
  RollupBucket,
  RollupQuery,
  ServiceStats,
  ValueMatches,
  ValueQuery,
} from '../model/backend-queries.js';
import type { LogRecord } from '../model/log-record.js';
import type { OperationInfo, TraceQuery, TraceSummary } from '../model/query.js';
import type { Span, Trace } from '../model/span.js';
import { BodyCache } from './spans/body-cache.js';
import { BodyLog } from './spans/body-log.js';
import { SPAN_HIGH_WATER_SQL } from './attributes/attribute-postings.js';
import { WalCheckpoints } from './wal-checkpoints.js';
import type { SpanColumnsSlice } from '../otlp/index.js';
import { encodeSpanColumns, type EncodedSpans } from './spans/encoded-spans.js';
import { IdRegistry } from './spans/id-registry.js';
import { LogStore } from './spans/log-store.js';
import { MIGRATIONS, applyMigrations, checkMigrated, type Migration } from './schema/migrations.js';
import { Retention, type RetentionPolicy, type RetentionResult } from './spans/retention.js';
import { RollupReader } from './rollups/rollup-reader.js';
import { openConnection, type Durability } from './schema/sqlite-connection.js';
import { kindName } from './spans/span-codec.js';
import { SpanWriter, type SpansWritten } from './spans/span-writer.js';
import { DEFAULT_CANDIDATE_LIMIT, TraceSearch, type SearchPlan } from './spans/trace-search.js';
import { TraceReader } from './spans/trace-reader.js';
import { TransactionLookup } from './spans/transaction-lookup.js';

/** Where the store reports what no caller sees: retention runs, a listener that threw, a failed cleanup. */
export type StoreLog = (message: string) => void;

export interface TraceStoreOptions {
  dataDir: string;
  retention: RetentionPolicy;
  /** Open an existing data dir for reading only (a second otel-mcp process); writes are refused. */
  readOnly?: boolean;
  log: StoreLog;
  /** Default 'normal'; see Durability. */
  durability?: Durability;
  /** Milliseconds since the epoch, for retention by age. Default Date.now. */
  now?: () => number;
  /** Default MIGRATIONS. */
  migrations?: readonly Migration[];
  /** Spans written between two automatic retention runs (default 10,000). */
  retentionEverySpans?: number;
  /** Bytes of span bodies a file holds before the next starts (default 64 MiB; body-log.ts). */
  bodySegmentBytes?: number;
  /** Candidate spans up to which a search collects instead of walking traces (default 5,000). */
  searchCandidateLimit?: number;
  /**
   * Spans and logs are written by another store on the same data dir (the server's writer thread,
   * receiver/worker-sink.ts): this one reads, keeps specs and sessions and runs retention, but never
   * writes spans, so it neither tracks nor seals the open bucket. It tells its listeners about the
   * other's writes through `announceSpansWritten`.
   */
  spansWrittenElsewhere?: boolean;
}

export interface OperationStats extends OperationInfo {
  spanKind: string;
  spanCount: number;
}

export interface StoreStats {
  spanCount: number;
  traceCount: number;
  logCount: number;
  /** The database file, its WAL and the span-body files, in bytes. */
  sizeBytes: number;
  dataDir: string;
}

export type SpansWrittenListener = (written: SpansWritten) => void;

/**
 * Spans deleted at most per automatic retention run inside a write: deleting costs about what
 * writing does (~10 µs a span), so 20,000 keep one export's extra wait near 0.2 s.
 */
const AUTO_RETENTION_SPAN_BUDGET = 20_000;
/** 10,000 spans between checks: a check costs one indexed read, and 10,000 spans is 2% of 500k. */
const DEFAULT_RETENTION_EVERY_SPANS = 10_000;

/**
 * The embedded persistent store: what the receiver ingests, what the embedded backend reads.
 * Satisfies the receiver's `TelemetrySink` (writeSpans, writeSpanColumns, writeLogs; synchronous: an export is
 * acknowledged once they return). Every method throws `OtelMcpError` only: INVALID_ARGUMENT for
 * bad input, UNSUPPORTED for a write on a read-only store, BACKEND_UNAVAILABLE when SQLite fails.
 */
export class TraceStore {
  readonly dataDir: string;
  readonly readOnly: boolean;
  private readonly db: Database.Database;
  private readonly ids: IdRegistry;
  private readonly writer: SpanWriter | undefined;
  private readonly logs: LogStore;
  private readonly reader: TraceReader;
  private readonly search: TraceSearch;
  private readonly transactions: TransactionLookup;
  private readonly retention: Retention;
  private readonly rollups: RollupReader;
  private readonly spanBodies: BodyLog;
  /** Undefined on a read-only store. */
  private readonly checkpoints: WalCheckpoints | undefined;
  private readonly listeners = new Set<SpansWrittenListener>();
  private readonly statements;
  private readonly now: () => number;
  private readonly log: StoreLog;
  private readonly retentionEverySpans: number;
  private writtenSinceRetention = 0;
  private retentionDue = true;
  private closed = false;

  constructor(options: TraceStoreOptions) {
    checkOptions(options);
    this.dataDir = options.dataDir;
    this.readOnly = options.readOnly ?? false;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.retentionEverySpans = options.retentionEverySpans ?? DEFAULT_RETENTION_EVERY_SPANS;
    this.db = openConnection({
      dataDir: options.dataDir,
      readOnly: this.readOnly,
      durability: options.durability ?? 'normal',
    });
    try {
      const migrations = options.migrations ?? MIGRATIONS;
      if (this.readOnly) checkMigrated(this.db, migrations);
      else applyMigrations(this.db, migrations, this.now);
      this.ids = new IdRegistry(this.db);
      const bodies = new BodyCache(this.db);
      this.spanBodies = new BodyLog(options.dataDir, options.bodySegmentBytes);
      const writesSpans = !this.readOnly && !options.spansWrittenElsewhere;
      // With the writer thread writing spans, only it checkpoints: a checkpoint here could make its
      // newest rows durable between syncing their bodies and copying the WAL.
      this.checkpoints = writesSpans ? new WalCheckpoints(this.db, this.spanBodies) : undefined;
      this.writer = writesSpans
        ? new SpanWriter(this.db, this.ids, this.spanBodies, options.durability === 'full')
        : undefined;
      this.logs = new LogStore(this.db, this.ids, bodies);
      this.reader = new TraceReader(this.db, bodies, this.spanBodies);
      this.search = new TraceSearch(
        this.db,
        this.ids,
        bodies,
        this.spanBodies,
        options.searchCandidateLimit ?? DEFAULT_CANDIDATE_LIMIT,
      );
      this.retention = new Retention(this.db, options.retention);
      this.rollups = new RollupReader(this.db);
      this.transactions = new TransactionLookup(this.db, this.spanBodies);
      this.statements = {
        services: this.db
          .prepare(
            `SELECT service AS name, sum(span_count) AS spanCount, max(last_seen_ns) AS lastSeenUnixNano
             FROM operations GROUP BY service HAVING sum(span_count) > 0 ORDER BY service`,
          )
          .safeIntegers(),
        operations: this.db.prepare(
          `SELECT name, kind, span_count AS spanCount FROM operations
           WHERE service = ? AND span_count > 0 ORDER BY name, kind`,
        ),
        spanCount: this.db.prepare('SELECT coalesce(sum(span_count), 0) FROM operations').pluck(),
        traceCount: this.db.prepare('SELECT count(*) FROM traces').pluck(),
        logCount: this.db.prepare('SELECT count(*) FROM logs').pluck(),
        spanIn: this.db.prepare('SELECT 1 FROM spans WHERE id >= ? AND id < ? LIMIT 1').pluck(),
        committedHighWater: this.db.prepare(`SELECT ${SPAN_HIGH_WATER_SQL}`).pluck(),
      };
    } catch (error) {
      this.db.close();
      throw asStoreError(error, 'open the store');
    }
  }

  /** Stores a batch of spans in one transaction; returns once it is committed (durable, see Durability). */
  writeSpans(spans: Span[]): void {
    const writer = this.writable('writeSpans');
    if (!Array.isArray(spans)) throw invalidArgument('writeSpans takes a list of spans');
    this.storeSpans(guard(() => writer.write(spans), 'write spans'));
  }

  /** writeSpans for the spans of protobuf exports decoded into columns (the receiver's fast path). */
  writeSpanColumns(slices: SpanColumnsSlice[]): void {
    const writer = this.writable('writeSpanColumns');
    const batches = slices.map((slice) => encodeSpanColumns(slice.columns, slice.from, slice.to));
    this.storeSpans(guard(() => writer.writeEncoded(...batches), 'write spans'));
  }

  /** writeSpans for batches encoded on another thread (encodeSpans, in worker-sink.ts): one transaction. */
  writeEncodedSpans(batches: EncodedSpans[]): void {
    const writer = this.writable('writeEncodedSpans');
    this.storeSpans(guard(() => writer.writeEncoded(...batches), 'write spans'));
  }

  private storeSpans(written: SpansWritten): void {
    this.writtenSinceRetention += written.spanCount;
    this.retentionIfDue();
    this.checkpointIfDue(written.spanCount);
    if (written.spanCount > 0) this.notify(written);
  }

  writeLogs(logs: LogRecord[]): void {
    this.writable('writeLogs');
    if (!Array.isArray(logs)) throw invalidArgument('writeLogs takes a list of log records');
    guard(() => this.logs.write(logs), 'write logs');
    this.writtenSinceRetention += logs.length;
    this.retentionIfDue();
    this.checkpointIfDue(logs.length);
  }

  /**
   * Calls `listener` after every committed write that stored new spans, with their trace ids and
   * the run ids on their resources. Listeners run synchronously and must be quick; one that throws
   * is logged and does not affect the write. Returns the function that unsubscribes.
   */
  onSpansWritten(listener: SpansWrittenListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners of spans written by another store on this data dir (spansWrittenElsewhere). */
  announceSpansWritten(written: SpansWritten): void {
    if (!this.closed && written.spanCount > 0) this.notify(written);
  }

  getTrace(traceId: string): Trace | undefined {
    this.open();
    return guard(() => this.reader.getTrace(traceId), 'read a trace');
  }

  getSpan(traceId: string, spanId: string): Span | undefined {
    this.open();
    return guard(() => this.reader.getSpan(traceId, spanId), 'read a span');
  }

  resolveTraceIdPrefix(prefix: string, limit: number): string[] {
    this.open();
    return guard(() => this.reader.resolveTraceIdPrefix(prefix, limit), 'resolve a trace id prefix');
  }

  /** Spans carrying `query.value` under an identifier-like key (a business transaction's id). */
  findAttributeValue(query: ValueQuery): ValueMatches {
    this.open();
    return guard(() => this.transactions.findValue(query), 'search an attribute value');
  }

  /** Spans of other traces that link into `traceId` (a consumer pointing at its producer). */
  findLinksInto(traceId: string, limit: number): LinkInto[] {
    this.open();
    return guard(() => this.transactions.linksInto(traceId, limit), 'read span links');
  }

  findTraces(query: TraceQuery): TraceSummary[] {
    this.open();
    return guard(() => this.search.findTraces(query), 'search traces');
  }

  /** How the last findTraces ran (for benchmarks and tests of the planner). */
  lastSearchPlan(): SearchPlan {
    return { ...this.search.lastPlan };
  }

  listServices(): ServiceStats[] {
    this.open();
    return guard(() => {
      const rows = this.statements.services.all() as {
        name: string;
        spanCount: bigint;
        lastSeenUnixNano: bigint;
      }[];
      return rows.map((row) => ({
        name: row.name,
        spanCount: Number(row.spanCount),
        lastSeenUnixNano: row.lastSeenUnixNano,
      }));
    }, 'list services');
  }

  /** The span names of a service with their kinds and counts; empty for a service never seen. */
  listOperations(serviceName: string): OperationStats[] {
    this.open();
    if (typeof serviceName !== 'string') throw invalidArgument('listOperations takes a service name');
    return guard(() => {
      const rows = this.statements.operations.all(serviceName) as {
        name: string;
        kind: number;
        spanCount: number;
      }[];
      return rows.map((row) => ({ name: row.name, spanKind: kindName(row.kind), spanCount: row.spanCount }));
    }, 'list operations');
  }

  /** Per-operation rollups (counts, errors, durations, histograms) of a service, merged into buckets. */
  operationRollups(query: RollupQuery): RollupBucket[] {
    this.open();
    return guard(() => this.rollups.read(query), 'read operation rollups');
  }

  getLogs(query: LogQuery): LogRecord[] {
    this.open();
    return guard(() => this.logs.read(query), 'read logs');
  }

  stats(): StoreStats {
    this.open();
    return guard(
      () => ({
        spanCount: this.statements.spanCount.get() as number,
        traceCount: this.statements.traceCount.get() as number,
        logCount: this.statements.logCount.get() as number,
        sizeBytes: fileSize(this.db.name) + fileSize(`${this.db.name}-wal`) + this.spanBodies.sizeBytes(),
        dataDir: this.dataDir,
      }),
      'read store statistics',
    );
  }

  /**
   * Deletes the traces and logs the retention policy no longer allows; callers may drive it on a
   * timer. With `spanBudget`, stops after about that many spans (`complete: false` says more is due).
   */
  enforceRetention(spanBudget = Number.POSITIVE_INFINITY): RetentionResult {
    this.modifiable('enforceRetention');
    const result = guard(() => this.retention.enforce(this.now(), spanBudget), 'enforce retention');
    this.afterRetention(result);
    this.writtenSinceRetention = 0;
    this.retentionDue = !result.complete;
    return result;
  }

  /**
   * The SQLite connection, for the repositories that share this data dir (specs, sessions): they
   * add tables through MIGRATIONS and run their statements here. Not for span tables.
   */
  connection(): Database.Database {
    this.open();
    return this.db;
  }

  /**
   * Writes the attribute postings of the spans that are still only in the open bucket, so a
   * second reader or the next start finds them in the index (close does it).
   */
  sealOpenBucket(): void {
    const writer = this.writable('sealOpenBucket');
    guard(() => writer.seal(), 'index the newest spans');
  }

  close(): void {
    if (this.closed) return;
    if (this.writer) {
      try {
        this.writer.seal();
      } catch (error) {
        // Nothing is lost: the next start rebuilds the open bucket's postings from its spans.
        this.log(`could not index the newest spans at close: ${errorMessage(error)}`);
      }
    }
    this.closed = true;
    this.listeners.clear();
    try {
      // Closing checkpoints the WAL: the bodies its rows point at go to disk first.
      if (!this.readOnly) this.spanBodies.syncNewest();
      this.spanBodies.close();
    } catch (error) {
      this.log(`could not sync the span bodies at close: ${errorMessage(error)}`);
    }
    this.db.close();
  }

  /** A checkpoint once the writes since the last one filled the WAL enough (wal-checkpoints.ts). */
  private checkpointIfDue(items: number): void {
    try {
      this.checkpoints?.afterWrite(items);
    } catch (error) {
      // The write is committed; the WAL is copied at the next checkpoint.
      this.log(`a WAL checkpoint failed (retried after the next write): ${errorMessage(error)}`);
    }
  }

  /** Removes the body segments whose spans retention deleted, once its deletes are committed. */
  private afterRetention(result: RetentionResult): void {
    // Also when this run deleted nothing: the other thread's retention may have, and the segments
    // it removed are let go here too (closing this connection's reads of them frees their space).
    try {
      const { spanIn, committedHighWater } = this.statements;
      this.spanBodies.dropUnused(
        (from, to) => spanIn.get(from, to) !== undefined,
        (committedHighWater.get() as number) + 1,
      );
    } catch (error) {
      this.log(`could not remove the span bodies retention freed: ${errorMessage(error)}`);
    }
    this.checkpointIfDue(result.deletedSpans + result.deletedLogs);
  }

  private retentionIfDue(): void {
    if (!this.retentionDue && this.writtenSinceRetention < this.retentionEverySpans) return;
    this.writtenSinceRetention = 0;
    try {
      const result = this.retention.enforce(this.now(), AUTO_RETENTION_SPAN_BUDGET);
      this.afterRetention(result);
      this.retentionDue = !result.complete;
      if (result.deletedTraces > 0 || result.deletedLogs > 0) {
        this.log(
          `retention deleted ${result.deletedTraces} traces (${result.deletedSpans} spans) and ${result.deletedLogs} logs`,
        );
      }
    } catch (error) {
      // The batch itself is committed; a failed cleanup is retried at the next check.
      this.log(`store retention failed (retried at the next check): ${errorMessage(error)}`);
    }
  }

  private notify(written: SpansWritten): void {
    for (const listener of this.listeners) {
      try {
        listener(written);
      } catch (error) {
        this.log(`a spans-written listener threw: ${errorMessage(error)}`);
      }
    }
  }

  private open(): void {
    if (this.closed) throw new OtelMcpError('BACKEND_UNAVAILABLE', `the store at ${this.dataDir} is closed`);
  }

  private writable(method: string): SpanWriter {
    this.modifiable(method);
    if (!this.writer) {
      throw new OtelMcpError(
        'UNSUPPORTED',
        `${method}: spans and logs of the store at ${this.dataDir} are written by its writer thread`,
        'write through the receiver',
      );
    }
    return this.writer;
  }

  private modifiable(method: string): void {
    this.open();
    if (this.readOnly) {
      throw new OtelMcpError(
        'UNSUPPORTED',
        `${method}: the store at ${this.dataDir} is open read-only`,
        'write through the otel-mcp process that owns the data dir',
      );
    }
  }
}

export function openTraceStore(options: TraceStoreOptions): TraceStore {
  return new TraceStore(options);
}

function checkOptions(options: TraceStoreOptions): void {
  if (typeof options?.dataDir !== 'string' || options.dataDir === '') {
    throw invalidArgument('the store needs a dataDir', 'pass the data directory, e.g. .otel-mcp');
  }
  const { maxSpans, maxAgeMs, maxLogs } = options.retention ?? {};
  if (!Number.isInteger(maxSpans) || (maxSpans as number) < 1) {
    throw invalidArgument(`retention.maxSpans ${String(maxSpans)} is not a positive integer`);
  }
  if (typeof maxAgeMs !== 'number' || !(maxAgeMs > 0)) {
    throw invalidArgument(`retention.maxAgeMs ${String(maxAgeMs)} is not a positive number of milliseconds`);
  }
  if (maxLogs !== undefined && (!Number.isInteger(maxLogs) || maxLogs < 1)) {
    throw invalidArgument(`retention.maxLogs ${String(maxLogs)} is not a positive integer`);
  }
  const segment = options.bodySegmentBytes;
  // A locator's offset is 32 bits: a segment and the batch that overflows it stay far below 4 GiB.
  if (segment !== undefined && (!Number.isInteger(segment) || segment < 1 || segment > 2 ** 30)) {
    throw invalidArgument(`bodySegmentBytes ${String(segment)} is not an integer from 1 to 2^30`);
  }
}

/** Runs `work`, turning anything but an OtelMcpError (an SQLite failure) into one that says what failed. */
function guard<T>(work: () => T, what: string): T {
  try {
    return work();
  } catch (error) {
    throw asStoreError(error, what);
  }
}

function asStoreError(error: unknown, what: string): OtelMcpError {
  if (isOtelMcpError(error)) return error;
  const code = (error as { code?: unknown }).code;
  // The second: a span-body file (body-log.ts) could not grow.
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new OtelMcpError(
      'RESOURCE_EXHAUSTED',
      `cannot ${what}: the disk is full`,
      'free disk space or lower retention.max_spans',
      {
        cause: error,
      },
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new OtelMcpError(
      'BACKEND_UNAVAILABLE',
      `cannot ${what}: the database is locked by another process`,
      'retry shortly',
      {
        cause: error,
      },
    );
  }
  return new OtelMcpError('BACKEND_UNAVAILABLE', `cannot ${what}: ${errorMessage(error)}`, undefined, {
    cause: error,
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
