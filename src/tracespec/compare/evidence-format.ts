/** Small, consistent wording for evidence: durations, ranges, span references. */
import type { Span } from '../../model/index.js';
import type { SpanRef } from './comparison-result.js';
import type { NormalizedRange } from '../language/trace-spec.js';

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `2,430 ms`, `12.3 ms`, `0.25 ms`: whole milliseconds from 100 up, more digits below. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  const sign = ms < 0 ? '-' : '';
  const magnitude = Math.abs(ms);
  if (magnitude >= 100) return `${sign}${groupThousands(String(Math.round(magnitude)))} ms`;
  if (magnitude >= 10) return `${sign}${Number(magnitude.toFixed(1))} ms`;
  return `${sign}${Number(magnitude.toFixed(2))} ms`;
}

export function formatCount(value: number): string {
  return groupThousands(String(value));
}

/** A count range as people say it: `1`, `≥1`, `≤2`, `2..5`. */
export function formatRange(range: NormalizedRange): string {
  if (range.min === range.max) return String(range.min);
  if (!Number.isFinite(range.max)) return `≥${range.min}`;
  if (range.min === 0) return `≤${range.max}`;
  return `${range.min}..${range.max}`;
}

export function spanRef(span: Span): SpanRef {
  return { span_id: span.spanId, name: span.name, service: span.serviceName };
}

/** `` `charge` (order-service) `` */
export function describeSpan(span: Pick<Span, 'name' | 'serviceName'>): string {
  return `\`${span.name}\` (${span.serviceName})`;
}

/** `` `charge` in `payment-service` `` or just `` `charge` `` when any service will do. */
export function describeExpected(name: string, service: string | undefined): string {
  return service === undefined ? `\`${name}\`` : `\`${name}\` in \`${service}\``;
}

export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
