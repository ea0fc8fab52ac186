import type { LogQuery } from '../../model/backend-queries.js';
import type Database from 'better-sqlite3';
import { invalidArgument } from '../../model/errors.js';
import { isValidSpanId, isValidTraceId } from '../../model/ids.js';
import type { LogRecord } from '../../model/log-record.js';
import type { AttributeValue, Attributes, InstrumentationScope, Resource } from '../../model/span.js';
import type { BodyCache } from './body-cache.js';
import type { IdRegistry } from './id-registry.js';
import {
  PLAIN,
  TAGGED,
  decodeJson,
  encodeJson,
  hasSpecialNumber,
  type Encoding,
} from '../schema/json-codec.js';
import { checkNanos } from './span-validation.js';
import { checkTraceId } from './trace-reader.js';

/** A trace rarely logs more; a tool shows far fewer. */
export const MAX_LOG_LIMIT = 10_000;

interface LogRow {
  trace_id: string | null;
  span_id: string | null;
  time_ns: bigint;
  observed_time_ns: bigint;
  severity_number: bigint;
  severity_text: string | null;
  body: string;
  attributes: string;
  dropped_attributes: bigint;
  flags: bigint | null;
  event_name: string | null;
  service_name: string;
  resource_id: bigint;
  scope_id: bigint;
  encoding: bigint;
}

/** OTLP log records, kept so a trace can be read with what its spans logged. */
export class LogStore {
  private readonly statements;
  private readonly writeBatch: (logs: readonly LogRecord[]) => void;

  constructor(
    db: Database.Database,
    private readonly ids: IdRegistry,
    private readonly bodies: BodyCache,
  ) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO logs (trace_id, span_id, time_ns, observed_time_ns, severity_number, severity_text, body,
           attributes, dropped_attributes, flags, event_name, service_name, resource_id, scope_id, encoding)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      byTrace: db
        .prepare(
          `SELECT * FROM logs INDEXED BY logs_by_trace WHERE trace_id = ? ORDER BY time_ns, id LIMIT ?`,
        )
        .safeIntegers(),
      bySpan: db
        .prepare(
          `SELECT * FROM logs INDEXED BY logs_by_trace WHERE trace_id = ? AND span_id = ? ORDER BY time_ns, id LIMIT ?`,
        )
        .safeIntegers(),
    };
    this.writeBatch = db.transaction((logs: readonly LogRecord[]) => {
      // Records of one export share their resource and scope objects: hash each once per batch.
      const resources = new Map<Resource, number>();
      const scopes = new Map<InstrumentationScope, number>();
      for (const log of logs) {
        let resourceId = resources.get(log.resource);
        if (resourceId === undefined)
          resources.set(log.resource, (resourceId = this.ids.resourceId(log.resource)));
        let scopeId = scopes.get(log.scope);
        if (scopeId === undefined) scopes.set(log.scope, (scopeId = this.ids.scopeId(log.scope)));
        this.insert(log, resourceId, scopeId);
      }
    }).immediate;
  }

  /** Stores a batch atomically; throws INVALID_ARGUMENT (nothing stored) for a malformed record. */
  write(logs: readonly LogRecord[]): void {
    logs.forEach(checkLog);
    if (logs.length === 0) return;
    try {
      this.writeBatch(logs);
    } catch (error) {
      this.ids.forget();
      throw error;
    }
  }

  /** The records of a trace (or of one span of it) in time order, at most `limit`. */
  read(query: LogQuery): LogRecord[] {
    const traceId = checkTraceId(query?.traceId);
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LOG_LIMIT) {
      throw invalidArgument(
        `limit ${String(query.limit)} is out of range`,
        `pass an integer from 1 to ${MAX_LOG_LIMIT}`,
      );
    }
    let rows: LogRow[];
    if (query.spanId === undefined) {
      rows = this.statements.byTrace.all(traceId, query.limit) as LogRow[];
    } else {
      const spanId = typeof query.spanId === 'string' ? query.spanId.trim().toLowerCase() : '';
      if (!isValidSpanId(spanId)) {
        throw invalidArgument(
          `span id '${String(query.spanId)}' is not a span id`,
          'pass 16 hex digits, or omit it',
        );
      }
      rows = this.statements.bySpan.all(traceId, spanId, query.limit) as LogRow[];
    }
    return rows.map((row) => this.decode(row));
  }

  private insert(log: LogRecord, resourceId: number, scopeId: number): void {
    const encoding: Encoding =
      hasSpecialNumber(log.body) || hasSpecialNumber(log.attributes) ? TAGGED : PLAIN;
    this.statements.insert.run(
      log.traceId ?? null,
      log.spanId ?? null,
      log.timeUnixNano,
      log.observedTimeUnixNano,
      log.severityNumber,
      log.severityText ?? null,
      encodeJson(log.body ?? null, encoding),
      encodeJson(log.attributes, encoding),
      log.droppedAttributesCount,
      log.flags ?? null,
      log.eventName ?? null,
      log.serviceName,
      resourceId,
      scopeId,
      encoding,
    );
  }

  private decode(row: LogRow): LogRecord {
    const encoding = Number(row.encoding) as Encoding;
    const log: LogRecord = {
      timeUnixNano: row.time_ns,
      observedTimeUnixNano: row.observed_time_ns,
      severityNumber: Number(row.severity_number),
      body: decodeJson<AttributeValue>(row.body, encoding),
      attributes: decodeJson<Attributes>(row.attributes, encoding),
      droppedAttributesCount: Number(row.dropped_attributes),
      serviceName: row.service_name,
      resource: this.bodies.resource(Number(row.resource_id)),
      scope: this.bodies.scope(Number(row.scope_id)),
    };
    if (row.severity_text !== null) log.severityText = row.severity_text;
    if (row.flags !== null) log.flags = Number(row.flags);
    if (row.trace_id !== null) log.traceId = row.trace_id;
    if (row.span_id !== null) log.spanId = row.span_id;
    if (row.event_name !== null) log.eventName = row.event_name;
    return log;
  }
}

function checkLog(log: LogRecord, index: number): void {
  const where = `log record #${index}`;
  if (log === null || typeof log !== 'object') throw invalidArgument(`${where} is not an object`);
  if (log.traceId !== undefined && !isValidTraceId(log.traceId)) {
    throw invalidArgument(
      `${where} has trace id '${String(log.traceId)}'`,
      'trace ids are 32 lower-case hex digits, or absent',
    );
  }
  if (log.spanId !== undefined && !isValidSpanId(log.spanId)) {
    throw invalidArgument(
      `${where} has span id '${String(log.spanId)}'`,
      'span ids are 16 lower-case hex digits, or absent',
    );
  }
  checkNanos(log.timeUnixNano, `${where} time`);
  checkNanos(log.observedTimeUnixNano, `${where} observed time`);
  if (typeof log.serviceName !== 'string') throw invalidArgument(`${where} has no service name`);
  if (
    typeof log.attributes !== 'object' ||
    typeof log.resource?.attributes !== 'object' ||
    typeof log.scope?.attributes !== 'object'
  ) {
    throw invalidArgument(
      `${where} lacks attributes, a resource or a scope`,
      'pass records in the model shape (src/model/log-record.ts)',
    );
  }
}
