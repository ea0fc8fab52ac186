/**
 * A search as an X-Ray filter expression (GetTraceSummaries' `FilterExpression`). X-Ray's keywords
 * are about whole traces, looser than the contract's "one span meets every filter", so the
 * expression only narrows what is fetched and the adapter checks each fetched trace itself:
 * - `service("name")`: the trace passed through the service.
 * - `annotation.key = "value"`: annotation keys hold only letters, digits and `_`; exporters write
 *   `http.route` as `http_route`, so keys are sent the same way.
 * - `duration >= s`: the trace's duration, never below any of its spans' (so a span minimum is a
 *   safe narrowing); a span maximum is not (a short span in a long trace), and is checked here only.
 * - `(error OR fault)`: a segment recorded a 4xx or 5xx failure.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { TraceQuery } from '../../model/query.js';

export function filterExpression(query: TraceQuery): string | undefined {
  const terms: string[] = [];
  if (query.serviceName !== undefined) terms.push(`service(${quoted(query.serviceName, 'service name')})`);
  for (const filter of query.attributes ?? []) {
    const key = annotationKey(filter.key);
    const value = filter.value;
    if (value === undefined) {
      throw new OtelMcpError(
        'UNSUPPORTED',
        `xray cannot filter by the presence of an attribute ('${filter.key}' without a value)`,
        'give the attribute a value to compare with',
      );
    }
    if (typeof value === 'number' || typeof value === 'boolean') terms.push(`annotation.${key} = ${value}`);
    else if (typeof value === 'string')
      terms.push(`annotation.${key} = ${quoted(value, `value of '${filter.key}'`)}`);
    else {
      throw new OtelMcpError(
        'UNSUPPORTED',
        `xray cannot filter by a list, map or null value (attribute '${filter.key}')`,
        'filter by a string, number or boolean: X-Ray annotations hold nothing else',
      );
    }
  }
  if (query.minDurationMs !== undefined) terms.push(`duration >= ${query.minDurationMs / 1000}`);
  if (query.status === 'error') terms.push('(error OR fault)');
  return terms.length > 0 ? terms.join(' AND ') : undefined;
}

/** The annotation key an exporter writes for an attribute key (every other character becomes `_`). */
export function annotationKey(attributeKey: string): string {
  if (attributeKey === '') {
    throw new OtelMcpError('INVALID_ARGUMENT', 'an attribute filter needs a key', 'pass a non-empty key');
  }
  return attributeKey.replace(/[^A-Za-z0-9_]/g, '_');
}

function quoted(text: string, what: string): string {
  // The filter language documents no escape inside strings, so a quote or backslash is refused.
  if (/["\\]/.test(text)) {
    throw new OtelMcpError(
      'UNSUPPORTED',
      `xray cannot search for the ${what} ${JSON.stringify(text)}: its filter expressions cannot quote '"' or '\\'`,
      'search for a value without double quotes or backslashes',
    );
  }
  return `"${text}"`;
}
