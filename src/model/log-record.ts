import type { AttributeValue, Attributes, InstrumentationScope, Resource } from './span.js';

/** An OTLP log record, kept so a trace can be read together with what its spans logged. */
export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText?: string;
  body: AttributeValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags?: number;
  /** Absent when the record was not emitted inside a span. */
  traceId?: string;
  spanId?: string;
  eventName?: string;
  serviceName: string;
  resource: Resource;
  scope: InstrumentationScope;
}
