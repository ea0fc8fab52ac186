import type { LinkInto, ValueMatches, ValueQuery } from '../../model/backend-queries.js';
import type Database from 'better-sqlite3';
import { invalidArgument } from '../../model/errors.js';
import { isTransactionKey } from '../../model/transaction-keys.js';
import { OPEN_BUCKET_SQL } from '../attributes/attribute-postings.js';
import { registerAttributeFunctions, spanAttributesJson } from '../attributes/attribute-sql.js';
import type { BodyLog } from './body-log.js';
import { filterIndexValues } from '../attributes/attribute-values.js';
import { BUCKET_SERIES, BUCKET_SHIFT } from './span-buckets.js';
import { checkTraceId } from './trace-reader.js';

/** A span that carries the searched value under some attribute key. */

/** 64 keys × ~1,000 buckets stay near 64,000 postings seeks (tens of ms) on a million spans. */
const MAX_KEYS = 64;

/**
 * The embedded store's side of correlate_distributed_traces: the spans that carry one value (an
 * order id) under any identifier-like attribute key, and the spans of other traces that link into
 * a trace (the reverse of a span link, from the span_links index).
 */
export class TransactionLookup {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    spanBodies: BodyLog,
  ) {
    registerAttributeFunctions(db, spanBodies);
    this.statements = {
      keys: db.prepare('SELECT id, key FROM attribute_keys ORDER BY id'),
      keyIds: db.prepare('SELECT id, key FROM attribute_keys WHERE key IN (SELECT value FROM json_each(?))'),
      bucketRange: db
        .prepare(`SELECT (SELECT min(id) FROM spans) >> ${BUCKET_SHIFT}, ${OPEN_BUCKET_SQL}`)
        .raw(),
      linksInto: db.prepare(
        `SELECT t.trace_id, l.span_id, l.linked_span_id FROM span_links l JOIN traces t ON t.id = l.trace_ref
         WHERE l.linked_trace_id = ? ORDER BY t.start_ns, l.span_id LIMIT ?`,
      ),
    };
  }

  /** Spans whose attribute under one of the keys equals `value`, newest arrivals first, at most `limit`. */
  findValue(query: ValueQuery): ValueMatches {
    const values = filterIndexValues(query.value);
    if (values === undefined) {
      throw invalidArgument(
        `the value is ${query.value.length} characters long`,
        'identifiers up to 128 characters are indexed; pass a shorter one',
      );
    }
    const { keys, keysNotSearched } = this.keysFor(query.keys);
    const range = this.statements.bucketRange.get() as [number | null, number | null];
    if (keys.length === 0 || range[0] === null || range[1] === null)
      return { matches: [], keysSearched: keys.map((k) => k.key), keysNotSearched };
    const [lowest, open] = range;
    const keyNames = new Map(keys.map((k) => [k.id, k.key]));
    const window: string[] = [];
    const windowParams: unknown[] = [];
    if (query.startNs !== undefined) {
      window.push('s.start_ns >= ?');
      windowParams.push(query.startNs);
    }
    if (query.endNs !== undefined) {
      window.push('s.start_ns <= ?');
      windowParams.push(query.endNs);
    }
    const within = window.map((condition) => ` AND ${condition}`).join('');
    // The open bucket first (the newest arrivals), judged from each span's own attributes; then the postings
    // of the closed buckets, newest first. Text built from fixed parts only; the values are bound.
    const rows = this.db
      .prepare(
        `SELECT t.trace_id, s.span_id, j.key
         FROM spans s NOT INDEXED CROSS JOIN json_each(${spanAttributesJson('s')}) j
         JOIN traces t ON t.id = s.trace_ref
         WHERE s.id >= ? AND j.key IN (SELECT value FROM json_each(?))
           AND otel_index_value(j.type, j.atom, j.value) IN (SELECT value FROM json_each(?))${within}
         ORDER BY s.id DESC LIMIT ?`,
      )
      .raw()
      .all(
        open * 2 ** BUCKET_SHIFT,
        JSON.stringify(keys.map((k) => k.key)),
        JSON.stringify(values),
        ...windowParams,
        query.limit,
      ) as [string, string, string][];
    if (open > lowest && rows.length < query.limit) {
      const indexed = this.db
        .prepare(
          `SELECT t.trace_id, s.span_id, a.key_id
           FROM (${BUCKET_SERIES}) k
           CROSS JOIN attribute_postings a ON a.bucket = k.b
             AND a.key_id IN (SELECT value FROM json_each(?)) AND a.value IN (SELECT value FROM json_each(?))
           CROSS JOIN json_each(a.offsets) o
           CROSS JOIN spans s ON s.id = (a.bucket << ${BUCKET_SHIFT}) + o.value
           JOIN traces t ON t.id = s.trace_ref
           WHERE 1${within}
           LIMIT ?`,
        )
        .raw()
        .all(
          open - 1,
          lowest,
          JSON.stringify(keys.map((k) => k.id)),
          JSON.stringify(values),
          ...windowParams,
          query.limit - rows.length,
        ) as [string, string, number][];
      for (const [traceId, spanId, keyId] of indexed)
        rows.push([traceId, spanId, keyNames.get(keyId) ?? String(keyId)]);
    }
    return {
      matches: rows.map(([traceId, spanId, key]) => ({ traceId, spanId, key })),
      keysSearched: keys.map((k) => k.key),
      keysNotSearched,
    };
  }

  /** Spans of other traces whose links point into `traceId`, oldest trace first, at most `limit`. */
  linksInto(traceId: string, limit: number): LinkInto[] {
    const id = checkTraceId(traceId);
    const rows = this.statements.linksInto.raw().all(id, limit) as [string, string, string][];
    return rows
      .filter(([from]) => from !== id)
      .map(([from, spanId, linkedSpanId]) => ({ traceId: from, spanId, linkedSpanId }));
  }

  private keysFor(names: readonly string[] | undefined): {
    keys: { id: number; key: string }[];
    keysNotSearched: number;
  } {
    if (names !== undefined)
      return {
        keys: this.statements.keyIds.all(JSON.stringify(names)) as { id: number; key: string }[],
        keysNotSearched: 0,
      };
    const all = this.statements.keys.all() as { id: number; key: string }[];
    const identifiers = all.filter((k) => isTransactionKey(k.key));
    return {
      keys: identifiers.slice(0, MAX_KEYS),
      keysNotSearched: Math.max(0, identifiers.length - MAX_KEYS),
    };
  }
}
