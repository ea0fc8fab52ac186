/**
 * Log-scale duration histograms (the DDSketch layout): bin i holds durations in (γ^(i-1), γ^i] ns.
 * A percentile read as the bin's estimate 2γ^i/(γ+1) is within (γ−1)/(γ+1) of every duration in
 * the bin, so of the exact nearest-rank percentile. γ = 1.06 gives ±2.92%, inside the ±3% the trend
 * tool promises, with ~119 bins per factor of 1,000 in duration: a row of one operation's minute
 * holds a handful of them.
 */
export const BIN_RATIO = 1.06;
/** The worst relative error of a percentile read from a histogram: (γ−1)/(γ+1) ≈ 0.0292. */
export const PERCENTILE_RELATIVE_ERROR = (BIN_RATIO - 1) / (BIN_RATIO + 1);

const LOG_RATIO = Math.log(BIN_RATIO);

/** Bin → count. Bin 0 holds durations of at most 1 ns (a zero-length span). */
export type DurationHistogram = Map<number, number>;

/** The bin of a duration in nanoseconds. */
export function binOf(durationNs: number): number {
  if (!(durationNs > 1)) return 0;
  // The epsilon keeps an exact power of γ in its own bin despite rounding in the logarithm.
  return Math.ceil(Math.log(durationNs) / LOG_RATIO - 1e-9);
}

/** The duration (ns) a bin stands for: the point with the same relative distance to both edges. */
export function binValue(bin: number): number {
  if (bin <= 0) return 0;
  return (2 * Math.pow(BIN_RATIO, bin)) / (BIN_RATIO + 1);
}

export function addTo(histogram: DurationHistogram, bin: number, count = 1): void {
  histogram.set(bin, (histogram.get(bin) ?? 0) + count);
}

export function mergeInto(target: DurationHistogram, source: DurationHistogram): void {
  for (const [bin, count] of source) addTo(target, bin, count);
}

/**
 * Stored as a dense JSON array [first bin, count, count, …]: JSON.parse and JSON.stringify of an
 * array of numbers are native and several times faster than building an object key by key, and a
 * row's bins are contiguous enough (a 1,000× spread of durations is ~120 bins) that zeros cost little.
 */
export function encodeHistogram(histogram: DurationHistogram): string {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const bin of histogram.keys()) {
    if (bin < low) low = bin;
    if (bin > high) high = bin;
  }
  if (high < low) return '[0]';
  const dense = new Array<number>(high - low + 2).fill(0);
  dense[0] = low;
  for (const [bin, count] of histogram) dense[bin - low + 1] = count;
  return JSON.stringify(dense);
}

/** Adds a decoded dense array [first bin, counts…] to a histogram. */
export function addDense(histogram: DurationHistogram, dense: readonly number[]): void {
  const low = dense[0] as number;
  for (let index = 1; index < dense.length; index += 1) {
    const count = dense[index] as number;
    if (count > 0) addTo(histogram, low + index - 1, count);
  }
}

/**
 * Merges rows' histograms that SQL handed back as one JSON array of dense arrays
 * (`'[' || group_concat(histogram) || ']'`): one parse for all of them.
 */
export function mergeDenseList(json: string): DurationHistogram {
  const merged: DurationHistogram = new Map();
  for (const dense of JSON.parse(json) as number[][]) addDense(merged, dense);
  return merged;
}

/**
 * The nearest-rank `q`-quantile (0 < q ≤ 1) in nanoseconds, or undefined for an empty histogram:
 * the estimate of the bin holding the ⌈q·n⌉-th smallest duration.
 */
export function quantileNs(histogram: DurationHistogram, q: number): number | undefined {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  const bins = [...histogram.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const bin of bins) {
    seen += histogram.get(bin) as number;
    if (seen >= rank) return binValue(bin);
  }
  return binValue(bins[bins.length - 1] as number);
}
