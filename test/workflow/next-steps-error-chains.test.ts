/**
 * Next steps read as a model reads them: one error chain (a failing span and the spans above it that
 * failed because of it) is one step, so the structural fixes still fit in the five, and a service
 * nothing called is the caller's defect, ranked with the spec's violations.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTraceSpec, readSpecText, type TraceSpec } from '../../src/tracespec/index.js';
import type { RunReport } from '../../src/workflow/execute-run.js';
import { iterationRecordOf } from '../../src/workflow/iteration-record.js';
import { suggestNextSteps } from '../../src/workflow/next-steps.js';
import { judgeRun } from '../../src/workflow/run-verdict.js';
import { startedService } from '../support/started-service.js';
import { buildTrace, repeated, type SpanSketch } from '../support/trace-builder.js';

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

/** The checkout example's run with all its defects on, as its services make it, judged by its own spec. */
describe('next steps of the checkout example with every defect on', () => {
  const text = readFileSync(
    new URL('../../examples/checkout/specs/checkout_structure.yaml', import.meta.url),
    'utf8',
  );
  const read = readSpecText(text);
  const structure = parseTraceSpec(read.ok ? read.value : undefined);
  const ports = { cart: 7103, inventory: 7102, order: 7104, payment: 7101 };
  const sqlite = (query: string) => ({ 'db.system.name': 'sqlite', 'db.query.text': query });
  const client = (port: number, path: string, children: SpanSketch[], status?: 'error'): SpanSketch => ({
    name: 'POST',
    kind: 'client',
    ...(status ? { status } : {}),
    attributes: { 'url.full': `http://127.0.0.1:${port}${path}`, 'server.port': port },
    children,
  });
  const server = (name: string, service: string, children: SpanSketch[], status?: 'error'): SpanSketch => ({
    name,
    service,
    kind: 'server',
    ...(status ? { status } : {}),
    children,
  });
  // wrong-service: the frontend reserves the stock itself; n-plus-one: five stock queries;
  // swallowed-error: inventory.reserve throws before its INSERT and order-service carries on;
  // missing-call: order.create never calls payment-service.
  const checkout: SpanSketch = {
    name: 'POST /checkout',
    service: 'frontend',
    kind: 'server',
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/checkout',
      'http.response.status_code': 200,
    },
    children: [
      {
        name: 'checkout.process',
        children: [
          client(ports.cart, '/cart/validate', [
            server('POST /cart/validate', 'cart-service', [
              {
                name: 'checkout.validate_cart',
                attributes: { 'cart.size': 5 },
                children: [
                  { name: 'SELECT products', kind: 'client', attributes: sqlite('SELECT * FROM products') },
                ],
              },
            ]),
          ]),
          client(
            ports.inventory,
            '/inventory/reserve',
            [
              server(
                'POST /inventory/reserve',
                'inventory-service',
                [
                  {
                    name: 'inventory.reserve',
                    status: 'error',
                    statusMessage: 'stock ledger unavailable',
                    events: [
                      {
                        name: 'exception',
                        attributes: {
                          'exception.type': 'InventoryUnavailableError',
                          'exception.message': 'stock ledger unavailable',
                        },
                      },
                    ],
                    children: repeated(
                      5,
                      {
                        name: 'SELECT inventory',
                        kind: 'client',
                        durationMs: 15,
                        attributes: sqlite('SELECT stock'),
                      },
                      1,
                    ),
                  },
                ],
                'error',
              ),
            ],
            'error',
          ),
          client(ports.order, '/orders', [
            server('POST /orders', 'order-service', [
              {
                name: 'order.create',
                startMs: 120,
                children: [
                  { name: 'INSERT orders', kind: 'client', attributes: sqlite('INSERT INTO orders') },
                ],
              },
            ]),
          ]),
        ],
      },
    ],
  };
  const started = [
    startedService('frontend', 7105),
    startedService('cart-service', ports.cart),
    startedService('order-service', ports.order),
    startedService('inventory-service', ports.inventory),
    startedService('payment-service', ports.payment),
  ];
  const record = () => {
    const verdict = judgeRun([buildTrace(checkout)], structure, { services: started });
    const report = {
      workingDir: '/checkout',
      command: { exitCode: 0, signal: null, timedOut: false, durationMs: 100 },
      spec: { name: structure.name },
      verdict,
      capture: { complete: true, notes: [] },
      services: started.map((service) => ({ ...service, exitedEarly: false })),
      exitToVerdictMs: 300,
    } as unknown as RunReport;
    return iterationRecordOf(report, 'node trigger.cjs');
  };

  it('folds the span the failure kept from running into the error chain’s step, so the wrong parent’s fix is among the five', () => {
    const steps = suggestNextSteps(record(), undefined);
    expect(steps.map((step) => [step.category, step.why.slice(0, step.why.indexOf(']') + 1)])).toEqual([
      ['error', '[unexpected_error]'],
      ['structure', '[forbidden_present]'],
      ['structure', '[missing]'],
      ['structure', '[count_too_high]'],
      ['placement', '[wrong_parent]'],
    ]);
    expect(steps[0]?.action).toBe(
      'fix the failure in `inventory.reserve` (inventory-service), where the error chain starts; it propagated to `POST` (frontend) and `POST /inventory/reserve` (inventory-service), which failed because of it and need no fix of their own; `INSERT reservations` then never ran; or add an error_condition { operation_name: inventory.reserve, expect: error } if it is intended',
    );
    expect(steps[0]?.why).toMatch(
      /\(and 2 spans above it that failed because of it, and 1 expected span it kept from running\)$/,
    );
    expect(steps[2]?.action).toMatch(
      /^nothing called payment-service: `order\.create` \(order-service\) has no call to it/,
    );
    expect(steps.map((step) => step.action)).not.toContainEqual(
      expect.stringMatching(/add a span `INSERT reservations`/),
    );
  });

  it('says where the failure that kept the span from running started, in its own violation', () => {
    const missing = record().violations.find((violation) => violation.path.endsWith('> INSERT reservations'));
    expect(missing).toMatchObject({
      kind: 'missing',
      causedBy: { name: 'inventory.reserve', service: 'inventory-service' },
    });
    expect(missing?.message).toMatch(
      /; `inventory\.reserve` \(inventory-service\) failed, most likely before it could run$/,
    );
    expect(missing?.fix).toMatch(
      /^fix the failure in `inventory\.reserve` \(inventory-service\) that stopped the flow before `INSERT reservations`; if it is still missing once that passes, add a span `INSERT reservations`/,
    );
  });
});
