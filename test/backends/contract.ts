/**
 * The contract every TraceBackend passes (src/backends/trace-backend.ts), run against a real server
 * per adapter and, later, the embedded store. Its only inputs are a backend and a way to store SDK
 * spans in it, so it knows nothing of any server. A check a backend cannot pass is an explicit,
 * reasoned exemption (named in the test title); capability and fidelity gaps come from the
 * backend's own declarations.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceBackend } from '../../src/backends/trace-backend.js';
import { compareTraceToSpec, type ComparisonResult } from '../../src/tracespec/index.js';
import {
  isOtelMcpError,
  type TimeWindow,
  type Trace,
  type TraceQuery,
  type TraceSummary,
} from '../../src/model/index.js';
import { waitFor } from '../support/wait-for.js';
import { buildContractFixture, type ContractFixture } from './support/contract-fixture.js';
import { contractSpecs } from './support/contract-specs.js';
import { openEmbeddedReference, type EmbeddedReference } from './support/embedded-reference.js';
import {
  compareTrace,
  sameName,
  storedKind,
  storedName,
  type ComparisonAllowances,
} from './support/span-comparison.js';

export interface ContractTarget {
  backend: TraceBackend;
  /** Stores SDK spans the way an application's exporter would. */
  ingest(spans: ReadableSpan[]): Promise<void>;
}

export type ContractExemption = 'summaryDurationPrecision';

export interface ContractOptions {
  /** Checks this backend is exempt from, each with its reason. */
  exemptions?: Partial<Record<ContractExemption, string>>;
  /** Attribute keys the backend adds to spans on its own, each with its reason. */
  addedAttributes?: Record<string, string>;
  /** How long stored spans may take to become readable and searchable (default 30 s). */
  settleTimeoutMs?: number;
  /**
   * Skip the comparison with otel-mcp's embedded store: only for the embedded store's own run,
   * where the reference would be the backend itself.
   */
  isReference?: boolean;
}

const NANOS_PER_MS = 1_000_000n;

export function runBackendContract(
  setup: () => Promise<ContractTarget>,
  options: ContractOptions = {},
): void {
  let target: ContractTarget;
  let fixture: ContractFixture;
  let window: TimeWindow;
  let reference: EmbeddedReference | undefined;
  const backend = () => target.backend;
  const allowances = (): ComparisonAllowances => ({
    ...backend().fidelity,
    addedAttributes: Object.keys(options.addedAttributes ?? {}),
  });
  /** A fixture span's name as the backend stores it (X-Ray names entry spans after their service). */
  const stored = (name: string) => {
    const span = [...fixture.checkout.spans, ...fixture.health.spans].find((each) => each.name === name);
    return span ? storedName(span, allowances()) : name;
  };
  /**
   * A search on a key the backend may not keep (dropsAttributes): refused as unsupported, or
   * answered right; never answered wrong.
   */
  const findOrRefuse = async (
    key: string,
    query: Omit<TraceQuery, 'limit' | 'window'>,
    expected: string[],
  ): Promise<void> => {
    if (!allowances().dropsAttributes?.includes(key)) {
      expect(ids(await find(query))).toEqual(expected);
      return;
    }
    const answer = await find(query).then(ids, (error: unknown) =>
      isOtelMcpError(error) ? error.code : error,
    );
    expect([expected, 'UNSUPPORTED']).toContainEqual(answer);
  };
  const renamesEntrySpans = () => allowances().namesEntrySpansAfterService === true;
  const find = (query: Omit<TraceQuery, 'limit' | 'window'> & { limit?: number }) =>
    backend().findTraces({ limit: 20, window, ...query });
  const ids = (summaries: TraceSummary[]) => summaries.map((summary) => summary.traceId);
  const expectRefused = async (promise: Promise<unknown>, code: string) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isOtelMcpError(error) ? error.code : error).toBe(code);
    return error as Error;
  };

  beforeAll(async () => {
    target = await setup();
    const now = Date.now();
    fixture = buildContractFixture(now);
    window = {
      startUnixNano: BigInt(now - 60_000) * NANOS_PER_MS,
      endUnixNano: BigInt(now + 60_000) * NANOS_PER_MS,
    };
    await target.ingest(fixture.spans);
    if (!options.isReference) {
      reference = await openEmbeddedReference();
      await reference.ingest(fixture.spans);
    }
    const timeout = options.settleTimeoutMs ?? 30_000;
    await waitFor(
      'the checkout trace to be complete',
      async () =>
        (await backend().getTrace(fixture.checkout.traceId))?.spans.length === 6 ? true : undefined,
      timeout,
    );
    await waitFor(
      'both fixture traces to be searchable whole',
      async () => {
        const found = await find({ serviceName: fixture.services.frontend });
        const checkout = found.find((summary) => summary.traceId === fixture.checkout.traceId);
        return found.length === 2 && checkout?.spanCount === 6 ? true : undefined;
      },
      timeout,
    );
  }, 120_000);

  afterAll(async () => {
    await reference?.close();
  });

  describe('reading a trace', () => {
    it('returns every span of a stored trace as the SDK sent it, within the fidelity it declares', async () => {
      expect(
        compareTrace(await backend().getTrace(fixture.checkout.traceId), fixture.checkout, allowances()),
      ).toEqual([]);
    });

    it('returns a trace whose id starts with zero digits under its full 32-digit id', async () => {
      expect(fixture.health.traceId.startsWith('00000000')).toBe(true);
      expect(
        compareTrace(await backend().getTrace(fixture.health.traceId), fixture.health, allowances()),
      ).toEqual([]);
    });

    it('accepts a trace id in upper case', async () => {
      const trace = await backend().getTrace(fixture.checkout.traceId.toUpperCase());
      expect(trace?.traceId).toBe(fixture.checkout.traceId);
    });

    it('answers undefined for a trace id it has never seen', async () => {
      expect(await backend().getTrace('7f'.repeat(16))).toBeUndefined();
    });

    it('refuses a malformed trace id before asking the server', async () => {
      const error = await expectRefused(backend().getTrace('not-a-trace-id'), 'INVALID_ARGUMENT');
      expect(error.message).toContain('not-a-trace-id');
    });
  });

  describe('listing', () => {
    it('lists the services that sent spans', async () => {
      const services = await backend().listServices();
      for (const service of Object.values(fixture.services)) {
        expect(services.some((name) => sameName(name, service, allowances()))).toBe(true);
      }
    });

    it('lists the operations of a service, with span kinds when it declares them', async () => {
      const operations = await backend().listOperations(fixture.services.frontend);
      const names = operations.map((operation) => operation.name);
      for (const expected of ['GET /checkout', 'POST /pay', 'orders publish', 'GET /health']) {
        expect(names.some((name) => sameName(name, stored(expected), allowances()))).toBe(true);
      }
      if (backend().capabilities.operationKinds) {
        const checkout = operations.find((operation) =>
          sameName(operation.name, 'GET /checkout', allowances()),
        );
        expect(checkout?.spanKind?.toLowerCase()).toContain('server');
      }
    });
  });

  describe('searching', () => {
    it('finds the traces of a service, most recent first, each summarized', async () => {
      const found = await find({ serviceName: fixture.services.frontend });
      expect(ids(found)).toEqual([fixture.health.traceId, fixture.checkout.traceId]);
      const checkout = found[1]!;
      expect(checkout.spanCount).toBe(6);
      expect(checkout.errorCount).toBe(1);
      expect(sameName(checkout.rootName ?? '', stored('GET /checkout'), allowances())).toBe(true);
      expect(sameName(checkout.rootServiceName ?? '', fixture.services.frontend, allowances())).toBe(true);
      const services = Object.values(fixture.services).map((name) =>
        allowances().lowercasesNames ? name.toLowerCase() : name,
      );
      expect([...checkout.services].sort()).toEqual(services.sort());
      const root = fixture.checkout.spans[0]!;
      const precision = BigInt(allowances().timestampPrecisionNanos ?? 1);
      const startOffset = checkout.startTimeUnixNano - root.startTimeUnixNano;
      expect(startOffset < precision && startOffset > -precision).toBe(true);
      const tolerance = options.exemptions?.summaryDurationPrecision ? 1 : 0.01;
      expect(Math.abs(checkout.durationMs - 145)).toBeLessThanOrEqual(tolerance);
    });

    it('finds traces by service within the default window when none is given', async () => {
      const found = await backend().findTraces({ serviceName: fixture.services.frontend, limit: 20 });
      expect(ids(found)).toEqual([fixture.health.traceId, fixture.checkout.traceId]);
    });

    it('honours the limit by keeping the most recent traces', async () => {
      expect(ids(await find({ serviceName: fixture.services.frontend, limit: 1 }))).toEqual([
        fixture.health.traceId,
      ]);
    });

    it('finds traces by operation', async () => {
      expect(ids(await find({ serviceName: fixture.services.payments, operationName: 'charge' }))).toEqual([
        fixture.checkout.traceId,
      ]);
      // Where entry spans are named after their service, both frontend roots share that name.
      expect(
        ids(await find({ serviceName: fixture.services.frontend, operationName: stored('GET /health') })),
      ).toEqual(
        renamesEntrySpans() ? [fixture.health.traceId, fixture.checkout.traceId] : [fixture.health.traceId],
      );
    });

    it('answers an empty list when nothing matches', async () => {
      expect(
        await find({ serviceName: fixture.services.frontend, operationName: 'no such operation' }),
      ).toEqual([]);
      expect(await find({ serviceName: `absent-service-${fixture.runId}` })).toEqual([]);
    });

    it('finds traces by attribute value, a number matching as its string form too', async () => {
      if (!backend().capabilities.attributeFilters) {
        await expectRefused(
          find({
            serviceName: fixture.services.frontend,
            attributes: [{ key: 'http.route', value: '/health' }],
          }),
          'UNSUPPORTED',
        );
        return;
      }
      await findOrRefuse(
        'http.route',
        { serviceName: fixture.services.frontend, attributes: [{ key: 'http.route', value: '/health' }] },
        [fixture.health.traceId],
      );
      await findOrRefuse(
        'http.response.status_code',
        {
          serviceName: fixture.services.frontend,
          attributes: [{ key: 'http.response.status_code', value: 200 }],
        },
        [fixture.checkout.traceId],
      );
      const run = await find({
        serviceName: fixture.services.frontend,
        attributes: [{ key: 'contract.run', value: fixture.runId }],
      });
      expect(ids(run)).toEqual([fixture.health.traceId, fixture.checkout.traceId]);
    });

    it('needs one span to meet every filter of a search', async () => {
      if (!backend().capabilities.attributeFilters) return;
      // db.system is on "charge", the operation is another span of the same service.
      await findOrRefuse(
        'db.system',
        {
          serviceName: fixture.services.payments,
          operationName: 'POST /pay',
          attributes: [{ key: 'db.system', value: 'postgresql' }],
        },
        [],
      );
    });

    it('finds traces by the presence of an attribute, or refuses to', async () => {
      const query = { serviceName: fixture.services.payments, attributes: [{ key: 'db.system' }] };
      if (!backend().capabilities.attributeExistenceFilters) {
        const error = await expectRefused(find(query), 'UNSUPPORTED');
        expect(error.message).toContain('db.system');
        return;
      }
      await findOrRefuse('db.system', query, [fixture.checkout.traceId]);
    });

    it('finds traces by span duration', async () => {
      if (!backend().capabilities.durationFilters) {
        await expectRefused(
          find({ serviceName: fixture.services.frontend, minDurationMs: 100 }),
          'UNSUPPORTED',
        );
        return;
      }
      expect(ids(await find({ serviceName: fixture.services.frontend, minDurationMs: 100 }))).toEqual([
        fixture.checkout.traceId,
      ]);
      expect(ids(await find({ serviceName: fixture.services.frontend, maxDurationMs: 10 }))).toEqual([
        fixture.health.traceId,
      ]);
      expect(
        ids(await find({ serviceName: fixture.services.payments, minDurationMs: 25, maxDurationMs: 35 })),
      ).toEqual([fixture.checkout.traceId]);
      expect(
        await find({ serviceName: fixture.services.payments, minDurationMs: 31, maxDurationMs: 45 }),
      ).toEqual([]);
    });

    it("finds traces in which any span failed, or refuses status 'error'", async () => {
      const caps = backend().capabilities;
      if (!caps.statusFilter && !caps.errorStatusFilter) {
        await expectRefused(find({ serviceName: fixture.services.payments, status: 'error' }), 'UNSUPPORTED');
        return;
      }
      expect(ids(await find({ serviceName: fixture.services.payments, status: 'error' }))).toEqual([
        fixture.checkout.traceId,
      ]);
      // status is about the whole trace: the failed span is a payments span, the match a frontend one.
      expect(ids(await find({ serviceName: fixture.services.frontend, status: 'error' }))).toEqual([
        fixture.checkout.traceId,
      ]);
      // (Not where entry spans share their service's name: the checkout root would match the name.)
      if (!renamesEntrySpans()) {
        expect(
          await find({
            serviceName: fixture.services.frontend,
            operationName: 'GET /health',
            status: 'error',
          }),
        ).toEqual([]);
      }
    });

    it("refuses status 'ok' unless it declares the full status filter, naming what it supports", async () => {
      if (backend().capabilities.statusFilter) return;
      const error = await expectRefused(
        find({ serviceName: fixture.services.frontend, status: 'ok' }),
        'UNSUPPORTED',
      );
      expect(error.message).toContain("status 'ok'");
      expect((error as { hint?: string }).hint).toContain('service');
    });

    it('searches without a service only when it declares it can', async () => {
      const query = {
        operationName: stored('orders process'),
        attributes: backend().capabilities.attributeFilters
          ? [{ key: 'messaging.system', value: 'kafka' }]
          : undefined,
      };
      if (!backend().capabilities.searchWithoutService) {
        await expectRefused(find(query), 'UNSUPPORTED');
        return;
      }
      const found = await find({ ...query, limit: 100 });
      expect(ids(found)).toContain(fixture.checkout.traceId);
    });

    it('refuses a limit below one', async () => {
      await expectRefused(find({ serviceName: fixture.services.frontend, limit: 0 }), 'INVALID_ARGUMENT');
    });
  });

  describe.skipIf(options.isReference)("the same answers as otel-mcp's embedded store", () => {
    const fromReference = () => {
      if (!reference) throw new Error('the embedded reference did not open');
      return reference.backend;
    };

    it('reads back the same spans as the embedded store, field by field, within the fidelity it declares', async () => {
      for (const id of [fixture.checkout.traceId, fixture.health.traceId]) {
        const expected = await fromReference().getTrace(id);
        expect(expected?.spans.length).toBeGreaterThan(0);
        expect(compareTrace(await backend().getTrace(id), expected!, allowances())).toEqual([]);
      }
    });

    it('summarizes a found trace as the embedded store does', async () => {
      const query = { serviceName: fixture.services.frontend, limit: 20, window };
      const [ours, theirs] = [await backend().findTraces(query), await fromReference().findTraces(query)];
      expect(ids(ours)).toEqual(ids(theirs));
      const n = (name?: string) => (allowances().lowercasesNames ? name?.toLowerCase() : name);
      const comparable = (summary: TraceSummary, asStored = false) => ({
        traceId: summary.traceId,
        spanCount: summary.spanCount,
        errorCount: summary.errorCount,
        rootName: n(asStored && summary.rootName ? stored(summary.rootName) : summary.rootName),
        rootServiceName: n(summary.rootServiceName),
        services: [...summary.services].map(n).sort(),
      });
      expect(ours.map((summary) => comparable(summary))).toEqual(
        theirs.map((summary) => comparable(summary, true)),
      );
    });

    it('gives the same spec verdict as the embedded store, met and broken alike', async () => {
      const specs = contractSpecs(fixture, allowances());
      const verdict = (result: ComparisonResult) => ({
        matches: result.matches_specification,
        checks: result.checks,
        violations: result.violations.map((violation) => `${violation.kind} ${violation.path}`).sort(),
        missing: result.missing_spans.length,
        unexpected: result.unexpected_span_count,
      });
      const ours = (await backend().getTrace(fixture.checkout.traceId))!;
      // The one allowance: the embedded store's trace seen through the backend's declared name fidelity.
      const theirs = namesAsDeclared(
        (await fromReference().getTrace(fixture.checkout.traceId))!,
        allowances(),
      );
      const met = compareTraceToSpec(ours, specs.met);
      expect(verdict(met)).toEqual(verdict(compareTraceToSpec(theirs, specs.met)));
      expect(met.matches_specification).toBe(true);
      const broken = compareTraceToSpec(ours, specs.broken);
      expect(verdict(broken)).toEqual(verdict(compareTraceToSpec(theirs, specs.broken)));
      expect(verdict(broken).violations).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^(missing|count_too_low) .*refund/),
          expect.stringMatching(/^duration /),
        ]),
      );
    });
  });

  describe('health', () => {
    it('reports itself healthy', async () => {
      expect(await backend().health()).toEqual({ ok: true });
    });
  });
}

/**
 * A trace with the names and kinds a backend of this fidelity would report (Zipkin lower-cases
 * names; X-Ray names entry spans after their service and keeps three kinds).
 */
function namesAsDeclared(trace: Trace, fidelity: ComparisonAllowances): Trace {
  const n = (name: string) => (fidelity.lowercasesNames ? name.toLowerCase() : name);
  return {
    ...trace,
    spans: trace.spans.map((span) => ({
      ...span,
      name: n(storedName(span, fidelity)),
      kind: storedKind(span.kind, fidelity, span),
      serviceName: n(span.serviceName),
      resource: {
        ...span.resource,
        attributes: { ...span.resource.attributes, 'service.name': n(span.serviceName) },
      },
    })),
  };
}
