/**
 * A span missing beneath a span that failed most likely never ran because the failure stopped the
 * flow (an exception thrown before the INSERT that would have followed it): it is a consequence of
 * that error chain, fixed with it, not a span to add. Such a `missing` violation carries
 * `caused_by`, the span where the failure started, so reports fold it into the chain's one action.
 */
import type { Span } from '../../model/index.js';
import type { AssignmentPlan } from './assignment-plan.js';
import type { CompiledEntry } from './compiled-spec.js';
import type { SpanRef, Violation } from './comparison-result.js';
import { describeSpan, spanRef } from './evidence-format.js';
import type { TraceIndex } from './trace-index.js';

/**
 * Marks, in place, each `missing` violation whose parent span failed with an unexpected error.
 * `failed` holds the ids of the spans reported as unexpected errors, `origins` where the failure of
 * a span that only passed it on started. Not when the parent entry is `ordered` and a sibling listed
 * after the missing one ran beneath that span: the flow went past its place, failure or not. Beneath
 * a span that only passed a failure on, only an entry its ordered parent lists after the failing child.
 */
export function markStoppedByFailure(
  violations: readonly Violation[],
  entries: readonly CompiledEntry[],
  index: TraceIndex,
  plan: AssignmentPlan,
  failed: ReadonlySet<string>,
  origins: ReadonlyMap<string, SpanRef> | undefined,
): void {
  if (failed.size === 0) return;
  const entryByPath = new Map(entries.map((entry) => [entry.path, entry]));
  for (const violation of violations) {
    if (violation.kind !== 'missing' || !violation.under || !failed.has(violation.under.span_id)) continue;
    const at = index.byId.get(violation.under.span_id);
    const entry = entryByPath.get(violation.path);
    if (at === undefined || entry === undefined || ranPast(entry, at, index, plan)) continue;
    const parent = index.spans[at] as Span;
    // The failing spans beneath it, down to where the failure started (the first failing child at
    // each level, as analysis's failureOrigins takes it); none when the failure started in it.
    const below = failingChain(at, index);
    if (below.length > 0 && !afterFailingChild(entry, below, plan)) continue;
    const start = index.spans[below.at(-1) ?? at] as Span;
    const origin = origins?.get(parent.spanId) ?? spanRef(start);
    const passedOn =
      origin.span_id === parent.spanId ? '' : ` (passed on from \`${origin.name}\` (${origin.service}))`;
    violation.caused_by = origin;
    violation.message += `; ${describeSpan(parent)} failed${passedOn}, most likely before it could run`;
    violation.fix = `fix the failure in \`${origin.name}\` (${origin.service}) that stopped the flow before \`${entry.name}\`; if it is still missing once that passes, ${violation.fix}`;
  }
}

/** The failing spans beneath span `at`, from its first failing child down to the deepest. */
function failingChain(at: number, index: TraceIndex): number[] {
  const chain: number[] = [];
  const failing = (span: number) => index.spans[span]?.status.code === 'error';
  for (let next = index.children[at]?.find(failing); next !== undefined;) {
    chain.push(next);
    next = index.children[next]?.find(failing);
  }
  return chain;
}

/**
 * For a span that only passed on a failure from beneath (`below`, its failing spans): whether its
 * ordered entry lists `entry` after the child the failure came up through. Its calls otherwise have
 * no known order, and a call never made is a defect of its own (a missing call beside a failing one).
 */
function afterFailingChild(entry: CompiledEntry, below: readonly number[], plan: AssignmentPlan): boolean {
  const parent = entry.parent;
  if (!parent?.ordered) return false;
  for (const span of below) {
    const failing = plan.useOf.get(span)?.entry;
    if (failing?.parent === parent) return parent.children.indexOf(failing) < parent.children.indexOf(entry);
  }
  return false;
}

/** Whether a sibling the ordered parent lists after `entry` matched a span beneath span `at`. */
function ranPast(entry: CompiledEntry, at: number, index: TraceIndex, plan: AssignmentPlan): boolean {
  const parent = entry.parent;
  if (!parent?.ordered) return false;
  const later = new Set(parent.children.slice(parent.children.indexOf(entry) + 1).map((child) => child.id));
  if (later.size === 0) return false;
  const enter = index.enter[at] as number;
  const exit = index.exit[at] as number;
  for (const [span, use] of plan.useOf) {
    const spanEnter = index.enter[span] as number;
    if (later.has(use.entry.id) && spanEnter > enter && spanEnter < exit) return true;
  }
  return false;
}
