import type Database from 'better-sqlite3';
import { objectArray } from '../../model/object-array.js';
import type { Span } from '../../model/span.js';
import { AttributePostings, type PostingValue } from '../attributes/attribute-postings.js';
import type { IdRegistry } from './id-registry.js';
import { RollupBatch, RollupWriter } from '../rollups/rollup-writer.js';
import { encodeSpans, type EncodedSpans } from './encoded-spans.js';
import { spanFieldGroups } from './span-field-postings.js';
import { KnownTraces, type TraceRow } from './known-traces.js';
import { MultiRowInsert } from './multi-row-insert.js';
import { SpanRowInserts } from './span-row-inserts.js';
import { TraceGenerationIndex } from './trace-generation-index.js';
import { bodyLocator, type BodyLog } from './body-log.js';
import { StoredSpanIds } from './stored-span-ids.js';
import { addSpans, type TraceAggregate } from './trace-summary-merge.js';

/** What a write stored: spans sent twice (an exporter's retry) are stored and counted once. */
export interface SpansWritten {
  spanCount: number;
  /** Distinct, in first-seen order. */
  traceIds: string[];
  /** The stored spans grouped by the run id on their resource; spans without one are not listed. */
  runs: { runId: string; traceIds: string[]; spanCount: number }[];
}

/**
 * The span write path: one transaction per batch, prepared statements, each span's OTLP message as
 * its body (in the body log, the row holding where: body-log.ts); the attribute index is kept as
 * per-bucket postings (attribute-postings.ts), which also gives each span its id.
 */
export class SpanWriter {
  private readonly statements;
  private readonly writeBatch: (batches: EncodedSpans[]) => SpansWritten;
  private readonly sealBatch: () => void;
  private readonly rollups: RollupWriter;
  private readonly postings: AttributePostings;
  private readonly storedSpanIds: StoredSpanIds;
  private readonly knownTraces: KnownTraces;
  private readonly spanRows: SpanRowInserts;
  // Trace and run rows are gathered too: one statement a row cost ~3.5 and ~1.7 µs a trace.
  private readonly traceRows: MultiRowInsert;
  private readonly runRows: MultiRowInsert;
  private readonly generations: TraceGenerationIndex;

  /** `syncBodiesEachCommit`: durability `full`, where every commit is synced, so are its bodies. */
  constructor(
    db: Database.Database,
    private readonly ids: IdRegistry,
    private readonly bodyLog: BodyLog,
    syncBodiesEachCommit: boolean,
  ) {
    this.statements = {
      updateTrace: db.prepare(
        `UPDATE traces SET ${AGGREGATE_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`,
      ),
      insertLinks: db.prepare(
        `INSERT OR IGNORE INTO span_links (linked_trace_id, trace_ref, span_id, linked_span_id)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`,
      ),
      countOperation: db.prepare(
        'UPDATE operations SET span_count = span_count + ?, last_seen_ns = max(last_seen_ns, ?) WHERE id = ?',
      ),
    };
    this.rollups = new RollupWriter(db);
    this.postings = new AttributePostings(db, ids, bodyLog);
    this.storedSpanIds = new StoredSpanIds(db);
    this.knownTraces = new KnownTraces(db, (ref) => {
      // Only a row this batch gave out may be among the gathered ones: a lookup that meets an
      // older trace (a batch extending stored traces) leaves the gathering alone.
      if (this.generations.mayBeNew(ref)) this.traceRows.flush();
    });
    this.spanRows = new SpanRowInserts(db);
    // A new trace, with its whole aggregate (KnownTraces keeps trace ids unique).
    this.traceRows = new MultiRowInsert(db, 'traces', ['id', 'trace_id', ...AGGREGATE_COLUMNS]);
    this.runRows = new MultiRowInsert(db, 'trace_span_runs', ['trace_ref', 'first_span', 'last_span']);
    this.generations = new TraceGenerationIndex(db);
    // Run as BEGIN IMMEDIATE (here, in log-store.ts and retention.ts): two connections write the
    // data dir (the writer thread; the main one's retention timer, specs and sessions), and a
    // deferred transaction that read before writing fails at once with SQLITE_BUSY (its snapshot is
    // stale) instead of waiting for the other's commit.
    this.writeBatch = db.transaction((batches: EncodedSpans[]) => {
      const written = mergeWritten(batches.map((batch) => this.store(batch)));
      if (syncBodiesEachCommit) this.bodyLog.sync();
      return written;
    }).immediate;
    this.sealBatch = db.transaction(() => this.postings.seal()).immediate;
  }

  /** Puts every span stored so far into the attribute postings (AttributePostings.seal). */
  seal(): void {
    try {
      this.sealBatch();
    } catch (error) {
      this.ids.forget();
      this.postings.forget();
      throw error;
    }
  }

  /** Stores a batch atomically; throws INVALID_ARGUMENT (nothing stored) for a malformed span. */
  write(spans: readonly Span[]): SpansWritten {
    return this.writeEncoded(encodeSpans(spans));
  }

  /** Stores batches encoded by encodeSpans (here, or on the thread that decoded them) in one transaction. */
  writeEncoded(...batches: EncodedSpans[]): SpansWritten {
    if (batches.every((batch) => batch.count === 0)) return { spanCount: 0, traceIds: [], runs: [] };
    try {
      // Before BEGIN IMMEDIATE: reading every stored trace id at first use must not hold the write lock.
      this.knownTraces.load();
      return this.writeBatch(batches);
    } catch (error) {
      this.ids.forget();
      this.rollups.forget();
      this.postings.forget();
      this.storedSpanIds.forget();
      this.knownTraces.forget();
      this.spanRows.forget();
      this.traceRows.forget();
      this.runRows.forget();
      throw error;
    }
  }

  private store(batch: EncodedSpans): SpansWritten {
    // Pushed in loops rather than made by Array.prototype.map: map's builtin gives a packed array and
    // its JIT-inlined form a holey one, and code optimized for one kind was thrown away on the other.
    const resourceIds: number[] = [];
    for (const resource of batch.resources) resourceIds.push(this.ids.encodedResourceId(resource));
    const scopeIds: number[] = [];
    for (const scope of batch.scopes) scopeIds.push(this.ids.encodedScopeId(scope));
    const operationIds: number[] = [];
    for (const { service, name, kind } of batch.operations)
      operationIds.push(this.ids.operationId(service, name, kind));
    const keyIds: number[] = [];
    for (const key of batch.attributeKeys) keyIds.push(this.ids.keyId(key));
    // The id each span is stored under (-1: a duplicate, not stored), given in turn from the high water.
    const refs = new Float64Array(batch.count).fill(-1);
    let nextRef = this.postings.nextSpanId();
    const operations = new Map<number, { count: number; lastSeen: bigint }>();
    const linkRows: [string, number, string, string][] = [];
    const rollups = new RollupBatch();
    const written: SpansWritten = { spanCount: 0, traceIds: [], runs: [] };
    const runs = new Map<string, { runId: string; traceIds: string[]; spanCount: number }>();
    const { times, linkEnds, bodyStarts, bodyEnds } = batch;
    // Before the rows that point at them: bytes of a batch whose transaction fails are never read.
    const bodies = this.bodyLog.append(batch.bodies, nextRef);

    this.generations.begin();
    const groups: number[][] = objectArray();
    for (let trace = 0; trace < batch.traceIds.length; trace += 1) groups.push([]);
    for (let span = 0; span < batch.count; span += 1) groups[batch.trace[span]!]!.push(span);
    batch.traceIds.forEach((traceId, trace) => {
      const group = groups[trace]!;
      // A trace first seen in this batch (the usual case: an SDK exports a trace's spans together)
      // is inserted with its aggregate in one statement; a known one is read, extended and updated.
      const row = this.knownTraces.find(traceId);
      let traceRef: number;
      if (row) traceRef = Number(row.id);
      else {
        const fresh = addSpans(undefined, batch, group);
        traceRef = this.generations.nextId();
        this.traceRows.add(traceRef, traceId, ...aggregateColumns(fresh));
        this.knownTraces.add(traceId, traceRef);
      }
      // A span id already stored for the trace (an exporter's retry, a trace exported in parts) or
      // repeated in this batch is stored once.
      const seen = row ? this.storedSpanIds.of(traceRef) : group.length > 1 ? new Set<string>() : undefined;
      const firstRef = nextRef;
      const stored: number[] = [];
      for (const span of group) {
        if (seen) {
          if (seen.has(batch.spanIds[span]!)) continue;
          seen.add(batch.spanIds[span]!);
        }
        const operationId = operationIds[batch.operation[span]!]!;
        const startNs = times[2 * span]!;
        const endNs = times[2 * span + 1]!;
        const statusCode = batch.statuses[span]!;
        const spanRef = nextRef;
        this.spanRows.add(
          spanRef,
          traceRef,
          batch.spanIds[span]!,
          batch.parentSpanIds[span]!,
          operationId,
          startNs,
          endNs,
          statusCode,
          resourceIds[batch.resource[span]!]!,
          scopeIds[batch.scope[span]!]!,
          bodyLocator(bodies.segment, bodies.offset + bodyStarts[span]!, bodyEnds[span]! - bodyStarts[span]!),
        );
        refs[span] = spanRef;
        nextRef += 1;
        stored.push(span);
        rollups.add(operationId, startNs, endNs, statusCode);
        for (let link = span === 0 ? 0 : linkEnds[span - 1]!; link < linkEnds[span]!; link += 1) {
          linkRows.push([
            batch.linkTraceIds[link]!,
            traceRef,
            batch.spanIds[span]!,
            batch.linkSpanIds[link]!,
          ]);
        }
        const operation = operations.get(operationId);
        if (!operation) operations.set(operationId, { count: 1, lastSeen: endNs });
        else {
          operation.count += 1;
          if (endNs > operation.lastSeen) operation.lastSeen = endNs;
        }
        const runId = batch.resources[batch.resource[span]!]!.runId;
        if (runId !== undefined) {
          let run = runs.get(runId);
          if (!run) runs.set(runId, (run = { runId, traceIds: [], spanCount: 0 }));
          run.spanCount += 1;
          if (run.traceIds[run.traceIds.length - 1] !== traceId) run.traceIds.push(traceId);
        }
      }
      if (stored.length === 0) return;
      this.runRows.add(traceRef, firstRef, nextRef - 1);
      if (row) this.storedSpanIds.added(traceRef, firstRef, stored.length);
      // A new trace's aggregate is already right unless the batch repeated a span id.
      if (row || stored.length !== group.length) {
        const aggregate = addSpans(row ? aggregateOf(row) : undefined, batch, stored);
        // A trace new in this batch may still be among the gathered rows.
        if (!row) this.traceRows.flush();
        this.statements.updateTrace.run(...aggregateColumns(aggregate), traceRef);
      }
      written.spanCount += stored.length;
      written.traceIds.push(traceId);
    });
    // Before anything reads them: listing reads `traces`; a closing bucket's postings check `spans`
    // still holds spans; a later batch of this transaction reads the trace and span ids and the runs
    // of a trace it extends. (Within the batch, KnownTraces flushes the trace rows before it reads.)
    this.traceRows.flush();
    this.runRows.flush();
    this.generations.listIfDue();
    this.spanRows.flush();
    // The attributes' groups, then the operation, duration and resource ones (span-field-postings.ts).
    const fields = spanFieldGroups(batch, operationIds, resourceIds);
    const attributeSpans = batch.postingSpans.length;
    const spans = new Uint32Array(attributeSpans + fields.spans.length);
    spans.set(batch.postingSpans);
    spans.set(fields.spans, attributeSpans);
    // The attributes' groups, then the fields', in loops for the reason given at resourceIds.
    const groupKeys: number[] = [];
    const groupValues: PostingValue[] = objectArray();
    const groupEnds: number[] = [];
    for (let group = 0; group < batch.postingKeys.length; group += 1) {
      groupKeys.push(keyIds[batch.postingKeys[group]!]!);
      groupValues.push(batch.indexValues[batch.postingValues[group]!]!);
      groupEnds.push(batch.postingEnds[group]!);
    }
    for (let group = 0; group < fields.keyIds.length; group += 1) {
      groupKeys.push(fields.keyIds[group]!);
      groupValues.push(fields.values[group]!);
      groupEnds.push(fields.ends[group]! + attributeSpans);
    }
    this.postings.addGroups(nextRef - 1, refs, groupKeys, groupValues, groupEnds, spans);
    this.postings.commit();
    if (linkRows.length > 0) this.statements.insertLinks.run(JSON.stringify(linkRows));
    this.rollups.write(rollups);
    for (const [id, operation] of operations)
      this.statements.countOperation.run(operation.count, operation.lastSeen, id);
    written.runs = [...runs.values()];
    return written;
  }
}

/** One SpansWritten for several batches stored in turn: a trace or run they share is listed once. */
function mergeWritten(parts: SpansWritten[]): SpansWritten {
  if (parts.length === 1) return parts[0]!;
  const traceIds = new Set<string>();
  const runs = new Map<string, { runId: string; traceIds: Set<string>; spanCount: number }>();
  let spanCount = 0;
  for (const part of parts) {
    spanCount += part.spanCount;
    for (const traceId of part.traceIds) traceIds.add(traceId);
    for (const run of part.runs) {
      let merged = runs.get(run.runId);
      if (!merged) runs.set(run.runId, (merged = { runId: run.runId, traceIds: new Set(), spanCount: 0 }));
      merged.spanCount += run.spanCount;
      for (const traceId of run.traceIds) merged.traceIds.add(traceId);
    }
  }
  return {
    spanCount,
    traceIds: [...traceIds],
    runs: [...runs.values()].map((run) => ({ ...run, traceIds: [...run.traceIds] })),
  };
}

/** The `traces` columns a trace's aggregate fills, in aggregateColumns' order. */
const AGGREGATE_COLUMNS = [
  'start_ns',
  'end_ns',
  'span_count',
  'error_count',
  'root_span_id',
  'root_start_ns',
  'root_service',
  'root_name',
  'services',
];

/** The values of AGGREGATE_COLUMNS for `aggregate`. */
function aggregateColumns(
  aggregate: TraceAggregate,
): [bigint, bigint, number, number, string | null, bigint | null, string | null, string | null, string] {
  return [
    aggregate.startNs,
    aggregate.endNs,
    aggregate.spanCount,
    aggregate.errorCount,
    aggregate.root?.spanId ?? null,
    aggregate.root?.startNs ?? null,
    aggregate.root?.service ?? null,
    aggregate.root?.name ?? null,
    JSON.stringify(aggregate.services),
  ];
}

function aggregateOf(row: TraceRow): TraceAggregate {
  const aggregate: TraceAggregate = {
    startNs: row.start_ns,
    endNs: row.end_ns,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    services: JSON.parse(row.services) as string[],
  };
  if (row.root_span_id !== null && row.root_start_ns !== null) {
    aggregate.root = {
      spanId: row.root_span_id,
      startNs: row.root_start_ns,
      service: row.root_service ?? '',
      name: row.root_name ?? '',
    };
  }
  return aggregate;
}
