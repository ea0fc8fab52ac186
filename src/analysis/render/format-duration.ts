/**
 * A duration in at most ~6 characters with 3 significant digits: `85µs`, `1.23ms`, `456ms`, `2.34s`.
 * Rounded before the unit is picked, so 0.9996 ms reads `1ms`, not `1000µs`.
 */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0ms';
  const rounded = threeDigits(ms);
  if (rounded < 1) return `${threeDigits(rounded * 1000)}µs`;
  if (rounded < 1000) return `${rounded}ms`;
  return `${threeDigits(rounded / 1000)}s`;
}

/** `value` to 3 significant digits, as a number (so `String` drops trailing zeros). */
function threeDigits(value: number): number {
  return Number(value.toPrecision(3));
}
