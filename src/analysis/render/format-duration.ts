/** A duration in at most ~6 characters with 3 significant digits: `85µs`, `1.23ms`, `456ms`, `2.34s`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0ms';
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 10) return `${trim(ms.toFixed(2))}ms`;
  if (ms < 100) return `${trim(ms.toFixed(1))}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 10) return `${trim(s.toFixed(2))}s`;
  if (s < 100) return `${trim(s.toFixed(1))}s`;
  return `${Math.round(s)}s`;
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
