/**
 * Next steps read as a model reads them: one error chain (a failing span and the spans above it that
 * failed because of it) is one step, so the structural fixes still fit in the five, and a service
 * nothing called is the caller's defect, ranked with the spec's violations.
 */
import { describe, expect, it } from 'vitest';
import type { TraceSpec } from '../../src/tracespec/index.js';
import type { RunReport } from '../../src/workflow/execute-run.js';
import { iterationRecordOf } from '../../src/workflow/iteration-record.js';
import { suggestNextSteps } from '../../src/workflow/next-steps.js';
import { judgeRun } from '../../src/workflow/run-verdict.js';
import { startedService } from '../support/started-service.js';
import { buildTrace, type SpanSketch } from '../support/trace-builder.js';

// The checkout example's shape, with its swallowed-error and missing-call defects.
const PORTS = { frontend: 7105, order: 7104, inventory: 7102, payment: 7101 };
const spec: TraceSpec = {
  name: 'checkout_flow',
  expected_spans: [
    {
      operation_name: 'POST /checkout',
      service_name: 'frontend',
      children: [
        {
          operation_name: 'POST /orders',
          service_name: 'order-service',
          children: [
            {
              operation_name: 'order.create',
              service_name: 'order-service',
              required_tags: { 'order.items': 3 },
              children: [
                {
                  operation_name: 'POST /inventory/reserve',
                  service_name: 'inventory-service',
                  children: [{ operation_name: 'inventory.reserve', service_name: 'inventory-service' }],
                },
                { operation_name: 'POST /payments', service_name: 'payment-service' },
              ],
            },
          ],
        },
      ],
    },
  ],
};

const call = (port: number, path: string, children: SpanSketch[]): SpanSketch => ({
  name: 'POST',
  kind: 'client',
  status: 'error',
  attributes: { 'url.full': `http://127.0.0.1:${port}${path}`, 'server.port': port },
  children,
});
const failing: SpanSketch = {
  name: 'POST /checkout',
  service: 'frontend',
  kind: 'server',
  status: 'error',
  children: [
    call(PORTS.order, '/orders', [
      {
        name: 'POST /orders',
        service: 'order-service',
        kind: 'server',
        status: 'error',
        children: [
          {
            name: 'order.create',
            status: 'error',
            attributes: { 'order.items': 2 },
            children: [
              call(PORTS.inventory, '/inventory/reserve', [
                {
                  name: 'POST /inventory/reserve',
                  service: 'inventory-service',
                  kind: 'server',
                  status: 'error',
                  children: [
                    {
                      name: 'inventory.reserve',
                      status: 'error',
                      statusMessage: 'out of stock',
                      events: [
                        {
                          name: 'exception',
                          attributes: {
                            'exception.type': 'InventoryUnavailableError',
                            'exception.message': 'out of stock',
                          },
                        },
                      ],
                    },
                  ],
                },
              ]),
            ],
          },
        ],
      },
    ]),
  ],
};

const services = [
  startedService('frontend', PORTS.frontend),
  startedService('order-service', PORTS.order),
  startedService('inventory-service', PORTS.inventory),
  startedService('payment-service', PORTS.payment),
];

function runOf(trace: SpanSketch) {
  const verdict = judgeRun([buildTrace(trace)], spec, { services });
  const report = {
    workingDir: '/checkout',
    command: { exitCode: 0, signal: null, timedOut: false, durationMs: 100 },
    spec: { name: spec.name },
    verdict,
    capture: { complete: true, notes: [] },
    services: services.map((service) => ({ ...service, exitedEarly: false })),
    exitToVerdictMs: 300,
  } as unknown as RunReport;
  return { verdict, record: iterationRecordOf(report, 'node trigger.cjs') };
}

describe('next steps of a run with an error chain and a call the code never made', () => {
  it('asks for an error chain’s fix once, at the span where it started, naming the spans it propagated to', () => {
    const { record } = runOf(failing);
    const errors = suggestNextSteps(record, undefined).filter((step) => step.category === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.action).toBe(
      'fix the failure in `inventory.reserve` (inventory-service), where the error chain starts; it propagated to `POST /checkout` (frontend), `POST` (frontend), `POST /orders` (order-service), `order.create` (order-service) and 2 more, which failed because of it and need no fix of their own; or add an error_condition { operation_name: inventory.reserve, expect: error } if it is intended',
    );
    expect(errors[0]?.why).toMatch(
      /^\[unexpected_error\] .*\(inventory-service: inventory\.reserve\): .*InventoryUnavailableError: out of stock \(and 6 spans above it that failed because of it\)$/,
    );
  });

  it('leaves room in the five steps for the missing call and the wrong tag once the chain is one step', () => {
    const { record } = runOf(failing);
    const steps = suggestNextSteps(record, undefined);
    expect(steps.map((step) => step.category)).toEqual(['error', 'structure', 'tags']);
  });

  it('keeps every error of the chain in the run’s violations, each naming where its failure started', () => {
    const { verdict } = runOf(failing);
    const errors = (verdict.primary?.violations ?? []).filter((v) => v.kind === 'unexpected_error');
    expect(errors).toHaveLength(7);
    expect(errors.filter((v) => v.caused_by === undefined).map((v) => v.span?.name)).toEqual([
      'inventory.reserve',
    ]);
    for (const error of errors.filter((v) => v.caused_by !== undefined)) {
      expect(error.caused_by).toMatchObject({ name: 'inventory.reserve', service: 'inventory-service' });
      expect(error.message).toMatch(/, passed on from `inventory\.reserve` \(inventory-service\)$/);
      expect(error.fix).toMatch(
        /^fix the failure in `inventory\.reserve` \(inventory-service\) that this span passed on/,
      );
    }
  });

  it('explains a service nothing called as the caller’s missing call, ranked with the spec’s violations, not as a capture problem', () => {
    const { record } = runOf(failing);
    const steps = suggestNextSteps(record, undefined);
    expect(steps.filter((step) => step.category === 'capture')).toEqual([]);
    expect(steps[1]).toMatchObject({
      category: 'structure',
      action:
        'nothing called payment-service: `order.create` (order-service) has no call to it; the spec expects `POST /payments` beneath it, so add the call there (or, if the code is right not to call it, remove the entry from the spec)',
    });
  });
});
