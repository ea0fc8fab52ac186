import type { Span } from '../model/index.js';

/** How analysis output names a span: enough to find it again, nothing that could leak an attribute. */
export interface SpanRef {
  spanId: string;
  name: string;
  service: string;
}

export function spanRef(span: Span): SpanRef {
  return { spanId: span.spanId, name: span.name, service: span.serviceName };
}
