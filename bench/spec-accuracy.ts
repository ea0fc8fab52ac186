/**
 * Accuracy of compareTraceToSpec on a generated, labelled corpus: conforming traces from several
 * specs (templates and hand-written ones), mutated to break one rule, several rules at once, or
 * nothing at all (near misses that must pass). Fixed seed; prints verdict accuracy (target 100%),
 * culprit accuracy (the violation names the mutated span, target ≥ 98%) and kind recall.
 *
 *   node --import tsx bench/spec-accuracy.ts
 */
import {
  compareTraceToSpec,
  instantiateTemplate,
  mergeSpecUpdate,
  parseTraceSpec,
  type ComparisonResult,
  type TraceSpec,
} from '../src/tracespec/index.js';
import { FAILING, NEAR_MISSES, labelTraceLimits, type Label, type Touched } from './spec-mutations.js';
import { cloneGenerated, generateConforming, pick, seededRng, toTrace } from './spec-trace-generator.js';

const SEED = 20_260_611;
const ROUNDS = 4;

function benchSpecs(): TraceSpec[] {
  const checkout = mergeSpecUpdate(instantiateTemplate('checkout_saga', { spec_name: 'checkout_ok' }), {
    performance_constraints: { max_span_count: 40, max_depth: 6 },
    span_updates: [
      {
        path: 'POST /checkout > payment.process',
        set: {
          kind: 'client',
          expected_duration_ms: { min: 2, max: 800 },
          required_tags: { 'payment.method': { in: ['card', 'wallet'] } },
        },
      },
      {
        path: 'POST /checkout > inventory.reserve',
        set: { optional_tags: { 'inventory.items': { gte: 1 } } },
      },
    ],
  });
  const declined = instantiateTemplate('checkout_saga', {
    spec_name: 'checkout_declined',
    outcome: 'payment_declined',
  });
  const http = mergeSpecUpdate(
    instantiateTemplate('http_service_with_database', { spec_name: 'users_read' }),
    {
      span_updates: [
        {
          path: 'GET /users/{id} > SELECT users',
          set: { count: { min: 1, max: 3 }, optional_tags: { 'db.response.returned_rows': { gte: 0 } } },
        },
        {
          parent: 'GET /users/{id}',
          add: {
            operation_name: 'cache.get',
            service_name: 'api-service',
            kind: 'client',
            direct: true,
            required_tags: { 'cache.hit': false },
          },
        },
        { parent: 'GET /users/{id}', add: { operation_name: 'DELETE users', count: 0 } },
      ],
    },
  );
  return [
    checkout,
    declined,
    http,
    instantiateTemplate('grpc_client_server'),
    instantiateTemplate('queue_producer_consumer'),
    instantiateTemplate('cache_aside', { scenario: 'hit', spec_name: 'cache_hit' }),
    instantiateTemplate('cache_aside', { scenario: 'miss', spec_name: 'cache_miss' }),
    instantiateTemplate('rest_crud', { operation: 'create' }),
    parseTraceSpec(`
name: batch_import
description: twins that a greedy matcher confuses; the same operation in two services
expected_spans:
  - operation_name: POST /batch
    service_name: import-service
    kind: server
    required_tags: { http.request.method: { regex: "^(GET|HEAD)$" } }
    children:
      - operation_name: db.query
        service_name: import-service
        required_tags: { db.operation.name: SELECT }
        count: { min: 1, max: 3 }
      - operation_name: db.query
        service_name: import-service
        required_tags: { db.operation.name: INSERT }
        count: 1
      - operation_name: publish
        service_name: svc-a
        kind: producer
      - operation_name: publish
        service_name: svc-b
        kind: producer
        expected_duration_ms: { max: 40 }
`),
    parseTraceSpec(`
name: health_strict
strict: true
expected_spans:
  - operation_name: GET /health
    service_name: health-service
    kind: server
    required_tags: { http.route: { regex: "^/health" }, http.response.status_code: { in: [200, 204] }, deployment.environment: { exists: true } }
    ordered: true
    children:
      - operation_name: check.db
        direct: true
        required_tags: { healthy: true }
      - operation_name: check.cache
        direct: true
        count: { min: 1, max: 2 }
performance_constraints: { max_total_duration_ms: 250, max_span_count: 8, max_depth: 3 }
error_conditions:
  - operation_name: check.cache
    expect: allow_errors
`),
  ];
}

interface Case {
  spec: TraceSpec;
  labels: Label[];
  pass: boolean;
  result: ComparisonResult;
}

function namesCulprit(result: ComparisonResult, label: Label): boolean {
  if (label.culpritSpanIds) {
    const ids = new Set(label.culpritSpanIds);
    return result.violations.some(
      (v) =>
        (v.span && ids.has(v.span.span_id)) ||
        (v.nearest && ids.has(v.nearest.span.span_id)) ||
        (v.other_span_ids ?? []).some((id) => ids.has(id)),
    );
  }
  const paths = new Set(label.culpritPaths ?? []);
  return result.violations.some((v) => paths.has(v.path) && label.kinds.includes(v.kind));
}

function run(): void {
  const rng = seededRng(SEED);
  const specs = benchSpecs();
  const cases: Case[] = [];
  const failing = Object.entries(FAILING);
  const nearMisses = Object.entries(NEAR_MISSES);
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const spec of specs) {
      const base = generateConforming(spec, rng);
      const record = (generated: ReturnType<typeof cloneGenerated>, labels: Label[]): void => {
        const limited = labels.map((label) => labelTraceLimits(generated, spec, label));
        const pass = limited.every((label) => label.pass);
        cases.push({ spec, labels: limited, pass, result: compareTraceToSpec(toTrace(generated), spec) });
      };
      record(cloneGenerated(base), [{ mutation: 'conforming', pass: true, kinds: [] }]);
      for (const [, mutation] of [...failing, ...nearMisses]) {
        const generated = cloneGenerated(base);
        const label = mutation(generated, spec, rng, { ids: new Set(), instances: new Set() });
        if (label) record(generated, [label]);
      }
      for (let combined = 0; combined < 3; combined += 1) {
        const generated = cloneGenerated(base);
        const touched: Touched = { ids: new Set(), instances: new Set() };
        const labels: Label[] = [];
        const wanted = 2 + (combined % 2);
        for (let attempt = 0; attempt < 12 && labels.length < wanted; attempt += 1) {
          const [, mutation] = pick(rng, failing);
          const label = mutation(generated, spec, rng, touched);
          if (label) labels.push(label);
        }
        if (labels.length > 1) record(generated, labels);
      }
      // A near miss on top of a conforming trace, then one more near miss: still passing.
      const generated = cloneGenerated(base);
      const labels = [pick(rng, nearMisses), pick(rng, nearMisses)].flatMap(([, mutation]) => {
        const label = mutation(generated, spec, rng, { ids: new Set(), instances: new Set() });
        return label ? [label] : [];
      });
      if (labels.length > 0) record(generated, labels);
    }
  }
  const elapsed = performance.now() - started;

  let verdictHits = 0;
  let culpritTotal = 0;
  let culpritHits = 0;
  let kindTotal = 0;
  let kindHits = 0;
  const misses: string[] = [];
  const perMutation = new Map<
    string,
    { cases: number; verdict: number; culprit: number; culpritTotal: number }
  >();
  for (const item of cases) {
    const verdictOk = item.result.matches_specification === item.pass;
    if (verdictOk) verdictHits += 1;
    for (const label of item.labels) {
      const stats = perMutation.get(label.mutation) ?? { cases: 0, verdict: 0, culprit: 0, culpritTotal: 0 };
      stats.cases += 1;
      if (verdictOk) stats.verdict += 1;
      if (!label.pass) {
        culpritTotal += 1;
        stats.culpritTotal += 1;
        const named = namesCulprit(item.result, label);
        if (named) {
          culpritHits += 1;
          stats.culprit += 1;
        }
        kindTotal += 1;
        const kindOk = item.result.violations.some((v) => label.kinds.includes(v.kind));
        if (kindOk) kindHits += 1;
        if (!named || !kindOk) misses.push(describeMiss(item, label, named ? 'kind' : 'culprit'));
      }
      perMutation.set(label.mutation, stats);
    }
    if (!verdictOk) misses.unshift(describeMiss(item, item.labels[0] as Label, 'verdict'));
  }
  const failingCases = cases.filter((item) => !item.pass).length;
  console.log(
    `spec-accuracy: ${cases.length} labelled cases (${failingCases} failing, ${cases.length - failingCases} must pass), seed ${SEED}, ${specs.length} specs`,
  );
  console.log(`  verdict accuracy : ${pct(verdictHits, cases.length)}  (${verdictHits}/${cases.length})`);
  console.log(
    `  culprit accuracy : ${pct(culpritHits, culpritTotal)}  (${culpritHits}/${culpritTotal} mutations)`,
  );
  console.log(`  kind recall      : ${pct(kindHits, kindTotal)}  (${kindHits}/${kindTotal})`);
  console.log(
    `  compare time     : ${(elapsed / cases.length).toFixed(3)} ms per case (generation included)`,
  );
  console.log('  per mutation     : cases verdict culprit');
  for (const [mutation, stats] of [...perMutation.entries()].sort()) {
    const culprit = stats.culpritTotal > 0 ? pct(stats.culprit, stats.culpritTotal) : '   -   ';
    console.log(
      `    ${mutation.padEnd(24)} ${String(stats.cases).padStart(4)}  ${pct(stats.verdict, stats.cases)}  ${culprit}`,
    );
  }
  if (misses.length > 0) {
    console.log(`  first misses (${misses.length}):`);
    for (const miss of misses.slice(0, 12)) console.log(`    ${miss}`);
  }
}

function pct(hits: number, total: number): string {
  return `${total === 0 ? '100.0' : ((100 * hits) / total).toFixed(1)}%`.padStart(6);
}

function describeMiss(item: Case, label: Label, what: string): string {
  const reported =
    item.result.violations.map((v) => `${v.kind}@${v.path}[${v.span?.span_id.slice(-3) ?? ''}]`).join(', ') ||
    'none';
  const culprit = label.culpritSpanIds?.map((id) => id.slice(-3)).join('/') ?? label.culpritPaths?.join('/');
  return `${what} miss: ${item.spec.name} ${item.labels.map((l) => l.mutation).join('+')} expected ${item.pass ? 'pass' : `${label.kinds.join('|')} on ${culprit}`}; got ${reported}`;
}

run();
