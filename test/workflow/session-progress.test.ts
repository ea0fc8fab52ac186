import { describe, expect, it } from 'vitest';
import type { DevSession, Iteration } from '../../src/workflow/dev-sessions.js';
import type { IterationRecord, RecordedViolation } from '../../src/workflow/iteration-record.js';
import { suggestNextSteps } from '../../src/workflow/next-steps.js';
import { sessionProgress, showKey } from '../../src/workflow/session-progress.js';
import { silentServiceNotes } from '../../src/workflow/lost-telemetry.js';
import { rootlessNote } from '../../src/workflow/run-roots.js';
import { judgeRun } from '../../src/workflow/run-verdict.js';
import { sessionStripView } from '../../src/views/index.js';
import { buildTrace, type SpanSketch } from '../support/trace-builder.js';

const session: DevSession = {
  id: 'ses_1',
  projectName: 'shop',
  specName: 'checkout',
  settings: {},
  createdAtMs: 1_000,
  iterationCount: 0,
};

function violation(kind: string, path: string, fix = `fix ${path}`): RecordedViolation {
  return { kind, path, message: `${kind} at ${path}`, fix };
}

function record(
  verdict: IterationRecord['verdict'],
  violations: RecordedViolation[],
  extra: Partial<IterationRecord> = {},
): IterationRecord {
  return {
    command: 'npm test',
    workingDir: '/p',
    exitCode: 0,
    signal: null,
    timedOut: false,
    commandDurationMs: 100,
    verdict,
    score: verdict === 'pass' ? 1 : 1 - violations.length / 10,
    checks: { passed: 10 - violations.length, total: 10 },
    violationKeys: violations.map((item) => `${item.kind} ${item.path}`),
    violations,
    violationsOmitted: 0,
    keySpans: [],
    traces: [],
    tracesOmitted: 0,
    captureComplete: true,
    captureNotes: [],
    crashedServices: [],
    exitToVerdictMs: 300,
    ...extra,
  };
}

function iterations(...records: IterationRecord[]): Iteration[] {
  return records.map((item, index) => ({
    number: index + 1,
    runId: `run_${index}`,
    startedAtMs: 2_000 + index * 1_000,
    finishedAtMs: 2_500 + index * 1_000,
    record: item,
  }));
}

describe('session progress', () => {
  it('lists what each iteration fixed and introduced against the previous judged one, skipping runs without a verdict', () => {
    const progress = sessionProgress(
      session,
      iterations(
        record('fail', [violation('missing', 'checkout > charge'), violation('tag_mismatch', 'checkout')]),
        record('no_traces', [], { score: undefined, checks: undefined }),
        record('fail', [violation('tag_mismatch', 'checkout'), violation('duration', 'checkout > reserve')]),
      ),
    );
    const third = progress.iterations[2];
    expect(third?.fixed).toEqual(['missing checkout > charge']);
    expect(third?.introduced).toEqual(['duration checkout > reserve']);
    expect(progress.iterations[1]?.fixed).toEqual([]);
    expect(progress.status).toBe('regressed');
  });

  it('counts violations as the run answer does, saying how many one merged key stands for', () => {
    const errors = ['a', 'b', 'c'].map((span) => ({
      ...violation('unexpected_error', '(trace)'),
      span: { name: span, service: 'shop' },
    }));
    const progress = sessionProgress(
      session,
      iterations(
        record('fail', [violation('missing', 'checkout > charge')]),
        record('fail', [...errors, violation('missing', 'checkout > charge')], {
          violationKeys: ['missing checkout > charge', 'unexpected_error (trace)'],
          violationsOmitted: 2,
        }),
      ),
    );
    const second = progress.iterations[1];
    // 4 kept and 2 beyond the record's limit: the "6 violations" of the run's answer, not its 2 keys.
    expect(second?.violationCount).toBe(6);
    expect(second?.introduced).toEqual(['unexpected_error (trace)']);
    expect(second?.repeated).toEqual({ 'unexpected_error (trace)': 3 });
    expect(showKey('unexpected_error (trace)', second?.repeated)).toBe('unexpected_error (trace) ×3');
    expect(showKey('missing checkout > charge', second?.repeated)).toBe('missing checkout > charge');
  });

  it('reports the time to the first green run from the session’s start, and the status green', () => {
    const progress = sessionProgress(
      session,
      iterations(record('fail', [violation('missing', 'a')]), record('pass', [])),
    );
    expect(progress.firstGreen).toEqual({ iteration: 2, afterMs: 3_500 - 1_000 });
    expect(progress.status).toBe('green');
  });

  it('calls a run that fixed something without breaking anything improving, and a green run followed by a red one regressed', () => {
    expect(
      sessionProgress(
        session,
        iterations(
          record('fail', [violation('missing', 'a'), violation('missing', 'b')]),
          record('fail', [violation('missing', 'a')]),
        ),
      ).status,
    ).toBe('improving');
    expect(
      sessionProgress(session, iterations(record('pass', []), record('fail', [violation('missing', 'a')])))
        .status,
    ).toBe('regressed');
    expect(sessionProgress(session, iterations(record('fail', [violation('missing', 'a')]))).status).toBe(
      'red',
    );
    expect(sessionProgress(session, []).status).toBe('no_runs');
  });

  it('counts spans lost to a crash neither as introduced nor as fixed, and says what they are: lost, not regressed', () => {
    const lost: RecordedViolation = {
      kind: 'telemetry_lost',
      path: 'POST /loans',
      message:
        "gateway's spans for this request never arrived: it exited during the run (code 1) before its SDK sent them; not checked: POST /loans",
      fix: 'fix the crash in gateway',
    };
    const crash = record('fail', [lost], { notEvaluated: ['POST /loans > notify'] });
    const progress = sessionProgress(
      session,
      iterations(record('fail', [violation('missing', 'POST /loans > notify')]), crash),
    );
    const second = progress.iterations[1];
    expect(second?.introduced).toEqual([]);
    expect(second?.lost).toEqual([
      {
        path: 'POST /loans',
        why: "gateway's spans for this request never arrived: it exited during the run (code 1) before its SDK sent them",
        service: 'gateway',
      },
    ]);
    expect(progress.status).toBe('spans_lost');
    // Not "regressed" after a green run either; and the crash gone is not a "fix".
    expect(sessionProgress(session, iterations(record('pass', []), crash)).status).toBe('spans_lost');
    const after = sessionProgress(session, iterations(crash, record('fail', [violation('missing', 'b')])));
    expect(after.iterations[1]?.fixed).toEqual([]);
    expect(after.iterations[1]?.lost).toEqual([]);
  });

  it('reads a first run whose only violations are lost spans as spans_lost, and one with a real violation beside them as red, as the strip colours it', () => {
    const lost: RecordedViolation = {
      kind: 'telemetry_lost',
      path: 'POST /loans > notify',
      message:
        "notify's spans for this request never arrived: it exited during the run (code 1) before its SDK sent them",
      fix: 'fix the crash in notify',
    };
    const onlyLost = sessionProgress(session, iterations(record('fail', [lost])));
    expect(onlyLost.status).toBe('spans_lost');
    expect(sessionStripView(onlyLost, new Map()).cells[0]?.colour).toBe('amber');
    const alsoMissing = sessionProgress(
      session,
      iterations(record('fail', [lost, violation('missing', 'POST /loans > loan.create')])),
    );
    expect(alsoMissing.status).toBe('red');
    expect(sessionStripView(alsoMissing, new Map()).cells[0]?.colour).toBe('red');
  });

  it('shows how the key spans’ durations moved between the first and the latest run, largest change first', () => {
    const progress = sessionProgress(
      session,
      iterations(
        record('fail', [], {
          keySpans: [
            { path: 'checkout > charge', durationMs: 1500 },
            { path: 'checkout', durationMs: 1700 },
          ],
        }),
        record('pass', [], {
          keySpans: [
            { path: 'checkout > charge', durationMs: 150 },
            { path: 'checkout', durationMs: 1600 },
          ],
        }),
      ),
    );
    expect(progress.durationChanges[0]).toEqual({ path: 'checkout > charge', firstMs: 1500, latestMs: 150 });
  });
});

describe('next steps after a run', () => {
  it('puts a failing command first, then regressions, then missing spans before tags and speed', () => {
    const previous = record('fail', [
      violation('tag_mismatch', 'checkout'),
      violation('missing', 'checkout > charge'),
    ]);
    const latest = record(
      'fail',
      [
        violation('duration', 'checkout > reserve'),
        violation('tag_mismatch', 'checkout'),
        violation('missing', 'checkout > charge'),
        violation('wrong_parent', 'checkout > audit'),
      ],
      { exitCode: 1 },
    );
    const steps = suggestNextSteps(latest, previous);
    expect(steps.map((step) => step.category)).toEqual([
      'run',
      'regression',
      'regression',
      'structure',
      'tags',
    ]);
    expect(steps[1]?.why).toMatch(/^new since the previous run/);
    expect(steps.map((step) => step.priority)).toEqual([1, 2, 3, 4, 5]);
  });

  it('without a previous run orders by kind in the one order of violation categories: errors, structure, placement, tags, performance', () => {
    const steps = suggestNextSteps(
      record('fail', [
        violation('duration', 'd'),
        violation('unexpected_error', 'e'),
        violation('tag_missing', 't'),
        violation('wrong_service', 's'),
        violation('count_too_low', 'm'),
      ]),
      undefined,
    );
    expect(steps.map((step) => step.category)).toEqual([
      'error',
      'structure',
      'placement',
      'tags',
      'performance',
    ]);
  });

  it('explains a run that produced no spans, and names a crashed service', () => {
    const steps = suggestNextSteps(
      record('no_traces', [], { crashedServices: ['payment-service'] }),
      undefined,
    );
    expect(steps[0]?.action).toContain('payment-service');
    expect(steps[1]?.action).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('after a green run suggests checking more runs instead of inventing work', () => {
    const steps = suggestNextSteps(record('pass', []), record('fail', [violation('missing', 'a')]));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ category: 'done' });
    expect(steps[0]?.action).toContain('validate_trace_collection');
  });

  it('gives one step per distinct fix, at most the limit', () => {
    const same = [
      violation('missing', 'a', 'add a'),
      violation('count_too_low', 'a', 'add a'),
      violation('missing', 'b'),
      violation('missing', 'c'),
    ];
    expect(suggestNextSteps(record('fail', same), undefined, 2).map((step) => step.action)).toEqual([
      'add a',
      'fix b',
    ]);
  });

  it('asks once to fix a crash that the lost spans’ violation also blames, and keeps the fix of another service’s crash', () => {
    const lost = (service: string) =>
      violation(
        'telemetry_lost',
        `${service} root`,
        `fix the crash in ${service} (TypeError: x); its spans will arrive once it survives the request. Do not add spans for it: its instrumentation makes them`,
      );
    const steps = suggestNextSteps(
      record('fail', [lost('gateway'), lost('gateway-proxy')], {
        crashedServices: ['gateway'],
        crashes: [{ service: 'gateway', error: 'TypeError: x at decode (gateway.cjs:1:2)' }],
      }),
      undefined,
    );
    expect(steps.map((step) => step.action)).toEqual([
      'fix the crash in gateway: TypeError: x at decode (gateway.cjs:1:2)',
      expect.stringMatching(/^fix the crash in gateway-proxy \(TypeError: x\)/),
    ]);
    // A crash whose error was not recognized in its stderr is asked for in the violation's words,
    // which name its last line, rather than as "find why it exited".
    const unrecognized = suggestNextSteps(
      record('fail', [lost('gateway')], { crashedServices: ['gateway'], crashes: [{ service: 'gateway' }] }),
      undefined,
    );
    expect(unrecognized.map((step) => [step.category, step.action])).toEqual([
      ['run', expect.stringMatching(/^fix the crash in gateway \(TypeError: x\); its spans will arrive/)],
    ]);
  });
});

describe('next steps after a crash', () => {
  const crashed = { name: 'gateway', exitedEarly: true, exitCode: 1, signal: null };
  const rootless = buildTrace({
    name: 'POST /loans',
    service: 'loans-service',
    kind: 'server',
    missingParentId: 'feedfacefeedface',
  });
  const crashRun = (captureNotes: string[]): IterationRecord =>
    record('fail', [], {
      exitCode: 1,
      captureNotes,
      crashedServices: ['gateway'],
      crashes: [{ service: 'gateway', error: 'TypeError: x at decode (gateway.cjs:1:2)' }],
    });

  it('does not repeat as its own step a capture note that the crash asked for above explains', () => {
    const note = rootlessNote(rootless, [crashed]);
    expect(note).toMatch(
      /: gateway exited during the run \(code 1\), so what its SDK had not yet sent is lost$/,
    );
    const steps = suggestNextSteps(crashRun([note]), undefined);
    expect(steps.map((step) => step.action)).toEqual([
      'fix the crash in gateway: TypeError: x at decode (gateway.cjs:1:2)',
      "fix the command's failure (after the crash above, if it is not its cause) (exit 1); its stderr is in the run result",
    ]);
  });

  it('leaves the hint about a service that sent nothing to the crash step, which is why nothing may have called it', () => {
    const [silent] = silentServiceNotes(
      [
        { ...crashed, ports: [7001], forceKilled: false, stderr: { text: '' } },
        {
          name: 'notify-service',
          ports: [7004],
          exitedEarly: false,
          exitCode: null,
          signal: 'SIGTERM',
          forceKilled: false,
          stderr: { text: '' },
        },
      ],
      new Set(['gateway', 'notify-service']),
      new Map([['gateway', 0]]),
      new Set(['gateway']),
    );
    expect(silent).toMatch(
      /^notify-service sent no span during the whole run: gateway exited during the run/,
    );
    expect(suggestNextSteps(crashRun([silent as string]), undefined).map((step) => step.category)).toEqual([
      'run',
      'run',
    ]);
  });

  it('keeps a capture note that blames another service’s crash, or none', () => {
    const other = rootlessNote(rootless, [{ ...crashed, name: 'api-gateway' }]);
    const unrelated =
      'worker sent no span during the whole run: if the code called it, its SDK is not exporting';
    const steps = suggestNextSteps(crashRun([other, unrelated]), undefined);
    expect(steps.filter((step) => step.category === 'capture').map((step) => step.action)).toEqual([
      `look into the capture: ${other}`,
      `look into the capture: ${unrelated}`,
    ]);
  });
});

describe('fixed and introduced count only checks evaluated in both iterations', () => {
  // The sequence: the parent span goes missing (its children cannot be checked), then comes back.
  const spec = {
    name: 'loans',
    expected_spans: [
      {
        operation_name: 'POST /loans',
        service_name: 'loans',
        children: [
          {
            operation_name: 'loan.create',
            service_name: 'loans',
            required_tags: { 'loan.days': 14 },
            children: [
              { operation_name: 'SELECT', service_name: 'loans', count: 1 },
              { operation_name: 'INSERT', service_name: 'loans' },
            ],
          },
        ],
      },
    ],
  };
  const runOf = (trace: SpanSketch): IterationRecord => {
    const verdict = judgeRun([buildTrace(trace)], spec);
    return record(
      verdict.verdict,
      (verdict.primary?.violations ?? []).map((item) => violation(item.kind, item.path)),
      {
        violationKeys: verdict.violationKeys,
        notEvaluated: verdict.notEvaluated,
        notFound: verdict.notFound,
      },
    );
  };
  const queries = (selects: number): SpanSketch[] => [
    ...Array.from({ length: selects }, (_, i): SpanSketch => ({
      name: 'SELECT',
      kind: 'client',
      startMs: 1 + i,
    })),
    { name: 'INSERT', kind: 'client', startMs: 9 },
  ];
  const withParent = (days: number, selects: number): SpanSketch => ({
    name: 'POST /loans',
    service: 'loans',
    kind: 'server',
    children: [{ name: 'loan.create', attributes: { 'loan.days': days }, children: queries(selects) }],
  });
  // loan.create replaced by a span nothing like it: its tag and its children go unchecked.
  const parentMissing: SpanSketch = {
    name: 'POST /loans',
    service: 'loans',
    kind: 'server',
    children: [{ name: 'process_request', attributes: { 'loan.days': 14 }, children: queries(3) }],
  };

  it('does not call the checks under a parent that went missing "fixed", nor "introduced" when it comes back', () => {
    const progress = sessionProgress(
      session,
      iterations(
        runOf(withParent(7, 3)),
        runOf(parentMissing),
        runOf(withParent(7, 3)),
        runOf(withParent(14, 1)),
      ),
    );
    const [first, second, third, fourth] = progress.iterations;
    expect(first?.fixed).toEqual([]);
    expect(second?.notEvaluated).toEqual([
      'POST /loans > loan.create > INSERT',
      'POST /loans > loan.create > SELECT',
    ]);
    // The tag and the extra SELECTs were not checked in iteration 2: not fixed there. loan.create
    // was missing before too (its tag kept it from matching): a new explanation, not a new problem.
    expect(second?.fixed).toEqual([]);
    expect(second?.introduced).toEqual([]);
    expect(second?.changed).toEqual(['tag_mismatch → missing POST /loans > loan.create']);
    // Back in iteration 3 as in iteration 1: its old problems are not new.
    expect(third?.fixed).toEqual([]);
    expect(third?.introduced).toEqual([]);
    expect(third?.changed).toEqual(['missing → tag_mismatch POST /loans > loan.create']);
    expect(fourth?.fixed.sort()).toEqual([
      'count_too_high POST /loans > loan.create > SELECT',
      'tag_mismatch POST /loans > loan.create',
    ]);
    expect(fourth?.verdict).toBe('pass');
  });

  it('does not suggest a check that could not run last time as a regression', () => {
    const before = runOf(parentMissing);
    const after = runOf(withParent(7, 1));
    const steps = suggestNextSteps(after, before);
    expect(steps.some((step) => step.category === 'regression')).toBe(false);
    expect(steps[0]?.why).toMatch(/tag_mismatch/);
  });
});
