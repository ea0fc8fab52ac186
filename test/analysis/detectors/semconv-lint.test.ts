import { describe, expect, it } from 'vitest';
import { detectPerformanceIssues } from '../../../src/analysis/index.js';
import type { Finding } from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import type { SpanSketch } from '../../support/trace-builder.js';

function lint(root: SpanSketch): Finding[] {
  return detectPerformanceIssues(buildTrace(root)).filter((f) => f.kind === 'semconv_lint');
}

describe('semantic-convention lint', () => {
  it('reports spans without service.name', () => {
    const findings = lint({ name: 'work', service: 'unknown_service:node' });
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['missing_service_name', 'medium']]);
  });

  it('reports an HTTP server span without route or status, naming the current attribute names', () => {
    const [finding] = lint({ name: 'GET', kind: 'server', attributes: { 'http.request.method': 'GET' } });
    expect(finding?.rule).toBe('http_attributes');
    expect(finding?.summary).toContain('lacks http.route, http.response.status_code');
  });

  it('accepts the older attribute names', () => {
    expect(
      lint({
        name: 'GET /a',
        kind: 'server',
        attributes: { 'http.method': 'GET', 'http.route': '/a', 'http.status_code': 200 },
        children: [
          {
            name: 'GET',
            kind: 'client',
            attributes: { 'http.method': 'GET', 'http.url': 'http://b/x', 'http.status_code': 200 },
          },
          {
            name: 'SELECT',
            kind: 'client',
            attributes: { 'db.system': 'mysql', 'db.statement': 'SELECT 1' },
          },
        ],
      }),
    ).toEqual([]);
  });

  it('reports a DB span without db.system, grouping spans of the same operation', () => {
    const query = {
      name: 'query users',
      kind: 'client' as const,
      attributes: { 'db.query.text': 'SELECT * FROM users' },
    };
    const findings = lint({ name: 'job', children: [query, query, query] });
    expect(findings.map((f) => [f.rule, f.measurements.count])).toEqual([['db_system', 3]]);
  });

  it('reports credentials in attributes by key and never echoes the value', () => {
    const findings = lint({
      name: 'GET /a',
      kind: 'server',
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/a',
        'http.response.status_code': 200,
        'http.request.header.authorization': ['Bearer sk-live-SECRET1'],
        'url.full': 'https://admin:hunter2SECRET@example.com/a',
        'app.password': 'SECRETpw',
        'gen_ai.usage.input_tokens': 1200,
        'http.request.header.cookie': '[REDACTED]',
      },
      resourceAttributes: { 'deployment.api_key': 'SECRETkey' },
    });
    expect(findings.map((f) => f.summary.split(' on ')[0]).sort()).toEqual([
      'attribute app.password',
      'attribute http.request.header.authorization',
      'attribute url.full',
      'resource attribute deployment.api_key',
    ]);
    expect(findings.every((f) => f.severity === 'high')).toBe(true);
    expect(JSON.stringify(findings)).not.toMatch(/SECRET|hunter2/);
  });
});
