import { describe, expect, it } from 'vitest';
import { parseTimeRange } from '../../src/mcp/time-range.js';

const now = new Date('2026-11-24T10:00:00.000Z');
const nowNanos = BigInt(now.getTime()) * 1_000_000n;
const minutes = (n: number) => BigInt(n) * 60_000_000_000n;

describe('parseTimeRange', () => {
  it.each([
    ['15m', minutes(15)],
    ['2h', minutes(120)],
    ['7d', minutes(7 * 24 * 60)],
    ['last_1_hour', minutes(60)],
    ['last_30_minutes', minutes(30)],
    ['last hour', minutes(60)],
    ['last_day', minutes(24 * 60)],
  ])('reads the relative range %s as ending now', (text, length) => {
    expect(parseTimeRange(text, now)).toEqual({ startUnixNano: nowNanos - length, endUnixNano: nowNanos });
  });

  it('reads absolute ISO ranges written as START..END and as {start, end}', () => {
    const expected = { startUnixNano: nowNanos - minutes(60), endUnixNano: nowNanos };
    expect(parseTimeRange('2026-11-24T09:00:00Z..2026-11-24T10:00:00Z', now)).toEqual(expected);
    expect(parseTimeRange({ start: '2026-11-24T09:00:00Z', end: '2026-11-24T10:00:00Z' }, now)).toEqual(
      expected,
    );
  });

  it('refuses what it cannot read, listing the accepted forms', () => {
    expect(() => parseTimeRange('yesterday-ish', now)).toThrow(
      /time_range 'yesterday-ish' is not understood/,
    );
    expect(() => parseTimeRange('5 parsecs', now)).toThrow(/not understood/);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => parseTimeRange('2026-11-24T10:00:00Z..2026-11-24T09:00:00Z', now)).toThrow(
      /starts .* after it ends/,
    );
  });
});
