import type { Capped } from './capped.js';
import { cap, capMap, clip } from './capped.js';
import type { ExceptionInfo } from './exceptions.js';
import { exceptionsOf } from './exceptions.js';
import type { SpanFailure } from './span-failure.js';
import { spanFailure } from './span-failure.js';
import type { SpanRef } from './span-ref.js';
import { spanRef } from './span-ref.js';
import type { SpanNode, SpanTree } from '../model/span-tree.js';

export interface ErrorSpan {
  span: SpanRef;
  /** `status ERROR: …`, `HTTP 503`, `gRPC 14 UNAVAILABLE`. */
  reason: string;
  /** The first exception event of the span, when it has one. */
  exception?: ExceptionInfo;
}

/** Identical exceptions are counted once: a loop throwing 500 times is one line. */
export interface ExceptionGroup extends ExceptionInfo {
  count: number;
  /** The first span that recorded it. */
  span: SpanRef;
}

/** The deepest failing span of a chain of failing spans: where the failure started. */
export interface RootCause {
  span: SpanRef;
  reason: string;
  exception?: ExceptionInfo;
  /** Failing spans from the top of the chain down to this one (first and last two when long). */
  chain: SpanRef[];
  chainLength: number;
  /** Chains ending in the same service, operation and exception. */
  count: number;
}

export interface TraceErrors {
  errorSpanCount: number;
  errorSpans: Capped<ErrorSpan>;
  exceptions: Capped<ExceptionGroup>;
  rootCauses: Capped<RootCause>;
  /** Spans whose HTTP or gRPC code says they failed while their status was left unset or OK. */
  unmarkedFailures: Capped<ErrorSpan>;
}

const CHAIN_ENDS = 2;

function chainOf(leaf: SpanNode, failed: Map<number, SpanFailure>): { chain: SpanRef[]; length: number } {
  const nodes: SpanNode[] = [];
  for (
    let node: SpanNode | undefined = leaf;
    node !== undefined && failed.has(node.index);
    node = node.parent
  ) {
    nodes.push(node);
  }
  nodes.reverse();
  const kept =
    nodes.length <= CHAIN_ENDS * 2 ? nodes : [...nodes.slice(0, CHAIN_ENDS), ...nodes.slice(-CHAIN_ENDS)];
  return { chain: kept.map((node) => spanRef(node.span)), length: nodes.length };
}

/** The exception that explains a failing span: its own, else the nearest one up its failing chain. */
function explainingException(leaf: SpanNode, failed: Map<number, SpanFailure>): ExceptionInfo | undefined {
  for (
    let node: SpanNode | undefined = leaf;
    node !== undefined && failed.has(node.index);
    node = node.parent
  ) {
    const first = exceptionsOf(node.span)[0];
    if (first !== undefined) return first;
  }
  return undefined;
}

function errorSpan(node: SpanNode, failure: SpanFailure): ErrorSpan {
  const entry: ErrorSpan = { span: spanRef(node.span), reason: clip(failure.label) };
  const exception = exceptionsOf(node.span)[0];
  if (exception !== undefined) entry.exception = exception;
  return entry;
}

/** The failing spans of a tree, in preorder, with why each failed. */
function failingSpans(tree: SpanTree): { failed: Map<number, SpanFailure>; failing: SpanNode[] } {
  const failed = new Map<number, SpanFailure>();
  const failing: SpanNode[] = [];
  for (const node of tree.preorder) {
    const failure = spanFailure(node.span);
    if (failure === undefined) continue;
    failed.set(node.index, failure);
    failing.push(node);
  }
  return { failed, failing };
}

/**
 * For each failing span with a failing child, by span id: the root cause it passed on, the end of
 * its failing chain (the first in preorder when several children failed). Spans where a failure
 * starts are not in it. A chain is one defect, so a report that lists each of its spans says the
 * same thing once per level.
 */
export function failureOrigins(tree: SpanTree): Map<string, SpanRef> {
  const { failed } = failingSpans(tree);
  const origin = new Map<number, SpanNode>();
  const out = new Map<string, SpanRef>();
  // Descendants before their ancestors: a child's origin is known when its parent asks for it.
  for (let at = tree.preorder.length - 1; at >= 0; at -= 1) {
    const node = tree.preorder[at] as SpanNode;
    if (!failed.has(node.index)) continue;
    const child = node.children.find((candidate) => failed.has(candidate.index));
    const start = child === undefined ? node : (origin.get(child.index) as SpanNode);
    origin.set(node.index, start);
    if (start !== node) out.set(node.span.spanId, spanRef(start.span));
  }
  return out;
}

export function analyzeErrors(tree: SpanTree, maxItems: number): TraceErrors {
  const { failed, failing } = failingSpans(tree);

  const exceptions = new Map<string, ExceptionGroup>();
  for (const node of tree.preorder) {
    for (const info of exceptionsOf(node.span)) {
      const key = `${info.type ?? ''}\u0000${info.message ?? ''}\u0000${info.frame ?? ''}`;
      const group = exceptions.get(key);
      if (group === undefined) exceptions.set(key, { ...info, count: 1, span: spanRef(node.span) });
      else group.count += 1;
    }
  }

  // A chain ends at a failing span with no failing child; equal endings are grouped.
  const causes = new Map<string, RootCause & { depth: number }>();
  for (const node of failing) {
    if (node.children.some((child) => failed.has(child.index))) continue;
    const failure = failed.get(node.index) as SpanFailure;
    const exception = explainingException(node, failed);
    const key = [
      node.span.serviceName,
      node.span.name,
      exception?.type ?? '',
      exception?.message ?? failure.label,
    ].join('\u0000');
    const existing = causes.get(key);
    if (existing !== undefined) {
      existing.count += 1;
      continue;
    }
    const { chain, length } = chainOf(node, failed);
    const cause: RootCause & { depth: number } = {
      span: spanRef(node.span),
      reason: clip(failure.label),
      chain,
      chainLength: length,
      count: 1,
      depth: node.depth,
    };
    if (exception !== undefined) cause.exception = exception;
    causes.set(key, cause);
  }
  const rootCauses = [...causes.values()]
    .sort((a, b) => b.chainLength - a.chainLength || b.count - a.count || b.depth - a.depth)
    .map(({ depth: _depth, ...cause }) => cause);

  return {
    errorSpanCount: failing.length,
    errorSpans: capMap(failing, maxItems, (node) => errorSpan(node, failed.get(node.index) as SpanFailure)),
    exceptions: cap(
      [...exceptions.values()].sort((a, b) => b.count - a.count),
      maxItems,
    ),
    rootCauses: cap(rootCauses, maxItems),
    unmarkedFailures: capMap(
      failing.filter((node) => !(failed.get(node.index) as SpanFailure).statusError),
      maxItems,
      (node) => errorSpan(node, failed.get(node.index) as SpanFailure),
    ),
  };
}
