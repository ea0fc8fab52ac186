const MINUTES_PER_HOUR = 60;

/** Half-open ranges [from, to) of whole minutes or hours since the epoch. */
export type Range = readonly [from: number, to: number];

/**
 * Which rollup rows answer a window: the hourly rows of the whole hours inside it, and minute rows
 * before and after them. Without hourly rows, `head` is the whole window and `tail` is empty.
 */
export interface RollupReadPlan {
  head: Range;
  hours?: Range;
  tail: Range;
}

/**
 * Splits the minutes [fromMinute, toMinute) of a read into hourly rows for the whole hours inside and
 * minute rows for the partial hours at the edges. Only for buckets of whole hours: buckets start at
 * multiples of their size since the epoch, so then every hour lies inside one bucket.
 */
export function planRollupRead(fromMinute: number, toMinute: number, bucketMinutes: number): RollupReadPlan {
  const firstHour = Math.ceil(fromMinute / MINUTES_PER_HOUR);
  const endHour = Math.floor(toMinute / MINUTES_PER_HOUR);
  if (bucketMinutes % MINUTES_PER_HOUR !== 0 || firstHour >= endHour) {
    return { head: [fromMinute, toMinute], tail: [toMinute, toMinute] };
  }
  return {
    head: [fromMinute, firstHour * MINUTES_PER_HOUR],
    hours: [firstHour, endHour],
    tail: [endHour * MINUTES_PER_HOUR, toMinute],
  };
}
