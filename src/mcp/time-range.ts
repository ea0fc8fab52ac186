import { invalidArgument } from '../model/errors.js';
import { dateToNanos } from '../model/time.js';
import type { TimeWindow } from '../model/query.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
};
// `15m`, `2h`, `last_1_hour`, `last 30 minutes`, `last_day`
const RELATIVE = /^(?:last[_\s-]*)?(\d+(?:\.\d+)?)?[_\s-]*([a-z]+?)s?$/;

export const TIME_RANGE_HELP =
  "a relative range such as '15m', '2h', '7d', 'last_1_hour', 'last_30_minutes', or absolute ISO times 'START..END' / {start, end} (e.g. '2026-11-24T09:00:00Z..2026-11-24T10:00:00Z')";

export type TimeRangeInput = string | { start?: string; end?: string };

/** Parses a tool's time range against `now`. Relative ranges end now. */
export function parseTimeRange(input: TimeRangeInput, now: Date): TimeWindow {
  if (typeof input === 'object') return absoluteWindow(input.start, input.end, now);
  const text = input.trim().toLowerCase();
  if (text.includes('..')) {
    const [start, end] = input.split('..');
    return absoluteWindow(start?.trim() || undefined, end?.trim() || undefined, now);
  }
  const match = RELATIVE.exec(text);
  const unit = match?.[2] === undefined ? undefined : UNIT_MS[match[2]];
  if (match && unit !== undefined) {
    const amount = match[1] === undefined ? 1 : Number(match[1]);
    const end = dateToNanos(now);
    return { startUnixNano: end - BigInt(Math.round(amount * unit)) * 1_000_000n, endUnixNano: end };
  }
  const asDate = parseIso(input.trim());
  if (asDate) return { startUnixNano: dateToNanos(asDate), endUnixNano: dateToNanos(now) };
  throw invalidArgument(`time_range '${input}' is not understood`, `use ${TIME_RANGE_HELP}`);
}

function absoluteWindow(start: string | undefined, end: string | undefined, now: Date): TimeWindow {
  const startDate = start === undefined ? new Date(0) : parseIso(start);
  const endDate = end === undefined ? now : parseIso(end);
  if (!startDate || !endDate) {
    throw invalidArgument(
      `time_range start '${start}' / end '${end}' is not an ISO time`,
      `use ${TIME_RANGE_HELP}`,
    );
  }
  if (startDate > endDate) {
    throw invalidArgument(`time_range starts (${start}) after it ends (${end})`, 'swap start and end');
  }
  return { startUnixNano: dateToNanos(startDate), endUnixNano: dateToNanos(endDate) };
}

function parseIso(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
