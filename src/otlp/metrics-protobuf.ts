/**
 * ExportMetricsServiceRequest protobuf: validated and counted, not mapped. otel-mcp has no metric model;
 * it accepts metrics only so that SDKs exporting them by default (Node's does) get no errors.
 * Field numbers from opentelemetry/proto/metrics/v1/metrics.proto.
 */
import {
  decodeResourceInto,
  decodeScopeInto,
  emptyResource,
  emptyScope,
  rethrowWithin,
} from './common-protobuf.js';
import { protobufDecodeError } from './decoded-batch.js';
import { ProtoReader, WIRE_LENGTH } from './proto-reader.js';

export interface CountedMetrics {
  metrics: number;
  dataPoints: number;
}

export function countMetricsRequestProtobuf(bytes: Uint8Array): CountedMetrics {
  const r = new ProtoReader(bytes);
  const counted: CountedMetrics = { metrics: 0, dataPoints: 0 };
  try {
    eachField(r, r.length, { 1: 'resource_metrics' }, [1], (key, field) => {
      if (field !== 1) return false;
      const end = messageEnd(r, key);
      eachField(r, end, { 1: 'resource', 2: 'scope_metrics' }, [2], (key2, field2) => {
        if (field2 === 1) decodeResourceInto(r, messageEnd(r, key2), emptyResource());
        else if (field2 === 2) countScopeMetrics(r, messageEnd(r, key2), counted);
        else return false;
        return true;
      });
      return true;
    });
  } catch (error) {
    throw protobufDecodeError(error, 'ExportMetricsServiceRequest');
  }
  return counted;
}

function countScopeMetrics(r: ProtoReader, end: number, counted: CountedMetrics): void {
  eachField(r, end, { 1: 'scope', 2: 'metrics' }, [2], (key, field) => {
    if (field === 1) decodeScopeInto(r, messageEnd(r, key), emptyScope());
    else if (field === 2) {
      counted.metrics++;
      countMetric(r, messageEnd(r, key), counted);
    } else return false;
    return true;
  });
}

/** Metric.data oneof: each of these holds `repeated … data_points = 1`. */
const METRIC_DATA_FIELDS: Record<number, string> = {
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponential_histogram',
  11: 'summary',
};

function countMetric(r: ProtoReader, end: number, counted: CountedMetrics): void {
  eachField(r, end, METRIC_DATA_FIELDS, [], (key, field) => {
    if (METRIC_DATA_FIELDS[field] === undefined) return false;
    eachField(r, messageEnd(r, key), { 1: 'data_points' }, [1], (key2, field2) => {
      if (field2 !== 1) return false;
      // A data point is checked for well-formed fields only: its values are not kept.
      const pointEnd = messageEnd(r, key2);
      eachField(r, pointEnd, {}, [], () => false);
      counted.dataPoints++;
      return true;
    });
    return true;
  });
}

function messageEnd(r: ProtoReader, key: number): number {
  r.expect(key, WIRE_LENGTH);
  return r.lengthEnd();
}

/**
 * Reads a message's fields; `visit` consumes the ones it knows (returns true), the rest are skipped.
 * A failure gets the field's name, and its index when the field is one of `repeated`.
 */
function eachField(
  r: ProtoReader,
  end: number,
  names: Readonly<Record<number, string>>,
  repeated: readonly number[],
  visit: (key: number, field: number) => boolean,
): void {
  const seen = new Map<number, number>();
  let field = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      if (!visit(key, field)) r.skip(key & 7);
      seen.set(field, (seen.get(field) ?? 0) + 1);
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, names, field, repeated.includes(field) ? (seen.get(field) ?? 0) : -1);
  }
}
