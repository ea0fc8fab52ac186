/**
 * Builds traces that conform to a spec, with a fixed-seed random generator, for the accuracy
 * benchmark. Every generated span remembers which entry it was made for, so mutations can break
 * (or harmlessly perturb) a chosen span and know what the comparison should say.
 */
import type { AttributeValue, Attributes, SpanKind, Trace } from '../src/model/index.js';
import {
  normalizeCount,
  normalizeDuration,
  type SpanSpec,
  type TagExpectation,
  type TagMatcher,
  type TraceSpec,
} from '../src/tracespec/index.js';
import { siblingSegments } from '../src/tracespec/language/spec-paths.js';
import { buildTrace, type SpanSketch } from '../test/support/trace-builder.js';

export type Rng = () => number;

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
export const between = (rng: Rng, low: number, high: number): number => low + rng() * (high - low);

export interface GenNode {
  id: string;
  name: string;
  service: string;
  kind: SpanKind;
  startMs: number;
  durationMs: number;
  attributes: Attributes;
  resourceAttributes: Attributes;
  status: 'unset' | 'error';
  events: { name: string; attributes: Attributes }[];
  links: { traceId: string; spanId: string }[];
  children: GenNode[];
  missingParentId?: string;
  /** Labels: the entry this span was generated for. */
  entry?: SpanSpec;
  entryPath?: string;
  /** Identity of the scope instance (owner span id + entry path) and how many spans it got. */
  instanceKey?: string;
  instanceCount?: number;
  /** The span the parent entry matched; undefined for top-level entries. */
  ownerId?: string;
  noise?: boolean;
}

export interface Generated {
  roots: GenNode[];
  newId: () => string;
}

const NOISE_NAMES = [
  'log.flush',
  'json.serialize',
  'pool.acquire',
  'middleware.auth',
  'template.render',
  'metrics.record',
];

/** Regular expressions used in the benchmark specs, each with a value it matches. */
export const REGEX_EXAMPLES: Record<string, string> = {
  '^/health': '/health/live',
  '^(GET|HEAD)$': 'GET',
  '^card_': 'card_visa',
};

export function satisfyingValue(expectation: TagExpectation, rng: Rng): AttributeValue {
  if (typeof expectation !== 'object' || Array.isArray(expectation)) return expectation;
  const m = expectation as TagMatcher;
  if (m.eq !== undefined) return m.eq;
  if (m.in !== undefined) return pick(rng, m.in);
  if (m.regex !== undefined) return REGEX_EXAMPLES[m.regex] ?? 'unknown-regex';
  if (m.contains !== undefined) return `x${String(m.contains)}y`;
  if (m.gt !== undefined || m.gte !== undefined || m.lt !== undefined || m.lte !== undefined) {
    const low = m.gte ?? (m.gt !== undefined ? m.gt + 1 : (m.lt ?? m.lte ?? 0) - 10);
    const high = m.lte ?? (m.lt !== undefined ? m.lt - 1 : low + 10);
    return Math.round(between(rng, low, high));
  }
  if (m.ne !== undefined) return `not-${String(m.ne)}`;
  return 'present';
}

/** A value that fails the expectation, or undefined when none exists (`exists: true` can only be missing). */
export function violatingValue(expectation: TagExpectation): AttributeValue | undefined {
  if (typeof expectation === 'string') return `${expectation}-other`;
  if (typeof expectation === 'number') return expectation + 7;
  if (typeof expectation === 'boolean') return !expectation;
  if (Array.isArray(expectation)) return ['different'];
  const m = expectation;
  if (m.eq !== undefined) return violatingValue(m.eq as TagExpectation);
  if (m.in !== undefined) return 'not-in-the-list';
  if (m.regex !== undefined) return '~no-match~';
  if (m.gte !== undefined || m.gt !== undefined) return (m.gte ?? m.gt ?? 0) - 10;
  if (m.lte !== undefined || m.lt !== undefined) return (m.lte ?? m.lt ?? 0) + 10;
  if (m.contains !== undefined) return 'zzz';
  if (m.ne !== undefined) return m.ne;
  return undefined;
}

export function walk(
  roots: readonly GenNode[],
  visit: (node: GenNode, parent: GenNode | undefined) => void,
): void {
  const stack: [GenNode, GenNode | undefined][] = roots.map((root) => [root, undefined]);
  while (stack.length > 0) {
    const [node, parent] = stack.pop() as [GenNode, GenNode | undefined];
    visit(node, parent);
    for (const child of node.children) stack.push([child, node]);
  }
}

export function allNodes(roots: readonly GenNode[]): { node: GenNode; parent: GenNode | undefined }[] {
  const list: { node: GenNode; parent: GenNode | undefined }[] = [];
  walk(roots, (node, parent) => list.push({ node, parent }));
  return list;
}

export function cloneGenerated(generated: Generated): Generated {
  let counter = 0;
  walk(generated.roots, (node) => {
    counter = Math.max(counter, parseInt(node.id, 16));
  });
  const copy = (node: GenNode): GenNode => ({
    ...node,
    attributes: structuredClone(node.attributes),
    resourceAttributes: structuredClone(node.resourceAttributes),
    events: structuredClone(node.events),
    links: structuredClone(node.links),
    children: node.children.map(copy),
  });
  return { roots: generated.roots.map(copy), newId: () => (++counter).toString(16).padStart(16, '0') };
}

/** A deep copy with fresh ids (for duplicating a span and its subtree). */
export function cloneSubtree(node: GenNode, newId: () => string, shiftMs: number): GenNode {
  return {
    ...node,
    id: newId(),
    startMs: node.startMs + shiftMs,
    attributes: structuredClone(node.attributes),
    resourceAttributes: structuredClone(node.resourceAttributes),
    events: structuredClone(node.events),
    links: structuredClone(node.links),
    children: node.children.map((child) => cloneSubtree(child, newId, shiftMs)),
  };
}

export function subtreeEnd(node: GenNode): number {
  return node.children.reduce(
    (end, child) => Math.max(end, subtreeEnd(child)),
    node.startMs + node.durationMs,
  );
}

interface GenContext {
  rng: Rng;
  spec: TraceSpec;
  newId: () => string;
  strict: boolean;
}

function makeSpan(
  context: GenContext,
  entry: SpanSpec,
  path: string,
  startMs: number,
  ownerId: string | undefined,
): GenNode {
  const { rng } = context;
  const duration = normalizeDuration(entry.expected_duration_ms);
  let durationMs = Number(between(rng, 1, 8).toFixed(3));
  if (duration) {
    const high = Math.min(duration.max, duration.min + 50);
    durationMs = Number(
      between(
        rng,
        duration.min + 0.1 * (high - duration.min),
        duration.min + 0.9 * (high - duration.min),
      ).toFixed(3),
    );
  }
  const attributes: Attributes = {};
  for (const [key, expectation] of Object.entries(entry.required_tags ?? {}))
    attributes[key] = satisfyingValue(expectation, rng);
  for (const [key, expectation] of Object.entries(entry.optional_tags ?? {})) {
    if (rng() < 0.7) attributes[key] = satisfyingValue(expectation, rng);
  }
  const links = normalizeCount(typeof entry.links === 'number' ? { min: entry.links } : entry.links);
  const linkCount = entry.links === undefined ? 0 : links.min + (rng() < 0.3 ? 1 : 0);
  const node: GenNode = {
    id: context.newId(),
    name: entry.operation_name,
    service: entry.service_name ?? 'any-service',
    kind: entry.kind ?? pick(rng, ['internal', 'server', 'client'] as const),
    startMs,
    durationMs: Math.max(durationMs, duration?.min ?? 0),
    attributes,
    resourceAttributes: {},
    status: 'unset',
    events: [],
    links: Array.from({ length: linkCount }, (_, index) => ({
      traceId: 'f'.repeat(32),
      spanId: (index + 1).toString(16).padStart(16, 'e'),
    })),
    children: [],
    entry,
    entryPath: path,
    ownerId,
  };
  fillChildren(context, node, entry, path);
  return node;
}

function fillChildren(context: GenContext, node: GenNode, entry: SpanSpec, path: string): void {
  const { rng } = context;
  const children = entry.children ?? [];
  const segments = childSegments(children);
  const planned: { child: SpanSpec; childPath: string; count: number }[] = children.map((child, index) => {
    const count = normalizeCount(child.count);
    const high = Math.min(count.max, count.min + 2);
    return {
      child,
      childPath: `${path} > ${segments[index]}`,
      count: count.min + Math.floor(rng() * (high - count.min + 1)),
    };
  });
  const sequence: { child: SpanSpec; childPath: string; count: number }[] = [];
  for (const item of planned) for (let i = 0; i < item.count; i += 1) sequence.push(item);
  if (!entry.ordered) sequence.sort(() => rng() - 0.5);
  let cursor = node.startMs + 0.5;
  for (const item of sequence) {
    let start = cursor;
    let holder: GenNode = node;
    if (!item.child.direct && !context.strict && rng() < 0.2) {
      const middle = noiseSpan(context, start, node.service);
      node.children.push(middle);
      holder = middle;
      start += 0.2;
    }
    const span = makeSpan(context, item.child, item.childPath, start, node.id);
    span.instanceKey = `${node.id}|${item.childPath}`;
    span.instanceCount = item.count;
    holder.children.push(span);
    cursor = subtreeEnd(span) + between(rng, 0, 1);
    if (holder !== node) holder.durationMs = cursor - holder.startMs;
  }
  node.durationMs = Math.max(node.durationMs, cursor - node.startMs + 0.5);
  const bound = normalizeDuration(entry.expected_duration_ms);
  if (bound && node.durationMs > bound.max) node.durationMs = bound.max;
}

/** The comparison's own naming of entry paths. */
const childSegments = siblingSegments;

export function noiseSpan(
  context: { rng: Rng; newId: () => string },
  startMs: number,
  service: string,
): GenNode {
  return {
    id: context.newId(),
    name: pick(context.rng, NOISE_NAMES),
    service,
    kind: 'internal',
    startMs,
    durationMs: 0.5,
    attributes: {},
    resourceAttributes: {},
    status: 'unset',
    events: [],
    links: [],
    children: [],
    noise: true,
  };
}

/** A trace conforming to `spec`: the first top-level instance is the root, the other top-level spans sit under it. */
export function generateConforming(spec: TraceSpec, rng: Rng): Generated {
  let counter = 0;
  const newId = (): string => (++counter).toString(16).padStart(16, '0');
  const context: GenContext = { rng, spec, newId, strict: spec.strict === true };
  const topSegments = childSegments(spec.expected_spans);
  const tops: GenNode[] = [];
  spec.expected_spans.forEach((entry, index) => {
    const count = normalizeCount(entry.count);
    const high = Math.min(count.max, count.min + 1);
    const n = count.min + Math.floor(rng() * (high - count.min + 1));
    for (let i = 0; i < n; i += 1) {
      const span = makeSpan(context, entry, topSegments[index] as string, 0, undefined);
      span.instanceKey = `|${topSegments[index]}`;
      span.instanceCount = n;
      tops.push(span);
    }
  });
  const [root, ...rest] = tops;
  if (!root) return { roots: [], newId };
  let cursor = subtreeEnd(root);
  // More spans of the root's own entry become roots of their own: nesting them under the first
  // would nest one scope of the entry inside another, which is a different (legal) shape.
  const roots = [root];
  for (const span of rest) {
    shift(span, cursor + 1 - span.startMs);
    if (span.entryPath === root.entryPath) roots.push(span);
    else root.children.push(span);
    cursor = subtreeEnd(span);
  }
  root.durationMs = Math.max(root.durationMs, cursor - root.startMs + 1);
  const bound = normalizeDuration(root.entry?.expected_duration_ms);
  if (bound && root.durationMs > bound.max) root.durationMs = bound.max;
  if (!context.strict) {
    const nodes = allNodes(roots);
    const noise = Math.floor(rng() * 3);
    for (let i = 0; i < noise; i += 1) {
      const host = pick(rng, nodes).node;
      host.children.push(noiseSpan(context, host.startMs + 0.1, host.service));
    }
  }
  for (const condition of spec.error_conditions ?? []) {
    if (condition.expect !== 'error') continue;
    const target = allNodes(roots).find(
      ({ node }) =>
        node.name === condition.operation_name &&
        (condition.service_name === undefined || node.service === condition.service_name),
    );
    if (!target) continue;
    const type = condition.exception_type ?? 'Error';
    target.node.status = 'error';
    target.node.events.push({
      name: 'exception',
      attributes: {
        'exception.type': rng() < 0.5 ? type : `com.shop.payments.${type}`,
        'exception.message': 'declined',
      },
    });
  }
  return { roots, newId };
}

export function shift(node: GenNode, deltaMs: number): void {
  walk([node], (item) => {
    item.startMs += deltaMs;
  });
}

let traceCounter = 0;

export function toTrace(generated: Generated): Trace {
  const toSketch = (node: GenNode): SpanSketch => ({
    name: node.name,
    service: node.service,
    kind: node.kind,
    startMs: node.startMs,
    durationMs: node.durationMs,
    attributes: node.attributes,
    resourceAttributes: node.resourceAttributes,
    status: node.status,
    events: node.events,
    links: node.links,
    children: node.children.map(toSketch),
    spanId: node.id,
    ...(node.missingParentId ? { missingParentId: node.missingParentId } : {}),
  });
  traceCounter += 1;
  return buildTrace(generated.roots.map(toSketch), traceCounter.toString(16).padStart(32, 'b'));
}
