/**
 * How a view shows a recorded value: as text, cut so that one value (a stack trace, an SQL text, a
 * log body) cannot swell the view model a page or the MCP App downloads.
 */
import type { AttributeValue } from '../model/span.js';

/** Long enough for a useful SQL statement or message, short enough for a side panel. */
const MAX_VALUE_CHARS = 500;

export function shownValue(value: AttributeValue): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

export function shownPairs(attributes: Record<string, AttributeValue>): [string, string][] {
  return Object.entries(attributes).map(([key, value]) => [key, shownValue(value)]);
}

/** Milliseconds to the microsecond: what a time axis and a reader need. */
export const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;
