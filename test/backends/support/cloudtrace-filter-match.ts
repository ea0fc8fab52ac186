/**
 * The Cloud Trace v1 list filter grammar ("Cloud Trace filters" reference), evaluated against a
 * stored trace the way the reference describes each term: all terms must match; `root:`/`+root:`
 * (and a bare name) test the root span's name by prefix or exactly, `span:`/`+span:` any span's,
 * `latency:D` the trace's overall latency (at least D; units s, ms, ns, milliseconds when bare),
 * `label:KEY` that a span has the label, `KEY:VALUE` a label value by prefix, `+KEY:VALUE` exactly,
 * `method:`/`url:` the `/http/method`/`/http/url` labels, and `^` after the optional `+` restricts a
 * term to the root span. Values are bare (`[a-zA-Z0-9./_][a-zA-Z0-9./_-]*`) or double-quoted with
 * `\"` and `\\` escapes. A filter it cannot read is refused, as Cloud Trace answers 400.
 */
import type { TraceSpanV1 } from '../../../src/backends/cloudtrace/trace-v1.js';
import { rfc3339ToNanos } from '../../../src/backends/cloudtrace/span-mapping.js';

interface Term {
  exact: boolean;
  rootOnly: boolean;
  field: string;
  value: string;
}

export class FilterSyntaxError extends Error {}

export function parseFilter(filter: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  const text = filter.trim();
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    let exact = false;
    let rootOnly = false;
    if (text[i] === '+') {
      exact = true;
      i++;
    }
    if (text[i] === '^') {
      rootOnly = true;
      i++;
    }
    // The key runs to the first ':' outside quotes; a term without ':' is a root-name shortcut.
    let key = '';
    while (i < text.length && text[i] !== ':' && text[i] !== ' ' && text[i] !== '"') key += text[i++];
    let field: string;
    let value: string;
    if (text[i] === ':') {
      i++;
      field = key;
      [value, i] = readValue(text, i);
    } else if (text[i] === '"') {
      field = 'root';
      [value, i] = readValue(text, i);
    } else {
      field = 'root';
      value = key;
    }
    if (field === '') throw new FilterSyntaxError(`empty key in filter ${JSON.stringify(filter)}`);
    terms.push({ exact, rootOnly, field, value });
  }
  return terms;
}

function readValue(text: string, start: number): [string, number] {
  let i = start;
  if (text[i] !== '"') {
    let value = '';
    while (i < text.length && text[i] !== ' ') value += text[i++];
    return [value, i];
  }
  i++;
  let value = '';
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') i++;
    if (i >= text.length) break;
    value += text[i++];
  }
  if (text[i] !== '"') throw new FilterSyntaxError('unterminated quoted value');
  return [value, i + 1];
}

export function traceMatchesFilter(spans: readonly TraceSpanV1[], terms: readonly Term[]): boolean {
  const root = rootOf(spans);
  return terms.every((term) => {
    const candidates = term.rootOnly ? (root ? [root] : []) : spans;
    const test = (actual: string | undefined) =>
      actual !== undefined && (term.exact ? actual === term.value : actual.startsWith(term.value));
    switch (term.field) {
      case 'root':
        return root !== undefined && test(root.name);
      case 'span':
        return candidates.some((span) => test(span.name));
      case 'latency':
        return latencyNanos(spans) >= durationNanos(term.value);
      case 'label':
        return candidates.some((span) => span.labels !== undefined && Object.hasOwn(span.labels, term.value));
      case 'method':
        return candidates.some((span) => test(span.labels?.['/http/method']));
      case 'url':
        return candidates.some((span) => test(span.labels?.['/http/url']));
      default:
        return candidates.some(
          (span) =>
            span.labels !== undefined &&
            Object.hasOwn(span.labels, term.field) &&
            test(span.labels[term.field]),
        );
    }
  });
}

export function rootOf(spans: readonly TraceSpanV1[]): TraceSpanV1 | undefined {
  return spans.find((span) => span.parentSpanId === undefined || span.parentSpanId === '0') ?? spans[0];
}

/** Last end − first start, in nanoseconds. */
export function latencyNanos(spans: readonly TraceSpanV1[]): bigint {
  if (spans.length === 0) return 0n;
  const starts = spans.map((span) => rfc3339ToNanos(span.startTime!));
  const ends = spans.map((span) => rfc3339ToNanos(span.endTime ?? span.startTime!));
  const min = starts.reduce((a, b) => (b < a ? b : a));
  const max = ends.reduce((a, b) => (b > a ? b : a));
  return max - min;
}

function durationNanos(text: string): bigint {
  const match = /^(\d+)(s|ms|ns)?$/.exec(text);
  if (!match)
    throw new FilterSyntaxError(`latency ${JSON.stringify(text)} is not an integer with s, ms or ns`);
  const n = BigInt(match[1]!);
  return match[2] === 's' ? n * 1_000_000_000n : match[2] === 'ns' ? n : n * 1_000_000n;
}
