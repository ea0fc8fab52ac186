import { formatInstant } from './bucket-size.js';
import type { OperationSeries, TrendBucket } from './trend-series.js';
import { plural } from '../../model/plural.js';

/**
 * When a change is not noise. The first and last thirds of the buckets are compared by the median
 * of their per-bucket values: a change counts when it is ≥ 20% and ≥ 1 ms (latency) or ≥ 5 points
 * and ×2 (error rate), and when ≥ 75% of (late, early) bucket pairs move the same way, so one odd
 * bucket cannot make a trend. A bucket counts for latency with ≥ 5 spans (p50) or ≥ 20 (p95: its
 * 95th percentile then rests on at least one span above it). A run of empty buckets is a gap (or
 * a silence, at the end) when the buckets with traffic typically (median) hold λ spans and
 * λ × its length ≥ 5: k buckets in a row are empty by chance e^-(λ·k) of the time, < 1% at 5. So
 * one empty bucket counts after buckets of 5 spans, two after buckets of 3 or 4, five after
 * buckets of 1, when that traffic was steady (`runJudge`): half a day of silence after 4 spans
 * every 6 h is a finding, the empty days between a few test runs a week are not.
 */
export interface TrendSettings {
  minRelativeChange: number;
  minAbsoluteChangeMs: number;
  minBucketSpans: number;
  minBucketSpansP95: number;
  minSpans: number;
  minErrorRateChange: number;
  pairAgreement: number;
}

export const DEFAULT_TREND_SETTINGS: TrendSettings = {
  minRelativeChange: 0.2,
  minAbsoluteChangeMs: 1,
  minBucketSpans: 5,
  minBucketSpansP95: 20,
  minSpans: 30,
  minErrorRateChange: 0.05,
  pairAgreement: 0.75,
};

export type Direction = 'rising' | 'falling' | 'stable';

export interface Change {
  direction: 'rising' | 'falling';
  from: number;
  to: number;
  /** The first bucket from which the value stays past halfway between the two levels. */
  sinceMs: number;
}

export interface TrendReading {
  latency: Direction | 'too_few_spans';
  /** Which percentile moved: p50, or p95 when p50 held still. */
  latencyChange?: Change & { percentile: 'p50' | 'p95' };
  /** Typical p50 over the period (median of bucket p50s). */
  levelMs?: number;
  errorRate: Direction | 'too_few_spans';
  errorChange?: Change;
  /** Runs of buckets without a span, after the first bucket with traffic. */
  gaps: { fromMs: number; toMs: number; buckets: number }[];
  /** No span since this time (the last buckets are empty). */
  silentSinceMs?: number;
  notable: boolean;
  line: string;
}

export function readTrend(
  series: OperationSeries,
  bucketMs: number,
  settings: TrendSettings = DEFAULT_TREND_SETTINGS,
): TrendReading {
  const buckets = series.buckets;
  const third = Math.max(1, Math.floor(buckets.length / 3));
  const early = buckets.slice(0, third);
  const late = buckets.slice(buckets.length - third);
  const needed = Math.min(2, third);

  const latencyOf = (percentile: 'p50' | 'p95', minSpans: number) => {
    const value = (bucket: TrendBucket) => (percentile === 'p50' ? bucket.p50Ms : bucket.p95Ms);
    const usable = (list: TrendBucket[]) =>
      list.filter((bucket) => bucket.spanCount >= minSpans && value(bucket) !== undefined);
    const [a, b] = [usable(early), usable(late)];
    if (series.spanCount < settings.minSpans || a.length < needed || b.length < needed) return undefined;
    const from = median(a.map((bucket) => value(bucket) as number));
    const to = median(b.map((bucket) => value(bucket) as number));
    const direction = judge(
      from,
      to,
      a.map((bucket) => value(bucket) as number),
      b.map((bucket) => value(bucket) as number),
      settings,
      (x, y) =>
        Math.abs(y - x) >= settings.minAbsoluteChangeMs &&
        Math.max(x, y) >= Math.min(x, y) * (1 + settings.minRelativeChange),
    );
    if (direction === 'stable') return { direction } as const;
    const sinceMs = changePoint(usable(buckets), value, from, to);
    return { direction, change: { direction, from, to, sinceMs, percentile } } as const;
  };

  const p50 = latencyOf('p50', settings.minBucketSpans);
  const p95 = p50 && p50.direction === 'stable' ? latencyOf('p95', settings.minBucketSpansP95) : undefined;
  const latencyChange = p50?.change ?? p95?.change;
  const latency: TrendReading['latency'] = !p50
    ? 'too_few_spans'
    : latencyChange
      ? latencyChange.direction
      : 'stable';
  const withP50 = buckets.filter(
    (bucket) => bucket.p50Ms !== undefined && bucket.spanCount >= settings.minBucketSpans,
  );
  const levelMs = withP50.length > 0 ? median(withP50.map((bucket) => bucket.p50Ms as number)) : series.p50Ms;

  const errorReading = readErrors(buckets, early, late, settings);
  const { gaps, silentSinceMs } = findGaps(buckets, bucketMs, runJudge(buckets, settings.minBucketSpans));

  const parts: string[] = [];
  if (latency === 'too_few_spans')
    parts.push(
      `too few spans to say (${plural(series.spanCount, 'span')}; ≥ ${settings.minSpans} needed, ≥ ${settings.minBucketSpans} a bucket early and late)`,
    );
  else if (latencyChange)
    parts.push(
      `${latencyChange.percentile} ${latencyChange.direction} from ${ms(latencyChange.from)} to ${ms(latencyChange.to)} ms since ${formatInstant(latencyChange.sinceMs)}`,
    );
  else parts.push(`stable at ~${ms(levelMs ?? 0)} ms p50`);
  if (errorReading.change)
    parts.push(
      `error rate ${errorReading.change.direction} from ${pct(errorReading.change.from)} to ${pct(errorReading.change.to)} since ${formatInstant(errorReading.change.sinceMs)}`,
    );
  if (silentSinceMs !== undefined) parts.push(`no traffic since ${formatInstant(silentSinceMs)}`);
  if (gaps.length > 0) {
    const first = gaps[0] as (typeof gaps)[number];
    parts.push(
      `no traffic ${formatInstant(first.fromMs)}–${formatInstant(first.toMs)}${gaps.length > 1 ? ` and in ${gaps.length - 1} more gap${gaps.length > 2 ? 's' : ''}` : ''}`,
    );
  }
  return {
    latency,
    ...(latencyChange ? { latencyChange } : {}),
    ...(levelMs !== undefined ? { levelMs } : {}),
    errorRate: errorReading.direction,
    ...(errorReading.change ? { errorChange: errorReading.change } : {}),
    gaps,
    ...(silentSinceMs !== undefined ? { silentSinceMs } : {}),
    notable:
      latencyChange !== undefined ||
      errorReading.change !== undefined ||
      gaps.length > 0 ||
      silentSinceMs !== undefined,
    line: parts.join('; '),
  };
}

function readErrors(
  buckets: TrendBucket[],
  early: TrendBucket[],
  late: TrendBucket[],
  settings: TrendSettings,
): { direction: TrendReading['errorRate']; change?: Change } {
  const spans = (list: TrendBucket[]) => list.reduce((sum, bucket) => sum + bucket.spanCount, 0);
  const errors = (list: TrendBucket[]) => list.reduce((sum, bucket) => sum + bucket.errorCount, 0);
  // 20 spans a side: a 5-point change is then at least one error.
  if (spans(early) < 20 || spans(late) < 20) return { direction: 'too_few_spans' };
  const from = errors(early) / spans(early);
  const to = errors(late) / spans(late);
  const usable = (list: TrendBucket[]) =>
    list.filter((bucket) => bucket.spanCount >= settings.minBucketSpans).map((bucket) => bucket.errorRate);
  const direction = judge(
    from,
    to,
    usable(early),
    usable(late),
    settings,
    (x, y) => Math.abs(y - x) >= settings.minErrorRateChange && Math.max(x, y) >= 2 * Math.min(x, y),
  );
  if (direction === 'stable') return { direction };
  const sinceMs = changePoint(
    buckets.filter((bucket) => bucket.spanCount >= settings.minBucketSpans),
    (bucket) => bucket.errorRate,
    from,
    to,
  );
  return { direction, change: { direction, from, to, sinceMs } };
}

/** Rising or falling when the levels differ enough and most (late, early) pairs agree; stable otherwise. */
function judge(
  from: number,
  to: number,
  early: number[],
  late: number[],
  settings: TrendSettings,
  bigEnough: (from: number, to: number) => boolean,
): Direction {
  if (from === to || !bigEnough(from, to)) return 'stable';
  const rising = to > from;
  let agree = 0;
  let pairs = 0;
  for (const a of early) {
    for (const b of late) {
      pairs += 1;
      if (rising ? b > a : b < a) agree += 1;
    }
  }
  // With no per-bucket values (e.g. every bucket below the span minimum) the level comparison stands alone.
  if (pairs > 0 && agree / pairs < settings.pairAgreement) return 'stable';
  return rising ? 'rising' : 'falling';
}

/** The first bucket past halfway between the levels from which ≥ 75% of the later buckets stay past it. */
function changePoint(
  buckets: TrendBucket[],
  value: (bucket: TrendBucket) => number | undefined,
  from: number,
  to: number,
): number {
  const middle = (from + to) / 2;
  const past = buckets.map((bucket) => {
    const v = value(bucket);
    return v !== undefined && (to > from ? v > middle : v < middle);
  });
  for (let index = 0; index < buckets.length; index += 1) {
    if (!past[index]) continue;
    const rest = past.slice(index);
    if (rest.filter(Boolean).length >= 0.75 * rest.length) return (buckets[index] as TrendBucket).startMs;
  }
  return (buckets[buckets.length - 1] as TrendBucket).startMs;
}

/**
 * Whether a run of `length` empty buckets means something, against the buckets with traffic: at
 * their typical (median) count λ, k empty buckets in a row happen by chance e^-(λ·k) of the time,
 * so it needs λ·k ≥ minSpans. At λ ≥ minSpans one bucket is enough. Below, λ must describe a
 * steady rate first: traffic in ≥ 3 buckets (the median of one or two is no typical count) and in
 * at least half the buckets of the active stretch outside the run (at a steady rate of ≥ 1 span a
 * bucket, ≥ 63% of them have one). A few test runs in a week (spans in 2 of 28 buckets) have no
 * rate for a silence to break.
 */
function runJudge(buckets: TrendBucket[], minSpans: number): (length: number, outside: number) => boolean {
  const busy = buckets.filter((bucket) => bucket.spanCount > 0).map((bucket) => bucket.spanCount);
  if (busy.length === 0) return () => false;
  const rate = median(busy);
  if (rate >= minSpans) return () => true;
  return (length, outside) => rate * length >= minSpans && busy.length >= 3 && busy.length * 2 >= outside;
}

/**
 * Runs of empty buckets after the first with traffic: gaps between traffic, and a silence at the
 * end. `counts(length, outside)` decides whether a run of `length` buckets is a finding, given the
 * buckets of the active stretch (first to last with traffic) outside it.
 */
function findGaps(
  buckets: TrendBucket[],
  bucketMs: number,
  counts: (length: number, outside: number) => boolean,
): { gaps: TrendReading['gaps']; silentSinceMs?: number } {
  // A last bucket less than half covered (the current one) is not a silence yet.
  let end = buckets.length;
  const last = buckets[end - 1];
  if (last && last.spanCount === 0 && last.coveredMs < bucketMs / 2) end -= 1;
  const firstActive = buckets.findIndex((bucket) => bucket.spanCount > 0);
  if (firstActive < 0) return { gaps: [] };
  let lastActive = end - 1;
  while (lastActive > firstActive && (buckets[lastActive] as TrendBucket).spanCount === 0) lastActive -= 1;
  const stretch = lastActive - firstActive + 1;
  const gaps: TrendReading['gaps'] = [];
  let runStart = -1;
  for (let index = firstActive; index <= lastActive; index += 1) {
    const empty = (buckets[index] as TrendBucket).spanCount === 0;
    if (empty && runStart < 0) runStart = index;
    if (!empty && runStart >= 0) {
      const length = index - runStart;
      if (counts(length, stretch - length))
        gaps.push({
          fromMs: (buckets[runStart] as TrendBucket).startMs,
          toMs: (buckets[index] as TrendBucket).startMs,
          buckets: length,
        });
      runStart = -1;
    }
  }
  const silence = end - 1 - lastActive;
  const silent =
    silence > 0 && counts(silence, stretch) ? (buckets[lastActive + 1] as TrendBucket).startMs : undefined;
  return { gaps, ...(silent !== undefined ? { silentSinceMs: silent } : {}) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Three significant digits: 0.123, 12.3, 123, 1230. */
export function ms(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return 0;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
