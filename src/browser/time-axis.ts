/**
 * The waterfall's time axis and its zoom: labels for the window in sight, a drag across the axis to
 * show just that stretch, and buttons (and keys on the focused axis) to zoom in, out, pan and reset.
 * On a long trace a 2 ms span is a sliver; zoomed to its neighbourhood it is a bar one can read.
 * The axis only keeps the window and says when it changed; the rows redraw their bars from it.
 */
import {
  axisTicks,
  isWholeTrace,
  panWindow,
  wholeTrace,
  windowLabel,
  windowOf,
  zoomWindow,
  type TimeWindow,
} from '../views/index.js';

/** A drag shorter than this is a click, not a window. */
const MIN_DRAG_PX = 4;

export interface TimeAxis {
  /** The row above the waterfall: zoom controls where the labels column is, the axis over the bars. */
  element: HTMLElement;
  window(): TimeWindow;
  show(window: TimeWindow): void;
  /** Lines the axis up with the rows below when their scroller shows a scrollbar. */
  alignWith(scroller: HTMLElement): void;
}

function button(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = document.createElement('button');
  node.type = 'button';
  node.textContent = text;
  node.title = title;
  node.setAttribute('aria-label', title);
  node.addEventListener('click', onClick);
  return node;
}

export function timeAxis(
  totalMs: number,
  onChange: (window: TimeWindow) => void,
  initial: TimeWindow = wholeTrace(totalMs),
): TimeAxis {
  let current = initial;
  const element = document.createElement('div');
  element.className = 'axis-row';
  const controls = document.createElement('div');
  controls.className = 'zoom';
  const shown = document.createElement('span');
  shown.className = 'zoom-window';
  const axis = document.createElement('div');
  axis.className = 'axis';
  axis.tabIndex = 0;
  axis.setAttribute('role', 'slider');
  axis.setAttribute(
    'aria-label',
    'time axis: drag across it to zoom to that stretch; + and − zoom, arrows pan, 0 shows the whole trace',
  );
  const ticks = document.createElement('div');
  ticks.className = 'ticks';
  const selection = document.createElement('div');
  selection.className = 'axis-selection';
  selection.hidden = true;
  axis.append(ticks, selection);

  const paint = () => {
    const zoomed = !isWholeTrace(current, totalMs);
    element.classList.toggle('zoomed', zoomed);
    reset.disabled = !zoomed;
    const labels = axisTicks(current);
    shown.textContent = zoomed ? windowLabel(current) : '';
    axis.setAttribute('aria-valuetext', zoomed ? `showing ${shown.textContent}` : 'the whole trace');
    ticks.replaceChildren(
      ...labels.map((tick) => {
        const mark = document.createElement('span');
        // Near the right edge the label goes left of its mark, or the axis would cut it off.
        mark.className = tick.at > 0.9 ? 'tick tick-end' : 'tick';
        mark.style.left = `${tick.at * 100}%`;
        mark.textContent = tick.label;
        return mark;
      }),
    );
  };
  const show = (window: TimeWindow) => {
    current = window;
    paint();
    onChange(current);
  };
  const reset = button('Reset', 'show the whole trace', () => show(wholeTrace(totalMs)));
  controls.append(
    button('−', 'zoom out', () => show(zoomWindow(current, 2, totalMs))),
    button('+', 'zoom in', () => show(zoomWindow(current, 0.5, totalMs))),
    reset,
    shown,
  );
  element.append(controls, axis);
  paint();

  axis.addEventListener('keydown', (event) => {
    const keys: Record<string, () => TimeWindow> = {
      '+': () => zoomWindow(current, 0.5, totalMs),
      '=': () => zoomWindow(current, 0.5, totalMs),
      '-': () => zoomWindow(current, 2, totalMs),
      '0': () => wholeTrace(totalMs),
      ArrowLeft: () => panWindow(current, -0.25, totalMs),
      ArrowRight: () => panWindow(current, 0.25, totalMs),
    };
    const next = keys[event.key];
    if (!next) return;
    event.preventDefault();
    show(next());
  });

  // Drag across the axis: the stretch between press and release becomes the window.
  let dragFrom: number | undefined;
  const msAt = (clientX: number) => {
    const box = axis.getBoundingClientRect();
    const fraction = Math.min(Math.max((clientX - box.left) / (box.width || 1), 0), 1);
    return { x: fraction * box.width, ms: current.fromMs + fraction * (current.toMs - current.fromMs) };
  };
  axis.addEventListener('pointerdown', (event) => {
    dragFrom = event.clientX;
    axis.setPointerCapture(event.pointerId);
  });
  axis.addEventListener('pointermove', (event) => {
    if (dragFrom === undefined) return;
    const a = msAt(dragFrom).x;
    const b = msAt(event.clientX).x;
    selection.hidden = false;
    selection.style.left = `${Math.min(a, b)}px`;
    selection.style.width = `${Math.abs(b - a)}px`;
  });
  const finish = (event: PointerEvent) => {
    if (dragFrom === undefined) return;
    const from = dragFrom;
    dragFrom = undefined;
    selection.hidden = true;
    if (Math.abs(event.clientX - from) < MIN_DRAG_PX) return;
    show(windowOf(msAt(from).ms, msAt(event.clientX).ms, totalMs));
  };
  axis.addEventListener('pointerup', finish);
  axis.addEventListener('pointercancel', () => {
    dragFrom = undefined;
    selection.hidden = true;
  });

  return {
    element,
    window: () => current,
    show,
    alignWith: (scroller) => {
      const scrollbar = scroller.offsetWidth - scroller.clientWidth - 2 * scroller.clientLeft;
      element.style.paddingRight = `${Math.max(0, scrollbar)}px`;
    },
  };
}
