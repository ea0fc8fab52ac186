/**
 * Zipkin's `annotationQuery`: `key=value` (a tag equal to a value) and `key` (a tag with that key, or
 * an annotation with that value) joined by ` and `. The syntax has no escaping, so a key or value
 * that would be read differently is refused rather than sent.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { AttributeFilter } from '../../model/query.js';

export function annotationQuery(filters: readonly AttributeFilter[], errorOnly: boolean): string | undefined {
  const terms: string[] = [];
  for (const filter of filters) {
    checkTerm(filter.key, 'attribute key', /[=\s]/);
    if (filter.value === undefined) {
      terms.push(filter.key);
      continue;
    }
    if (typeof filter.value === 'object' && filter.value !== null) {
      throw new OtelMcpError(
        'UNSUPPORTED',
        `zipkin cannot filter by a list or map value (attribute '${filter.key}')`,
        'filter by a string, number or boolean',
      );
    }
    const value = String(filter.value);
    checkTerm(value, `value of '${filter.key}'`, / and /i);
    terms.push(`${filter.key}=${value}`);
  }
  // The OpenTelemetry Zipkin exporter sets the `error` tag on every span whose status is ERROR.
  if (errorOnly) terms.push('error');
  return terms.length > 0 ? terms.join(' and ') : undefined;
}

function checkTerm(text: string, what: string, forbidden: RegExp): void {
  if (text === '' || forbidden.test(text)) {
    throw new OtelMcpError(
      'UNSUPPORTED',
      `zipkin cannot search for the ${what} ${JSON.stringify(text)}: its annotationQuery has no escaping`,
      'keys must be non-empty without spaces or "="; values must not contain " and "',
    );
  }
}
