/**
 * The few most valuable next actions after a run, most valuable first: make the run itself work,
 * undo what regressed, add what is missing, fix errors, then tags, then speed. Pure: from the
 * latest iteration record and the one before.
 */
import type { IterationRecord, RecordedViolation } from './iteration-record.js';
import { blamesCrashOf, fixesCrashOf } from './lost-telemetry.js';
import { violationKey } from './run-verdict.js';
import { changesBetween, checkedRun } from './session-progress.js';
import {
  CATEGORY_ORDER,
  categoryOf,
  entryName,
  errorChainFix,
  groupByChain,
  type ChainSpan,
  type ViolationCategory,
  type ViolationKind,
} from '../tracespec/index.js';
import { plural } from '../model/plural.js';

export interface NextStep {
  /** 1 is the most valuable. */
  priority: number;
  category: 'run' | 'regression' | ViolationCategory | 'done';
  action: string;
  why: string;
}

/** Lost spans first, then what regressed, then the violations in the one order of violation-categories. */
const ORDER: NextStep['category'][] = [
  'capture',
  'regression',
  ...CATEGORY_ORDER.filter((category) => category !== 'capture'),
];

export function suggestNextSteps(
  latest: IterationRecord,
  previous: IterationRecord | undefined,
  limit = 5,
): NextStep[] {
  const steps: Omit<NextStep, 'priority'>[] = [];
  // A crashed service first: its callers' failures (the command's exit code among them) follow from it.
  const crashes = latest.crashes ?? latest.crashedServices.map((service) => ({ service, error: undefined }));
  // The spans a crash lost carry a violation whose fix is that same crash: it is asked for once, here,
  // in the violation's words when the crash's own error was not recognized in its stderr.
  const crashFix = (violation: RecordedViolation) =>
    crashes.some((crash) => fixesCrashOf(violation.fix, crash.service));
  for (const crash of crashes) {
    const lostFix = latest.violations.find((violation) => fixesCrashOf(violation.fix, crash.service))?.fix;
    steps.push({
      category: 'run',
      action: crash.error
        ? `fix the crash in ${crash.service}: ${crash.error}`
        : (lostFix ?? `find why ${crash.service} exited during the run (its stderr is in the run result)`),
      why: `${crash.service} exited during the run: the spans it had not sent are lost, and what called it failed`,
    });
  }
  if (latest.timedOut) {
    steps.push({
      category: 'run',
      action: `make \`${latest.command}\` finish: it was killed at the timeout`,
      why: 'a run that never ends produces no verdict; if it starts a server, pass it under services with a ready check and use a short trigger command',
    });
  } else if (latest.exitCode !== 0) {
    steps.push({
      category: 'run',
      action: `fix the command's failure${crashes.length > 0 ? ' (after the crash above, if it is not its cause)' : ' first'} (exit ${latest.exitCode ?? latest.signal}); its stderr is in the run result`,
      why: 'a failing command usually means the traces show a broken path, not the one the spec describes',
    });
  }
  if (latest.verdict === 'no_traces') {
    steps.push({
      category: 'capture',
      action:
        'initialise the OpenTelemetry SDK from the environment in the code under test (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_RESOURCE_ATTRIBUTES are set for it), and shut it down before exit so it flushes',
      why: 'no span of this run reached the receiver',
    });
  }
  // A note that puts lost spans down to a crash asked for above is no step of its own: it came back
  // word for word after "fix the crash in gateway", and the crash's fix is what changes it.
  const unexplained = latest.captureNotes.filter(
    (note) => !crashes.some((crash) => blamesCrashOf(note, crash.service)),
  );
  for (const note of unexplained.slice(0, 2))
    steps.push({
      category: 'capture',
      action: `look into the capture: ${note}`,
      why: 'spans may be missing for a reason other than the code under test',
    });

  const judgedBefore = previous && (previous.verdict === 'pass' || previous.verdict === 'fail');
  const introduced = new Set(
    judgedBefore ? changesBetween(checkedRun(previous), checkedRun(latest)).introduced : [],
  );
  const byCategory = new Map<NextStep['category'], RecordedViolation[]>();
  const add = (category: NextStep['category'], violation: RecordedViolation) =>
    byCategory.set(category, [...(byCategory.get(category) ?? []), violation]);
  // The step of each error chain: a span its failure stopped from running joins that step.
  const chainCategory = new Map<string, NextStep['category']>();
  const categorized = latest.violations
    .filter((violation) => !crashFix(violation))
    .map((violation) => {
      // New here but not checked last time (its parent entry was missing) is no regression, nor are
      // spans lost on the way (changesBetween counts neither).
      const regressed = introduced.has(violationKey(violation));
      const category: NextStep['category'] = regressed
        ? 'regression'
        : (categoryOf(violation.kind as ViolationKind) ?? 'structure');
      const chain = errorChainOf(violation)?.key;
      if (chain !== undefined && !chainCategory.has(chain)) chainCategory.set(chain, category);
      return { violation, category };
    });
  const stoppedIn = (violation: RecordedViolation) => {
    const stoppedBy = stoppedByOf(violation);
    return stoppedBy && chainCategory.get(stoppedBy.key);
  };
  for (const { violation, category } of categorized) add(stoppedIn(violation) ?? category, violation);
  const causeOf = (violation: RecordedViolation) =>
    errorChainOf(violation) ?? (stoppedIn(violation) ? stoppedByOf(violation) : undefined);
  for (const category of ORDER) {
    // The errors of one chain are one step, at the span where it started, with the spans its failure
    // stopped from running: one step per level filled the list with the same fix and pushed the
    // structural ones out.
    for (const { cause, members } of groupByChain(byCategory.get(category) ?? [], causeOf)) {
      const neverRan = members.filter((member) => stoppedByOf(member) !== undefined);
      const errors = members.filter((member) => !neverRan.includes(member));
      const violation =
        errors.find((member) => member.span && spanKey(member.span) === cause?.key) ??
        errors[0] ??
        (members[0] as RecordedViolation);
      const passedOn = errors.filter((member) => member !== violation && member.span);
      const chained =
        cause !== undefined &&
        (passedOn.length > 0 || neverRan.length > 0 || violation.causedBy !== undefined);
      const culprit = violation.span ? ` (${violation.span.service}: ${violation.span.name})` : '';
      const also = [
        ...(passedOn.length > 0
          ? [`${plural(passedOn.length, 'span')} above it that failed because of it`]
          : []),
        ...(neverRan.length > 0 ? [`${plural(neverRan.length, 'expected span')} it kept from running`] : []),
      ];
      steps.push({
        category,
        action: chained
          ? errorChainFix(
              cause.span,
              passedOn.map((member) => member.span as ChainSpan),
              neverRan.map((member) => entryName(member.path)),
            )
          : violation.fix,
        why: `${category === 'regression' ? 'new since the previous run: ' : ''}[${violation.kind}] ${violation.path}${culprit}: ${violation.message}${also.length > 0 ? ` (and ${also.join(', and ')})` : ''}`,
      });
    }
  }
  if (latest.verdict === 'pass') {
    steps.push({
      category: 'done',
      action:
        'the run matches the spec: run it a few more times and check them together with validate_trace_collection (filter.run_id), or tighten the spec (durations, counts) with update_trace_spec',
      why: 'one green run can hide flaky timing or an optional path not taken',
    });
  } else if (latest.verdict === 'no_spec') {
    steps.push({
      category: 'done',
      action:
        'state the trace you expect: define_trace_spec (or generate_spec_from_traces from this run) and give it to the session',
      why: 'without a spec a run is captured but not judged',
    });
  }
  return dedupe(steps)
    .slice(0, limit)
    .map((step, index) => ({ priority: index + 1, ...step }));
}

/** A span of a record: by id when the record kept it, else by service and name. */
function spanKey(span: { name: string; service: string; spanId?: string }): string {
  return span.spanId ?? `${span.service}\u0000${span.name}`;
}

function errorChainOf(violation: RecordedViolation): { key: string; span: ChainSpan } | undefined {
  if (violation.kind !== 'unexpected_error' || !violation.span) return undefined;
  const cause = violation.causedBy ?? violation.span;
  return { key: spanKey(cause), span: { name: cause.name, service: cause.service } };
}

/** For a span missing beneath a failed one: where the failure that most likely stopped it started. */
function stoppedByOf(violation: RecordedViolation): { key: string; span: ChainSpan } | undefined {
  const cause = violation.kind === 'missing' ? violation.causedBy : undefined;
  return cause && { key: spanKey(cause), span: { name: cause.name, service: cause.service } };
}

function dedupe(steps: Omit<NextStep, 'priority'>[]): Omit<NextStep, 'priority'>[] {
  const seen = new Set<string>();
  return steps.filter((step) => {
    if (seen.has(step.action)) return false;
    seen.add(step.action);
    return true;
  });
}
