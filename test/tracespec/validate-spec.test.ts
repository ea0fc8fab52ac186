/**
 * Parsing and validation: YAML and JSON text or objects, the plan's field names exactly, and every
 * problem reported at once, by path, in words that say what would be accepted.
 */
import { describe, expect, it } from 'vitest';
import { isOtelMcpError } from '../../src/model/index.js';
import { parseTraceSpec, validateTraceSpec } from '../../src/tracespec/index.js';

const problemsOf = (input: unknown): string[] =>
  validateTraceSpec(input).problems.map((problem) => `${problem.path}: ${problem.message}`);
const withSpan = (span: Record<string, unknown>): Record<string, unknown> => ({
  name: 'spec',
  expected_spans: [span],
});

describe('parseTraceSpec', () => {
  const yaml = `
name: checkout_flow
description: Complete e-commerce checkout process
strict: false
expected_spans:
  - operation_name: checkout.validate_cart
    service_name: cart-service
    kind: server
    expected_duration_ms: { min: 0, max: 100 }
    required_tags: { http.request.method: POST, http.response.status_code: 200 }
    optional_tags: { cart.size: { gte: 1 } }
    count: 1
    children:
      - operation_name: inventory.reserve
        service_name: inventory-service
        direct: true
    ordered: true
performance_constraints:
  max_total_duration_ms: 3000
  max_span_count: 500
  max_depth: 12
error_conditions:
  - operation_name: payment.process
    service_name: payment-service
    expect: error
    exception_type: CardDeclinedError
  - expect: allow_errors
`;

  it('accepts a full example spec as YAML, with every field', () => {
    const spec = parseTraceSpec(yaml);
    expect(spec.name).toBe('checkout_flow');
    expect(spec.expected_spans[0]).toMatchObject({
      operation_name: 'checkout.validate_cart',
      kind: 'server',
      count: 1,
      ordered: true,
      required_tags: { 'http.request.method': 'POST', 'http.response.status_code': 200 },
      children: [{ operation_name: 'inventory.reserve', direct: true }],
    });
    expect(spec.performance_constraints).toEqual({
      max_total_duration_ms: 3000,
      max_span_count: 500,
      max_depth: 12,
    });
    expect(spec.error_conditions).toHaveLength(2);
  });

  it('accepts the same spec as JSON text and as an object, with equal results', () => {
    const fromYaml = parseTraceSpec(yaml);
    expect(parseTraceSpec(JSON.stringify(fromYaml))).toEqual(fromYaml);
    expect(parseTraceSpec(fromYaml)).toEqual(fromYaml);
  });

  it('normalizes span kinds written in capitals or with the OTLP prefix', () => {
    expect(
      parseTraceSpec(withSpan({ operation_name: 'a', kind: 'SPAN_KIND_CLIENT' })).expected_spans[0]?.kind,
    ).toBe('client');
  });

  it('throws INVALID_ARGUMENT listing every problem by path', () => {
    try {
      parseTraceSpec({ name: 'x', expected_spans: [{ operation_name: 'a', count: -1, kind: 'sever' }] });
      expect.unreachable();
    } catch (error) {
      expect(isOtelMcpError(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toBe(
        'invalid trace spec (2 problems):\n' +
          'expected_spans[0].kind: expected one of server, client, producer, consumer, internal (got "sever"; did you mean server?)\n' +
          'expected_spans[0].count: expected a non-negative integer (got -1)',
      );
    }
  });
});

describe('validateTraceSpec problems', () => {
  const cases: { problem: string; input: unknown; expected: string }[] = [
    {
      problem: 'text that is not YAML',
      input: 'name: [unclosed',
      expected:
        'spec: the specification is not valid YAML or JSON at line 1, column 16: a line is not indented as expected, or a [ or { is not closed',
    },
    {
      problem: 'empty text',
      input: '  ',
      expected: 'spec: the specification text is empty; expected YAML or JSON',
    },
    {
      problem: 'two YAML documents',
      input: 'a: 1\n---\nb: 2\n',
      expected: 'spec: the specification text holds 2 YAML documents; expected one',
    },
    {
      problem: 'duplicate keys',
      input: 'name: a\nname: b\nexpected_spans: []',
      expected: 'at line 2, column 1: a key appears twice in the same mapping',
    },
    {
      problem: 'not an object',
      input: [1, 2],
      expected: 'spec: expected an object with name and expected_spans (got a list)',
    },
    {
      problem: 'missing name',
      input: { expected_spans: [] },
      expected:
        'name: required: a lower-case letter or digit, then up to 63 of a-z 0-9 . _ - (it becomes the file name <name>.yaml)',
    },
    {
      problem: 'a name with spaces',
      input: { name: 'my spec', expected_spans: [] },
      expected:
        'name: expected a lower-case letter or digit, then up to 63 of a-z 0-9 . _ - (it becomes the file name <name>.yaml) (got "my spec")',
    },
    {
      // One rule everywhere: the store would refuse `Checkout` (it is a file name on case-folding disks).
      problem: 'an upper-case name',
      input: { name: 'Checkout', expected_spans: [] },
      expected:
        'name: expected a lower-case letter or digit, then up to 63 of a-z 0-9 . _ - (it becomes the file name <name>.yaml) (got "Checkout")',
    },
    {
      problem: 'missing expected_spans',
      input: { name: 'a' },
      expected: 'expected_spans: required: the list of spans the trace should contain (it may be empty)',
    },
    {
      problem: 'expected_spans not a list',
      input: { name: 'a', expected_spans: {} },
      expected: 'expected_spans: expected a list of spans (got {})',
    },
    {
      problem: 'an unknown top-level key',
      input: { name: 'a', expected_spans: [], strcit: true },
      expected: 'strcit: unknown key; did you mean strict?',
    },
    {
      problem: 'strict not a boolean',
      input: { name: 'a', expected_spans: [], strict: 'yes' },
      expected: 'strict: expected true or false (got "yes")',
    },
    {
      problem: 'a span written as a bare string',
      input: { name: 'a', expected_spans: ['checkout'] },
      expected:
        'expected_spans[0]: expected an object with operation_name (got "checkout"); write { operation_name: "checkout" }',
    },
    {
      problem: 'a span without operation_name',
      input: withSpan({ service_name: 's' }),
      expected: 'expected_spans[0].operation_name: required: the span name to look for',
    },
    {
      problem: 'a camelCase key',
      input: withSpan({ operation_name: 'a', serviceName: 's' }),
      expected: 'expected_spans[0].serviceName: unknown key; did you mean service_name?',
    },
    {
      problem: 'a misspelt tag block',
      input: withSpan({ operation_name: 'a', required_tag: {} }),
      expected: 'expected_spans[0].required_tag: unknown key; did you mean required_tags?',
    },
    {
      problem: 'an empty operation name',
      input: withSpan({ operation_name: ' ' }),
      expected: 'expected_spans[0].operation_name: expected a non-empty string (got " ")',
    },
    {
      problem: 'kind unspecified',
      input: withSpan({ operation_name: 'a', kind: 'unspecified' }),
      expected: 'expected_spans[0].kind: unspecified is never expected; omit kind to accept any kind',
    },
    {
      problem: 'a count of the wrong type, deep in children',
      input: {
        name: 'a',
        expected_spans: [
          { operation_name: 'a' },
          { operation_name: 'b' },
          { operation_name: 'c', children: [{ operation_name: 'd', count: 'many' }] },
        ],
      },
      expected: 'expected_spans[2].children[0].count: expected a number or {min,max} (got "many")',
    },
    {
      problem: 'a fractional count',
      input: withSpan({ operation_name: 'a', count: 1.5 }),
      expected: 'expected_spans[0].count: expected a non-negative integer (got 1.5)',
    },
    {
      problem: 'min above max',
      input: withSpan({ operation_name: 'a', count: { min: 3, max: 1 } }),
      expected: 'expected_spans[0].count: min 3 is greater than max 1',
    },
    {
      problem: 'an unknown range key',
      input: withSpan({ operation_name: 'a', count: { minimum: 1 } }),
      expected: 'expected_spans[0].count.minimum: unknown key; did you mean min?',
    },
    {
      problem: 'an empty range',
      input: withSpan({ operation_name: 'a', count: {} }),
      expected: 'expected_spans[0].count: expected a number or {min,max}; give min, max or both',
    },
    {
      problem: 'a duration in words',
      input: withSpan({ operation_name: 'a', expected_duration_ms: '100ms' }),
      expected:
        'expected_spans[0].expected_duration_ms: expected a number of milliseconds or {min,max} (got "100ms")',
    },
    {
      problem: 'direct on a top-level span',
      input: withSpan({ operation_name: 'a', direct: true }),
      expected:
        'expected_spans[0].direct: a top-level span has no parent entry; use direct only inside children',
    },
    {
      problem: 'ordered without children',
      input: withSpan({ operation_name: 'a', ordered: true }),
      expected: 'expected_spans[0].ordered: ordered applies to children, and this span has none',
    },
    {
      problem: 'children under a forbidden span',
      input: withSpan({ operation_name: 'a', count: 0, children: [{ operation_name: 'b' }] }),
      expected:
        'expected_spans[0].children: a span expected to be absent (count 0) cannot have children to check',
    },
    {
      problem: 'children not a list',
      input: withSpan({ operation_name: 'a', children: 'b' }),
      expected: 'expected_spans[0].children: expected a list of spans (got "b")',
    },
    {
      problem: 'tags not a mapping',
      input: withSpan({ operation_name: 'a', required_tags: ['k'] }),
      expected:
        'expected_spans[0].required_tags: expected a mapping of attribute name to value or matcher (got a list)',
    },
    {
      problem: 'a null tag value',
      input: withSpan({ operation_name: 'a', required_tags: { 'http.route': null } }),
      expected:
        'expected_spans[0].required_tags["http.route"]: expected a value or a matcher object; to require presence only, write { exists: true }',
    },
    {
      problem: 'an unknown matcher',
      input: withSpan({ operation_name: 'a', required_tags: { n: { gte_: 1 } } }),
      expected: 'expected_spans[0].required_tags.n.gte_: unknown matcher; did you mean gte?',
    },
    {
      problem: 'an empty matcher',
      input: withSpan({ operation_name: 'a', required_tags: { n: {} } }),
      expected: 'expected_spans[0].required_tags.n: an empty matcher matches nothing',
    },
    {
      problem: 'a non-numeric bound',
      input: withSpan({ operation_name: 'a', required_tags: { n: { gt: 'five' } } }),
      expected: 'expected_spans[0].required_tags.n.gt: expected a number (got "five")',
    },
    {
      problem: 'a bad regex',
      input: withSpan({ operation_name: 'a', required_tags: { n: { regex: '(' } } }),
      expected: 'expected_spans[0].required_tags.n.regex: invalid regular expression',
    },
    {
      problem: 'a lookahead (no linear-time engine runs it)',
      input: withSpan({ operation_name: 'a', required_tags: { 'http.route': { regex: '^(?!/health)' } } }),
      expected:
        'expected_spans[0].required_tags["http.route"].regex: lookahead is not supported: patterns run in linear time (RE2 syntax); match the text itself',
    },
    {
      problem: 'a backreference (no linear-time engine runs it)',
      input: withSpan({ operation_name: 'a', optional_tags: { n: { regex: '(a)\\1' } } }),
      expected:
        'expected_spans[0].optional_tags.n.regex: a backreference is not supported: patterns run in linear time',
    },
    {
      problem: 'exists not a boolean',
      input: withSpan({ operation_name: 'a', required_tags: { n: { exists: 'yes' } } }),
      expected: 'expected_spans[0].required_tags.n.exists: expected true or false (got "yes")',
    },
    {
      problem: 'exists false with a value',
      input: withSpan({ operation_name: 'a', required_tags: { n: { exists: false, eq: 1 } } }),
      expected: 'exists: false cannot be combined with other matchers',
    },
    {
      problem: 'an empty in list',
      input: withSpan({ operation_name: 'a', required_tags: { n: { in: [] } } }),
      expected:
        'expected_spans[0].required_tags.n.in: expected a non-empty list of strings, numbers or booleans',
    },
    {
      problem: 'a nested list value',
      input: withSpan({ operation_name: 'a', required_tags: { n: [[1]] } }),
      expected: 'a list value may hold only strings, numbers and booleans',
    },
    {
      problem: 'a tag both required and optional',
      input: withSpan({ operation_name: 'a', required_tags: { k: 1 }, optional_tags: { k: 2 } }),
      expected: 'expected_spans[0].optional_tags.k: also listed in required_tags; keep one',
    },
    {
      problem: 'an unknown constraint',
      input: { name: 'a', expected_spans: [], performance_constraints: { max_depht: 3 } },
      expected: 'performance_constraints.max_depht: unknown key; did you mean max_depth?',
    },
    {
      problem: 'a zero constraint',
      input: { name: 'a', expected_spans: [], performance_constraints: { max_span_count: 0 } },
      expected: 'performance_constraints.max_span_count: expected a positive integer (got 0)',
    },
    {
      problem: 'error_conditions not a list',
      input: { name: 'a', expected_spans: [], error_conditions: {} },
      expected: 'error_conditions: expected a list (got {})',
    },
    {
      problem: 'an error condition without expect',
      input: { name: 'a', expected_spans: [], error_conditions: [{ operation_name: 'p' }] },
      expected: 'error_conditions[0].expect: required: error or allow_errors',
    },
    {
      problem: 'a misspelt expect',
      input: { name: 'a', expected_spans: [], error_conditions: [{ operation_name: 'p', expect: 'errors' }] },
      expected:
        'error_conditions[0].expect: expected error or allow_errors (got "errors"; did you mean error?)',
    },
    {
      problem: 'expect: error without a span',
      input: { name: 'a', expected_spans: [], error_conditions: [{ expect: 'error' }] },
      expected: 'error_conditions[0].operation_name: required with expect: error: the span that should fail',
    },
    {
      problem: 'exception_type with allow_errors',
      input: {
        name: 'a',
        expected_spans: [],
        error_conditions: [{ expect: 'allow_errors', exception_type: 'E' }],
      },
      expected: 'error_conditions[0].exception_type: only meaningful with expect: error',
    },
  ];

  it.each(cases)('reports $problem', ({ input, expected }) => {
    const result = validateTraceSpec(input);
    expect(result.ok).toBe(false);
    expect(result.spec).toBeUndefined();
    expect(problemsOf(input).join('\n')).toContain(expected);
  });

  it('reports every problem of a spec at once, never half-accepting it', () => {
    const problems = problemsOf({
      name: 'bad name',
      expected_span: [],
      expected_spans: [
        { operationName: 'a', count: 'x', children: [{ operation_name: 'b', kind: 'sever' }] },
      ],
      error_conditions: [{ expect: 'nope' }],
    });
    expect(problems).toEqual([
      'expected_span: unknown key; did you mean expected_spans?',
      'name: expected a lower-case letter or digit, then up to 63 of a-z 0-9 . _ - (it becomes the file name <name>.yaml) (got "bad name")',
      'expected_spans[0].operationName: unknown key; did you mean operation_name?',
      'expected_spans[0].count: expected a number or {min,max} (got "x")',
      'expected_spans[0].children[0].kind: expected one of server, client, producer, consumer, internal (got "sever"; did you mean server?)',
      'error_conditions[0].expect: expected error or allow_errors (got "nope")',
    ]);
  });

  it('checks what lies under a mistyped key as the key it resembles, so one answer lists the typos at every level', () => {
    const problems = problemsOf(`
name: typo1
expected_spans:
  - operation_name: POST /loans
    service_name: gateway
    chidren:
      - operaton_name: POST /loans
        service_name: loans-service
        requried_tags: { loan.days: { gte: "x" } }
`);
    expect(problems).toEqual([
      'expected_spans[0].chidren: unknown key; did you mean children?',
      'expected_spans[0].chidren[0].operaton_name: unknown key; did you mean operation_name?',
      'expected_spans[0].chidren[0].requried_tags: unknown key; did you mean required_tags?',
      'expected_spans[0].chidren[0].requried_tags["loan.days"].gte: expected a number (got "x")',
    ]);
  });

  it('reads a mistyped key as the one it resembles only when that key is absent, so no value is checked twice', () => {
    expect(
      problemsOf(
        withSpan({
          operation_name: 'a',
          children: [{ operation_name: 'b' }],
          chidren: [{ operaton_name: 'c' }],
        }),
      ),
    ).toEqual(['expected_spans[0].chidren: unknown key; did you mean children?']);
  });

  it('does not ask for a required key that is present under a typo', () => {
    expect(problemsOf({ name: 'a', expectd_spans: [{ operation_name: 'x', count: 'two' }] })).toEqual([
      'expectd_spans: unknown key; did you mean expected_spans?',
      'expectd_spans[0].count: expected a number or {min,max} (got "two")',
    ]);
  });

  it('does not check the value of a key guessed only from a shared beginning as that key', () => {
    // `expect` begins `expected_duration_ms`, `minimum` begins `min`, `child` begins `children`:
    // named in the hint, but their values were never meant for those keys.
    expect(problemsOf(withSpan({ operation_name: 'a', count: { minimum: 1, max: 0 } }))).toEqual([
      'expected_spans[0].count.minimum: unknown key; did you mean min?',
    ]);
    expect(problemsOf(withSpan({ operation_name: 'a', count: { minimum: 1 } }))).toEqual([
      'expected_spans[0].count.minimum: unknown key; did you mean min?',
    ]);
    expect(
      problemsOf(withSpan({ operation_name: 'a', child: [{ operation_name: 'b' }], ordered: true })),
    ).toEqual(['expected_spans[0].child: unknown key; did you mean children?']);
    expect(problemsOf(withSpan({ operation: 'a' }))).toEqual([
      'expected_spans[0].operation: unknown key; did you mean operation_name?',
    ]);
  });

  it('says a span expected to fail belongs under error_conditions, not that expect is a duration', () => {
    expect(problemsOf(withSpan({ operation_name: 'a', expect: 'error' }))).toEqual([
      'expected_spans[0].expect: unknown key; a span expected to fail is listed under error_conditions: { operation_name, expect: error }',
    ]);
  });

  it('reports the keys beneath a mistyped performance_constraints at the path written', () => {
    expect(problemsOf({ name: 's', expected_spans: [], performance_constraint: { max_depht: 3 } })).toEqual([
      'performance_constraint: unknown key; did you mean performance_constraints?',
      'performance_constraint.max_depht: unknown key; did you mean max_depth?',
    ]);
  });

  it('lists the accepted keys when no key is close to a typo', () => {
    expect(problemsOf(withSpan({ operation_name: 'a', zzzzzz: 1 }))[0]).toContain(
      'accepted: operation_name, service_name, kind',
    );
  });

  it('returns a clean copy holding only known fields', () => {
    const result = validateTraceSpec({
      name: 'a',
      expected_spans: [{ operation_name: 'x', kind: 'Server' }],
    });
    expect(result).toEqual({
      ok: true,
      spec: { name: 'a', expected_spans: [{ operation_name: 'x', kind: 'server' }] },
      problems: [],
    });
  });
});
