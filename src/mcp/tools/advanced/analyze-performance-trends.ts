import * as z from 'zod';
import {
  MAX_BUCKETS,
  PERCENTILE_RELATIVE_ERROR,
  bucketCount,
  chooseBucketMs,
  formatBucket,
  formatInstant,
  readTrends,
  smallestBucketMs,
  roundMs,
  rowsFromSummaries,
  type OperationTrend,
  type TrendBucket,
  type TrendRow,
} from '../../../analysis/index.js';
import { OtelMcpError, invalidArgument } from '../../../model/errors.js';
import type { TraceBackend } from '../../../backends/trace-backend.js';
import { listSection, type ResponseDraft } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { TIME_RANGE_HELP, parseTimeRange } from '../../time-range.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, timeWindowObject } from '../common-inputs.js';
import { nearestNames } from '../../../model/did-you-mean.js';
import { plural } from '../../../model/plural.js';

/** Traces a backend is asked for: 1,000 summaries are one page of most APIs and a few hundred KB. */
const SUMMARY_LIMIT = 1000;
const MINUTE_MS = 60_000;
const BUCKET_UNITS: Record<string, number> = { s: 1000, m: MINUTE_MS, h: 3_600_000, d: 86_400_000 };
const ERROR_PERCENT = Math.round(PERCENTILE_RELATIVE_ERROR * 1000) / 10;

const bucketSchema = z.object({
  operation: z.string(),
  start: z.string().describe('UTC start, minute precision'),
  end: z.string().optional().describe('For a run of empty buckets: where it ends'),
  empty_buckets: z.number().optional().describe('For a run of empty buckets: how many, in one row'),
  count: z.number(),
  per_min: z.number().describe('Spans per minute over the part of the bucket inside the period'),
  error_rate: z.number(),
  p50_ms: z.number().optional(),
  p95_ms: z.number().optional(),
  p99_ms: z.number().optional(),
});

const operationSchema = z.object({
  operation: z.string(),
  span_kind: z.string().optional(),
  reading: z
    .string()
    .describe('One line: stable / rising / falling (from X to Y ms since T), error rate, gaps'),
  latency: z.enum(['rising', 'falling', 'stable', 'too_few_spans']),
  error_trend: z.enum(['rising', 'falling', 'stable', 'too_few_spans']),
  change: z
    .object({ percentile: z.enum(['p50', 'p95']), from_ms: z.number(), to_ms: z.number(), since: z.string() })
    .optional(),
  span_count: z.number(),
  error_rate: z.number(),
  per_min: z.number().describe('Mean spans per minute over the period'),
  p50_ms: z.number().optional(),
  p95_ms: z.number().optional(),
  p99_ms: z.number().optional(),
});

const outputSchema = z.object({
  service_name: z.string(),
  backend: z.string(),
  source: z.enum(['rollups', 'trace_summaries']),
  period: z.object({ start: z.string(), end: z.string() }),
  bucket: z.string(),
  bucket_count: z.number(),
  percentile_error: z
    .number()
    .describe('Percentiles are within ± this fraction of the exact value (log-scale histograms)'),
  sample: z
    .object({
      traces: z.number(),
      capped: z.boolean(),
      root_operations_only: z.literal(true),
      other_root_traces: z.number(),
    })
    .optional()
    .describe(
      'With a backend other than embedded: the newest trace summaries read, and only their root operations',
    ),
  operations: z.array(operationSchema).describe('Notable trends first, then by span count'),
  operations_total: z.number(),
  buckets: z
    .array(bucketSchema)
    .describe(
      "Each operation's buckets in time order, a run of empty ones as one row; operations in the order above (stable ones last)",
    ),
  next_steps: z.array(z.string()),
  ...responseFields,
});

type Output = z.infer<typeof outputSchema>;
type OperationOut = z.infer<typeof operationSchema>;

export const analyzePerformanceTrendsTool = defineTool({
  name: 'analyze_performance_trends',
  title: 'Latency, throughput and error-rate trends of a service',
  description:
    'Per operation of a service over a period: p50/p95/p99, throughput and error rate per bucket, and a reading (stable, rising from X to Y ms since T, gaps). From per-minute rollups where kept (percentiles ±2.9%), else recent trace summaries. Baseline vs now: detect_regressions.',
  toolset: 'advanced',
  input: z.object({
    service_name: z.string().min(1).describe('Service name (see list_services)'),
    time_period: z.union([z.string(), timeWindowObject]).optional().describe('The period (default 7d)'),
    bucket: z.string().optional().describe("Bucket size: '5m', '1h', '1d' (default: from the period)"),
    operation: z.string().min(1).optional().describe('Only this span name'),
    backend: backendInput,
    budget_tokens: budgetInput,
    cursor: cursorInput,
  }),
  output: outputSchema,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const nowMs = deps.now().getTime();
    const period = input.time_period ?? '7d';
    const futureStart = startOf(period);
    if (futureStart !== undefined && futureStart > nowMs) {
      throw invalidArgument(
        `the period starts at ${new Date(futureStart).toISOString()}, in the future`,
        `trends cover the past: pass a period ending now or earlier, ${TIME_RANGE_HELP}`,
      );
    }
    const window = parseTimeRange(period, deps.now());
    const startMs = Number(window.startUnixNano / 1_000_000n);
    if (startMs >= nowMs) {
      throw invalidArgument(
        `the period starts at ${new Date(startMs).toISOString()}, in the future`,
        `trends cover the past: pass a period ending now or earlier, ${TIME_RANGE_HELP}`,
      );
    }
    const endMs = Math.min(nowMs, Number(window.endUnixNano / 1_000_000n));
    if (endMs <= startMs) throw invalidArgument('the period is empty', `pass ${TIME_RANGE_HELP}`);
    const backend = deps.backends.get(input.backend);
    // Backends that keep per-operation rollups (the embedded store) answer from every span; the
    // others from a sample of trace summaries.
    const rollups =
      backend.capabilities.rollups && backend.operationRollups
        ? backend.operationRollups.bind(backend)
        : undefined;
    const bucketMs =
      input.bucket === undefined
        ? chooseBucketMs(endMs - startMs)
        : parseBucket(input.bucket, rollups !== undefined);
    const buckets = bucketCount(startMs, endMs, bucketMs);
    if (buckets > MAX_BUCKETS) {
      throw invalidArgument(
        `bucket ${input.bucket} makes ${buckets} buckets over this period; at most ${MAX_BUCKETS}`,
        `use a bucket of at least ${formatBucket(smallestBucketMs(startMs, endMs))} (or omit bucket to have one chosen)`,
      );
    }
    const serviceName = await checkService(backend, input.service_name);

    let rows: TrendRow[];
    let sample: Output['sample'];
    if (rollups) {
      rows = await rollups({
        serviceName: serviceName,
        ...(input.operation !== undefined ? { operationName: input.operation } : {}),
        startMs,
        endMs,
        bucketMinutes: bucketMs / MINUTE_MS,
      });
    } else {
      // With an operation, ask for traces that contain it: a sample of that operation, not of all traffic.
      const summaries = await backend.findTraces({
        serviceName: serviceName,
        ...(input.operation !== undefined ? { operationName: input.operation } : {}),
        window: { startUnixNano: BigInt(startMs) * 1_000_000n, endUnixNano: BigInt(endMs) * 1_000_000n },
        limit: SUMMARY_LIMIT,
      });
      const fromSummaries = rowsFromSummaries(summaries, serviceName, bucketMs);
      rows =
        input.operation !== undefined
          ? fromSummaries.rows.filter((row) => row.operation === input.operation)
          : fromSummaries.rows;
      sample = {
        traces: fromSummaries.used,
        capped: summaries.length >= SUMMARY_LIMIT,
        root_operations_only: true,
        other_root_traces: fromSummaries.otherRoots,
      };
    }
    if (input.operation !== undefined && rows.length === 0)
      await checkOperation(backend, serviceName, input.operation);

    const trends = readTrends(rows, { startMs, endMs, bucketMs });
    const periodMs = endMs - startMs;
    const head: Head = {
      service_name: serviceName,
      backend: backend.name,
      source: rollups ? 'rollups' : 'trace_summaries',
      period: { start: formatInstant(startMs), end: formatInstant(endMs) },
      bucket: formatBucket(bucketMs),
      bucket_count: buckets,
      percentile_error: Math.round(PERCENTILE_RELATIVE_ERROR * 1000) / 1000,
      ...(sample ? { sample } : {}),
      operations_total: trends.length,
      next_steps: nextSteps(sample, trends, serviceName, bucketMs),
    };
    return draft(
      head,
      {
        notable: trends.filter((trend) => trend.reading.notable).length,
        tooFew: trends.filter((trend) => trend.reading.latency === 'too_few_spans').length,
      },
      trends.map((trend) => operationOut(trend, periodMs)),
      trends.flatMap((trend) => bucketRows(trend.series.operation, trend.series.buckets, startMs, endMs)),
    );
  },
});

type Head = Omit<Output, 'operations' | 'buckets' | keyof typeof responseFields>;

/** The start of an absolute period, when it has one (to name a future start before the range parser objects to it). */
function startOf(
  period: string | { start?: string | undefined; end?: string | undefined },
): number | undefined {
  const text =
    typeof period === 'string' ? (period.includes('..') ? period.split('..')[0] : undefined) : period.start;
  const ms =
    text === undefined || !/^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Number.NaN : Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

function parseBucket(text: string, minuteRollups: boolean): number {
  const match = /^\s*(\d+)\s*([smhd])\s*$/i.exec(text);
  const unit = match ? BUCKET_UNITS[(match[2] as string).toLowerCase()] : undefined;
  const bucketMs = match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
  if (!(bucketMs > 0))
    throw invalidArgument(
      `bucket '${text}' is not understood`,
      "use a number and a unit s, m, h or d: '5m', '1h', '6h', '1d'",
    );
  if (minuteRollups && bucketMs % MINUTE_MS !== 0) {
    throw invalidArgument(
      `bucket '${text}' is not a whole number of minutes`,
      "the embedded store keeps per-minute rollups: use '1m' or more, in whole minutes ('5m', '1h')",
    );
  }
  if (bucketMs < 1000) throw invalidArgument(`bucket '${text}' is under a second`, "use '1s' or more");
  return bucketMs;
}

/**
 * The service as the backend spells it: the name itself, or its one case-insensitive match (Zipkin
 * lower-cases the names it stores, and the agent asks with the name the SDK was given).
 */
async function checkService(backend: TraceBackend, service: string): Promise<string> {
  const services = await backend.listServices();
  if (services.includes(service)) return service;
  const sameButCase = services.filter((name) => name.toLowerCase() === service.toLowerCase());
  if (sameButCase.length === 1) return sameButCase[0] as string;
  throw new OtelMcpError(
    'NOT_FOUND',
    `no service '${service}' in backend '${backend.name}'`,
    services.length === 0
      ? 'no service has sent traces yet; see get_otlp_endpoint'
      : `did you mean ${nearestNames(service, services).join(', ')}? (list_services shows all)`,
  );
}

async function checkOperation(backend: TraceBackend, service: string, operation: string): Promise<void> {
  const names = [...new Set((await backend.listOperations(service)).map((item) => item.name))];
  if (names.includes(operation)) return;
  throw new OtelMcpError(
    'NOT_FOUND',
    `service '${service}' has no operation '${operation}'`,
    names.length === 0
      ? 'list_operations shows its operations'
      : `did you mean ${nearestNames(operation, names).join(', ')}? (list_operations shows all)`,
  );
}

function operationOut({ series, reading }: OperationTrend, periodMs: number): OperationOut {
  const change = reading.latencyChange;
  return {
    operation: series.operation,
    ...(series.spanKind !== undefined ? { span_kind: series.spanKind } : {}),
    reading: reading.line,
    latency: reading.latency,
    error_trend: reading.errorRate,
    ...(change
      ? {
          change: {
            percentile: change.percentile,
            from_ms: roundMs(change.from),
            to_ms: roundMs(change.to),
            since: formatInstant(change.sinceMs),
          },
        }
      : {}),
    span_count: series.spanCount,
    error_rate: rate(series.spanCount > 0 ? series.errorCount / series.spanCount : 0),
    per_min: roundMs(series.spanCount / (periodMs / MINUTE_MS)),
    ...(series.p50Ms !== undefined ? { p50_ms: roundMs(series.p50Ms) } : {}),
    ...(series.p95Ms !== undefined ? { p95_ms: roundMs(series.p95Ms) } : {}),
    ...(series.p99Ms !== undefined ? { p99_ms: roundMs(series.p99Ms) } : {}),
  };
}

/**
 * An operation's buckets as rows, each run of empty buckets as one: over a week of 6-hour buckets a
 * few test runs leave ~28 empty buckets per operation, which said nothing one row at a time.
 */
function bucketRows(operation: string, buckets: TrendBucket[], startMs: number, endMs: number): BucketOut[] {
  const rows: BucketOut[] = [];
  for (let index = 0; index < buckets.length;) {
    const bucket = buckets[index] as TrendBucket;
    if (bucket.spanCount > 0) {
      rows.push(bucketOut(operation, bucket));
      index += 1;
      continue;
    }
    let last = index;
    while (last + 1 < buckets.length && (buckets[last + 1] as TrendBucket).spanCount === 0) last += 1;
    const next = buckets[last + 1];
    const from = formatInstant(Math.max(startMs, bucket.startMs));
    const to = formatInstant(next ? next.startMs : endMs);
    // The bucket just begun at the end of the period says nothing yet.
    if (from !== to)
      rows.push({
        operation,
        start: from,
        end: to,
        empty_buckets: last - index + 1,
        count: 0,
        per_min: 0,
        error_rate: 0,
      });
    index = last + 1;
  }
  return rows;
}

function bucketOut(operation: string, bucket: TrendBucket): z.infer<typeof bucketSchema> {
  return {
    operation,
    start: formatInstant(bucket.startMs),
    count: bucket.spanCount,
    per_min: roundMs(bucket.perMinute),
    error_rate: rate(bucket.errorRate),
    ...(bucket.p50Ms !== undefined ? { p50_ms: roundMs(bucket.p50Ms) } : {}),
    ...(bucket.p95Ms !== undefined ? { p95_ms: roundMs(bucket.p95Ms) } : {}),
    ...(bucket.p99Ms !== undefined ? { p99_ms: roundMs(bucket.p99Ms) } : {}),
  };
}

function rate(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function nextSteps(
  sample: Output['sample'],
  trends: OperationTrend[],
  service: string,
  bucketMs: number,
): string[] {
  const steps: string[] = [];
  const slow = trends.find((trend) => trend.reading.latencyChange?.direction === 'rising');
  if (slow?.reading.latencyChange) {
    const change = slow.reading.latencyChange;
    const start = new Date(change.sinceMs).toISOString();
    const end = new Date(change.sinceMs + bucketMs).toISOString();
    steps.push(
      `search_traces query={service_name: '${service}', operation_name: '${slow.series.operation}', min_duration_ms: ${roundMs(change.to)}, time_range: '${start}..${end}'} to open slow traces from when it changed`,
    );
  }
  const failing = trends.find((trend) => trend.reading.errorChange?.direction === 'rising');
  if (failing)
    steps.push(
      `search_traces query={service_name: '${service}', operation_name: '${failing.series.operation}', status: 'error'} to see the new errors`,
    );
  if (sample?.capped) steps.push('only the newest traces were read: narrow time_period for a full sample');
  if (
    steps.length === 0 &&
    trends.length > 0 &&
    trends.every((trend) => trend.reading.latency === 'too_few_spans')
  )
    steps.push(
      'too few spans for a trend: detect_regressions compares two runs directly (it judges an operation from 8 spans a side, in traces with the same root operation)',
    );
  if (steps.length === 0)
    steps.push('nothing moved: detect_regressions compares two specific runs if a change is suspected');
  return steps;
}

/** The period, source and operation count lead; operations (notable first) and their buckets are paged lists. */
function draft(
  out: Head,
  counts: { notable: number; tooFew: number },
  operations: OperationOut[],
  buckets: BucketOut[],
): ResponseDraft<Head> {
  const { notable, tooFew } = counts;
  const lead: string[] = [];
  const source = out.sample
    ? `a sample of ${out.sample.traces} traces (root operations only${out.sample.capped ? `, the newest ${SUMMARY_LIMIT}: limit reached` : ''})`
    : `per-minute rollups, percentiles ±${ERROR_PERCENT}%`;
  lead.push(
    `${out.service_name} on ${out.backend}, ${out.period.start} to ${out.period.end}, ${out.bucket_count} buckets of ${out.bucket}, from ${source}: ${out.operations_total} operation${out.operations_total === 1 ? '' : 's'}.`,
  );
  // Too few spans is no reading at all: said apart, so that "no notable trend" is not read as "stable".
  const unread =
    tooFew === 0
      ? ''
      : tooFew === out.operations_total
        ? `${tooFew === 1 ? 'it has' : tooFew === 2 ? 'both have' : `all ${tooFew} have`} too few spans to judge latency`
        : `${tooFew} of ${out.operations_total} have too few spans to judge latency`;
  if (out.operations_total === 0) lead.push('No spans of this service in the period: widen time_period.');
  else if (notable === 0) lead.push(`No operation shows a notable trend${unread ? `; ${unread}` : ''}.`);
  else
    lead.push(
      `${notable} with a notable trend (a rise, a fall, errors or gaps), listed first${unread ? `; ${unread}` : ''}:`,
    );
  return {
    fields: out,
    lead,
    lists: [
      listSection({
        key: 'operations',
        rows: operations,
        line: (operation) =>
          `  ${operation.operation}${operation.span_kind ? ` (${operation.span_kind})` : ''}: ${operation.reading} [${plural(operation.span_count, 'span')}, p95 ${operation.p95_ms ?? '–'} ms, ${percent(operation.error_rate)} errors]`,
        weight: 4,
      }),
      listSection({
        key: 'buckets',
        heading: 'Buckets (operation, start: spans, p50/p95/p99, errors):',
        rows: buckets,
        line: (bucket) =>
          bucket.empty_buckets !== undefined
            ? `  ${bucket.operation} ${bucket.start} to ${bucket.end ?? out.period.end}: no spans${bucket.empty_buckets > 1 ? ` (${bucket.empty_buckets} buckets)` : ''}`
            : `  ${bucket.operation} ${bucket.start}: ${bucket.count} (${bucket.per_min}/min), ${bucket.p50_ms ?? '–'}/${bucket.p95_ms ?? '–'}/${bucket.p99_ms ?? '–'} ms, ${percent(bucket.error_rate)}`,
      }),
    ],
    notes: out.next_steps.map((step) => `Next: ${step}`),
  };
}

type BucketOut = z.infer<typeof bucketSchema>;

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
