/**
 * Draws a view model (src/views) into a page: the waterfall and the spec overlay as virtualised
 * rows (only the rows in sight are in the DOM, so a 10,000-span trace scrolls like a 10-span one),
 * the session as a strip of iterations. Text goes in through textContent only: span names and
 * attribute values come from whatever the traced code sent.
 */
import type {
  GhostRow,
  OverlayRow,
  OverlayViolation,
  SessionStripView,
  LogsCut,
  SpecOverlayView,
  TimeWindow,
  ViewModel,
  WaterfallView,
} from '../views/index.js';
import { isWholeTrace, spanWindow } from '../views/index.js';
import { timeAxis } from './time-axis.js';

export const ROW_HEIGHT = 22;
/** Rows drawn beyond the visible ones on each side, so a fast scroll does not show blanks. */
const OVERSCAN = 20;

type AnyRow = OverlayRow | GhostRow;

export interface RenderOptions {
  /** Where a trace id links to (the web page's /trace/ID, or a host tool call in the MCP App). */
  traceLink?: (traceId: string) => string | undefined;
  onOpenTrace?: (traceId: string) => void;
  /** The zoom a waterfall opens at (the web page's `#t=` address); the whole trace when absent. */
  window?: TimeWindow;
  /** Told each new zoom, undefined once the whole trace shows again (the web page keeps it in its address). */
  onWindowChange?: (window: TimeWindow | undefined) => void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function renderView(root: HTMLElement, view: ViewModel, options: RenderOptions = {}): void {
  root.replaceChildren();
  if (view.kind === 'session') renderSession(root, view, options);
  else renderTrace(root, view, options);
}

function renderSession(root: HTMLElement, view: SessionStripView, options: RenderOptions): void {
  root.append(
    el('h1', undefined, `Session ${view.sessionId}`),
    el(
      'p',
      'summary',
      `${view.projectName}${view.specName ? ` · spec ${view.specName}` : ''} · ${view.cells.length} iterations · ${view.status}`,
    ),
  );
  const strip = el('ol', 'strip');
  strip.setAttribute('aria-label', 'iterations, oldest first');
  for (const cell of view.cells) {
    const item = el('li', `cell ${cell.colour}`);
    item.dataset.verdict = cell.verdict;
    item.append(el('div', 'cell-title', `#${cell.number} ${cell.verdict}`));
    if (cell.score !== undefined)
      item.append(
        el(
          'div',
          'cell-score',
          `score ${Math.round(cell.score * 100)}%${cell.checks ? ` (${cell.checks.passed}/${cell.checks.total})` : ''}`,
        ),
      );
    item.append(el('div', 'cell-count', `${cell.violations} violation${cell.violations === 1 ? '' : 's'}`));
    for (const fixed of cell.fixed) item.append(el('div', 'fixed', `fixed: ${fixed}`));
    for (const introduced of cell.introduced)
      item.append(el('div', 'introduced', `introduced: ${introduced}`));
    if (cell.traceId) {
      const href = options.traceLink?.(cell.traceId);
      const link = el('a', 'cell-trace', `trace ${cell.traceId.slice(0, 8)}`);
      if (href) link.href = href;
      else link.href = '#';
      if (options.onOpenTrace) {
        const id = cell.traceId;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          options.onOpenTrace?.(id);
        });
      }
      item.append(link);
    }
    strip.append(item);
  }
  root.append(strip);
}

function renderTrace(root: HTMLElement, view: WaterfallView | SpecOverlayView, options: RenderOptions): void {
  const rows = view.rows as AnyRow[];
  const header = el('header');
  if (view.kind === 'overlay') {
    header.append(
      el('h1', undefined, `Trace ${view.traceId} against spec ${view.specName}`),
      el(
        'p',
        `summary ${view.matches ? 'pass' : 'fail'}`,
        `${view.matches ? 'matches' : 'does not match'} · score ${Math.round(view.score * 100)}% (${view.checks.passed}/${view.checks.total} checks) · ${view.spanCount} spans · ${formatMs(view.totalMs)}`,
      ),
    );
  } else {
    header.append(
      el('h1', undefined, `Trace ${view.traceId}`),
      el('p', 'summary', `${view.spanCount} spans · ${formatMs(view.totalMs)}`),
    );
  }
  const legend = el('ul', 'legend');
  for (const service of view.services) {
    const item = el('li', undefined, service.name);
    const swatch = el('span', 'swatch');
    swatch.style.background = service.colour;
    item.prepend(swatch);
    legend.append(item);
  }
  header.append(legend);
  root.append(header);

  if (view.kind === 'overlay') {
    const all: OverlayViolation[] = [];
    for (const row of rows) if (row.violations) all.push(...row.violations);
    all.push(...view.otherViolations);
    if (all.length > 0) {
      const list = el('ol', 'violations');
      list.setAttribute('aria-label', 'violations');
      for (const violation of all) {
        const item = el('li', 'violation');
        item.append(
          el('div', 'violation-message', `${violation.kind} · ${violation.path}: ${violation.message}`),
          el('div', 'fix', `fix: ${violation.fix}`),
        );
        list.append(item);
      }
      root.append(list);
    }
  }

  const expanded = new Set<string>();
  const body = el('div', 'waterfall-body');
  const scroller = el('div', 'scroller');
  scroller.setAttribute('role', 'list');
  scroller.tabIndex = 0;
  const spacer = el('div', 'spacer');
  const layer = el('div', 'layer');
  spacer.append(layer);
  scroller.append(spacer);
  const details = el('aside', 'details');
  details.append(el('p', 'hint', 'Click a span for its attributes, events and logs.'));
  // Zooming redraws the rows in sight with bars scaled to the new window; the list stays whole.
  const axis = timeAxis(
    view.totalMs,
    (window) => {
      draw(true);
      options.onWindowChange?.(isWholeTrace(window, view.totalMs) ? undefined : window);
    },
    options.window,
  );
  const main = el('div', 'waterfall-main');
  main.append(axis.element, scroller);
  body.append(main, details);
  root.append(body);

  let visible: AnyRow[] = [];
  const recompute = () => {
    visible = [];
    let skipBelow = -1;
    for (const row of rows) {
      if (skipBelow >= 0) {
        if (row.depth > skipBelow) continue;
        skipBelow = -1;
      }
      if (!('ghost' in row) && row.repeatOf !== undefined && !expanded.has(row.repeatOf)) {
        skipBelow = row.depth;
        continue;
      }
      visible.push(row);
    }
    spacer.style.height = `${visible.length * ROW_HEIGHT}px`;
  };
  const colourOf = (index: number) => view.services[index]?.colour ?? '#888';
  let drawnFrom = -1;
  let drawnTo = -1;
  const draw = (force = false) => {
    const from = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const to = Math.min(
      visible.length,
      Math.ceil((scroller.scrollTop + (scroller.clientHeight || 600)) / ROW_HEIGHT) + OVERSCAN,
    );
    if (!force && from === drawnFrom && to === drawnTo) return;
    drawnFrom = from;
    drawnTo = to;
    const fragment = document.createDocumentFragment();
    for (let index = from; index < to; index += 1) fragment.append(drawRow(visible[index] as AnyRow, index));
    layer.replaceChildren(fragment);
  };
  const drawRow = (row: AnyRow, index: number): HTMLElement => {
    const line = el('div', 'row');
    line.setAttribute('role', 'listitem');
    line.style.top = `${index * ROW_HEIGHT}px`;
    line.dataset.id = row.id;
    if (row.parentId) line.dataset.parent = row.parentId;
    const label = el('div', 'label');
    label.style.paddingLeft = `${4 + Math.min(row.depth, 40) * 12}px`;
    const bar = el('div', 'track');
    if ('ghost' in row) {
      line.classList.add('ghost');
      line.dataset.entry = row.entry;
      label.append(
        el('span', 'name', `missing: ${row.name}`),
        el('span', 'service', row.service ?? 'any service'),
        el('span', 'entry', `expected ${row.expected}, found ${row.found}`),
      );
      line.title = row.violations.map((violation) => `fix: ${violation.fix}`).join('\n');
      line.append(label, bar);
      return line;
    }
    if (row.error) line.classList.add('error');
    if (row.critical) line.classList.add('critical');
    if (row.unexpected) line.classList.add('unexpected');
    if (row.violations) line.classList.add('violated');
    const dot = el('span', 'swatch');
    dot.style.background = colourOf(row.serviceIndex);
    label.append(dot);
    if (row.repeat !== undefined) {
      const toggle = el('button', 'repeat', expanded.has(row.id) ? `− ×${row.repeat}` : `+ ×${row.repeat}`);
      toggle.title = expanded.has(row.id) ? 'collapse the repeats' : `show all ${row.repeat}`;
      toggle.addEventListener('click', (event) => {
        event.stopPropagation();
        if (expanded.has(row.id)) expanded.delete(row.id);
        else expanded.add(row.id);
        recompute();
        draw(true);
      });
      label.append(toggle);
    }
    label.append(el('span', 'name', row.name), el('span', 'service', row.service));
    if (row.entry) label.append(el('span', 'entry', `✓ ${row.entry}`));
    if (row.unexpected) label.append(el('span', 'entry unexpected-mark', 'unexpected'));
    const block = el('div', 'bar');
    const { fromMs, toMs } = axis.window();
    const width = toMs - fromMs;
    block.style.left = `${((row.startMs - fromMs) / width) * 100}%`;
    block.style.width = `max(1px, ${(row.durationMs / width) * 100}%)`;
    block.style.background = colourOf(row.serviceIndex);
    bar.append(block, el('span', 'duration', formatMs(row.durationMs)));
    line.append(label, bar);
    line.addEventListener('click', () =>
      showDetails(details, row, view.logsCut, () =>
        axis.show(spanWindow(row.startMs, row.durationMs, view.totalMs)),
      ),
    );
    return line;
  };
  recompute();
  scroller.addEventListener('scroll', () => draw(), { passive: true });
  draw(true);
  // The first draw ran before layout gave the scroller its height (and its scrollbar).
  requestAnimationFrame(() => {
    axis.alignWith(scroller);
    draw(true);
  });
}

function table(title: string, pairs: [string, string][]): HTMLElement {
  const section = el('section');
  section.append(el('h3', undefined, title));
  const list = el('dl');
  for (const [key, value] of pairs) list.append(el('dt', undefined, key), el('dd', undefined, value));
  if (pairs.length === 0) list.append(el('dd', 'none', 'none'));
  section.append(list);
  return section;
}

function showDetails(
  panel: HTMLElement,
  row: OverlayRow,
  cut: LogsCut | undefined,
  zoomToSpan: () => void,
): void {
  panel.replaceChildren(
    el('h2', undefined, row.name),
    el(
      'p',
      undefined,
      `${row.service} · ${row.details.kind} · ${formatMs(row.durationMs)} at +${formatMs(row.startMs)}${row.details.status ? ` · ${row.details.status}` : ''}`,
    ),
  );
  // One click to the span's own stretch of the axis, instead of aiming a drag at a sliver.
  const zoom = el('button', 'zoom-to-span', 'zoom to this span');
  zoom.type = 'button';
  zoom.addEventListener('click', zoomToSpan);
  panel.append(zoom);
  for (const violation of row.violations ?? [])
    panel.append(
      el('p', 'violation', `${violation.kind}: ${violation.message}`),
      el('p', 'fix', `fix: ${violation.fix}`),
    );
  panel.append(table('Attributes', row.details.attributes));
  const events = el('section');
  events.append(el('h3', undefined, 'Events'));
  for (const event of row.details.events)
    events.append(table(`${event.name} at +${formatMs(event.atMs)}`, event.attributes));
  if (row.details.events.length === 0) events.append(el('p', 'none', 'none'));
  panel.append(events);
  // Only where records came with the span: no section is not the same as "logged nothing".
  const logs = row.details.logs;
  // A span running past the last record read may have logged more, or logged only after it.
  const cutHere = cut !== undefined && row.startMs + row.durationMs >= cut.fromMs;
  if (logs || cutHere) {
    const section = el('section', 'logs');
    section.append(el('h3', undefined, 'Logs'));
    for (const log of logs?.logs ?? [])
      section.append(
        table(`${log.severity} at +${formatMs(log.atMs)}`, [['body', log.body], ...log.attributes]),
      );
    if (logs && logs.omitted > 0) section.append(el('p', 'none', `and ${logs.omitted} more`));
    if (cut && cutHere)
      section.append(
        el(
          'p',
          'logs-cut',
          `Logs after +${formatMs(cut.fromMs)} not loaded: the trace has more log records than the ${cut.loaded.toLocaleString('en')} read for this picture.`,
        ),
      );
    panel.append(section);
  }
  panel.append(table('Resource', row.details.resource), el('p', 'scope', `scope ${row.details.scope}`));
}
