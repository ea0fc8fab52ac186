/**
 * The part of a trace's time axis a waterfall shows when zoomed, and the axis labels for it. Pure:
 * the page keeps the window and redraws bars and labels from it; every row stays listed, and a bar
 * outside the window is clipped, not dropped.
 */

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The narrowest window: a microsecond, the finest step the labels can name. Zooming further would
 * only spread one span's bar over the whole axis, which the reader already has at 1 µs.
 */
export const MIN_WINDOW_MS = 0.001;

/** The whole trace. */
export const wholeTrace = (totalMs: number): TimeWindow => ({
  fromMs: 0,
  toMs: Math.max(totalMs, MIN_WINDOW_MS),
});

/** True when `window` shows all of a trace `totalMs` long (nothing is zoomed). */
export function isWholeTrace(window: TimeWindow, totalMs: number): boolean {
  const whole = wholeTrace(totalMs);
  return window.fromMs <= whole.fromMs && window.toMs >= whole.toMs;
}

/** `from`..`to` (either order) kept inside the trace and at least MIN_WINDOW_MS wide. */
export function windowOf(from: number, to: number, totalMs: number): TimeWindow {
  const whole = wholeTrace(totalMs);
  const width = Math.min(Math.max(Math.abs(to - from), MIN_WINDOW_MS), whole.toMs);
  const start = Math.min(Math.max(Math.min(from, to), 0), whole.toMs - width);
  return { fromMs: start, toMs: start + width };
}

/** The window `factor` times as wide (below 1 zooms in), about the same centre. */
export function zoomWindow(window: TimeWindow, factor: number, totalMs: number): TimeWindow {
  const centre = (window.fromMs + window.toMs) / 2;
  const half = ((window.toMs - window.fromMs) * factor) / 2;
  return windowOf(centre - half, centre + half, totalMs);
}

/** The window moved by `fraction` of its width (negative: earlier), stopping at the trace's ends. */
export function panWindow(window: TimeWindow, fraction: number, totalMs: number): TimeWindow {
  const shift = (window.toMs - window.fromMs) * fraction;
  return windowOf(window.fromMs + shift, window.toMs + shift, totalMs);
}

/**
 * The window as a page address keeps it (`#t=FROM-TO`, milliseconds from the trace's start), so a
 * zoomed waterfall can be reloaded or sent to someone as it is. Six decimals: a nanosecond.
 */
export function windowParam(window: TimeWindow): string {
  const ms = (value: number) => String(Number(value.toFixed(6)));
  return `${ms(window.fromMs)}-${ms(window.toMs)}`;
}

const WINDOW_PARAM = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/;

/**
 * The window a `windowParam` text names, kept inside this trace; undefined for any other text (an
 * address typed by hand, or one that names the whole trace), which then shows the whole trace.
 */
export function windowFromParam(text: string | null | undefined, totalMs: number): TimeWindow | undefined {
  const match = WINDOW_PARAM.exec(text ?? '');
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = Number(match[2]);
  if (!(to > from)) return undefined;
  const window = windowOf(from, to, totalMs);
  return isWholeTrace(window, totalMs) ? undefined : window;
}

/** A span's own stretch with a tenth of its length either side, so its edges show. */
export function spanWindow(startMs: number, durationMs: number, totalMs: number): TimeWindow {
  return windowOf(startMs - durationMs / 10, startMs + durationMs * 1.1, totalMs);
}

export interface AxisTick {
  /** Where the tick sits across the window, 0..1. */
  at: number;
  label: string;
}

/**
 * About `count` ticks (4 to 7) at round steps (1, 2 or 5 times a power of ten) inside the window, labelled
 * with as many decimals as the step needs, so two ticks never read the same.
 */
export function axisTicks(window: TimeWindow, count = 5): AxisTick[] {
  const width = window.toMs - window.fromMs;
  if (!(width > 0)) return [];
  const rough = width / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step =
    [1, 2, 5].map((multiple) => multiple * power).find((candidate) => candidate >= rough * 0.7) ?? 10 * power;
  const format = formatFor(window, step);
  const ticks: AxisTick[] = [];
  // Never before the trace's start (and not -0 at it).
  const first = Math.max(0, Math.ceil(window.fromMs / step - 1e-9));
  // Multiples of the step, not a running sum: 0.1 added ten times is not 1.
  for (let index = first; index * step <= window.toMs + step * 1e-9; index += 1) {
    const at = index * step;
    ticks.push({ at: (at - window.fromMs) / width, label: format(at) });
  }
  return ticks;
}

/** The window as "from – to", one decimal finer than its axis labels, for a zoomed page to say. */
export function windowLabel(window: TimeWindow, count = 5): string {
  const format = formatFor(window, (window.toMs - window.fromMs) / count / 10);
  return `${format(window.fromMs)} – ${format(window.toMs)}`;
}

/** Seconds once the window reaches 1 s, with as many decimals as a step of `stepMs` needs. */
function formatFor(window: TimeWindow, stepMs: number): (ms: number) => string {
  const seconds = window.toMs >= 1000;
  const step = seconds ? stepMs / 1000 : stepMs;
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
  return (ms) => `${(seconds ? ms / 1000 : ms).toFixed(decimals)} ${seconds ? 's' : 'ms'}`;
}
