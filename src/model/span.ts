/**
 * The normalized trace model: the only shapes `spec/` and `analysis/` see.
 * Every receiver path and backend adapter maps into these types.
 */

/**
 * An attribute value as plain data. OTLP's AnyValue maps as: string/bool/double → the same JS value;
 * int → number, or a decimal string when it is outside ±2^53 (never rounded); bytes → base64 string;
 * array → array; kvlist → object. A whole-number double (3.0) is indistinguishable from int 3 here.
 */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export const SPAN_KINDS: readonly SpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

export type StatusCode = 'unset' | 'ok' | 'error';

export interface SpanStatus {
  code: StatusCode;
  message?: string;
}

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl?: string;
}

export interface InstrumentationScope {
  name: string;
  version?: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl?: string;
}

export interface SpanEvent {
  /** Nanoseconds since the Unix epoch; a bigint because it exceeds 2^53. */
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  flags?: number;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface Span {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  traceState?: string;
  flags?: number;
  /** The operation name. */
  name: string;
  kind: SpanKind;
  /** The resource's `service.name`, or `unknown_service` when it has none (the SDK default). */
  serviceName: string;
  /** Nanoseconds since the Unix epoch; bigints because they exceed 2^53. */
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  status: SpanStatus;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  resource: Resource;
  scope: InstrumentationScope;
}

export interface Trace {
  traceId: string;
  /** In start-time order. */
  spans: Span[];
}

export const UNKNOWN_SERVICE = 'unknown_service';
