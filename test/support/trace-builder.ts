/**
 * Builds normalized model traces from a compact tree, for table-driven tests of the pure parts
 * (`spec/`, `analysis/`). Ids are deterministic. End-to-end tests use the real OpenTelemetry SDK
 * instead; this builder is for the many small shapes a rule needs.
 */
import type { Attributes, LogRecord, Span, SpanKind, StatusCode, Trace } from '../../src/model/index.js';

export interface SpanSketch {
  name: string;
  service?: string;
  kind?: SpanKind;
  /** Start relative to the trace start, in ms (default: the parent's start). */
  startMs?: number;
  /** Default 10 ms. */
  durationMs?: number;
  attributes?: Attributes;
  resourceAttributes?: Attributes;
  status?: StatusCode;
  statusMessage?: string;
  events?: { name: string; atMs?: number; attributes?: Attributes }[];
  links?: { traceId: string; spanId: string; attributes?: Attributes }[];
  children?: SpanSketch[];
  /** Give the span this id instead of a generated one. */
  spanId?: string;
  /** Point the span at a parent that is not in the trace (an orphan). */
  missingParentId?: string;
  /** The instrumentation scope that made the span (default `test-builder`). */
  scope?: { name: string; version?: string };
}

export const TRACE_START_NANOS = 1_764_000_000_000_000_000n;

let traceCounter = 0;

export function nextTraceId(): string {
  traceCounter += 1;
  // A fixed leading digit, then zero padding: padding with a hex digit made 0xa and 0xaa the same id.
  return `a${traceCounter.toString(16).padStart(31, '0')}`;
}

/** Builds a trace from one or more root sketches (several roots model orphans and fragments). */
export function buildTrace(roots: SpanSketch | SpanSketch[], traceId = nextTraceId()): Trace {
  const spans: Span[] = [];
  let spanCounter = 0;
  const visit = (sketch: SpanSketch, parent: Span | undefined, inheritedService: string): void => {
    spanCounter += 1;
    const service = sketch.service ?? inheritedService;
    const parentStartMs = parent ? Number(parent.startTimeUnixNano - TRACE_START_NANOS) / 1e6 : 0;
    const startMs = sketch.startMs ?? parentStartMs;
    const durationMs = sketch.durationMs ?? 10;
    const startNanos = TRACE_START_NANOS + BigInt(Math.round(startMs * 1e6));
    const span: Span = {
      traceId,
      spanId: sketch.spanId ?? spanCounter.toString(16).padStart(16, '0'),
      parentSpanId: parent?.spanId ?? sketch.missingParentId,
      name: sketch.name,
      kind: sketch.kind ?? (parent ? 'internal' : 'server'),
      serviceName: service,
      startTimeUnixNano: startNanos,
      endTimeUnixNano: startNanos + BigInt(Math.round(durationMs * 1e6)),
      status: { code: sketch.status ?? 'unset', message: sketch.statusMessage },
      attributes: sketch.attributes ?? {},
      droppedAttributesCount: 0,
      events: (sketch.events ?? []).map((event) => ({
        name: event.name,
        timeUnixNano: startNanos + BigInt(Math.round((event.atMs ?? 0) * 1e6)),
        attributes: event.attributes ?? {},
        droppedAttributesCount: 0,
      })),
      droppedEventsCount: 0,
      links: (sketch.links ?? []).map((link) => ({
        ...link,
        attributes: link.attributes ?? {},
        droppedAttributesCount: 0,
      })),
      droppedLinksCount: 0,
      resource: {
        attributes: { 'service.name': service, ...sketch.resourceAttributes },
        droppedAttributesCount: 0,
      },
      scope: {
        name: sketch.scope?.name ?? 'test-builder',
        ...(sketch.scope?.version ? { version: sketch.scope.version } : {}),
        attributes: {},
        droppedAttributesCount: 0,
      },
    };
    if (span.status.message === undefined) delete span.status.message;
    if (span.parentSpanId === undefined) delete span.parentSpanId;
    spans.push(span);
    for (const child of sketch.children ?? []) visit(child, span, service);
  };
  for (const root of Array.isArray(roots) ? roots : [roots])
    visit(root, undefined, root.service ?? 'test-service');
  spans.sort((a, b) =>
    a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0,
  );
  return { traceId, spans };
}

/** `count` copies of a sketch, one after another starting at `startMs`, each `gapMs` apart. */
export function repeated(count: number, sketch: SpanSketch, startMs: number, gapMs = 0): SpanSketch[] {
  const duration = sketch.durationMs ?? 10;
  return Array.from({ length: count }, (_, index) => ({
    ...sketch,
    startMs: startMs + index * (duration + gapMs),
  }));
}

/**
 * The trace moved so that the builder's start (TRACE_START_NANOS) falls `ageMs` before now, events
 * included: a store-bound fixture must be recent, since retention (7 days by default) drops a trace
 * from the builder's fixed epoch on write.
 */
export function movedToNow(trace: Trace, ageMs = 0): Trace {
  const shift = BigInt(Date.now() - ageMs) * 1_000_000n - TRACE_START_NANOS;
  return {
    ...trace,
    spans: trace.spans.map((span) => ({
      ...span,
      startTimeUnixNano: span.startTimeUnixNano + shift,
      endTimeUnixNano: span.endTimeUnixNano + shift,
      events: span.events.map((event) => ({ ...event, timeUnixNano: event.timeUnixNano + shift })),
    })),
  };
}

/** A log record emitted inside the trace's first span. */
export function logFor(trace: Trace): LogRecord {
  const span = trace.spans[0]!;
  return {
    timeUnixNano: span.startTimeUnixNano,
    observedTimeUnixNano: span.startTimeUnixNano,
    severityNumber: 9,
    body: 'handled',
    attributes: {},
    droppedAttributesCount: 0,
    traceId: trace.traceId,
    spanId: span.spanId,
    serviceName: span.serviceName,
    resource: span.resource,
    scope: span.scope,
  };
}
