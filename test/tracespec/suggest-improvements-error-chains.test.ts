/**
 * An error chain (a failing span and the spans above it that failed because of it) is one
 * improvement at the span where it started, so the structural fixes are not pushed out.
 */
import { describe, expect, it } from 'vitest';
import { failureOrigins } from '../../src/analysis/index.js';
import { buildSpanTree } from '../../src/model/span-tree.js';
import {
  entryName,
  compareTraceToSpec,
  parseTraceSpec,
  suggestImprovements,
  type SpanRef,
} from '../../src/tracespec/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { specOf } from './compare-helpers.js';

const trace = buildTrace({
  name: 'POST /orders',
  service: 'order-service',
  kind: 'server',
  status: 'error',
  spanId: 'a000000000000001',
  children: [
    {
      name: 'order.create',
      status: 'error',
      spanId: 'a000000000000002',
      children: [
        {
          name: 'inventory.reserve',
          service: 'inventory-service',
          status: 'error',
          statusMessage: 'out of stock',
          spanId: 'a000000000000003',
        },
      ],
    },
  ],
});
const spec = parseTraceSpec(
  specOf([
    {
      operation_name: 'POST /orders',
      children: [
        {
          operation_name: 'order.create',
          children: [{ operation_name: 'inventory.reserve' }, { operation_name: 'POST /payments' }],
        },
      ],
    },
  ]),
);
const origins = (): Map<string, SpanRef> =>
  new Map(
    [...failureOrigins(buildSpanTree(trace))].map(([id, origin]) => [
      id,
      { span_id: origin.spanId, name: origin.name, service: origin.service },
    ]),
  );
const chainFix =
  'fix the failure in `inventory.reserve` (inventory-service), where the error chain starts; it propagated to `POST /orders` (order-service) and `order.create` (order-service), which failed because of it and need no fix of their own; or add an error_condition { operation_name: inventory.reserve, expect: error } if it is intended';

describe('suggestImprovements with an error chain', () => {
  it('asks for the chain’s fix once, at the span where it started, ahead of the missing span', () => {
    const result = compareTraceToSpec(trace, spec, { errorOrigins: origins() });
    expect(result.violations.filter((violation) => violation.kind === 'unexpected_error')).toHaveLength(3);
    expect(
      suggestImprovements(result).map((improvement) => [improvement.category, improvement.action]),
    ).toEqual([
      ['error', chainFix],
      ['structure', 'add a span `POST /payments`, as a child of `order.create`'],
    ]);
    expect(suggestImprovements(result)[0]?.span_id).toBe('a000000000000003');
    expect(result.suggestions[0]).toBe(chainFix);
  });

  it('folds a comparison made without the tree by analyze_trace’s chain, and drops the root cause it repeats', () => {
    const result = compareTraceToSpec(trace, spec);
    const chain = [
      { span_id: 'a000000000000001', name: 'POST /orders', service: 'order-service' },
      { span_id: 'a000000000000002', name: 'order.create', service: 'order-service' },
      { span_id: 'a000000000000003', name: 'inventory.reserve', service: 'inventory-service' },
    ];
    const actions = suggestImprovements([
      { type: 'spec_comparison', result },
      {
        type: 'analysis_findings',
        findings: [
          {
            kind: 'error_root_cause',
            severity: 'high',
            summary: 'inventory-service: inventory.reserve failed: status ERROR: out of stock',
            fix: 'fix the root cause in inventory-service: inventory.reserve, or declare the failure in the spec’s error_conditions if it is expected',
            span_id: 'a000000000000003',
            chain,
          },
        ],
      },
    ]).map((improvement) => improvement.action);
    expect(actions).toEqual([chainFix, 'add a span `POST /payments`, as a child of `order.create`']);
  });
});

describe('suggestImprovements with a span a failure kept from running', () => {
  const orderedSpec = (children: string[]) =>
    parseTraceSpec(
      specOf([
        {
          operation_name: 'POST /orders',
          children: [
            {
              operation_name: 'order.create',
              ordered: true,
              children: children.map((name) => ({ operation_name: name })),
            },
          ],
        },
      ]),
    );

  it('names a span listed after the failing one in an ordered parent in the chain’s action, not as a span to add', () => {
    const result = compareTraceToSpec(trace, orderedSpec(['inventory.reserve', 'POST /payments']), {
      errorOrigins: origins(),
    });
    const missing = result.violations.find((violation) => violation.kind === 'missing');
    expect(missing?.caused_by).toMatchObject({ span_id: 'a000000000000003', name: 'inventory.reserve' });
    expect(missing?.message).toMatch(
      /; `order\.create` \(order-service\) failed \(passed on from `inventory\.reserve` \(inventory-service\)\), most likely before it could run$/,
    );
    expect(suggestImprovements(result).map((improvement) => improvement.action)).toEqual([
      chainFix.replace('; or add', '; `POST /payments` then never ran; or add'),
    ]);
  });

  it('keeps its own action for a span listed before the failing one, which the flow went past', () => {
    const result = compareTraceToSpec(trace, orderedSpec(['POST /payments', 'inventory.reserve']), {
      errorOrigins: origins(),
    });
    const missing = result.violations.find((violation) => violation.kind === 'missing');
    expect(missing?.caused_by).toBeUndefined();
    expect(suggestImprovements(result).map((improvement) => improvement.action)).toContain(
      'add a span `POST /payments`, as a child of `order.create`',
    );
  });

  it('folds a span listed after what ran beneath the span that failed, not one listed before it', () => {
    const failedAfterReading = buildTrace({
      name: 'inventory.reserve',
      service: 'inventory-service',
      status: 'error',
      children: [{ name: 'SELECT inventory', kind: 'client' }],
    });
    const spec = parseTraceSpec(
      specOf([
        {
          operation_name: 'inventory.reserve',
          ordered: true,
          children: [{ operation_name: 'INSERT reservations' }, { operation_name: 'SELECT inventory' }],
        },
      ]),
    );
    const result = compareTraceToSpec(failedAfterReading, spec);
    expect(result.violations.find((violation) => violation.kind === 'missing')?.caused_by).toBeUndefined();
    const reversed = compareTraceToSpec(
      failedAfterReading,
      parseTraceSpec(
        specOf([
          {
            operation_name: 'inventory.reserve',
            ordered: true,
            children: [{ operation_name: 'SELECT inventory' }, { operation_name: 'INSERT reservations' }],
          },
        ]),
      ),
    );
    expect(suggestImprovements(reversed).map((improvement) => improvement.action)).toEqual([
      'fix the failure in `inventory.reserve` (inventory-service), where the error chain starts; `INSERT reservations` then never ran; or add an error_condition { operation_name: inventory.reserve, expect: error } if it is intended',
    ]);
  });
});

describe('entryName', () => {
  it('names a folded entry by its operation, without the @service and [n] that tell siblings apart', () => {
    expect(entryName('POST /loans > loan.create > SELECT@loans-service[2]')).toBe('SELECT');
    expect(entryName('job > process > INSERT reservations')).toBe('INSERT reservations');
  });
});
