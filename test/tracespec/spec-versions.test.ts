/** Versions of a spec: the readable difference of two, partial updates, and YAML that round-trips. */
import { describe, expect, it } from 'vitest';
import { isOtelMcpError } from '../../src/model/index.js';
import {
  diffSpecs,
  instantiateTemplate,
  listSpecTemplates,
  mergeSpecUpdate,
  parseTraceSpec,
  serializeSpecYaml,
  type TraceSpec,
} from '../../src/tracespec/index.js';

const base: TraceSpec = parseTraceSpec({
  name: 'checkout',
  description: 'v1',
  expected_spans: [
    {
      operation_name: 'POST /checkout',
      service_name: 'checkout-service',
      children: [
        {
          operation_name: 'payment.process',
          service_name: 'payment-service',
          count: 1,
          required_tags: { 'payment.method': 'card' },
        },
        { operation_name: 'legacy.audit', children: [{ operation_name: 'audit.write' }] },
      ],
    },
  ],
  performance_constraints: { max_total_duration_ms: 3000, max_depth: 10 },
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isOtelMcpError(error) && error.code).toBe('INVALID_ARGUMENT');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('diffSpecs', () => {
  it('finds no difference between a spec and itself', () => {
    expect(diffSpecs(base, base)).toEqual({ identical: true, changes: [], summary: [] });
  });

  it('lists added, removed and changed entries by path, with old → new values', () => {
    const next = mergeSpecUpdate(base, {
      description: 'v2',
      performance_constraints: { max_depth: 8 },
      span_updates: [
        {
          path: 'POST /checkout > payment.process',
          set: {
            count: { min: 1, max: 3 },
            required_tags: { 'payment.method': 'card', 'payment.currency': 'EUR' },
          },
        },
        { path: 'POST /checkout > legacy.audit', remove: true },
        { parent: 'POST /checkout', add: { operation_name: 'fraud.check', service_name: 'fraud-service' } },
      ],
    });
    const diff = diffSpecs(base, next);
    expect(diff.identical).toBe(false);
    expect(diff.summary).toEqual([
      '~ description: "v1" → "v2"',
      '- POST /checkout > legacy.audit',
      '~ POST /checkout > payment.process: count: 1 → {min: 1, max: 3}',
      '~ POST /checkout > payment.process: required_tags.payment.currency: (none) → "EUR"',
      '+ POST /checkout > fraud.check (fraud-service)',
      '~ performance_constraints.max_depth: 10 → 8',
    ]);
    expect(diff.changes[2]).toEqual({
      change: 'changed',
      path: 'POST /checkout > payment.process',
      field: 'count',
      before: 1,
      after: { min: 1, max: 3 },
    });
  });

  it('reports a change in the order of children', () => {
    const reordered = mergeSpecUpdate(base, {
      span_updates: [
        {
          path: 'POST /checkout',
          set: { children: [...(base.expected_spans[0]?.children ?? [])].reverse() },
        },
      ],
    });
    expect(diffSpecs(base, reordered).summary).toEqual([
      '~ POST /checkout: children order: ["payment.process", "legacy.audit"] → ["legacy.audit", "payment.process"]',
    ]);
  });

  it('reports a new order of more than 10 children as the fewest children that moved, with counts', () => {
    const children = (names: string[]) => names.map((name) => ({ operation_name: name }));
    const names = Array.from({ length: 200 }, (_, index) => `op.${index}`);
    const spec = (order: string[]) =>
      parseTraceSpec({
        name: 'wide',
        expected_spans: [{ operation_name: 'root', children: children(order) }],
      });
    // op.0 to the end, op.199 to the front, op.100 swapped with op.101: 4 moved, or 3 in the fewest.
    const reordered = [
      'op.199',
      ...names.slice(1, 100),
      'op.101',
      'op.100',
      ...names.slice(102, 199),
      'op.0',
    ];
    const diff = diffSpecs(spec(names), spec(reordered));
    expect(diff.summary).toEqual([
      '~ root: children order: 3 of 200 children moved (position before → after): op.199 (200 → 1), op.101 (102 → 101), op.0 (1 → 200)',
    ]);
    expect(diff.changes[0]).toMatchObject({ moved: { count: 3, of: 200 } });
    // Past five moved children, the rest are counted.
    const reversed = diffSpecs(spec(names), spec([...names].reverse()));
    expect(reversed.summary[0]).toBe(
      '~ root: children order: 199 of 200 children moved (position before → after): op.199 (200 → 1), op.198 (199 → 2), op.197 (198 → 3), op.196 (197 → 4), op.195 (196 → 5), and 194 more',
    );
  });

  it('shows a strict flag and error conditions as changes', () => {
    const next = mergeSpecUpdate(base, { strict: true, error_conditions: [{ expect: 'allow_errors' }] });
    expect(diffSpecs(base, next).summary).toEqual([
      '~ strict: false → true',
      '~ error_conditions[0]: (none) → {expect: "allow_errors"}',
    ]);
  });
});

describe('mergeSpecUpdate', () => {
  it('replaces top-level fields and removes them with null', () => {
    const next = mergeSpecUpdate(base, { description: null, strict: true });
    expect(next.description).toBeUndefined();
    expect(next.strict).toBe(true);
    expect(next.expected_spans).toEqual(base.expected_spans);
  });

  it('replaces the expected_spans list when one is given', () => {
    const next = mergeSpecUpdate(base, { expected_spans: [{ operation_name: 'GET /health' }] });
    expect(next.expected_spans).toEqual([{ operation_name: 'GET /health' }]);
  });

  it('merges performance constraints key by key; null removes a key or all of them', () => {
    expect(
      mergeSpecUpdate(base, { performance_constraints: { max_span_count: 50, max_depth: null } })
        .performance_constraints,
    ).toEqual({
      max_total_duration_ms: 3000,
      max_span_count: 50,
    });
    expect(mergeSpecUpdate(base, { performance_constraints: null }).performance_constraints).toBeUndefined();
  });

  it('accepts the update as YAML text and leaves the original spec untouched', () => {
    const before = structuredClone(base);
    const next = mergeSpecUpdate(
      base,
      'strict: true\nspan_updates:\n  - path: POST /checkout > payment.process\n    set: { count: null }\n',
    );
    expect(next.expected_spans[0]?.children?.[0]?.count).toBeUndefined();
    expect(base).toEqual(before);
  });

  it('adds a top-level entry when no parent is given', () => {
    const next = mergeSpecUpdate(base, { span_updates: [{ add: { operation_name: 'audit.flush' } }] });
    expect(next.expected_spans.map((entry) => entry.operation_name)).toEqual([
      'POST /checkout',
      'audit.flush',
    ]);
  });

  it('refuses an update whose result is invalid, naming the path in the merged spec', () => {
    const message = refusal(() =>
      mergeSpecUpdate(base, {
        span_updates: [{ path: 'POST /checkout > payment.process', set: { count: 'many' } }],
      }),
    );
    expect(message).toContain(
      'expected_spans[0].children[0].count: expected a number or {min,max} (got "many")',
    );
  });

  it('refuses unknown keys, unknown paths and a new name, all at once', () => {
    const message = refusal(() =>
      mergeSpecUpdate(base, {
        name: 'other',
        strcit: true,
        span_updates: [{ path: 'POST /checkout > payment.proces', set: { count: 2 } }],
      }),
    );
    expect(message).toContain('updates.strcit: unknown key; did you mean strict?');
    expect(message).toContain('updates.name: a spec keeps its name ("checkout")');
    expect(message).toContain(
      'updates.span_updates[0].path: no entry at "POST /checkout > payment.proces"; did you mean POST /checkout > payment.process?',
    );
  });

  it('suggests the entry that ends with the typed last segment for a path typed with its middle left out', () => {
    const nested = parseTraceSpec({
      name: 'checkout',
      expected_spans: [
        {
          operation_name: 'POST /checkout',
          children: [
            {
              operation_name: 'checkout.process',
              children: [
                {
                  operation_name: 'order.create',
                  children: [
                    { operation_name: 'POST /payments', children: [{ operation_name: 'payment.process' }] },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    let hint: string | undefined;
    const message = refusal(() => {
      try {
        return mergeSpecUpdate(nested, {
          span_updates: [{ path: 'POST /checkout > payment.process', set: { count: 1 } }],
        });
      } catch (error) {
        hint = isOtelMcpError(error) ? error.hint : undefined;
        throw error;
      }
    });
    // Edit distance over the whole path named `POST /checkout > checkout.process`, the wrong entry.
    expect(message).toContain(
      'did you mean POST /checkout > checkout.process > order.create > POST /payments > payment.process?',
    );
    expect(hint).toMatch(/^give each span_updates path exactly as the spec names it .*get_trace_spec/);
  });

  it("lists the merged spec's problems beside the update's own in one refusal", () => {
    const message = refusal(() =>
      mergeSpecUpdate(base, {
        strcit: true,
        performance_constraints: { max_depth: -1 },
        span_updates: [{ path: 'POST /checkout > payment.process', set: { count: 'many' } }],
      }),
    );
    expect(message).toContain('updates.strcit: unknown key; did you mean strict?');
    expect(message).toContain('performance_constraints.max_depth');
    expect(message).toContain(
      'expected_spans[0].children[0].count: expected a number or {min,max} (got "many")',
    );
    expect(message).toMatch(/not applied \(3 problems\)/);
  });

  it('refuses removing expected_spans', () => {
    expect(refusal(() => mergeSpecUpdate(base, { expected_spans: null }))).toContain(
      'updates.expected_spans: cannot be removed',
    );
  });
});

describe('serializeSpecYaml', () => {
  it('writes keys in the canonical order with small ranges on one line, min before max', () => {
    expect(
      serializeSpecYaml(
        parseTraceSpec({
          expected_spans: [
            { count: { max: 3, min: 1 }, operation_name: 'a', required_tags: { code: '200', n: { gte: 1 } } },
          ],
          name: 'x',
        }),
      ),
    ).toBe(
      [
        'name: x',
        'expected_spans:',
        '  - operation_name: a',
        '    count: { min: 1, max: 3 }',
        '    required_tags:',
        '      code: "200"',
        '      n: { gte: 1 }',
        '',
      ].join('\n'),
    );
  });

  it.each(listSpecTemplates().map((template) => template.name))(
    'round-trips the %s template through YAML',
    (name) => {
      const spec = instantiateTemplate(name);
      expect(parseTraceSpec(serializeSpecYaml(spec))).toEqual(spec);
    },
  );

  it('round-trips a spec with every field', () => {
    const yaml = serializeSpecYaml(
      mergeSpecUpdate(base, {
        strict: true,
        error_conditions: [{ operation_name: 'p', expect: 'error', exception_type: 'E' }],
      }),
    );
    expect(
      diffSpecs(
        parseTraceSpec(yaml),
        mergeSpecUpdate(base, {
          strict: true,
          error_conditions: [{ operation_name: 'p', expect: 'error', exception_type: 'E' }],
        }),
      ).identical,
    ).toBe(true);
  });
});
