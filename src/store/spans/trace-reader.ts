import type Database from 'better-sqlite3';
import { invalidArgument } from '../../model/errors.js';
import { isValidSpanId, isValidTraceId } from '../../model/ids.js';
import type { Span, Trace } from '../../model/span.js';
import type { BodyCache } from './body-cache.js';
import type { BodyLog } from './body-log.js';
import { decodeSpanMessages } from '../../otlp/span-message.js';
import { decodeSpan, type SpanRow } from './span-codec.js';
import { TRACE_IDS_IN_RANGE, TRACE_REF_BY_ID } from '../schema/trace-generations-schema.js';
import { SPANS_OF_TRACE } from '../schema/trace-span-runs-schema.js';

const SPAN_COLUMNS = `t.trace_id, s.span_id, s.parent_span_id, o.service, o.name, o.kind, s.start_ns, s.end_ns,
  s.status_code, s.status_message, s.trace_state, s.flags, s.resource_id, s.scope_id, s.attributes,
  s.dropped_attributes, s.events, s.dropped_events, s.links, s.dropped_links, s.encoding, s.body`;

/**
 * Rows come back as arrays (`raw`) in SPAN_COLUMNS order: better-sqlite3 builds a keyed object per
 * row slowly (22 named columns), and reading 1,000 traces of 50 spans took ~5× longer that way
 * (0.6–1.3 s against 0.12 s for the same query as arrays, on the shared 2-core machine).
 */
function spanRow(values: unknown[]): SpanRow {
  return {
    trace_id: values[0] as string,
    span_id: values[1] as string,
    parent_span_id: values[2] as string | null,
    service: values[3] as string,
    name: values[4] as string,
    kind: values[5] as bigint,
    start_ns: values[6] as bigint,
    end_ns: values[7] as bigint,
    status_code: values[8] as bigint,
    status_message: values[9] as string | null,
    trace_state: values[10] as string | null,
    flags: values[11] as bigint | null,
    resource_id: values[12] as bigint,
    scope_id: values[13] as bigint,
    attributes: values[14] as string,
    dropped_attributes: values[15] as bigint,
    events: values[16] as string | null,
    dropped_events: values[17] as bigint,
    links: values[18] as string | null,
    dropped_links: values[19] as bigint,
    encoding: values[20] as bigint,
    body: values[21] as Buffer | null,
  };
}

const HEX_PREFIX = /^[0-9a-f]{1,32}$/;
/** Enough candidates to show an "ambiguous prefix" message; a prefix is not a way to list traces. */
export const MAX_PREFIX_MATCHES = 1_000;

/** Reads whole traces and single spans back into the model. */
export class TraceReader {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly bodies: BodyCache,
    private readonly spanBodies: BodyLog,
  ) {
    this.statements = {
      spansOfTrace: db
        .prepare(
          `SELECT ${SPAN_COLUMNS} FROM traces t
           ${SPANS_OF_TRACE}
           JOIN operations o ON o.id = s.operation_id
           WHERE t.id = ? AND t.trace_id = ? ORDER BY s.start_ns, s.span_id`,
        )
        .safeIntegers()
        .raw(),
      span: db
        .prepare(
          `SELECT ${SPAN_COLUMNS} FROM traces t
           ${SPANS_OF_TRACE}
           JOIN operations o ON o.id = s.operation_id
           WHERE t.id = ? AND t.trace_id = ? AND s.span_id = ?`,
        )
        .safeIntegers(),
      traceRef: db.prepare(TRACE_REF_BY_ID).pluck(),
      prefix: db.prepare(TRACE_IDS_IN_RANGE).pluck(),
    };
  }

  /** The trace with its spans in start order, or undefined when no span of it is stored. */
  getTrace(traceId: string): Trace | undefined {
    const id = checkTraceId(traceId);
    const ref = this.statements.traceRef.get(id) as number | null;
    if (ref === null) return undefined;
    // With the id again: retention on another connection may have given the row to another trace since.
    const rows = this.statements.spansOfTrace.all(ref, id) as unknown[][];
    if (rows.length === 0) return undefined;
    return { traceId: id, spans: this.decodeAll(rows.map(spanRow)) };
  }

  getSpan(traceId: string, spanId: string): Span | undefined {
    const id = checkTraceId(traceId);
    const span = typeof spanId === 'string' ? spanId.trim().toLowerCase() : '';
    if (!isValidSpanId(span)) {
      throw invalidArgument(
        `span id '${String(spanId)}' is not a span id`,
        'pass 16 hex digits, as listed in the trace',
      );
    }
    const ref = this.statements.traceRef.get(id) as number | null;
    if (ref === null) return undefined;
    const row = this.statements.span.get(ref, id, span) as SpanRow | undefined;
    return row && this.decode(row);
  }

  /** Stored trace ids starting with `prefix` (1–32 hex digits), in id order, at most `limit`. */
  resolveTraceIdPrefix(prefix: string, limit: number): string[] {
    const normalized = typeof prefix === 'string' ? prefix.trim().toLowerCase() : '';
    if (!HEX_PREFIX.test(normalized)) {
      throw invalidArgument(
        `trace id prefix '${String(prefix)}' is not 1 to 32 hex digits`,
        'pass the first digits of a trace id',
      );
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PREFIX_MATCHES) {
      throw invalidArgument(
        `limit ${limit} is out of range`,
        `pass an integer from 1 to ${MAX_PREFIX_MATCHES}`,
      );
    }
    // Every stored id is hex, and 'g' sorts after every hex digit: [prefix, prefix+'g') is the range.
    return this.statements.prefix.all(normalized, `${normalized}g`, limit) as string[];
  }

  /** Rows with a body are read together (decodeSpanMessages); rows from before bodies one by one. */
  private decodeAll(rows: SpanRow[]): Span[] {
    const withBody = rows.filter((row) => row.body !== null);
    const fromBodies = decodeSpanMessages(
      this.spanBodies.resolveAll(withBody.map((row) => row.body!)),
      (index) => ({
        resource: this.bodies.resource(Number(withBody[index]!.resource_id)),
        scope: this.bodies.scope(Number(withBody[index]!.scope_id)),
        serviceName: withBody[index]!.service,
      }),
    );
    let next = 0;
    return rows.map((row) => (row.body === null ? this.decode(row) : fromBodies[next++]!));
  }

  private decode(row: SpanRow): Span {
    return decodeSpan(
      row.body === null ? row : { ...row, body: this.spanBodies.resolve(row.body) },
      this.bodies.resource(Number(row.resource_id)),
      this.bodies.scope(Number(row.scope_id)),
    );
  }
}

/** Accepts what a user may paste (surrounding space, upper case); refuses anything else by name. */
export function checkTraceId(traceId: string): string {
  const id = typeof traceId === 'string' ? traceId.trim().toLowerCase() : '';
  if (!isValidTraceId(id)) {
    throw invalidArgument(
      `trace id '${String(traceId)}' is not a trace id`,
      'pass 32 hex digits (not all zero); resolve a shorter prefix with resolveTraceIdPrefix first',
    );
  }
  return id;
}
