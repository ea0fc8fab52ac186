/**
 * The assignment of actual spans to expected entries (docs/spec-language.md, "Entries"), including
 * the shapes that break naive matchers: a first-found candidate that blocks a later entry or its
 * children, intermediate spans, one operation in two services, resource-only attributes, integer
 * versus string values, and spans whose parent never arrived.
 */
import { describe, expect, it } from 'vitest';
import { repeated, type SpanSketch } from '../support/trace-builder.js';
import { compare, kinds, specOf } from './compare-helpers.js';

describe('non-greedy assignment', () => {
  it('gives the tagged span to the entry that needs the tag, when the first entry would take it', () => {
    const spec = specOf([
      {
        operation_name: 'root',
        children: [
          { operation_name: 'X', count: 1 },
          { operation_name: 'X', count: 1, required_tags: { k: 'v' } },
        ],
      },
    ]);
    // Greedy: the untagged entry takes the first X (k=v) and the tagged entry finds nothing.
    const result = compare(spec, {
      name: 'root',
      children: [
        { name: 'X', startMs: 0, attributes: { k: 'v' } },
        { name: 'X', startMs: 5, attributes: { k: 'w' } },
      ],
    });
    expect(result.violations).toEqual([]);
    const [, untagged, tagged] = result.entries;
    expect(untagged?.matches.map((match) => match.span_id)).toEqual(['0000000000000003']);
    expect(tagged?.matches.map((match) => match.span_id)).toEqual(['0000000000000002']);
  });

  it('names the tagged entry as failing when no span carries its tag, and lets the untagged one keep a span', () => {
    const spec = specOf([
      {
        operation_name: 'root',
        children: [
          { operation_name: 'X', count: 1 },
          { operation_name: 'X', count: 1, required_tags: { k: 'v' } },
        ],
      },
    ]);
    // The same shape with no span tagged k=v: no assignment satisfies both entries.
    const result = compare(spec, {
      name: 'root',
      children: [
        { name: 'X', startMs: 0, attributes: { k: 'w' } },
        { name: 'X', startMs: 5, attributes: { k: 'u' } },
      ],
    });
    expect(result.matches_specification).toBe(false);
    const [, untagged, tagged] = result.entries;
    expect(untagged?.matches).toHaveLength(1);
    expect(tagged).toMatchObject({ path: 'root > X[2]', satisfied: false, matches: [] });
    const failing = result.violations.filter((violation) => violation.path === 'root > X[2]');
    expect(failing).toEqual([expect.objectContaining({ kind: 'tag_mismatch', tag: 'k' })]);
    expect(failing[0]?.message).toContain('expected "v"');
    expect(
      result.violations.some((violation) => violation.kind === 'missing' && violation.path === 'root > X[1]'),
    ).toBe(false);
  });

  it('picks the candidate whose children are satisfied when the first one would leave them missing', () => {
    const spec = specOf([
      { operation_name: 'X', count: 1, children: [{ operation_name: 'Y' }] },
      { operation_name: 'X', count: 1, children: [{ operation_name: 'Z' }] },
    ]);
    const trace = [
      { name: 'X', startMs: 0, children: [{ name: 'Z' }] },
      { name: 'X', startMs: 5, children: [{ name: 'Y' }] },
    ];
    expect(compare(spec, trace).violations).toEqual([]);
  });

  it('names the child no candidate has when both parents carry the same child', () => {
    const spec = specOf([
      { operation_name: 'X', count: 1, children: [{ operation_name: 'Y' }] },
      { operation_name: 'X', count: 1, children: [{ operation_name: 'Z' }] },
    ]);
    // The same shape with Z under both X: whichever X serves the first entry lacks its Y.
    const result = compare(spec, [
      { name: 'X', startMs: 0, children: [{ name: 'Z' }] },
      { name: 'X', startMs: 5, children: [{ name: 'Z' }] },
    ]);
    expect(result.violations.map((violation) => `${violation.kind} ${violation.path}`)).toEqual([
      'missing X[1] > Y',
    ]);
    expect(result.entries.filter((entry) => !entry.satisfied).map((entry) => entry.path)).toEqual([
      'X[1] > Y',
    ]);
  });

  it('gives a lone parent span to the entry whose children it satisfies, and names the other entry missing', () => {
    const spec = specOf([
      { operation_name: 'X', count: 1, children: [{ operation_name: 'Y' }] },
      { operation_name: 'X', count: 1, children: [{ operation_name: 'Z' }] },
    ]);
    // Serving the first entry would satisfy one entry and leave Y missing; the second satisfies two.
    const result = compare(spec, { name: 'X', children: [{ name: 'Z' }] });
    expect(result.violations.map((violation) => `${violation.kind} ${violation.path}`)).toEqual([
      'missing X[1]',
    ]);
    expect(result.violations[0]?.message).toContain('already serves `X[2]`');
    expect(result.entries.filter((entry) => entry.satisfied).map((entry) => entry.path)).toEqual([
      'X[2]',
      'X[2] > Z',
    ]);
  });

  it('fills a child entry from the parent candidate that has it, among several parents', () => {
    const spec = specOf([{ operation_name: 'GET /a', count: 1, children: [{ operation_name: 'db' }] }]);
    // The first GET /a has no db child; the second has. Count 1 makes one of them surplus.
    const result = compare(spec, [
      { name: 'GET /a', startMs: 0 },
      { name: 'GET /a', startMs: 5, children: [{ name: 'db' }] },
    ]);
    expect(kinds(result)).toEqual(['count_too_high']);
    expect(result.violations[0]?.span?.span_id).toBe('0000000000000001');
  });

  it('maximizes the entries satisfied when not all can be', () => {
    const spec = specOf([
      { operation_name: 'q', count: 1, required_tags: { a: 1 } },
      { operation_name: 'q', count: 1, required_tags: { b: 1 } },
      { operation_name: 'q', count: 1, required_tags: { a: 1, b: 1 } },
    ]);
    // Two spans: {a, b} and {a}. Best: {a}→first, {a,b}→third; the second entry cannot be had.
    const result = compare(spec, {
      name: 'root',
      children: [
        { name: 'q', attributes: { a: 1, b: 1 } },
        { name: 'q', attributes: { a: 1 } },
      ],
    });
    const satisfied = result.entries.filter((entry) => entry.satisfied).length;
    expect(satisfied).toBe(2);
    expect(result.missing_spans.map((missing) => missing.path)).toHaveLength(1);
  });

  it('does not count spans another entry needs as too many', () => {
    const spec = specOf([
      { operation_name: 'X', count: 1 },
      { operation_name: 'X', count: 1, required_tags: { k: 'v' } },
    ]);
    expect(
      compare(spec, [
        { name: 'X', attributes: { k: 'v' } },
        { name: 'X', startMs: 3, attributes: { k: 'w' } },
      ]).violations,
    ).toEqual([]);
  });

  it('lets a nested entry keep the span it needs when a top-level twin could take it anywhere', () => {
    const spec = specOf([
      { operation_name: 'db.query' },
      { operation_name: 'checkout', children: [{ operation_name: 'db.query' }] },
    ]);
    const both = compare(spec, [
      { name: 'checkout', children: [{ name: 'db.query' }] },
      { name: 'db.query', startMs: 20 },
    ]);
    expect(both.violations).toEqual([]);
    const onlyNested = compare(spec, { name: 'checkout', children: [{ name: 'db.query' }] });
    expect(onlyNested.violations.map((violation) => `${violation.kind} ${violation.path}`)).toEqual([
      'missing db.query',
    ]);
  });
});

describe('placement', () => {
  const spec = (direct: boolean) =>
    specOf([
      { operation_name: 'POST /checkout', children: [{ operation_name: 'inventory.reserve', direct }] },
    ]);
  const withIntermediate = {
    name: 'POST /checkout',
    children: [{ name: 'middleware', children: [{ name: 'inventory.reserve' }] }],
  };

  it('accepts an intermediate span between parent and child without direct', () => {
    expect(compare(spec(false), withIntermediate).matches_specification).toBe(true);
  });

  it('refuses an intermediate span with direct: true and names it as the actual parent', () => {
    const result = compare(spec(true), withIntermediate);
    expect(kinds(result)).toEqual(['wrong_parent']);
    expect(result.violations[0]?.message).toBe(
      '`inventory.reserve` (test-service) is under `middleware` (test-service), not a direct child of `POST /checkout` (test-service)',
    );
  });

  it('tells the same operation name in two services apart', () => {
    const twoServices = specOf([
      { operation_name: 'publish', service_name: 'svc-a' },
      { operation_name: 'publish', service_name: 'svc-b' },
    ]);
    const result = compare(twoServices, [
      { name: 'publish', service: 'svc-b' },
      { name: 'publish', service: 'svc-a', startMs: 4 },
    ]);
    expect(result.matches_specification).toBe(true);
    expect(result.entries.map((entry) => entry.path)).toEqual(['publish@svc-a', 'publish@svc-b']);
    const missingB = compare(twoServices, [{ name: 'publish', service: 'svc-a' }]);
    expect(missingB.violations.map((violation) => `${violation.kind} ${violation.path}`)).toEqual([
      'missing publish@svc-b',
    ]);
  });

  it('matches a tag that only the resource carries', () => {
    const result = compare(
      specOf([{ operation_name: 'op', required_tags: { 'k8s.namespace.name': 'shop' } }]),
      {
        name: 'op',
        resourceAttributes: { 'k8s.namespace.name': 'shop' },
      },
    );
    expect(result.matches_specification).toBe(true);
  });

  it('prefers the span attribute over the resource attribute of the same name', () => {
    const result = compare(specOf([{ operation_name: 'op', required_tags: { env: 'prod' } }]), {
      name: 'op',
      attributes: { env: 'dev' },
      resourceAttributes: { env: 'prod' },
    });
    expect(kinds(result)).toEqual(['tag_mismatch']);
  });

  it('treats integer and string attribute values as equal after coercion, both ways', () => {
    const asInteger = specOf([{ operation_name: 'op', required_tags: { code: 200 } }]);
    const asString = specOf([{ operation_name: 'op', required_tags: { code: '200' } }]);
    expect(compare(asInteger, { name: 'op', attributes: { code: '200' } }).matches_specification).toBe(true);
    expect(compare(asString, { name: 'op', attributes: { code: 200 } }).matches_specification).toBe(true);
    expect(compare(asInteger, { name: 'op', attributes: { code: '200.5' } }).matches_specification).toBe(
      false,
    );
  });
});

describe('orphans (spans whose parent never arrived)', () => {
  const spec = specOf([{ operation_name: 'GET /a', children: [{ operation_name: 'db' }] }]);

  it('matches a top-level entry on an orphan span, since it may match anywhere', () => {
    const result = compare(specOf([{ operation_name: 'db' }]), [
      { name: 'GET /a' },
      { name: 'db', missingParentId: 'ffffffffffffffff' },
    ]);
    expect(result.matches_specification).toBe(true);
  });

  it('does not satisfy a child through a missing link, and says the parent is missing', () => {
    const result = compare(spec, [{ name: 'GET /a' }, { name: 'db', missingParentId: 'ffffffffffffffff' }]);
    expect(kinds(result)).toEqual(['wrong_parent']);
    expect(result.violations[0]?.message).toContain(
      'its parent span ffffffffffffffff is missing from the trace (orphan: broken context propagation)',
    );
    expect(result.violations[0]?.fix).toContain('propagate the trace context into `db`');
  });

  it('explains a missing parent entry by its orphaned child, which is checked in its place', () => {
    const result = compare(spec, [{ name: 'other' }, { name: 'db', missingParentId: 'ffffffffffffffff' }]);
    expect(kinds(result)).toEqual(['missing']);
    expect(result.violations[0]?.message).toContain(
      '`db` (test-service), expected beneath it, arrived without its parent span ffffffffffffffff',
    );
    expect(result.violations[0]?.fix).toMatch(/^find out why its spans did not arrive/);
    const db = result.entries.find((entry) => entry.path === 'GET /a > db');
    expect(db?.near_miss).toMatchObject({ found: 1, satisfied: true, parent_lost: true });
    expect(result.unexpected_span_count).toBe(1); // `other`, not `db`
  });

  it('still points at an orphaned child that does not match its entry whole', () => {
    const tagged = specOf([
      {
        operation_name: 'GET /a',
        children: [{ operation_name: 'db', required_tags: { 'db.system': 'sqlite' } }],
      },
    ]);
    const result = compare(tagged, [{ name: 'other' }, { name: 'db', missingParentId: 'ffffffffffffffff' }]);
    expect(result.violations[0]?.message).toContain(
      'its expected child `db` (test-service) is in the trace, but its parent span ffffffffffffffff is missing',
    );
    expect(result.entries.find((entry) => entry.path === 'GET /a > db')?.evaluated).toBe(false);
  });

  it('checks the children of an orphan that stands for its entry, and reports what is wrong there', () => {
    const deep = specOf([
      {
        operation_name: 'GET /a',
        children: [
          { operation_name: 'handler', children: [{ operation_name: 'db' }, { operation_name: 'cache' }] },
        ],
      },
    ]);
    const result = compare(deep, {
      name: 'handler',
      missingParentId: 'ffffffffffffffff',
      children: [{ name: 'db' }, { name: 'kache' }],
    });
    expect(kinds(result)).toEqual(['missing', 'missing']);
    const cache = result.violations.find((violation) => violation.path === 'GET /a > handler > cache');
    expect(cache?.fix).toContain('rename `kache` to `cache`');
    expect(result.violations.find((violation) => violation.path === 'GET /a')?.message).toContain(
      'arrived without its parent span ffffffffffffffff',
    );
  });

  it("checks an orphan against its own entry's rules: its duration and optional tags", () => {
    const bounded = specOf([
      {
        operation_name: 'GET /a',
        children: [
          {
            operation_name: 'handler',
            expected_duration_ms: { max: 5 },
            optional_tags: { k: 'v' },
            children: [{ operation_name: 'db' }],
          },
        ],
      },
    ]);
    const result = compare(bounded, [
      {
        name: 'handler',
        durationMs: 50,
        attributes: { k: 'w' },
        missingParentId: 'ffffffffffffffff',
        children: [{ name: 'db' }],
      },
    ]);
    expect(kinds(result).sort()).toEqual(['duration', 'missing', 'optional_tag_mismatch']);
    expect(result.entries.find((entry) => entry.path === 'GET /a > handler')?.near_miss).toMatchObject({
      found: 1,
      satisfied: false,
      parent_lost: true,
    });
  });

  it('counts the orphans of one lost parent together: three where the spec allows one is too many', () => {
    const once = specOf([{ operation_name: 'GET /a', children: [{ operation_name: 'handler', count: 1 }] }]);
    const orphan = (startMs: number) => ({ name: 'handler', missingParentId: 'ffffffffffffffff', startMs });
    const result = compare(once, [orphan(0), orphan(1), orphan(2)]);
    const tooMany = result.violations.find((violation) => violation.kind === 'count_too_high');
    expect(tooMany?.message).toContain('appears 3 times beneath the lost span ffffffffffffffff');
    // Orphans of three different lost parents are three instances of the parent: one each is right.
    const apart = compare(once, [
      { ...orphan(0), missingParentId: 'aaaaaaaaaaaaaaaa' },
      { ...orphan(1), missingParentId: 'bbbbbbbbbbbbbbbb' },
    ]);
    expect(kinds(apart)).toEqual(['missing']);
  });

  it("checks the order of a lost parent's orphans when the spec orders its children", () => {
    const ordered = specOf([
      {
        operation_name: 'GET /a',
        children: [
          {
            operation_name: 'h',
            ordered: true,
            children: [{ operation_name: 'x' }, { operation_name: 'y' }],
          },
        ],
      },
    ]);
    const result = compare(ordered, [
      { name: 'y', missingParentId: 'ffffffffffffffff', startMs: 0 },
      { name: 'x', missingParentId: 'ffffffffffffffff', startMs: 5 },
    ]);
    expect(kinds(result)).toContain('order');
  });

  it('explains an ancestor that arrived failing a rule by its near miss, and the lost span by the orphan beneath it', () => {
    const tagged = specOf([
      {
        operation_name: 'POST /loans',
        service_name: 'gateway',
        required_tags: { 'http.request.method': 'POST' },
        children: [
          {
            operation_name: 'loans.create',
            service_name: 'loans',
            children: [{ operation_name: 'db.insert', service_name: 'loans' }],
          },
        ],
      },
    ]);
    const result = compare(tagged, [
      { name: 'POST /loans', service: 'gateway', attributes: { 'http.request.method': 'PUT' } },
      { name: 'db.insert', service: 'loans', missingParentId: 'ffffffffffffffff', startMs: 2 },
    ]);
    expect(result.violations.map((violation) => [violation.kind, violation.path]).sort()).toEqual([
      ['missing', 'POST /loans > loans.create'],
      ['tag_mismatch', 'POST /loans'],
    ]);
    const lost = result.violations.find((violation) => violation.kind === 'missing');
    expect(lost?.message).toContain('arrived without its parent span ffffffffffffffff');
    expect(lost?.fix).toMatch(/^find out why `loans`'s spans did not arrive/);
  });

  it('gives an orphan as the reason for one missing span only, not for every instance of its parent', () => {
    const nested = specOf([
      {
        operation_name: 'cron',
        children: [
          {
            operation_name: 'GET /items',
            count: { min: 1 },
            children: [{ operation_name: 'items.fetch', children: [{ operation_name: 'db' }] }],
          },
        ],
      },
    ]);
    const result = compare(nested, [
      {
        name: 'cron',
        children: [
          { name: 'GET /items', startMs: 0 },
          { name: 'GET /items', startMs: 10 },
          { name: 'GET /items', startMs: 20 },
        ],
      },
      { name: 'db', missingParentId: 'ffffffffffffffff', startMs: 21 },
    ]);
    const fetch = result.violations.filter(
      (violation) => violation.path === 'cron > GET /items > items.fetch',
    );
    const lost = fetch.filter((violation) => violation.message.includes('arrived without its parent'));
    expect(lost).toHaveLength(1);
    expect(fetch.reduce((sum, violation) => sum + (violation.occurrences ?? 1), 0)).toBe(3);
  });

  it('leaves an orphan to its near-miss explanation when its parent entry matched elsewhere', () => {
    const result = compare(spec, [
      { name: 'GET /a' },
      { name: 'db', missingParentId: 'ffffffffffffffff', startMs: 5 },
    ]);
    expect(kinds(result)).toEqual(['wrong_parent']);
    expect(result.entries.find((entry) => entry.path === 'GET /a > db')?.near_miss).toBeUndefined();
  });

  it('looks for top-level entries across several roots', () => {
    const result = compare(specOf([{ operation_name: 'a' }, { operation_name: 'b' }]), [
      { name: 'a' },
      { name: 'b', startMs: 3 },
    ]);
    expect(result.matches_specification).toBe(true);
  });
});

describe('count and absence across scopes', () => {
  it('checks children beneath every span matched to a repeated parent', () => {
    const spec = specOf([{ operation_name: 'GET /item', children: [{ operation_name: 'db' }] }]);
    const result = compare(spec, {
      name: 'batch',
      children: [
        { name: 'GET /item', startMs: 0, children: [{ name: 'db' }] },
        { name: 'GET /item', startMs: 10 },
        { name: 'GET /item', startMs: 20 },
      ],
    });
    expect(kinds(result)).toEqual(['missing']);
    expect(result.violations[0]?.occurrences).toBe(2);
  });

  it('says a count broken beneath several spans of a repeated parent is broken there too, with the total', () => {
    const spec = specOf([
      {
        operation_name: 'GET /item',
        children: [
          { operation_name: 'db', count: 1 },
          { operation_name: 'DELETE', count: 0 },
        ],
      },
    ]);
    const item = (startMs: number, dbs: number, deletes: number): SpanSketch => ({
      name: 'GET /item',
      startMs,
      children: [
        ...repeated(dbs, { name: 'db', durationMs: 1 }, startMs + 1),
        ...repeated(deletes, { name: 'DELETE', durationMs: 1 }, startMs + 5),
      ],
    });
    const result = compare(spec, {
      name: 'batch',
      children: [item(0, 2, 1), item(10, 3, 1), item(20, 1, 0)],
    });
    expect(result.violations.map((violation) => [violation.kind, violation.occurrences])).toEqual([
      ['count_too_high', 3],
      ['forbidden_present', 2],
    ]);
    expect(result.violations[0]?.message).toBe(
      '`db` (test-service) appears 2 times inside `GET /item` (test-service); expected 1; too many under 1 more parent span as well, 3 extra in all',
    );
    expect(result.violations[1]?.message).toMatch(
      /must not appear there; under 1 more parent span as well, 2 in all$/,
    );
  });

  it('forbids a span only in its scope: a database call elsewhere is fine', () => {
    const spec = specOf([
      { operation_name: 'GET /cached', children: [{ operation_name: 'SELECT', count: 0 }] },
      { operation_name: 'SELECT' },
    ]);
    expect(
      compare(spec, [{ name: 'GET /cached' }, { name: 'SELECT', startMs: 20 }]).matches_specification,
    ).toBe(true);
    const inside = compare(spec, [
      { name: 'GET /cached', children: [{ name: 'SELECT' }] },
      { name: 'SELECT', startMs: 20 },
    ]);
    expect(kinds(inside)).toEqual(['forbidden_present']);
    expect(inside.violations[0]?.span?.span_id).toBe('0000000000000002');
  });

  it('does not call a forbidden span present when another entry needs it', () => {
    // The only SELECT serves the top-level entry ("once every other entry has what it needs").
    const spec = specOf([
      { operation_name: 'GET /cached', children: [{ operation_name: 'SELECT', count: 0 }] },
      { operation_name: 'SELECT' },
    ]);
    expect(
      compare(spec, [{ name: 'GET /cached', children: [{ name: 'SELECT' }] }]).matches_specification,
    ).toBe(true);
  });
});
