/**
 * A search as a Cloud Trace v1 list `filter` (the "Cloud Trace filters" reference): terms joined by
 * spaces, all of which a trace must match. Like X-Ray's, these terms are about whole traces, looser
 * than the contract's "one span meets every filter", so a term is sent only where it can never
 * exclude a trace that matches, and the adapter checks every trace it gets back itself:
 * - `+span:NAME`: some span has exactly this name.
 * - `+KEY:VALUE`: some span has this label with exactly this value; `label:KEY`: some span has it.
 *   Sent only for an attribute stored under one label key: `http.route` may be the exporter's
 *   `/http/route` or an OTLP writer's `http.route`, and a filter cannot say "either".
 * - `latency:Nns`: the trace lasts at least N ns, which it does whenever one of its spans does.
 * Not sent: the service (it may be `service.name` or a monitored-resource label such as
 * `g.co/r/generic_task/job`), a maximum duration, status (v1 has no status field to filter on),
 * values the exporter changes (fractional numbers, lists).
 */
import type { AttributeValue } from '../../model/span.js';
import type { TraceQuery } from '../../model/query.js';
import { labelKeysFor } from './span-labels.js';

/** Words the filter grammar reads as its own keywords: a label with this key cannot be queried. */
const KEYWORDS = new Set(['root', 'span', 'label', 'method', 'latency', 'url']);
/** What the grammar accepts unquoted, for values; keys are held to the same characters. */
const SIMPLE = /^[a-zA-Z0-9./_][a-zA-Z0-9./_-]*$/;

export function listFilter(query: TraceQuery): string | undefined {
  const terms: string[] = [];
  if (query.operationName !== undefined) terms.push(`+span:${filterValue(query.operationName)}`);
  for (const filter of query.attributes ?? []) {
    const keys = labelKeysFor(filter.key);
    const key = keys[0]!;
    if (keys.length > 1 || !SIMPLE.test(key) || KEYWORDS.has(key)) continue;
    if (filter.value === undefined) {
      terms.push(`label:${key}`);
      continue;
    }
    const text = labelText(filter.value);
    if (text !== undefined) terms.push(`+${key}:${filterValue(text)}`);
  }
  if (query.minDurationMs !== undefined && query.minDurationMs > 0) {
    // Nanoseconds, rounded down, so that the term never asks for more than the filter does.
    terms.push(`latency:${Math.floor(query.minDurationMs * 1_000_000)}ns`);
  }
  return terms.length > 0 ? terms.join(' ') : undefined;
}

/** The label text a value is stored as, when the exporter stores it unchanged. */
function labelText(value: AttributeValue): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  // Doubles are rounded to integers on the way in; lists and maps are not labels at all.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** A value as the grammar wants it: bare when simple, else quoted with `"` and `\` escaped. */
export function filterValue(text: string): string {
  if (SIMPLE.test(text)) return text;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
