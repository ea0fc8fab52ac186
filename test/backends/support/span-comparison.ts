/**
 * Field-by-field comparison of a trace read back from a backend with the spans the SDK sent,
 * allowing exactly for what the backend declares it loses (BackendFidelity). Returns one line per
 * difference so a failing test shows all of them at once.
 */
import { Buffer } from 'node:buffer';
import type { BackendFidelity } from '../../../src/backends/trace-backend.js';
import type { AttributeValue, Attributes, Span, Trace } from '../../../src/model/index.js';

export interface ComparisonAllowances extends BackendFidelity {
  /** Attribute keys a backend adds on its own (named by the suite's caller, with a reason). */
  addedAttributes?: readonly string[];
}

export function sameName(actual: string, expected: string, fidelity: BackendFidelity): boolean {
  return fidelity.lowercasesNames ? actual === expected.toLowerCase() : actual === expected;
}

/** An entry span: the span an X-Ray segment stands for. */
export function isEntrySpan(span: Pick<Span, 'kind'>): boolean {
  return span.kind === 'server' || span.kind === 'consumer';
}

/** What the kind and name rules of App Insights look at besides the kind. */
type SpanShape = Partial<Pick<Span, 'attributes' | 'parentSpanId'>>;

/**
 * The kind a backend reports: SERVER, CLIENT or INTERNAL only (reducesSpanKinds), or as App
 * Insights keeps requests and dependencies (kindsFromRequestsAndDependencies), or SERVER and CLIENT
 * only (keepsOnlyRpcSpanKinds).
 */
export function storedKind(
  kind: Span['kind'],
  fidelity: BackendFidelity,
  span: SpanShape = {},
): Span['kind'] {
  if (fidelity.kindsFromRequestsAndDependencies) {
    if (kind === 'server' || kind === 'consumer') return 'server';
    const attributes = span.attributes ?? {};
    const typed = ['http.request.method', 'http.method', 'db.system', 'rpc.system'].some(
      (key) => attributes[key] !== undefined,
    );
    if (typed) return 'client';
    if (kind === 'internal' && span.attributes && span.parentSpanId === undefined) return 'client';
    return kind === 'unspecified' ? 'internal' : kind;
  }
  if (fidelity.keepsOnlyRpcSpanKinds) return kind === 'server' || kind === 'client' ? kind : 'internal';
  if (!fidelity.reducesSpanKinds) return kind;
  if (kind === 'consumer') return 'server';
  if (kind === 'producer') return 'client';
  return kind === 'unspecified' ? 'internal' : kind;
}

/**
 * The name a backend stores a span under: an entry span is named after its service in X-Ray; App
 * Insights (through Azure's exporter) names HTTP spans after method and route or path, and keeps no
 * name for a CONSUMER span.
 */
export function storedName(
  span: Pick<Span, 'kind' | 'name' | 'serviceName'> & SpanShape,
  fidelity: BackendFidelity,
): string {
  if (fidelity.namesEntrySpansAfterService && isEntrySpan(span)) return span.serviceName;
  if (fidelity.dropsConsumerSpanNames && span.kind === 'consumer') return '';
  if (fidelity.namesRequestsAfterHttpRoute) {
    const a = span.attributes ?? {};
    const method = a['http.request.method'] ?? a['http.method'];
    const url = a['url.full'] ?? a['http.url'];
    const path = typeof url === 'string' && URL.canParse(url) ? new URL(url).pathname : undefined;
    if (method !== undefined && span.kind === 'server') {
      if (a['http.route'] !== undefined) return `${String(method)} ${String(a['http.route'])}`;
      if (path !== undefined) return `${String(method)} ${path}`;
    } else if (method !== undefined && span.kind !== 'consumer' && path !== undefined) {
      return `${String(method)} ${path}`;
    }
  }
  return span.name;
}

export function compareTrace(
  actual: Trace | undefined,
  expected: Trace,
  allow: ComparisonAllowances,
): string[] {
  if (!actual) return [`trace ${expected.traceId} was not found`];
  const problems: string[] = [];
  if (actual.traceId !== expected.traceId)
    problems.push(`trace id ${actual.traceId}, expected ${expected.traceId}`);
  const byId = new Map(actual.spans.map((span) => [span.spanId, span]));
  for (const want of expected.spans) {
    const got = byId.get(want.spanId);
    if (!got) problems.push(`span ${want.spanId} (${want.name}) is missing`);
    else
      problems.push(
        ...compareSpan(got, want, allow).map((problem) => `span ${want.spanId} (${want.name}): ${problem}`),
      );
  }
  const expectedIds = new Set(expected.spans.map((span) => span.spanId));
  for (const span of actual.spans)
    if (!expectedIds.has(span.spanId)) problems.push(`unexpected span ${span.spanId} (${span.name})`);
  for (let i = 1; i < actual.spans.length; i++) {
    if (actual.spans[i - 1]!.startTimeUnixNano > actual.spans[i]!.startTimeUnixNano)
      problems.push('spans are not in start-time order');
  }
  return problems;
}

export function compareSpan(got: Span, want: Span, allow: ComparisonAllowances): string[] {
  const problems: string[] = [];
  const precision = BigInt(allow.timestampPrecisionNanos ?? 1);
  const near = (a: bigint, b: bigint) => (a > b ? a - b : b - a) < precision * 2n;
  if (got.traceId !== want.traceId) problems.push(`trace id ${got.traceId}`);
  if (got.parentSpanId !== want.parentSpanId)
    problems.push(`parent ${got.parentSpanId}, expected ${want.parentSpanId}`);
  const wantName = storedName(want, allow);
  if (!sameName(got.name, wantName, allow)) problems.push(`name "${got.name}", expected "${wantName}"`);
  if (!sameName(got.serviceName, want.serviceName, allow))
    problems.push(`service "${got.serviceName}", expected "${want.serviceName}"`);
  const wantKind = storedKind(want.kind, allow, want);
  if (got.kind !== wantKind) problems.push(`kind ${got.kind}, expected ${wantKind}`);
  if (got.status.code !== want.status.code)
    problems.push(`status ${got.status.code}, expected ${want.status.code}`);
  if ((got.status.message ?? '') !== (want.status.message ?? ''))
    problems.push(`status message "${got.status.message}", expected "${want.status.message}"`);
  if (!near(got.startTimeUnixNano, want.startTimeUnixNano))
    problems.push(`start ${got.startTimeUnixNano}, expected ${want.startTimeUnixNano}`);
  if (!near(got.endTimeUnixNano, want.endTimeUnixNano))
    problems.push(`end ${got.endTimeUnixNano}, expected ${want.endTimeUnixNano}`);
  problems.push(
    ...compareAttributes(
      'attribute',
      got.attributes,
      want.attributes,
      allow,
      allow.addedAttributes ?? [],
      false,
      allow.dropsAttributes ?? [],
    ),
  );
  // dropsEvents: only exceptions survive, without a time of their own.
  const wantEvents = allow.dropsAllEvents
    ? []
    : allow.dropsEvents
      ? want.events.filter((event) => event.name === 'exception')
      : want.events;
  if (got.events.length !== wantEvents.length)
    problems.push(`${got.events.length} events, expected ${wantEvents.length}`);
  wantEvents.forEach((event, i) => {
    const other = got.events[i];
    if (!other) return;
    if (other.name !== event.name) problems.push(`event ${i} name "${other.name}", expected "${event.name}"`);
    if (!allow.dropsEvents && !near(other.timeUnixNano, event.timeUnixNano))
      problems.push(`event ${i} time ${other.timeUnixNano}, expected ${event.timeUnixNano}`);
    if (!allow.flattensEventAttributes)
      problems.push(
        ...compareAttributes(`event ${i} attribute`, other.attributes, event.attributes, allow, []),
      );
  });
  if (!allow.dropsLinks) {
    if (got.links.length !== want.links.length)
      problems.push(`${got.links.length} links, expected ${want.links.length}`);
    want.links.forEach((link, i) => {
      const other = got.links[i];
      if (!other) return;
      if (other.traceId !== link.traceId || other.spanId !== link.spanId)
        problems.push(`link ${i} to ${other.traceId}/${other.spanId}`);
      if (!allow.dropsLinkAttributes)
        problems.push(
          ...compareAttributes(`link ${i} attribute`, other.attributes, link.attributes, allow, []),
        );
    });
  }
  if (!allow.dropsResourceAttributes) {
    problems.push(
      ...compareAttributes(
        'resource attribute',
        got.resource.attributes,
        want.resource.attributes,
        allow,
        [],
        true,
      ),
    );
  } else if (!sameName(String(got.resource.attributes['service.name']), want.serviceName, allow)) {
    problems.push(`resource service.name ${String(got.resource.attributes['service.name'])}`);
  }
  if (allow.dropsScope) return problems;
  if (got.scope.name !== want.scope.name)
    problems.push(`scope "${got.scope.name}", expected "${want.scope.name}"`);
  if ((got.scope.version ?? '') !== (want.scope.version ?? ''))
    problems.push(`scope version "${got.scope.version}", expected "${want.scope.version}"`);
  return problems;
}

function compareAttributes(
  what: string,
  got: Attributes,
  want: Attributes,
  allow: BackendFidelity,
  added: readonly string[],
  extrasAllowed = false,
  mayBeMissing: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(want)) {
    if (!(key in got)) {
      if (!mayBeMissing.includes(key)) problems.push(`${what} ${key} is missing`);
    } else if (!sameValue(got[key]!, value, allow))
      problems.push(`${what} ${key} = ${JSON.stringify(got[key])}, expected ${JSON.stringify(value)}`);
  }
  if (!extrasAllowed) {
    for (const key of Object.keys(got))
      if (!(key in want) && !added.includes(key))
        problems.push(`unexpected ${what} ${key} = ${JSON.stringify(got[key])}`);
  }
  return problems;
}

function sameValue(got: AttributeValue, want: AttributeValue, allow: BackendFidelity): boolean {
  if (JSON.stringify(got) === JSON.stringify(want)) return true;
  if (allow.roundsFractionalNumbers && typeof want === 'number' && !Number.isInteger(want))
    return sameValue(got, Math.round(want), allow);
  const limit = allow.truncatesStringValuesAtBytes;
  if (
    limit !== undefined &&
    typeof want === 'string' &&
    typeof got === 'string' &&
    Buffer.byteLength(want) > limit
  )
    return want.startsWith(got) && Buffer.byteLength(got) > limit - 4;
  if (!allow.stringifiesAttributes) return false;
  return got === (Array.isArray(want) ? JSON.stringify(want) : String(want));
}
