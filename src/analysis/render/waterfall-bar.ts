/** The window a bar is drawn against, in ns offsets (the root's or the focused span's time). */
export interface BarWindow {
  startNs: number;
  endNs: number;
  width: number;
}

/**
 * A fixed-width bar with `=` where the intervals fall in the window, e.g. `[   =====      ]`.
 * `<` / `>` at an edge mark time outside the window (clock skew, work that outlived the root).
 * Every interval shows at least one cell, so a 1 µs span is still visible.
 */
export function waterfallBar(
  intervals: readonly { startNs: number; endNs: number }[],
  window: BarWindow,
): string {
  const width = window.width;
  if (width <= 0) return '';
  const cells = new Array<string>(width).fill(' ');
  const length = window.endNs - window.startNs;
  let before = false;
  let after = false;
  for (const { startNs, endNs } of intervals) {
    if (startNs < window.startNs) before = true;
    if (endNs > window.endNs) after = true;
    let first = 0;
    let last = width - 1;
    if (length > 0) {
      first = Math.floor(((startNs - window.startNs) / length) * width);
      last = Math.ceil(((endNs - window.startNs) / length) * width) - 1;
      first = Math.min(Math.max(first, 0), width - 1);
      last = Math.min(Math.max(last, first), width - 1);
    }
    for (let i = first; i <= last; i += 1) cells[i] = '=';
  }
  if (before) cells[0] = '<';
  if (after) cells[width - 1] = '>';
  return `[${cells.join('')}]`;
}
