/**
 * Two trace specs over the contract fixture's checkout trace: one it meets, one it breaks (a
 * missing span, a tag mismatch, a duration out of bounds). Names, kinds and tags go through the
 * backend's declared fidelity (Zipkin lower-cases names; X-Ray names entry spans after their service
 * and keeps three kinds; App Insights keeps no CONSUMER name and not every attribute) — the only
 * allowance; everything else is the same spec.
 */
import type { BackendFidelity } from '../../../src/backends/trace-backend.js';
import type { TraceSpec } from '../../../src/tracespec/index.js';
import type { SpanKind } from '../../../src/model/index.js';
import type { ContractFixture } from './contract-fixture.js';
import { storedKind, storedName } from './span-comparison.js';

export function contractSpecs(
  fixture: ContractFixture,
  fidelity: BackendFidelity = {},
): { met: TraceSpec; broken: TraceSpec } {
  const n = (name: string) => (fidelity.lowercasesNames ? name.toLowerCase() : name);
  const { frontend, payments, worker } = fixture.services;
  // The spec's operation name and kind for a fixture span, as this backend stores them.
  const op = (name: string, serviceName: string, kind: SpanKind = 'internal') =>
    n(storedName({ name, serviceName, kind }, fidelity));
  const k = (kind: SpanKind) => storedKind(kind, fidelity);
  // Tags on keys the backend may not keep (dropsAttributes) are left out of the spec.
  const tags = (wanted: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(wanted).filter(([key]) => !fidelity.dropsAttributes?.includes(key)));
  const met = {
    name: 'contract_checkout',
    expected_spans: [
      {
        operation_name: op('GET /checkout', frontend, 'server'),
        service_name: n(frontend),
        kind: k('server'),
        required_tags: tags({ 'http.response.status_code': 200, 'http.route': '/checkout' }),
        children: [
          {
            operation_name: n('POST /pay'),
            service_name: n(frontend),
            kind: k('client'),
            direct: true,
            children: [
              {
                operation_name: op('POST /pay', payments, 'server'),
                service_name: n(payments),
                kind: k('server'),
                children: [
                  {
                    operation_name: n('charge'),
                    service_name: n(payments),
                    required_tags: tags({ 'db.system': 'postgresql' }),
                    expected_duration_ms: { min: 25, max: 35 },
                  },
                ],
              },
            ],
          },
          {
            operation_name: n('orders publish'),
            service_name: n(frontend),
            kind: k('producer'),
            // A span stored without a name (dropsConsumerSpanNames) cannot be named in a spec.
            ...(op('orders process', worker, 'consumer') === ''
              ? {}
              : {
                  children: [
                    {
                      operation_name: op('orders process', worker, 'consumer'),
                      service_name: n(worker),
                      kind: k('consumer'),
                    },
                  ],
                }),
          },
        ],
        ordered: true,
      },
    ],
    performance_constraints: { max_total_duration_ms: 200, max_span_count: 6, max_depth: 4 },
    error_conditions: [
      { operation_name: op('POST /pay', payments, 'server'), service_name: n(payments), expect: 'error' },
    ],
  } as TraceSpec;
  const broken = {
    name: 'contract_checkout_broken',
    expected_spans: [
      {
        operation_name: op('GET /checkout', frontend, 'server'),
        service_name: n(frontend),
        required_tags: tags({ 'http.response.status_code': 201 }),
        children: [
          { operation_name: n('refund'), service_name: n(payments) },
          { operation_name: n('charge'), service_name: n(payments), expected_duration_ms: { max: 10 } },
        ],
      },
    ],
  } as TraceSpec;
  return { met, broken };
}
