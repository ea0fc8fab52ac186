import { describe, expect, it } from 'vitest';
import type { TraceSpec } from '../../src/tracespec/index.js';
import {
  expectedEntriesOf,
  lossExplainsOrphan,
  lostServicesOf,
  type StartedServiceFacts,
} from '../../src/workflow/lost-telemetry.js';
import { judgeRun } from '../../src/workflow/run-verdict.js';
import { startedService } from '../support/started-service.js';
import { buildTrace, type SpanSketch } from '../support/trace-builder.js';

// The polyglot example's shape: gateway → loans-service, gateway → notify-service.
const spec: TraceSpec = {
  name: 'loan_flow',
  expected_spans: [
    {
      operation_name: 'POST /loans',
      service_name: 'gateway',
      children: [
        {
          operation_name: 'POST /loans',
          service_name: 'loans-service',
          children: [{ operation_name: 'loan.create', service_name: 'loans-service' }],
        },
        {
          operation_name: 'POST /notify',
          service_name: 'notify-service',
          children: [{ operation_name: 'notify.send', service_name: 'notify-service' }],
        },
      ],
    },
  ],
};
const PORTS = { gateway: 7001, loans: 7002, notify: 7004 };
const tagged = (service: string): SpanSketch['resourceAttributes'] => ({
  'otel_mcp.run_id': 'run_1',
  'otel_mcp.process': service,
});
const call = (port: number, path: string, startMs: number, children: SpanSketch[] = []): SpanSketch => ({
  name: 'POST',
  kind: 'client',
  startMs,
  attributes: {
    'http.request.method': 'POST',
    'url.full': `http://127.0.0.1:${port}${path}`,
    'server.port': port,
  },
  children,
});
const loans: SpanSketch = {
  name: 'POST /loans',
  service: 'loans-service',
  kind: 'server',
  resourceAttributes: tagged('loans-service'),
  children: [{ name: 'loan.create' }],
};
const notify: SpanSketch = {
  name: 'POST /notify',
  service: 'notify-service',
  kind: 'server',
  resourceAttributes: tagged('notify-service'),
  children: [{ name: 'notify.send' }],
};
const gateway = (children: SpanSketch[]): SpanSketch => ({
  name: 'POST /loans',
  service: 'gateway',
  kind: 'server',
  resourceAttributes: tagged('gateway'),
  children,
});

const services = (overrides: Record<string, Partial<StartedServiceFacts>> = {}): StartedServiceFacts[] => [
  startedService('gateway', PORTS.gateway, overrides.gateway),
  startedService('loans-service', PORTS.loans, {
    signal: null,
    exitCode: 0,
    stopSignals: ['SIGINT'],
    ...overrides['loans-service'],
  }),
  startedService('notify-service', PORTS.notify, overrides['notify-service']),
];

describe('spans a started service made that never arrived', () => {
  it('names a service that never exports as lost telemetry with an SDK fix, not as spans to add', () => {
    const trace = buildTrace(
      gateway([call(PORTS.loans, '/loans', 1, [loans]), call(PORTS.notify, '/notify', 20)]),
    );
    const verdict = judgeRun([trace], spec, { services: services() });
    expect(verdict.verdict).toBe('fail');
    const [lost, ...others] = verdict.primary?.violations ?? [];
    expect(others).toEqual([]);
    expect(lost).toMatchObject({
      kind: 'telemetry_lost',
      path: 'POST /loans > POST /notify',
      under: { name: 'POST', service: 'gateway' },
    });
    expect(lost?.message).toMatch(
      /^notify-service's spans for this request never arrived: it sent no span during the whole run/,
    );
    expect(lost?.message).toMatch(/called it on port 7004/);
    expect(lost?.fix).toMatch(/^make notify-service export: start its OpenTelemetry SDK/);
    expect(verdict.primary?.suggestions.join('\n')).not.toMatch(/add a span/);
    expect(verdict.notEvaluated).toEqual([
      'POST /loans > POST /notify',
      'POST /loans > POST /notify > notify.send',
    ]);
  });

  it('blames the crash, with its error line, when the service that owned the root died', () => {
    const stderr =
      "/srv/gateway.cjs:42\n    return body.loan.id;\n\nTypeError: Cannot read properties of undefined (reading 'id')\n    at done (/srv/gateway.cjs:42:22)\n\nNode.js v20.20.2";
    const orphan = { ...loans, missingParentId: 'feedfacefeedface' };
    const verdict = judgeRun([buildTrace(orphan)], spec, {
      services: services({
        gateway: { exitedEarly: true, exitCode: 1, signal: null, stderr: { text: stderr } },
      }),
    });
    const lost = verdict.primary?.violations.find((violation) => violation.kind === 'telemetry_lost');
    expect(lost?.path).toBe('POST /loans');
    expect(lost?.message).toMatch(
      /^gateway's spans for this request never arrived: it exited during the run \(code 1\)/,
    );
    expect(lost?.fix).toContain(
      "fix the crash in gateway (TypeError: Cannot read properties of undefined (reading 'id'))",
    );
    expect(verdict.primary?.violations.map((violation) => violation.kind)).not.toContain('missing');
  });

  it('blames the service the spec puts above an orphan, when it sent nothing (a Node SDK that does not flush on SIGTERM)', () => {
    // Only loans-service and fees-service flushed at the stop; gateway and notify-service sent nothing all run.
    const orphan = { ...loans, missingParentId: 'feedfacefeedface' };
    const verdict = judgeRun([buildTrace(orphan)], spec, { services: services() });
    const lost = verdict.primary?.violations.filter((violation) => violation.kind === 'telemetry_lost') ?? [];
    expect(lost.map((violation) => violation.path)).toEqual(['POST /loans']);
    expect(lost[0]?.message).toMatch(
      /^gateway's spans for this request never arrived: it sent no span during the whole run, though it was up \(and SIGTERM ended it when stopped/,
    );
    expect(lost[0]?.message).toMatch(
      /`POST \/loans` \(loans-service\) arrived without its parent, which the spec puts in gateway/,
    );
    // Everything beneath the lost root was only checked under a stand-in: not evaluated, not blamed.
    expect(verdict.primary?.violations.map((violation) => violation.kind)).toEqual(['telemetry_lost']);
    expect(verdict.notEvaluated).toContain('POST /loans > POST /notify > notify.send');
  });

  it('still checks what a surviving service sent beneath the lost root, and reports its own defect', () => {
    const stderr =
      "TypeError: Cannot read properties of undefined (reading 'id')\n    at done (/srv/gateway.cjs:42:22)";
    const withoutCreate = {
      ...loans,
      missingParentId: 'feedfacefeedface',
      children: [{ name: 'loan.validate' }],
    };
    const verdict = judgeRun([buildTrace(withoutCreate)], spec, {
      services: services({
        gateway: { exitedEarly: true, exitCode: 1, signal: null, stderr: { text: stderr } },
      }),
    });
    const violations = verdict.primary?.violations ?? [];
    expect(violations.map((violation) => [violation.kind, violation.path])).toEqual([
      ['telemetry_lost', 'POST /loans'],
      ['missing', 'POST /loans > POST /loans > loan.create'],
    ]);
    expect(violations[1]?.message).toContain('inside `POST /loans` (loans-service)');
    expect(verdict.notEvaluated).not.toContain('POST /loans > POST /loans');
    expect(verdict.notEvaluated).not.toContain('POST /loans > POST /loans > loan.create');
    const loansEntry = verdict.primary?.entries.find((entry) => entry.path === 'POST /loans > POST /loans');
    expect(loansEntry?.near_miss).toMatchObject({ found: 1, parent_lost: true });
  });

  it('blames the one expected service that sent nothing for a root that never came, when the spec cannot say whose it was', () => {
    const flatSpec: TraceSpec = {
      name: 'flat',
      expected_spans: [
        { operation_name: 'POST /loans', service_name: 'gateway' },
        { operation_name: 'loan.create', service_name: 'loans-service' },
      ],
    };
    const orphan = { ...loans, missingParentId: 'feedfacefeedface' };
    const verdict = judgeRun([buildTrace(orphan)], flatSpec, { services: services() });
    const lost = verdict.primary?.violations.find((violation) => violation.kind === 'telemetry_lost');
    expect(lost?.message).toMatch(
      /the trace lost its root, and gateway is the one service the spec expects that sent nothing/,
    );
  });

  it('says nothing called a silent service as the caller’s defect, with no capture hint, when no client span targets its port', () => {
    const trace = buildTrace(gateway([call(PORTS.loans, '/loans', 1, [loans])]));
    const verdict = judgeRun([trace], spec, { services: services() });
    expect(verdict.primary?.violations.map((violation) => [violation.kind, violation.path])).toEqual([
      ['missing', 'POST /loans > POST /notify'],
    ]);
    expect(verdict.primary?.violations[0]?.fix).toBe(
      'nothing called notify-service: `POST /loans` (gateway) has no call to it; the spec expects `POST /notify` beneath it, so add the call there (or, if the code is right not to call it, remove the entry from the spec)',
    );
    expect(verdict.primary?.violations[0]?.message).toMatch(
      /; nothing called notify-service during the run \(no client span targets its port 7004\)$/,
    );
    expect(verdict.primary?.suggestions).toContain(verdict.primary?.violations[0]?.fix);
    expect(verdict.lostNotes).toEqual([]);
  });

  it('keeps the capture hint for a silent service it cannot tell was called: one without known ports', () => {
    const trace = buildTrace(gateway([call(PORTS.loans, '/loans', 1, [loans])]));
    const verdict = judgeRun([trace], spec, {
      services: services({ 'notify-service': { ports: [] } }),
    });
    expect(verdict.primary?.violations[0]?.fix).toMatch(/add a span `POST \/notify` in `notify-service`/);
    expect(verdict.lostNotes).toEqual([
      expect.stringMatching(/^notify-service sent no span during the whole run: if the code called it/),
    ]);
  });

  it('says a service that sent nothing while another crashed may not have been called, not that its entries are missing', () => {
    const orphan = { ...loans, missingParentId: 'feedfacefeedface' };
    const verdict = judgeRun([buildTrace(orphan)], spec, {
      services: services({ gateway: { exitedEarly: true, exitCode: 1, signal: null } }),
    });
    // Its entries sit under the root the crash lost: not checked, so not "what is missing".
    expect(verdict.notEvaluated).toContain('POST /loans > POST /notify');
    expect(verdict.lostNotes).toEqual([
      'notify-service sent no span during the whole run: gateway exited during the run (code 1), so nothing may have called it; if the code did call it, its SDK is not exporting (not started, exporter off or pointed elsewhere)',
    ]);
  });

  it('says a service that exported other requests was stopped before it flushed this one', () => {
    const first = buildTrace(
      gateway([call(PORTS.loans, '/loans', 1, [loans]), call(PORTS.notify, '/notify', 20, [notify])]),
    );
    const second = buildTrace(
      gateway([call(PORTS.loans, '/loans', 1, [loans]), call(PORTS.notify, '/notify', 20)]),
    );
    const verdict = judgeRun([first, second], spec, { services: services() });
    const lost = verdict.traces[1]?.comparison?.violations[0];
    expect(lost?.kind).toBe('telemetry_lost');
    expect(lost?.message).toMatch(
      /it was stopped \(SIGTERM, it ended with signal SIGTERM\) before its exporter sent them/,
    );
    expect(lost?.fix).toMatch(/OTEL_BSP_SCHEDULE_DELAY short .* or flush the SDK .* SIGTERM/);
    expect(verdict.flaky).toEqual([{ key: 'telemetry_lost POST /loans > POST /notify', failing: 1, of: 2 }]);
    expect(verdict.passRate).toEqual({ passed: 1, total: 2 });
  });

  it('leaves a service the spec does not name and that never sends spans alone (a database started for the run)', () => {
    const db = startedService('postgres', 5432);
    const trace = buildTrace(
      gateway([
        call(PORTS.loans, '/loans', 1, [loans]),
        call(PORTS.notify, '/notify', 20, [notify]),
        call(5432, '/', 30),
      ]),
    );
    const verdict = judgeRun([trace], spec, { services: [...services(), db] });
    expect(verdict.verdict).toBe('pass');
    expect(verdict.lostNotes).toEqual([]);
  });
});

describe('the orphans a loss explains', () => {
  const entries = expectedEntriesOf(spec);
  const lost = lostServicesOf(
    [{ kind: 'telemetry_lost', path: 'POST /loans > POST /notify' }],
    ['gateway'],
    entries,
  );

  it('takes the lost services from the entries the telemetry_lost violations name and from the crashes', () => {
    expect([...lost].sort()).toEqual(['gateway', 'notify-service']);
  });

  it('puts an orphan whose parent the spec places in a lost service down to the loss', () => {
    expect(lossExplainsOrphan({ name: 'POST /loans', service: 'loans-service' }, entries, lost)).toBe(true);
    expect(lossExplainsOrphan({ name: 'notify.send', service: 'notify-service' }, entries, lost)).toBe(true);
  });

  it('does not put down to the loss an orphan whose parent the spec places in a service that kept its spans', () => {
    expect(lossExplainsOrphan({ name: 'loan.create', service: 'loans-service' }, entries, lost)).toBe(false);
  });

  it('puts an orphan the spec does not place down to the loss, the likelier cause', () => {
    expect(lossExplainsOrphan({ name: 'fee.quote', service: 'fees-service' }, entries, lost)).toBe(true);
    expect(lossExplainsOrphan({ name: 'POST /loans', service: 'gateway' }, entries, lost)).toBe(true);
  });
});
