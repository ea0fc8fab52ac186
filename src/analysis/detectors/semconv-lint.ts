import { clip } from '../capped.js';
import {
  attribute,
  DB_SYSTEM_KEYS,
  hasUnknownService,
  HTTP_METHOD_KEYS,
  HTTP_ROUTE_KEYS,
  HTTP_STATUS_KEYS,
  isDbSpan,
  isHttpSpan,
  URL_FULL_KEYS,
} from '../semantic-conventions.js';
import type { SpanNode } from '../../model/span-tree.js';
import type { SecretKeyCache } from './secret-attributes.js';
import { findSecretAttributes } from './secret-attributes.js';
import type { DetectorContext, Finding, Severity } from './finding.js';
import { spanList } from './finding.js';

interface Problem {
  rule: string;
  severity: Severity;
  /** Groups spans that share the problem into one finding. */
  key: string;
  summary: (count: number) => string;
  fix: string;
}

function missingHttpAttributes(node: SpanNode): string[] {
  const span = node.span;
  const missing: string[] = [];
  if (attribute(span, HTTP_METHOD_KEYS) === undefined) missing.push('http.request.method');
  if (span.kind === 'server' && attribute(span, HTTP_ROUTE_KEYS) === undefined) missing.push('http.route');
  if (span.kind === 'client' && attribute(span, URL_FULL_KEYS) === undefined) missing.push('url.full');
  // A request that failed before any response (connection refused, timeout) has no status to record.
  const noResponse = span.status.code === 'error' && span.events.some((event) => event.name === 'exception');
  if (!noResponse && attribute(span, HTTP_STATUS_KEYS) === undefined)
    missing.push('http.response.status_code');
  return missing;
}

type SecretPlace = ReturnType<typeof findSecretAttributes>[number] & { place: string };

interface ScanCache {
  /** Spans of one batch share their resource object: scan it once. */
  resources: WeakMap<object, SecretPlace[]>;
  keys: SecretKeyCache;
}

function resourceSecrets(node: SpanNode, cache: ScanCache): SecretPlace[] {
  const resource = node.span.resource;
  let hits = cache.resources.get(resource);
  if (hits === undefined) {
    hits = findSecretAttributes(resource.attributes, cache.keys).map((hit) => ({
      ...hit,
      place: 'resource attribute',
    }));
    cache.resources.set(resource, hits);
  }
  return hits;
}

function problemsOf(node: SpanNode, cache: ScanCache): Problem[] {
  const span = node.span;
  const where = `${clip(span.name, 80)} (${span.serviceName})`;
  const problems: Problem[] = [];
  if (hasUnknownService(span)) {
    problems.push({
      rule: 'missing_service_name',
      severity: 'medium',
      key: `svc\u0000${span.serviceName}`,
      summary: (n) => `${n} span(s) report no service.name (seen as ${span.serviceName})`,
      fix: 'Set the service name with OTEL_SERVICE_NAME or the SDK resource (service.name), so spans can be told apart by service.',
    });
  }
  if (isHttpSpan(span)) {
    const missing = missingHttpAttributes(node);
    if (missing.length > 0) {
      problems.push({
        rule: 'http_attributes',
        severity: 'low',
        key: `http\u0000${span.serviceName}\u0000${span.kind}\u0000${span.name}\u0000${missing.join(',')}`,
        summary: (n) =>
          `HTTP ${span.kind} span ${where} lacks ${missing.join(', ')}${n > 1 ? ` (${n} spans)` : ''}`,
        fix: `Record ${missing.join(', ')} on this span (a current HTTP instrumentation sets them), so it can be grouped and checked by route and outcome.`,
      });
    }
  }
  if (isDbSpan(span) && attribute(span, DB_SYSTEM_KEYS) === undefined) {
    problems.push({
      rule: 'db_system',
      severity: 'low',
      key: `db\u0000${span.serviceName}\u0000${span.name}`,
      summary: (n) =>
        `database span ${where} lacks db.system.name (or db.system)${n > 1 ? ` (${n} spans)` : ''}`,
      fix: 'Set db.system.name (db.system in older conventions), e.g. postgresql, mysql, redis, so backends recognize the database.',
    });
  }
  const secrets = [
    ...findSecretAttributes(span.attributes, cache.keys).map((hit) => ({ ...hit, place: 'attribute' })),
    ...resourceSecrets(node, cache),
  ];
  for (const hit of secrets) {
    problems.push({
      rule: 'secret_attribute',
      severity: 'high',
      key: `secret\u0000${span.serviceName}\u0000${hit.place}\u0000${hit.key}`,
      summary: (n) =>
        `${hit.place} ${hit.key} on ${where} looks like it holds a credential (${hit.reason}; value not shown)${n > 1 ? ` (${n} spans)` : ''}`,
      fix: `Stop recording ${hit.key}: drop or mask it in the instrumentation (header capture allow-list, URL scrubbing) or with a collector redaction processor.`,
    });
  }
  return problems;
}

/**
 * Semantic-convention lint: missing service.name, HTTP spans without method / route (server) or
 * URL (client) / status, DB spans without db.system, and attributes that look like credentials.
 * Spans sharing a problem (same service, operation and gap) make one finding.
 */
export function lintSemanticConventions(ctx: DetectorContext): Finding[] {
  const groups = new Map<string, { problem: Problem; nodes: SpanNode[] }>();
  const cache: ScanCache = { resources: new WeakMap(), keys: new Map() };
  for (const node of ctx.nodes) {
    for (const problem of problemsOf(node, cache)) {
      const group = groups.get(problem.key);
      if (group === undefined) groups.set(problem.key, { problem, nodes: [node] });
      else group.nodes.push(node);
    }
  }
  return [...groups.values()].map(({ problem, nodes }) => ({
    kind: 'semconv_lint',
    rule: problem.rule,
    severity: problem.severity,
    summary: problem.summary(nodes.length),
    impactMs: 0,
    spans: spanList(nodes, ctx.thresholds),
    measurements: { count: nodes.length },
    fix: problem.fix,
  }));
}
