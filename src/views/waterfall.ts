/**
 * The waterfall of one trace as plain data a page can draw: one row per span in tree order, with
 * its offset and duration on the trace's time axis, its service colour, errors, the critical path,
 * and runs of repeated siblings collapsed as ×N. Pure: no I/O, no clock.
 */
import { criticalPath } from '../analysis/critical-path.js';
import { buildSpanTree, type SpanNode } from '../model/span-tree.js';
import type { LogRecord } from '../model/log-record.js';
import type { Trace } from '../model/span.js';
import { roundMs as round, shownPairs as pairs } from './shown-value.js';
import { logsBySpan, logsCutOf, type LogsCut, type SpanLogs } from './span-logs.js';

/** Ten colours a reader tells apart; a trace with more services reuses them. */
export const SERVICE_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#bab0ac',
  '#e15759',
] as const;

/** Repeated siblings shown one by one up to this many; a longer run becomes one ×N row. */
export const COLLAPSE_FROM = 3;

export interface SpanDetails {
  kind: string;
  status?: string;
  attributes: [string, string][];
  resource: [string, string][];
  events: { atMs: number; name: string; attributes: [string, string][] }[];
  scope: string;
  /** What the span logged (OTLP log records carrying its span id), when the backend keeps logs. */
  logs?: SpanLogs;
}

export interface WaterfallRow {
  id: string;
  parentId?: string;
  depth: number;
  name: string;
  service: string;
  /** Index into the view's services (and so its colour). */
  serviceIndex: number;
  startMs: number;
  durationMs: number;
  error: boolean;
  /** On the critical path of the primary root. */
  critical: boolean;
  /** The first of a run of repeated siblings: how many the run holds. */
  repeat?: number;
  /** A later member of a run: the id of its first member (hidden until that row is expanded). */
  repeatOf?: string;
  details: SpanDetails;
}

export interface WaterfallView {
  kind: 'waterfall';
  traceId: string;
  spanCount: number;
  totalMs: number;
  services: { name: string; colour: string }[];
  rows: WaterfallRow[];
  /** Present when the trace had more log records than were read: where the reading stopped. */
  logsCut?: LogsCut;
}

export interface LogsRead {
  /** The trace had more records than `logs` (its oldest ones, by event time). */
  truncated?: boolean;
}

/** `logs`: the trace's log records, if the backend keeps them; each span shows its own. */
export function waterfallView(
  trace: Trace,
  logs: readonly LogRecord[] = [],
  read: LogsRead = {},
): WaterfallView {
  const tree = buildSpanTree(trace);
  const spanLogs = logsBySpan(logs, tree.startUnixNano);
  const services: string[] = [];
  const serviceIndex = new Map<string, number>();
  const critical = new Set<SpanNode>(criticalPath(tree).map((segment) => segment.node));
  const rows: WaterfallRow[] = [];
  const firstStart = tree.startUnixNano;
  // Iterative pre-order with runs of repeated siblings marked: a deep trace cannot overflow the stack.
  const stack: { node: SpanNode; repeat?: number; repeatOf?: string }[] = [];
  const pushChildren = (children: readonly SpanNode[]) => {
    const marked: { node: SpanNode; repeat?: number; repeatOf?: string }[] = [];
    for (let start = 0; start < children.length;) {
      const first = children[start] as SpanNode;
      let end = start + 1;
      while (end < children.length && sameOperation(children[end] as SpanNode, first)) end += 1;
      const run = end - start;
      if (run >= COLLAPSE_FROM) {
        marked.push({ node: first, repeat: run });
        for (let index = start + 1; index < end; index += 1)
          marked.push({ node: children[index] as SpanNode, repeatOf: first.span.spanId });
      } else
        for (let index = start; index < end; index += 1) marked.push({ node: children[index] as SpanNode });
      start = end;
    }
    for (let index = marked.length - 1; index >= 0; index -= 1)
      stack.push(marked[index] as (typeof marked)[number]);
  };
  pushChildren(tree.tops);
  while (stack.length > 0) {
    const { node, repeat, repeatOf } = stack.pop() as (typeof stack)[number];
    const span = node.span;
    let index = serviceIndex.get(span.serviceName);
    if (index === undefined) {
      index = services.length;
      services.push(span.serviceName);
      serviceIndex.set(span.serviceName, index);
    }
    rows.push({
      id: span.spanId,
      ...(node.parent ? { parentId: node.parent.span.spanId } : {}),
      depth: node.depth - 1,
      name: span.name,
      service: span.serviceName,
      serviceIndex: index,
      startMs: round(node.startNs / 1e6),
      durationMs: round((node.endNs - node.startNs) / 1e6),
      error: span.status.code === 'error',
      critical: critical.has(node),
      ...(repeat !== undefined ? { repeat } : {}),
      ...(repeatOf !== undefined ? { repeatOf } : {}),
      details: {
        kind: span.kind,
        ...(span.status.code !== 'unset'
          ? { status: `${span.status.code}${span.status.message ? `: ${span.status.message}` : ''}` }
          : {}),
        attributes: pairs(span.attributes),
        resource: pairs(span.resource.attributes),
        events: span.events.map((event) => ({
          atMs: round(Number(event.timeUnixNano - firstStart) / 1e6),
          name: event.name,
          attributes: pairs(event.attributes),
        })),
        scope: `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`,
        ...(spanLogs.has(span.spanId) ? { logs: spanLogs.get(span.spanId) } : {}),
      },
    });
    pushChildren(node.children);
  }
  return {
    kind: 'waterfall',
    traceId: trace.traceId,
    spanCount: trace.spans.length,
    totalMs: round(tree.endNs / 1e6),
    services: services.map((name, index) => ({
      name,
      colour: SERVICE_COLOURS[index % SERVICE_COLOURS.length] as string,
    })),
    rows,
    ...(read.truncated ? { logsCut: logsCutOf(logs, firstStart) } : {}),
  };
}

/**
 * Repeats of one call: the same operation in the same service, calling the same operations. HTTP
 * client spans named just `POST` to three different services are not a repeat, and collapsing them
 * would hide whatever each one led to.
 */
function sameOperation(a: SpanNode, b: SpanNode): boolean {
  return (
    a.span.name === b.span.name &&
    a.span.serviceName === b.span.serviceName &&
    childShape(a) === childShape(b)
  );
}

const shapes = new WeakMap<SpanNode, string>();
function childShape(node: SpanNode): string {
  let shape = shapes.get(node);
  if (shape === undefined) {
    shape = [...new Set(node.children.map((child) => `${child.span.serviceName}\u0000${child.span.name}`))]
      .sort()
      .join('\u0001');
    shapes.set(node, shape);
  }
  return shape;
}
