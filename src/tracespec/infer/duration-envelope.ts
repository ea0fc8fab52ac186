/**
 * The sample a duration envelope is built on: the slowest duration that is not a far-out stall.
 * One good trace whose 20 ms call took 1.7 s (a GC pause, a descheduled process; 10-30% CPU steal
 * was measured on the shared CI machine) would otherwise set the envelope at 2.6 s and let a real
 * slowdown through. A sample counts as a stall when it lies past Tukey's far-out fence
 * (Q3 + 3·IQR) and past twice the median, and only when few samples do (at most 10%, and at least
 * 8 samples to judge by): a genuinely long-tailed operation keeps its slowest sample.
 */
const MIN_SAMPLES = 8;
const MAX_STALL_SHARE = 0.1;
const FENCE_IQRS = 3;
const MIN_MEDIAN_MULTIPLE = 2;

export interface EnvelopeSample {
  /** The slowest duration kept, in ms. */
  slowestMs: number;
  /** The durations left out as stalls, slowest first. */
  stallsMs: number[];
  /** Above this a sample was a stall (absent when none was left out). */
  fenceMs?: number;
}

export function envelopeSample(durationsMs: readonly number[]): EnvelopeSample {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const slowest = sorted[sorted.length - 1] ?? 0;
  if (sorted.length < MIN_SAMPLES) return { slowestMs: slowest, stallsMs: [] };
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] as number;
  const q1 = at(0.25);
  const q3 = at(0.75);
  const fence = Math.max(q3 + FENCE_IQRS * (q3 - q1), MIN_MEDIAN_MULTIPLE * at(0.5));
  const kept = sorted.filter((value) => value <= fence);
  const stalls = sorted.length - kept.length;
  if (stalls === 0 || stalls > Math.floor(sorted.length * MAX_STALL_SHARE))
    return { slowestMs: slowest, stallsMs: [] };
  return {
    slowestMs: kept[kept.length - 1] as number,
    stallsMs: sorted.slice(kept.length).reverse(),
    fenceMs: fence,
  };
}
