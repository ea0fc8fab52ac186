import type Database from 'better-sqlite3';
import type { TraceQuery, TraceSummary } from '../../model/query.js';
import { nanosToMs } from '../../model/time.js';
import { OPEN_BUCKET_SQL } from '../attributes/attribute-postings.js';
import {
  attributeEquals,
  attributePresent,
  attributeTextEquals,
  registerAttributeFunctions,
} from '../attributes/attribute-sql.js';
import { NOT_INDEXED, filterIndexValues, type FilterScalar } from '../attributes/attribute-values.js';
import type { BodyCache } from './body-cache.js';
import type { BodyLog } from './body-log.js';
import type { IdRegistry } from './id-registry.js';
import { BUCKET_SERIES, BUCKET_SHIFT } from './span-buckets.js';
import { DURATION_KEY, OPERATION_KEY, RESOURCE_KEY, durationClass } from './span-field-postings.js';
import { checkTraceQuery, type CheckedQuery } from './trace-query-check.js';

/**
 * Up to this many candidate spans, a search collects every span that passes its most selective
 * filter and sorts their traces; above it, it walks traces newest first and stops at `limit`
 * matches. Collecting costs ~2 µs per candidate, so 5,000 bound it near 10 ms; a filter matched by
 * more spans than that is common enough that the walk meets `limit` traces early.
 */
export const DEFAULT_CANDIDATE_LIMIT = 5_000;

/** How a search ran: which plan and how many spans its driving filter had (tests and benchmarks). */
export interface SearchPlan {
  strategy: 'recent' | 'collect' | 'walk' | 'empty';
  driver?: string;
  estimate?: number;
}

interface Fragment {
  sql: string;
  params: unknown[];
}

type AttributeTest = 'equals' | 'equals-long' | 'present';

interface CompiledAttribute {
  key: string;
  keyId: number;
  test: AttributeTest;
  /** `equals`: the accepted index texts; `equals-long`: the value itself. */
  values: string[];
  /** Resources that satisfy the filter, for spans that lack the key. */
  resourceIds: number[];
}

interface Operations {
  ids: number[];
  spanCount: number;
}

interface Driver {
  name: string;
  estimate: number;
  /**
   * SQL yielding the trace_ref of every span that passes the whole span predicate. `without` gives
   * the predicate less the attribute filter at an index, for spans a posting of that very
   * attribute found (exact: re-checking them against their own attributes would cost ~8 µs each).
   */
  source: (predicate: Fragment, without: (attributeIndex: number) => Fragment) => Fragment;
}

interface SummaryRow {
  trace_id: string;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  root_service: string | null;
  root_name: string | null;
  services: string;
}

/** The lowest and highest bucket holding spans, and the open bucket (its postings not yet written). */
const BUCKET_RANGE = `SELECT (SELECT min(id) FROM spans) >> ${BUCKET_SHIFT}, (SELECT max(id) FROM spans) >> ${BUCKET_SHIFT},
  ${OPEN_BUCKET_SQL}`;
const SUMMARY_COLUMNS =
  't.trace_id, t.start_ns, t.end_ns, t.span_count, t.error_count, t.root_service, t.root_name, t.services';
const NEWEST_FIRST = 'ORDER BY t.start_ns DESC, t.id DESC';
/** The longest duration a span can have (int64 nanoseconds): the top of an open-ended range. */
const MAX_DURATION_NS = 2n ** 63n - 1n;

/**
 * findTraces. A trace matches when one of its spans passes every span-level filter (service,
 * operation, attributes, duration) and the trace passes the trace-level ones (start in the window,
 * status). Results are newest first by trace start.
 */
export class TraceSearch {
  lastPlan: SearchPlan = { strategy: 'empty' };
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly ids: IdRegistry,
    private readonly bodies: BodyCache,
    spanBodies: BodyLog,
    private readonly candidateLimit = DEFAULT_CANDIDATE_LIMIT,
  ) {
    registerAttributeFunctions(db, spanBodies);
  }

  findTraces(query: TraceQuery): TraceSummary[] {
    const q = checkTraceQuery(query);
    const operations = this.operations(q);
    if (operations?.ids.length === 0) return this.empty();
    const attributes: CompiledAttribute[] = [];
    for (const filter of q.attributes) {
      const compiled = this.compileAttribute(filter.key, filter.value);
      if (!compiled) return this.empty();
      attributes.push(compiled);
    }
    const predicate = spanPredicate(q, operations, attributes);
    const trace = traceConditions(q);
    if (!predicate) {
      this.lastPlan = { strategy: 'recent' };
      return this.summaries(
        `SELECT ${SUMMARY_COLUMNS} FROM traces t INDEXED BY ${traceIndex(q)}
         WHERE ${trace.sql} ${NEWEST_FIRST} LIMIT ?`,
        [...trace.params, q.limit],
      );
    }
    const driver = this.bestDriver(q, operations, attributes);
    if (driver && driver.estimate <= this.candidateLimit) {
      if (driver.estimate === 0) return this.empty();
      this.lastPlan = { strategy: 'collect', driver: driver.name, estimate: driver.estimate };
      const source = driver.source(
        predicate,
        (index) => spanPredicate(q, operations, attributes, index) ?? { sql: '1', params: [] },
      );
      return this.summaries(
        `SELECT ${SUMMARY_COLUMNS} FROM (SELECT DISTINCT trace_ref FROM (${source.sql})) m
         CROSS JOIN traces t ON t.id = m.trace_ref
         WHERE ${trace.sql} ${NEWEST_FIRST} LIMIT ?`,
        [...source.params, ...trace.params, q.limit],
      );
    }
    this.lastPlan = { strategy: 'walk', driver: driver?.name, estimate: driver?.estimate };
    return this.summaries(
      `SELECT ${SUMMARY_COLUMNS} FROM traces t INDEXED BY ${traceIndex(q)}
       WHERE ${trace.sql} AND EXISTS (
         SELECT 1 FROM trace_span_runs r CROSS JOIN spans s ON s.id BETWEEN r.first_span AND r.last_span
         WHERE r.trace_ref = t.id AND ${predicate.sql})
       ${NEWEST_FIRST} LIMIT ?`,
      [...trace.params, ...predicate.params, q.limit],
    );
  }

  private empty(): TraceSummary[] {
    this.lastPlan = { strategy: 'empty' };
    return [];
  }

  private operations(q: CheckedQuery): Operations | undefined {
    if (q.serviceName === undefined && q.operationName === undefined) return undefined;
    const where: string[] = ['span_count > 0'];
    const params: string[] = [];
    if (q.serviceName !== undefined) {
      where.push('service = ?');
      params.push(q.serviceName);
    }
    if (q.operationName !== undefined) {
      where.push('name = ?');
      params.push(q.operationName);
    }
    const rows = this.statement(`SELECT id, span_count FROM operations WHERE ${where.join(' AND ')}`).all(
      ...params,
    ) as { id: number; span_count: number }[];
    return { ids: rows.map((row) => row.id), spanCount: rows.reduce((sum, row) => sum + row.span_count, 0) };
  }

  /** Undefined when no span or resource can satisfy the filter. */
  private compileAttribute(key: string, value: FilterScalar | undefined): CompiledAttribute | undefined {
    const keyId = this.ids.findKeyId(key);
    if (keyId === undefined) return undefined;
    const indexValues = value === undefined ? undefined : filterIndexValues(value);
    const test: AttributeTest = value === undefined ? 'present' : indexValues ? 'equals' : 'equals-long';
    const values =
      test === 'equals' ? (indexValues as string[]) : test === 'equals-long' ? [String(value)] : [];
    let resourceIds: number[];
    if (test === 'present') {
      resourceIds = this.pluck('SELECT resource_id FROM resource_attributes WHERE key_id = ?', [keyId]);
    } else if (test === 'equals') {
      resourceIds = this.pluck(
        `SELECT resource_id FROM resource_attributes WHERE key_id = ? AND value IN (${marks(values.length)})`,
        [keyId, ...values],
      );
    } else {
      resourceIds = this.pluck('SELECT resource_id FROM resource_attributes WHERE key_id = ? AND value = ?', [
        keyId,
        NOT_INDEXED,
      ]).filter((id) => this.bodies.resource(id).attributes[key] === value);
    }
    return { key, keyId, test, values, resourceIds };
  }

  /**
   * The filter with the fewest spans behind it, counted up to the candidate limit. The operation
   * counts are kept on ingest; the others cost one seek per bucket plus the rows counted.
   */
  private bestDriver(
    q: CheckedQuery,
    operations: Operations | undefined,
    attributes: CompiledAttribute[],
  ): Driver | undefined {
    const range = this.statement(BUCKET_RANGE).raw().get() as [number | null, number | null, number];
    if (range[0] === null || range[1] === null) return { name: 'no spans', estimate: 0, source: (p) => p };
    const [lowest, highest, open] = range;
    const postings = new ClosedPostings(lowest, highest, open);
    const openStart = open * 2 ** BUCKET_SHIFT;
    // The open bucket has no postings yet: its ≤1,024 rows are read by rowid (NOT INDEXED, so never
    // through an index over every span).
    const openSpans = (condition: Fragment): Fragment => ({
      sql: `SELECT s.trace_ref FROM spans s NOT INDEXED WHERE s.id >= ? AND ${condition.sql}`,
      params: [openStart, ...condition.params],
    });
    const openCount = (condition: Fragment) =>
      this.boundedCount(`SELECT 1 FROM spans s NOT INDEXED WHERE s.id >= ? AND ${condition.sql}`, [
        openStart,
        ...condition.params,
      ]);
    const closedCount = (entries: Fragment) =>
      postings.any ? this.boundedCount(postings.entries(entries).sql, postings.entries(entries).params) : 0;
    const drivers: Driver[] = [];
    if (operations) {
      const entries = {
        sql: `d.key_id = ${OPERATION_KEY} AND d.value IN (${operations.ids.join(',')})`,
        params: [],
      };
      drivers.push({
        name: 'operation',
        estimate: operations.spanCount,
        source: (p) => union([...postings.spans(entries, p), openSpans(p)]),
      });
    }
    const durations = durationConditions(q, 's.duration_ns');
    if (durations.sql) {
      const entries = {
        sql: `d.key_id = ${DURATION_KEY} AND d.value BETWEEN ? AND ?`,
        params: [durationClass(q.minDurationNs ?? 0), durationClass(q.maxDurationNs ?? MAX_DURATION_NS)],
      };
      drivers.push({
        name: 'duration',
        estimate: closedCount(entries) + openCount(durations),
        // The classes at either end hold spans just outside the range: the predicate re-checks them.
        source: (p) => union([...postings.spans(entries, p), openSpans(p)]),
      });
    }
    for (const [index, attribute] of attributes.entries()) {
      const entries = indexEntries(attribute, 'd');
      const byResource = {
        sql: `d.key_id = ${RESOURCE_KEY} AND d.value IN (${attribute.resourceIds.join(',')})`,
        params: [],
      };
      const hasResources = attribute.resourceIds.length > 0;
      const estimate =
        closedCount(entries) +
        openCount(attributeCondition(attribute)) +
        (hasResources ? closedCount(byResource) : 0);
      drivers.push({
        name: `attribute ${attribute.key}`,
        estimate,
        source: (p, without) => {
          // A long value's posting says only "present, not indexed": those spans are checked in full.
          const rest = attribute.test === 'equals-long' ? p : without(index);
          return union([
            ...postings.spans(entries, rest),
            openSpans(p),
            ...(hasResources ? postings.spans(byResource, p) : []),
          ]);
        },
      });
    }
    return drivers.reduce<Driver | undefined>(
      (best, driver) => (!best || driver.estimate < best.estimate ? driver : best),
      undefined,
    );
  }

  /** Rows of a subquery, counting no further than one past the candidate limit. */
  private boundedCount(sql: string, params: unknown[]): number {
    return this.statement(`SELECT count(*) FROM (${sql} LIMIT ?)`)
      .pluck()
      .get(...params, this.candidateLimit + 1) as number;
  }

  private pluck(sql: string, params: unknown[]): number[] {
    return this.statement(sql)
      .pluck()
      .all(...params) as number[];
  }

  private summaries(sql: string, params: unknown[]): TraceSummary[] {
    const rows = this.statement(sql)
      .safeIntegers()
      .all(...params) as SummaryRow[];
    return rows.map(toSummary);
  }

  /** Statements by SQL text; the shapes a tool produces are few, and preparing costs ~50 µs. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 200) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** The span-level filters as one condition on `s` (less the attribute at `skip`); undefined when none is left. */
function spanPredicate(
  q: CheckedQuery,
  operations: Operations | undefined,
  attributes: CompiledAttribute[],
  skip?: number,
): Fragment | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (operations) parts.push(`s.operation_id IN (${operations.ids.join(',')})`);
  const durations = durationConditions(q, 's.duration_ns');
  if (durations.sql) {
    parts.push(durations.sql);
    params.push(...durations.params);
  }
  if (parts.length === 0 && attributes.filter((_, index) => index !== skip).length === 0) return undefined;
  // Implied by the window (a span never starts before its trace): prunes without changing the answer.
  if (q.windowStartNs !== undefined) {
    parts.push('s.start_ns >= ?');
    params.push(q.windowStartNs);
  }
  attributes.forEach((attribute, index) => {
    if (index === skip) return;
    const fragment = attributeCondition(attribute);
    parts.push(fragment.sql);
    params.push(...fragment.params);
  });
  return { sql: parts.join(' AND '), params };
}

/**
 * The filter on span `s`, judged from the span's own attributes (the postings only find candidates).
 * With `withResource`, a span without the key also passes when its resource satisfies the filter.
 */
function attributeCondition(attribute: CompiledAttribute, withResource = true): Fragment {
  const alternatives: string[] = [];
  const params: unknown[] = [];
  const hasKey = attributePresent('s', attribute.key);
  const own =
    attribute.test === 'equals'
      ? attributeEquals('s', attribute.key, attribute.values)
      : attribute.test === 'equals-long'
        ? attributeTextEquals('s', attribute.key, attribute.values[0]!)
        : hasKey;
  alternatives.push(own.sql);
  params.push(...own.params);
  if (withResource && attribute.resourceIds.length > 0) {
    const byResource = `s.resource_id IN (${attribute.resourceIds.join(',')})`;
    if (attribute.test === 'present') {
      alternatives.push(byResource);
    } else {
      // The span's own attribute, when it has one, decides; the resource's counts only without it.
      alternatives.push(`(${byResource} AND NOT ${hasKey.sql})`);
      params.push(...hasKey.params);
    }
  }
  return { sql: `(${alternatives.join(' OR ')})`, params };
}

/** The attribute-index entries a filter reads, on the table aliased `alias`. */
function indexEntries(attribute: CompiledAttribute, alias: string): Fragment {
  switch (attribute.test) {
    case 'equals':
      return {
        sql: `${alias}.key_id = ${attribute.keyId} AND ${alias}.value IN (${marks(attribute.values.length)})`,
        params: attribute.values,
      };
    case 'equals-long':
      return { sql: `${alias}.key_id = ${attribute.keyId} AND ${alias}.value = ${NOT_INDEXED}`, params: [] };
    case 'present':
      return { sql: `${alias}.key_id = ${attribute.keyId}`, params: [] };
  }
}

function durationConditions(q: CheckedQuery, column: string): Fragment {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.minDurationNs !== undefined) {
    parts.push(`${column} >= ?`);
    params.push(q.minDurationNs);
  }
  if (q.maxDurationNs !== undefined) {
    parts.push(`${column} <= ?`);
    params.push(q.maxDurationNs);
  }
  return { sql: parts.join(' AND '), params };
}

function traceConditions(q: CheckedQuery): Fragment {
  const parts: string[] = ['1'];
  const params: unknown[] = [];
  if (q.windowStartNs !== undefined && q.windowEndNs !== undefined) {
    parts.push('t.start_ns >= ? AND t.start_ns <= ?');
    params.push(q.windowStartNs, q.windowEndNs);
  }
  if (q.status === 'error') parts.push('t.error_count > 0');
  if (q.status === 'ok') parts.push('t.error_count = 0');
  return { sql: parts.join(' AND '), params };
}

/** Error traces have their own (partial) index: a walk for them skips the healthy ones. */
function traceIndex(q: CheckedQuery): string {
  return q.status === 'error' ? 'traces_with_errors_by_start' : 'traces_by_start';
}

/**
 * The closed buckets' postings (every bucket below the open one), newest first: one seek a bucket
 * for the entries a filter reads, then the spans their offsets name.
 */
class ClosedPostings {
  readonly any: boolean;
  // Bound, not inlined: the statement text stays the same as spans arrive, so it is prepared once.
  private readonly bounds: number[];

  constructor(lowest: number, highest: number, open: number) {
    this.any = open > lowest;
    this.bounds = [Math.min(open - 1, highest), lowest];
  }

  /** One row per span offset of the postings matching `entries` (on alias `d`). */
  entries(entries: Fragment): Fragment {
    return {
      sql: `SELECT o.value FROM (${BUCKET_SERIES}) k CROSS JOIN attribute_postings d ON d.bucket = k.b AND ${entries.sql}
        CROSS JOIN json_each(d.offsets) o`,
      params: [...this.bounds, ...entries.params],
    };
  }

  /** The trace_ref of each span those postings name that passes `predicate`; none without closed buckets. */
  spans(entries: Fragment, predicate: Fragment): Fragment[] {
    if (!this.any) return [];
    return [
      {
        sql: `SELECT s.trace_ref FROM (${BUCKET_SERIES}) k CROSS JOIN attribute_postings d ON d.bucket = k.b AND ${entries.sql}
          CROSS JOIN json_each(d.offsets) o CROSS JOIN spans s ON s.id = (d.bucket << ${BUCKET_SHIFT}) + o.value
          WHERE ${predicate.sql}`,
        params: [...this.bounds, ...entries.params, ...predicate.params],
      },
    ];
  }
}

function union(parts: Fragment[]): Fragment {
  return {
    sql: parts.map((part) => part.sql).join(' UNION ALL '),
    params: parts.flatMap((part) => part.params),
  };
}

function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(',');
}

function toSummary(row: SummaryRow): TraceSummary {
  const summary: TraceSummary = {
    traceId: row.trace_id,
    startTimeUnixNano: row.start_ns,
    durationMs: nanosToMs(row.end_ns - row.start_ns),
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    services: JSON.parse(row.services) as string[],
  };
  if (row.root_service !== null) summary.rootServiceName = row.root_service;
  if (row.root_name !== null) summary.rootName = row.root_name;
  return summary;
}
