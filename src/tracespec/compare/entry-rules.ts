/**
 * The per-entry rules, checked in every scope where an entry was looked for (docs/spec-language.md,
 * "Entries" and "Tags"): count (too few, too many, forbidden), duration bounds, optional tags,
 * links (extension), and the order of an `ordered` parent's children.
 */
import type { Span } from '../../model/index.js';
import type { AssignmentPlan, ScopeInstance } from './assignment-plan.js';
import { anchorOrphans } from './orphan-anchors.js';
import type { CompiledEntry } from './compiled-spec.js';
import { reportDeficit } from './deficit-report.js';
import { describeSpan, formatMs, formatRange, roundMs, spanRef } from './evidence-format.js';
import type { Findings } from './findings.js';
import { checkOrder } from './order-rule.js';
import type { ScopeSolver } from './scope-solver.js';
import type { TraceIndex } from './trace-index.js';
import { checkTag, showAttribute } from './tag-matcher.js';

/** What the provisional scopes matched; none of it is unexpected, since the spec accounts for it. */
export interface ProvisionalMatches {
  /** Span → the id of the entry it matched. */
  uses: Map<number, number>;
  /** Those of them at or beneath an orphan anchored to an entry (orphan-anchors.ts): their parent never arrived. */
  withoutParent: Set<number>;
}

/**
 * Checks every scope of the plan. When an entry with children is missing but a near miss explains
 * it (say, the right span in the wrong service), its children are also looked for beneath that
 * span, in a provisional scope: one report then shows every problem, not just the outermost. An
 * orphan anchored to an entry opens the same kind of scope for that entry's children.
 * Provisional scopes add violations but no checks to the score (those already count as failed).
 */
export function checkEntries(
  solver: ScopeSolver,
  plan: AssignmentPlan,
  findings: Findings,
): ProvisionalMatches {
  const anchors = anchorOrphans(solver.index, solver.spec.entries, plan);
  const withoutParent = new Set<number>();
  const context = {
    index: solver.index,
    useOf: plan.useOf,
    entriesByName: solver.spec.byName,
    withoutParent,
    lostBeneath: anchors.beneath,
  };
  const queue: { instance: ScopeInstance; provisional: boolean; orphaned?: boolean }[] = plan.instances.map(
    (instance) => ({ instance, provisional: false }),
  );
  const uses = new Map<number, number>();
  const taken = new Set<number>([...plan.useOf.keys()]);
  const openProvisional = (
    owner: number,
    parentEntry: CompiledEntry,
    key: string,
    orphaned = false,
  ): void => {
    const solution = solver.solve(parentEntry.children, owner, taken);
    for (const [entryId, assignment] of solution.byEntry) {
      for (const span of [...assignment.required, ...assignment.extra]) {
        taken.add(span);
        uses.set(span, entryId);
        if (orphaned) withoutParent.add(span);
      }
    }
    queue.push({
      instance: { key, owner, parentEntry, entries: parentEntry.children, solution },
      provisional: true,
      orphaned,
    });
  };
  // Each missing parent span is one provisional instance of its entry, holding only its orphans:
  // they are judged as that entry's children (count, duration, tags, order), their children beneath them.
  const lostScopes: typeof queue = [];
  const anchoredSpans = new Set(anchors.lostParents.flatMap((lost) => [...lost.anchored.keys()]));
  for (const span of anchoredSpans) taken.add(span);
  for (const lost of anchors.lostParents) {
    const entries = [...new Set(lost.anchored.values())].sort((a, b) => a.id - b.id); // spec order, for `ordered`
    const others = new Set(taken);
    for (const entry of entries)
      for (const span of solver.candidatesInScope(entry, -1)) if (!lost.anchored.has(span)) others.add(span);
    for (const span of lost.anchored.keys()) others.delete(span);
    const solution = solver.solve(entries, -1, others);
    for (const [entryId, assignment] of solution.byEntry) {
      for (const span of [...assignment.required, ...assignment.extra]) {
        uses.set(span, entryId);
        withoutParent.add(span);
      }
    }
    // First in the queue: their subtrees are taken before any near miss is looked for elsewhere.
    lostScopes.push({
      instance: {
        key: `^${lost.parentEntry.id}@${lost.missingParentId}`,
        owner: -1,
        parentEntry: lost.parentEntry,
        entries,
        solution,
        lostParent: { spanId: lost.missingParentId, orphans: new Set(lost.anchored.keys()) },
      },
      provisional: true,
      orphaned: true,
    });
  }
  queue.unshift(...lostScopes);
  for (let head = 0; head < queue.length; head += 1) {
    const { instance, provisional, orphaned } = queue[head] as (typeof queue)[number];
    findings.tallying = !provisional;
    const assignedByEntry = new Map<number, number[]>();
    for (const entry of instance.entries) {
      findings.evaluated.add(entry.id);
      const assignment = instance.solution.byEntry.get(entry.id);
      const assigned = assignment ? [...assignment.required, ...assignment.extra] : [];
      assigned.sort((a, b) => (solver.index.startRank[a] ?? 0) - (solver.index.startRank[b] ?? 0));
      assignedByEntry.set(entry.id, assigned);
      const culprit = checkEntry(solver, plan, instance, entry, assigned, findings, context);
      if (entry.children.length === 0) continue;
      if (culprit !== undefined && !taken.has(culprit)) {
        taken.add(culprit);
        openProvisional(culprit, entry, `${instance.key}/${entry.id}~${culprit}`, orphaned);
      }
      if (provisional)
        for (const span of assigned)
          openProvisional(span, entry, `${instance.key}/${entry.id}@${span}`, orphaned);
    }
    if (instance.parentEntry?.ordered && instance.entries.length > 1)
      checkOrder(solver.index, instance, assignedByEntry, findings);
  }
  findings.tallying = true;
  return { uses, withoutParent };
}

function checkEntry(
  solver: ScopeSolver,
  plan: AssignmentPlan,
  instance: ScopeInstance,
  entry: CompiledEntry,
  assigned: number[],
  findings: Findings,
  context: Parameters<typeof reportDeficit>[0],
): number | undefined {
  const { index } = solver;
  const { min, max } = entry.count;
  const found = assigned.length;
  let culprit: number | undefined;
  if (min > 0) {
    findings.check(found >= min);
    if (found < min) {
      culprit = reportDeficit(context, instance, entry, assigned, findings);
      const childChecks = entry.children.reduce((sum, child) => sum + child.subtreeChecks, 0);
      const unchecked =
        (min - found) * childChecks +
        (found === 0 ? entry.ownChecks - 1 - (Number.isFinite(max) ? 1 : 0) : 0);
      if (unchecked > 0) findings.check(false, unchecked);
    }
  }
  if (Number.isFinite(max)) checkTooMany(solver, plan, instance, entry, assigned, findings);
  if (found === 0) return culprit;
  if (entry.duration) checkDurations(solver, entry, assigned, findings);
  if (entry.optionalTags.length > 0) {
    let ok = true;
    for (const span of assigned) {
      const actual = index.spans[span] as Span;
      for (const tag of entry.optionalTags) {
        const outcome = checkTag(actual, tag);
        if (outcome.ok || outcome.found === undefined) continue;
        ok = false;
        const shown = showAttribute(outcome.found.value);
        findings.add(
          {
            kind: 'optional_tag_mismatch',
            path: entry.path,
            message: `${describeSpan(actual)} has optional \`${tag.key}\` = ${shown}; when present it must be ${tag.describe}`,
            span: spanRef(actual),
            tag: tag.key,
            expected: tag.describe,
            actual: shown,
            fix: tag.exact
              ? `set attribute \`${tag.key}\` to ${tag.describe} on \`${actual.name}\`, or leave it out (it is ${shown})`
              : `\`${tag.key}\` on \`${actual.name}\` is ${shown}, not ${tag.describe}: correct the value the code records, leave it out, or widen the spec`,
          },
          span,
        );
      }
    }
    findings.check(ok);
  }
  if (entry.links) {
    const range = entry.links;
    let ok = true;
    for (const span of assigned) {
      const actual = index.spans[span] as Span;
      const links = actual.links.length;
      if (links >= range.min && links <= range.max) continue;
      ok = false;
      findings.add(
        {
          kind: 'links',
          path: entry.path,
          message: `${describeSpan(actual)} has ${links} span link${links === 1 ? '' : 's'}; expected ${formatRange(range)}`,
          span: spanRef(actual),
          expected: formatRange(range),
          actual: String(links),
          fix:
            links < range.min
              ? `add a span link from \`${actual.name}\` to the span context it continues (for a consumer: the producer's context from the message headers)`
              : `record at most ${range.max} links on \`${actual.name}\``,
        },
        span,
      );
    }
    findings.check(ok);
  }
  return culprit;
}

function checkTooMany(
  solver: ScopeSolver,
  plan: AssignmentPlan,
  instance: ScopeInstance,
  entry: CompiledEntry,
  assigned: number[],
  findings: Findings,
): void {
  const { index } = solver;
  const { max } = entry.count;
  const mine = new Set(assigned);
  // "Once every other entry has what it needs": spans that fill another entry's required slot do
  // not count, nor spans this entry already counts in another (nested) scope.
  const remaining = solver.candidatesInScope(entry, instance.owner).filter((span) => {
    if (mine.has(span) || (instance.lostParent && !instance.lostParent.orphans.has(span))) return false;
    const use = plan.useOf.get(span);
    return use === undefined || (!use.required && use.entry.id !== entry.id);
  });
  const total = assigned.length + remaining.length;
  findings.check(total <= max);
  if (total <= max || remaining.length === 0) return;
  // Same-named sibling entries (one call per callee) all see the same surplus span: report it once.
  if (remaining.every((span) => findings.surplus.has(span))) return;
  for (const span of remaining) findings.surplus.set(span, entry.id);
  const first = index.spans[remaining[0] as number] as Span;
  // Same-named client spans differ only in whom they call: say it, or the reader cannot tell which.
  const callee = firstChild(index, remaining[0] as number);
  const owner = instance.owner >= 0 ? (index.spans[instance.owner] as Span) : undefined;
  const where = owner
    ? ` inside ${describeSpan(owner)}`
    : instance.lostParent
      ? ` beneath the lost span ${instance.lostParent.spanId}`
      : ' in the trace';
  const others = remaining.slice(1, 5).map((span) => (index.spans[span] as Span).spanId);
  const forbidden = max === 0;
  findings.add({
    kind: forbidden ? 'forbidden_present' : 'count_too_high',
    path: entry.path,
    message: forbidden
      ? `${describeSpan(first)}${callee ? ` calling ${describeSpan(callee)}` : ''} appears${where} ${total === 1 ? 'once' : `${total} times`}; the spec says it must not appear there`
      : `${describeSpan(first)} appears ${total} times${where}; expected ${formatRange(entry.count)}${callee ? `; the surplus ${first.spanId} calls ${describeSpan(callee)}` : ''}`,
    span: spanRef(first),
    expected: formatRange(entry.count),
    actual: String(total),
    fix: forbidden
      ? `remove the \`${first.name}\` call${owner ? ` under \`${owner.name}\`` : ''}: the spec forbids it there`
      : `remove ${total - max} extra \`${first.name}\` call${total - max === 1 ? '' : 's'}${owner ? ` under \`${owner.name}\`` : ''} (or raise count.max to ${total})`,
    ...(remaining.length > 1 ? { occurrences: remaining.length } : {}),
    ...(others.length > 0 ? { other_span_ids: others } : {}),
  });
}

/** The first span a span started (for a client span: usually the callee's server span). */
function firstChild(index: TraceIndex, span: number): Span | undefined {
  const child = index.children[span]?.[0];
  return child === undefined ? undefined : (index.spans[child] as Span);
}

function checkDurations(
  solver: ScopeSolver,
  entry: CompiledEntry,
  assigned: number[],
  findings: Findings,
): void {
  const range = entry.duration;
  if (!range) return;
  let ok = true;
  for (const span of assigned) {
    const measured = solver.index.durationMs[span] ?? 0;
    if (measured >= range.min && measured <= range.max) continue;
    ok = false;
    const actual = solver.index.spans[span] as Span;
    const tooSlow = measured > range.max;
    const bound = tooSlow ? `a ${formatMs(range.max)} max` : `a ${formatMs(range.min)} min`;
    const message = `${describeSpan(actual)} took ${formatMs(measured)} against ${bound}`;
    findings.performance.push({
      kind: 'duration',
      path: entry.path,
      span: spanRef(actual),
      measured: roundMs(measured),
      ...(range.min > 0 ? { min: range.min } : {}),
      ...(Number.isFinite(range.max) ? { max: range.max } : {}),
      unit: 'ms',
      message,
    });
    findings.add(
      {
        kind: 'duration',
        path: entry.path,
        message,
        span: spanRef(actual),
        expected: tooSlow ? `≤ ${formatMs(range.max)}` : `≥ ${formatMs(range.min)}`,
        actual: formatMs(measured),
        fix: tooSlow
          ? `make \`${actual.name}\` faster (${formatMs(measured)}, allowed ${formatMs(range.max)}) or relax expected_duration_ms`
          : `\`${actual.name}\` finished in ${formatMs(measured)}, under the ${formatMs(range.min)} min: check that it does its work, or lower expected_duration_ms.min`,
      },
      span,
    );
  }
  findings.check(ok);
}
