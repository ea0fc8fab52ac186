/**
 * Error rules (docs/spec-language.md, "Errors"). Any span with status ERROR fails the spec unless
 * an error condition covers it: `allow_errors` without a name covers every span; an `allow_errors`
 * or `expect: error` condition with a name/service covers the spans it names. `expect: error` also
 * requires that at least one span it names exists and failed — with the given exception type, when
 * one is given — because retries make "every attempt failed" too strict.
 */
import type { Span } from '../../model/index.js';
import type { SpanRef } from './comparison-result.js';
import type { CompiledEntry } from './compiled-spec.js';
import { describeSpan, spanRef } from './evidence-format.js';
import type { Findings } from './findings.js';
import type { ErrorCondition } from '../language/trace-spec.js';
import type { TraceIndex } from './trace-index.js';

function conditionNames(condition: ErrorCondition, span: Span): boolean {
  return (
    (condition.operation_name === undefined || span.name === condition.operation_name) &&
    (condition.service_name === undefined || span.serviceName === condition.service_name)
  );
}

/** Exception types a span reports: exception events first, then `exception.type` / `error.type` attributes. */
export function exceptionTypes(span: Span): string[] {
  const types: string[] = [];
  for (const event of span.events) {
    const type = event.attributes['exception.type'];
    if (event.name === 'exception' && typeof type === 'string') types.push(type);
  }
  for (const key of ['exception.type', 'error.type']) {
    const type = span.attributes[key];
    if (typeof type === 'string' && !types.includes(type)) types.push(type);
  }
  return types;
}

/** `com.shop.CardDeclinedError` → `CardDeclinedError`; also `::`, `/`, `\` and Java's `$`. */
function shortName(type: string): string {
  const parts = type.split(/[.:/\\$]+/).filter((part) => part !== '');
  return parts[parts.length - 1] ?? type;
}

export function exceptionMatches(expected: string, actual: string): boolean {
  return actual === expected || shortName(actual) === shortName(expected);
}

/** `CardDeclinedError: card declined`, else the status message, else nothing. */
export function failureSummary(span: Span): string | undefined {
  for (const event of span.events) {
    if (event.name !== 'exception') continue;
    const type = event.attributes['exception.type'];
    const message = event.attributes['exception.message'];
    if (typeof type === 'string' || typeof message === 'string') {
      return [type, message].filter((part) => typeof part === 'string').join(': ');
    }
  }
  return span.status.message || exceptionTypes(span)[0];
}

export function checkErrorRules(
  index: TraceIndex,
  conditions: readonly ErrorCondition[],
  entries: readonly CompiledEntry[],
  entryOfSpan: (span: number) => CompiledEntry | undefined,
  findings: Findings,
  origins: ReadonlyMap<string, SpanRef> = new Map(),
): void {
  const allowAll = conditions.some(
    (c) => c.expect === 'allow_errors' && c.operation_name === undefined && c.service_name === undefined,
  );
  const named = conditions.filter((c) => c.operation_name !== undefined || c.service_name !== undefined);
  let unexpected = 0;
  if (!allowAll) {
    index.spans.forEach((span, position) => {
      if (span.status.code !== 'error' || named.some((condition) => conditionNames(condition, span))) return;
      unexpected += 1;
      const summary = failureSummary(span);
      const origin = origins.get(span.spanId);
      findings.add(
        {
          kind: 'unexpected_error',
          path: entryOfSpan(position)?.path ?? '(trace)',
          message: `${describeSpan(span)} ended with status ERROR${summary ? `: ${summary}` : ''}${origin ? `, passed on from \`${origin.name}\` (${origin.service})` : ''}`,
          span: spanRef(span),
          ...(origin ? { caused_by: origin } : {}),
          // A span that only passed a failure on is fixed where the failure started.
          fix: origin
            ? `fix the failure in \`${origin.name}\` (${origin.service}) that this span passed on, or add an error_condition { operation_name: ${origin.name}, expect: error } if it is intended`
            : `fix the failure in \`${span.name}\` (${span.serviceName}), or add an error_condition { operation_name: ${span.name}, expect: error } if it is intended`,
        },
        position,
      );
    });
  }
  findings.check(unexpected === 0);
  conditions.forEach((condition, position) => {
    if (condition.expect !== 'error') return;
    checkExpectedError(index, condition, conditionPath(condition, position, entries), findings);
  });
}

function conditionPath(
  condition: ErrorCondition,
  position: number,
  entries: readonly CompiledEntry[],
): string {
  const entry = entries.find(
    (candidate) =>
      candidate.name === condition.operation_name &&
      (condition.service_name === undefined ||
        candidate.service === undefined ||
        candidate.service === condition.service_name),
  );
  return entry?.path ?? `error_conditions[${position}]`;
}

function checkExpectedError(
  index: TraceIndex,
  condition: ErrorCondition,
  path: string,
  findings: Findings,
): void {
  const name = condition.operation_name ?? '';
  const where = condition.service_name ? ` in \`${condition.service_name}\`` : '';
  const spans = index.spans
    .map((span, position) => ({ span, position }))
    .filter(({ span }) => conditionNames(condition, span));
  if (spans.length === 0) {
    findings.check(false);
    findings.add({
      kind: 'expected_error_missing',
      path,
      message: `\`${name}\`${where} is expected to fail, but no such span is in the trace`,
      fix: `add a span \`${name}\`${where} that ends with status ERROR in this scenario`,
    });
    return;
  }
  const failed = spans.filter(({ span }) => span.status.code === 'error');
  const first = (failed[0] ?? spans[0]) as { span: Span; position: number };
  if (failed.length === 0) {
    findings.check(false);
    const others = spans.slice(1, 5).map(({ span }) => span.spanId);
    const status = first.span.status.code.toUpperCase();
    findings.add(
      {
        kind: 'expected_error_missing',
        path,
        message:
          spans.length === 1
            ? `${describeSpan(first.span)} ended with status ${status}; expected it to fail`
            : `none of the ${spans.length} ${describeSpan(first.span)} spans failed; expected at least one to fail`,
        span: spanRef(first.span),
        ...(others.length > 0 ? { other_span_ids: others } : {}),
        expected: 'ERROR',
        actual: first.span.status.code.toUpperCase(),
        fix: `make \`${name}\` fail in this scenario: set its status to ERROR${condition.exception_type ? ` and record a ${condition.exception_type} exception` : ''}`,
      },
      first.position,
    );
    return;
  }
  const expectedType = condition.exception_type;
  if (
    expectedType !== undefined &&
    !failed.some(({ span }) => exceptionTypes(span).some((type) => exceptionMatches(expectedType, type)))
  ) {
    const actual = exceptionTypes(first.span);
    findings.check(false);
    findings.add(
      {
        kind: 'wrong_exception',
        path,
        message: `${describeSpan(first.span)} failed with ${actual.length > 0 ? actual.join(', ') : 'no exception event'}; expected ${expectedType}`,
        span: spanRef(first.span),
        expected: expectedType,
        actual: actual.join(', ') || 'none',
        fix: `record a ${expectedType} exception on \`${name}\` (span.recordException) instead of ${actual.join(', ') || 'none'}`,
      },
      first.position,
    );
    return;
  }
  findings.check(true);
}
