import { describe, expect, it } from 'vitest';
import { compare, kinds, specOf } from './compare-helpers.js';
import type { SpanSketch } from '../support/trace-builder.js';

// What real services send: older semantic-convention names, N+1 loops beside misplaced queries,
// spans made by instrumentation libraries and by the application's own tracer.
const loanCreate = (children: SpanSketch[]): SpanSketch => ({
  name: 'loan.create',
  service: 'loans',
  attributes: { 'loan.days': 14 },
  children,
});
const query = (statement: string, startMs: number): SpanSketch => ({
  name: 'SELECT',
  service: 'loans',
  kind: 'client',
  startMs,
  attributes: { 'db.system': 'sqlite', 'db.statement': statement },
});
const MEMBER = 'SELECT code, name FROM members WHERE code = ?';
const BOOK = 'SELECT id FROM books WHERE id = ?';
const loanSpec = specOf([
  {
    operation_name: 'POST /loans',
    service_name: 'loans',
    children: [
      {
        operation_name: 'loan.create',
        service_name: 'loans',
        children: [
          {
            operation_name: 'SELECT',
            service_name: 'loans',
            required_tags: { 'db.query.text': { regex: 'FROM members' } },
            count: 1,
          },
          {
            operation_name: 'SELECT',
            service_name: 'loans',
            required_tags: { 'db.query.text': { regex: 'FROM books' } },
            count: 1,
          },
        ],
      },
    ],
  },
]);
const books = (count: number, startMs: number): SpanSketch[] =>
  Array.from({ length: count }, (_, i) => query(BOOK, startMs + i));

describe('semantic-convention generations', () => {
  it('matches a spec written with current names against a service that sends the older ones, and says so', () => {
    const result = compare(
      specOf([
        {
          operation_name: 'POST /loans',
          service_name: 'loans',
          required_tags: { 'http.request.method': 'POST', 'http.response.status_code': 201 },
        },
      ]),
      {
        name: 'POST /loans',
        service: 'loans',
        kind: 'server',
        attributes: { 'http.method': 'POST', 'http.status_code': 201 },
      },
    );
    expect(result.matches_specification).toBe(true);
    expect(result.semconv_notes).toEqual([
      '`http.request.method` matched `http.method`, the older HTTP convention name that loans sends',
      '`http.response.status_code` matched `http.status_code`, the older HTTP convention name that loans sends',
    ]);
  });

  it('matches a spec written with older names against a service that sends the current ones', () => {
    const result = compare(
      specOf([{ operation_name: 'SELECT', required_tags: { 'db.statement': { regex: 'FROM books' } } }]),
      {
        name: 'SELECT',
        kind: 'client',
        attributes: { 'db.query.text': BOOK },
      },
    );
    expect(result.matches_specification).toBe(true);
    expect(result.semconv_notes).toEqual([
      '`db.statement` matched `db.query.text`, the newer database convention name that test-service sends',
    ]);
  });

  it('prefers the name the spec asked for when a span carries both generations', () => {
    const result = compare(
      specOf([{ operation_name: 'GET', required_tags: { 'http.request.method': 'GET' } }]),
      {
        name: 'GET',
        attributes: { 'http.request.method': 'GET', 'http.method': 'POST' },
      },
    );
    expect(result.matches_specification).toBe(true);
    expect(result.semconv_notes).toEqual([]);
  });

  it('shows the name a service sent when a tag differs', () => {
    const result = compare(
      specOf([{ operation_name: 'GET', required_tags: { 'http.response.status_code': 200 } }]),
      {
        name: 'GET',
        attributes: { 'http.status_code': 503 },
      },
    );
    expect(result.violations[0]).toMatchObject({
      kind: 'tag_mismatch',
      actual: '503 (as `http.status_code`)',
    });
  });
});

describe('overlapping defects', () => {
  it('reports a query moved under another parent as wrong_parent even while an N+1 loop of the same span name sits in its place', () => {
    // The member query moved to GET /members/{code} (called after the loop), and the book query runs once per book.
    const trace: SpanSketch = {
      name: 'POST /loans',
      service: 'loans',
      kind: 'server',
      children: [
        loanCreate(books(5, 1)),
        { name: 'GET /members/{code}', startMs: 40, children: [query(MEMBER, 41)] },
      ],
    };
    const result = compare(loanSpec, { name: 'gateway', service: 'gateway', children: [trace] });
    expect(kinds(result).sort()).toEqual(['count_too_high', 'wrong_parent']);
    const moved = result.violations.find((violation) => violation.kind === 'wrong_parent');
    expect(moved?.message).toMatch(
      /`SELECT` \(loans\) is under `GET \/members\/\{code\}` \(loans\), not inside `loan.create`/,
    );
    expect(moved?.fix).toMatch(/^start `SELECT` inside `loan.create`/);
  });

  it('never tells the agent to set a tag to a pattern: a span that fails a regex is another operation', () => {
    const result = compare(loanSpec, {
      name: 'POST /loans',
      service: 'loans',
      children: [loanCreate([query(BOOK, 1), query('SELECT id FROM fines WHERE code = ?', 5)])],
    });
    const fixes = result.violations.map((violation) => violation.fix).join('\n');
    expect(fixes).not.toMatch(/set attribute `db.query.text` to/);
    expect(result.violations.find((violation) => violation.kind === 'tag_mismatch')?.fix).toMatch(
      /make the operation the spec expects there, or correct the spec/,
    );
  });

  it('still says "set attribute" for one exact expected value', () => {
    const result = compare(specOf([{ operation_name: 'loan.create', required_tags: { 'loan.days': 14 } }]), {
      name: 'loan.create',
      attributes: { 'loan.days': 7 },
    });
    expect(result.violations[0]?.fix).toBe('set attribute `loan.days` to 14 on `loan.create` (it is 7)');
  });

  it('names a copy of another entry as that entry’s span (masking), not as the culprit of the entry it does not match', () => {
    // The member query is gone entirely; the five book queries belong to the books entry.
    const result = compare(loanSpec, {
      name: 'POST /loans',
      service: 'loans',
      children: [loanCreate(books(5, 1))],
    });
    const member = result.violations.find((violation) => violation.path.endsWith('SELECT@loans[1]'));
    expect(member?.kind).toBe('missing');
    expect(member?.message).toMatch(/is one of `POST \/loans > loan.create > SELECT@loans\[2\]`'s spans/);
    expect(member?.span).toBeUndefined();
  });
});

describe('who made a culprit span', () => {
  it('names the instrumentation library for a span it made, and the application tracer with its code location for one the code made', () => {
    const result = compare(
      specOf([
        { operation_name: 'POST /loans', kind: 'server' },
        { operation_name: 'loan.create', required_tags: { 'loan.days': 14 } },
      ]),
      [
        {
          name: 'POST /loans',
          kind: 'client',
          scope: { name: 'opentelemetry.instrumentation.flask', version: '0.66b1' },
        },
        {
          name: 'loan.create',
          startMs: 5,
          attributes: {
            'loan.days': 7,
            'code.filepath': '/srv/app.py',
            'code.lineno': 57,
            'code.function': 'create_loan',
          },
          scope: { name: 'loans-service' },
        },
      ],
    );
    const byPath = new Map(result.violations.map((violation) => [violation.path, violation.origin]));
    expect(byPath.get('POST /loans')).toEqual({
      scope: 'opentelemetry.instrumentation.flask 0.66b1',
      made_by: 'instrumentation',
    });
    expect(byPath.get('loan.create')).toEqual({
      scope: 'loans-service',
      made_by: 'application',
      code: '/srv/app.py:57 (create_loan)',
    });
  });
});
