/**
 * Who made a span: an instrumentation library (its scope name follows the naming of the
 * OpenTelemetry instrumentation projects of each language) or the application's own tracer, and
 * where in the source, from `code.*` attributes. A fix for an instrumentation's span is a change of
 * configuration or of the call it wraps; a fix for the application's span is in that file. Pure.
 */
import type { AttributeValue, Span } from '../../model/index.js';
import type { SpanOrigin } from './comparison-result.js';

/** Scope-name prefixes of the OpenTelemetry instrumentation libraries and agents. */
const INSTRUMENTATION_PREFIXES = [
  '@opentelemetry/instrumentation', // Node: @opentelemetry/instrumentation-http, -pg, ...
  'opentelemetry.instrumentation.', // Python: opentelemetry.instrumentation.flask, .sqlite3, ...
  'io.opentelemetry.', // Java agent: io.opentelemetry.java-http-server, io.opentelemetry.jdbc, ...
  'go.opentelemetry.io/contrib/instrumentation/', // Go: .../net/http/otelhttp, .../grpc/otelgrpc
  'OpenTelemetry.Instrumentation.', // .NET
  'OpenTelemetry::Instrumentation::', // Ruby
  'Microsoft.AspNetCore', // .NET's built-in ActivitySources
  'System.Net.Http',
];

export function spanOrigin(span: Span): SpanOrigin {
  const scope = span.scope.version
    ? `${span.scope.name} ${span.scope.version}`
    : span.scope.name || '(unnamed scope)';
  const instrumentation = INSTRUMENTATION_PREFIXES.some((prefix) => span.scope.name.startsWith(prefix));
  const code = codeLocation(span);
  return { scope, made_by: instrumentation ? 'instrumentation' : 'application', ...(code ? { code } : {}) };
}

/** `app.py:57 (loans.create_loan)` from the current or the older code.* attribute names. */
function codeLocation(span: Span): string | undefined {
  const read = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value: AttributeValue | undefined = span.attributes[key];
      if (value !== undefined && value !== null && typeof value !== 'object') return String(value);
    }
    return undefined;
  };
  const file = read('code.file.path', 'code.filepath');
  const line = read('code.line.number', 'code.lineno');
  const namespace = read('code.namespace');
  const fn = read('code.function.name', 'code.function');
  const qualified =
    fn !== undefined && namespace !== undefined && !fn.startsWith(namespace) ? `${namespace}.${fn}` : fn;
  if (file === undefined && qualified === undefined) return undefined;
  const where = file === undefined ? undefined : line === undefined ? file : `${file}:${line}`;
  if (where === undefined) return qualified;
  return qualified === undefined ? where : `${where} (${qualified})`;
}

/** `made by opentelemetry.instrumentation.sqlite3 0.66b1 (instrumentation)`, for one line of evidence. */
export function describeOrigin(origin: SpanOrigin): string {
  const who =
    origin.made_by === 'instrumentation'
      ? `the instrumentation ${origin.scope}`
      : `the application's tracer ${origin.scope}`;
  return `made by ${who}${origin.code ? ` at ${origin.code}` : ''}`;
}
