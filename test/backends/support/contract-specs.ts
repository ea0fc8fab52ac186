/**
 * Two trace specs over the contract fixture's checkout trace: one it meets, one it breaks (a
 * missing span, a tag mismatch, a duration out of bounds). Names go through the backend's declared
 * fidelity (Zipkin lower-cases them) — the only allowance; everything else is the same spec.
 */
import type { BackendFidelity } from '../../../src/backends/trace-backend.js';
import type { TraceSpec } from '../../../src/tracespec/index.js';
import type { ContractFixture } from './contract-fixture.js';

export function contractSpecs(
  fixture: ContractFixture,
  fidelity: BackendFidelity = {},
): { met: TraceSpec; broken: TraceSpec } {
  const n = (name: string) => (fidelity.lowercasesNames ? name.toLowerCase() : name);
  const { frontend, payments, worker } = fixture.services;
  const met = {
    name: 'contract_checkout',
    expected_spans: [
      {
        operation_name: n('GET /checkout'),
        service_name: n(frontend),
        kind: 'server',
        required_tags: { 'http.response.status_code': 200, 'http.route': '/checkout' },
        children: [
          {
            operation_name: n('POST /pay'),
            service_name: n(frontend),
            kind: 'client',
            direct: true,
            children: [
              {
                operation_name: n('POST /pay'),
                service_name: n(payments),
                kind: 'server',
                children: [
                  {
                    operation_name: n('charge'),
                    service_name: n(payments),
                    required_tags: { 'db.system': 'postgresql' },
                    expected_duration_ms: { min: 25, max: 35 },
                  },
                ],
              },
            ],
          },
          {
            operation_name: n('orders publish'),
            service_name: n(frontend),
            kind: 'producer',
            children: [{ operation_name: n('orders process'), service_name: n(worker), kind: 'consumer' }],
          },
        ],
        ordered: true,
      },
    ],
    performance_constraints: { max_total_duration_ms: 200, max_span_count: 6, max_depth: 4 },
    error_conditions: [{ operation_name: n('POST /pay'), service_name: n(payments), expect: 'error' }],
  } as TraceSpec;
  const broken = {
    name: 'contract_checkout_broken',
    expected_spans: [
      {
        operation_name: n('GET /checkout'),
        service_name: n(frontend),
        required_tags: { 'http.response.status_code': 201 },
        children: [
          { operation_name: n('refund'), service_name: n(payments) },
          { operation_name: n('charge'), service_name: n(payments), expected_duration_ms: { max: 10 } },
        ],
      },
    ],
  } as TraceSpec;
  return { met, broken };
}
