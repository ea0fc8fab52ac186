import { describe, expect, it } from 'vitest';
import { planRollupRead } from '../../src/store/rollups/rollup-read-plan.js';

const H = 60; // minutes

describe('rollup read plan', () => {
  it('reads whole hours from the hourly level and the partial hours at both edges from minute rows', () => {
    expect(planRollupRead(10 * H + 17, 14 * H + 43, 60)).toEqual({
      head: [10 * H + 17, 11 * H],
      hours: [11, 14],
      tail: [14 * H, 14 * H + 43],
    });
  });

  it('leaves an edge empty when the window starts or ends on an hour', () => {
    expect(planRollupRead(10 * H, 12 * H, 360)).toEqual({
      head: [10 * H, 10 * H],
      hours: [10, 12],
      tail: [12 * H, 12 * H],
    });
  });

  it('reads minute rows only for buckets that are not whole hours, or a window without a whole hour', () => {
    expect(planRollupRead(10 * H + 17, 14 * H + 43, 30)).toEqual({
      head: [10 * H + 17, 14 * H + 43],
      tail: [14 * H + 43, 14 * H + 43],
    });
    expect(planRollupRead(10 * H + 59, 11 * H + 58, 60)).toEqual({
      head: [10 * H + 59, 11 * H + 58],
      tail: [11 * H + 58, 11 * H + 58],
    });
  });
});
