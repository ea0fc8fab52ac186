/**
 * Draws a view model (src/views) into a page: the waterfall and the spec overlay as virtualised
 * rows (only the rows in sight are in the DOM, so a 10,000-span trace scrolls like a 10-span one),
 * the session as a strip of iterations. Text goes in through textContent only: span names and
 * attribute values come from whatever the traced code sent.
 */
import type {
  GhostRow,
  OverlayMark,
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

/** A session's status in words where its name alone would mislead (`spans_lost` is not a failure of the code). */
const STATUS_WORDS: Record<string, string> = {
  spans_lost: 'spans lost, not a regression',
  no_runs: 'no runs yet',
  no_spec: 'no spec',
};

function renderSession(root: HTMLElement, view: SessionStripView, options: RenderOptions): void {
  const summary = el(
    'p',
    'summary',
    `${view.projectName}${view.specName ? ` · spec ${view.specName}` : ''} · ${view.cells.length} iterations · `,
  );
  summary.append(el('span', `status status-${view.status}`, STATUS_WORDS[view.status] ?? view.status));
  root.append(el('h1', undefined, `Session ${view.sessionId}`), summary);
  const strip = el('ol', 'strip');
  strip.setAttribute('aria-label', 'iterations, oldest first');
  for (const cell of view.cells) {
    // Dashed whenever spans were lost, red or amber: the run is judged on less than it sent.
    const item = el('li', `cell ${cell.colour}${cell.lost.length > 0 ? ' spans-lost' : ''}`);
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
    const ofThem =
      cell.lost.length === 0
        ? ''
        : cell.lost.length === cell.violations
          ? ': spans lost'
          : `, ${cell.lost.length} of them spans lost`;
    item.append(
      el('div', 'cell-count', `${cell.violations} violation${cell.violations === 1 ? '' : 's'}${ofThem}`),
    );
    for (const fixed of cell.fixed) item.append(el('div', 'fixed', `fixed: ${fixed}`));
    for (const introduced of cell.introduced)
      item.append(el('div', 'introduced', `introduced: ${introduced}`));
    // Said as the text answer says it: telemetry lost on the way, not something the code broke.
    for (const lost of cell.lost) {
      const block = el('div', 'lost');
      block.append(
        el('div', 'lost-title', `spans lost${lost.service ? ` from ${lost.service}` : ''}, not a regression`),
        el('div', 'lost-why', `${lost.path} · ${lost.why}`),
      );
      item.append(block);
    }
    if (cell.notEvaluated > 0)
      item.append(
        el(
          'div',
          'not-evaluated',
          `${cell.notEvaluated} spec entr${cell.notEvaluated === 1 ? 'y' : 'ies'} not checked`,
        ),
      );
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
    const all: { violation: OverlayViolation; at?: string }[] = [];
    for (const row of rows) for (const violation of row.violations ?? []) all.push({ violation, at: row.id });
    all.push(...view.otherViolations.map((violation) => ({ violation })));
    // How many other rows each violation marks, so the list says what the waterfall shows.
    const marked = new Map<string, number>();
    for (const row of rows)
      for (const mark of ('ghost' in row ? [] : row.marks) ?? [])
        marked.set(markKey(mark), (marked.get(markKey(mark)) ?? 0) + 1);
    if (all.length > 0) {
      const list = el('ol', 'violations');
      list.setAttribute('aria-label', 'violations');
      for (const { violation, at } of all) {
        const item = el('li', 'violation');
        item.append(
          el('div', 'violation-message', `${violation.kind} · ${violation.path}: ${violation.message}`),
          el('div', 'fix', `fix: ${violation.fix}`),
        );
        const covers = marked.get(markKey({ kind: violation.kind, path: violation.path, at }));
        if (covers)
          item.append(el('div', 'covers', `marks ${covers} more span${covers === 1 ? '' : 's'} (↳)`));
        list.append(item);
      }
      root.append(list);
    }
  }

  const byId = new Map(rows.map((row) => [row.id, row]));
  const parentOf = (row: AnyRow) => (row.parentId !== undefined ? byId.get(row.parentId) : undefined);
  // The ×N runs holding a row a violation is on or points at, so a folded run does not hide them.
  const runsWithProblems = new Set<string>();
  for (const row of rows) {
    if (!row.violations?.length && !('marks' in row && row.marks)) continue;
    for (let at: AnyRow | undefined = row; at; at = parentOf(at))
      if (!('ghost' in at) && at.repeatOf !== undefined) runsWithProblems.add(at.repeatOf);
  }
  const expanded = new Set<string>();
  /** The row the keyboard is on (its id, so it survives opening and closing ×N runs). */
  let currentId: string | undefined;
  const body = el('div', 'waterfall-body');
  const scroller = el('div', 'scroller');
  // A listbox whose current row is its active descendant: the rows come and go as they scroll
  // (virtualised), so focus stays on the list and the arrow keys move the current row.
  scroller.setAttribute('role', 'listbox');
  scroller.setAttribute(
    'aria-label',
    'spans: arrow keys move, Enter shows details, right and left open and close a ×N run',
  );
  scroller.tabIndex = 0;
  const spacer = el('div', 'spacer');
  const layer = el('div', 'layer');
  spacer.append(layer);
  scroller.append(spacer);
  const details = el('aside', 'details');
  details.append(
    el(
      'p',
      'hint',
      'Click a span (or move to it with the arrow keys and press Enter) for its attributes, events and logs.',
    ),
  );
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
    // The active descendant must be an element that is there: scrolled out of sight, it is not.
    const at = visible.findIndex((row) => row.id === currentId);
    if (at >= from && at < to) scroller.setAttribute('aria-activedescendant', rowElementId(at));
    else scroller.removeAttribute('aria-activedescendant');
  };
  const drawRow = (row: AnyRow, index: number): HTMLElement => {
    const line = el('div', 'row');
    line.setAttribute('role', 'option');
    line.id = rowElementId(index);
    line.setAttribute('aria-selected', String(row.id === currentId));
    if (row.id === currentId) line.classList.add('current');
    line.style.top = `${index * ROW_HEIGHT}px`;
    line.dataset.id = row.id;
    if (row.parentId) line.dataset.parent = row.parentId;
    const label = el('div', 'label');
    label.style.paddingLeft = `${4 + Math.min(row.depth, 40) * 12}px`;
    const bar = el('div', 'track');
    line.addEventListener('click', () => {
      moveTo(index);
      openDetails(row);
    });
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
    if (row.marks) line.classList.add('marked');
    const dot = el('span', 'swatch');
    dot.style.background = colourOf(row.serviceIndex);
    label.append(dot);
    if (row.repeat !== undefined) {
      const toggle = el('button', 'repeat', expanded.has(row.id) ? `− ×${row.repeat}` : `+ ×${row.repeat}`);
      toggle.title = expanded.has(row.id) ? 'collapse the repeats' : `show all ${row.repeat}`;
      // For the mouse only: the keyboard opens a run with → / ← on its row, and a button that took
      // focus would be taken away by the redraw, leaving focus nowhere.
      toggle.tabIndex = -1;
      toggle.setAttribute('aria-hidden', 'true');
      toggle.addEventListener('mousedown', (event) => event.preventDefault());
      toggle.addEventListener('click', (event) => {
        event.stopPropagation();
        scroller.focus({ preventScroll: true });
        toggleRepeat(row, !expanded.has(row.id));
      });
      // What the hidden button shows, said in the row's name (an option cannot be aria-expanded).
      label.append(
        toggle,
        el(
          'span',
          'sr-only',
          expanded.has(row.id) ? `run of ${row.repeat}, open: ` : `run of ${row.repeat}, closed: `,
        ),
      );
    }
    label.append(el('span', 'name', row.name), el('span', 'service', row.service));
    if (row.entry) label.append(el('span', 'entry', `✓ ${row.entry}`));
    if (row.unexpected) label.append(el('span', 'entry unexpected-mark', 'unexpected'));
    if (row.repeat !== undefined && !expanded.has(row.id) && runsWithProblems.has(row.id))
      label.append(el('span', 'mark mark-inside', `⚠ in this run of ${row.repeat}`));
    for (const role of new Set(row.marks?.map((mark) => mark.role))) {
      const pointing = (row.marks ?? []).filter((mark) => mark.role === role);
      const chip = el('span', `mark mark-${role}`, `↳ ${MARK_WORDS[role]}`);
      chip.title = pointing.map((mark) => `${mark.kind} · ${mark.path}`).join('\n');
      label.append(chip);
    }
    const block = el('div', 'bar');
    const { fromMs, toMs } = axis.window();
    const width = toMs - fromMs;
    block.style.left = `${((row.startMs - fromMs) / width) * 100}%`;
    block.style.width = `max(1px, ${(row.durationMs / width) * 100}%)`;
    block.style.background = colourOf(row.serviceIndex);
    bar.append(block, el('span', 'duration', formatMs(row.durationMs)));
    line.append(label, bar);
    return line;
  };
  const openDetails = (row: AnyRow) => {
    if ('ghost' in row) return showGhostDetails(details, row);
    showDetails(
      details,
      row,
      view.logsCut,
      () => axis.show(spanWindow(row.startMs, row.durationMs, view.totalMs)),
      goTo,
    );
  };
  /** Makes the row `id` current, opening the ×N runs it is folded in, and shows its details. */
  const goTo = (id: string) => {
    const target = byId.get(id);
    if (!target) return;
    for (let row: AnyRow | undefined = target; row; row = parentOf(row))
      if (!('ghost' in row) && row.repeatOf !== undefined) expanded.add(row.repeatOf);
    recompute();
    moveTo(visible.indexOf(target));
    openDetails(target);
  };
  /** Makes visible[index] the current row, scrolled into sight. */
  const moveTo = (index: number) => {
    const row = visible[Math.max(0, Math.min(visible.length - 1, index))];
    if (!row) return;
    currentId = row.id;
    const at = visible.indexOf(row);
    const top = at * ROW_HEIGHT;
    const height = scroller.clientHeight || 600;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + height) scroller.scrollTop = top + ROW_HEIGHT - height;
    draw(true);
  };
  const toggleRepeat = (row: AnyRow, open: boolean) => {
    if ('ghost' in row || row.repeat === undefined || expanded.has(row.id) === open) return;
    if (open) expanded.add(row.id);
    else expanded.delete(row.id);
    recompute();
    moveTo(visible.indexOf(row));
  };
  scroller.addEventListener('keydown', (event) => {
    // Only keys on the list itself (its rows take no focus; their ×N buttons are for the mouse).
    if (event.target !== scroller) return;
    const at = visible.findIndex((row) => row.id === currentId);
    const page = Math.max(1, Math.floor((scroller.clientHeight || 600) / ROW_HEIGHT) - 1);
    const row = visible[at];
    const moves: Record<string, () => void> = {
      ArrowDown: () => moveTo(at + 1),
      ArrowUp: () => moveTo(at < 0 ? 0 : at - 1),
      PageDown: () => moveTo(at + page),
      PageUp: () => moveTo(at - page),
      Home: () => moveTo(0),
      End: () => moveTo(visible.length - 1),
      Enter: () => (row ? openDetails(row) : moveTo(0)),
      ' ': () => (row ? openDetails(row) : moveTo(0)),
      ArrowRight: () => row && toggleRepeat(row, true),
      ArrowLeft: () => row && toggleRepeat(row, false),
    };
    const move = moves[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    move();
  });
  recompute();
  scroller.addEventListener('scroll', () => draw(), { passive: true });
  draw(true);
  // The first draw ran before layout gave the scroller its height (and its scrollbar).
  requestAnimationFrame(() => {
    axis.alignWith(scroller);
    draw(true);
  });
}

/** The element id of the row drawn at `index`, for the list's aria-activedescendant. */
const rowElementId = (index: number) => `span-row-${index}`;

function table(title: string, pairs: [string, string][]): HTMLElement {
  const section = el('section');
  section.append(el('h3', undefined, title));
  const list = el('dl');
  for (const [key, value] of pairs) list.append(el('dt', undefined, key), el('dd', undefined, value));
  if (pairs.length === 0) list.append(el('dd', 'none', 'none'));
  section.append(list);
  return section;
}

/** A spec entry no span matched: what was expected where, and each fix. */
function showGhostDetails(panel: HTMLElement, row: GhostRow): void {
  panel.replaceChildren(
    el('h2', undefined, `missing: ${row.name}`),
    el('p', undefined, `${row.service ?? 'any service'} · expected ${row.expected}, found ${row.found}`),
    el('p', undefined, `spec entry: ${row.entry}`),
  );
  for (const violation of row.violations)
    panel.append(
      el('p', 'violation', `${violation.kind}: ${violation.message}`),
      el('p', 'fix', `fix: ${violation.fix}`),
    );
}

/** What a marked span is to the violation it points at, in a few words. */
const MARK_WORDS: Record<OverlayMark['role'], string> = {
  surplus: 'one too many',
  same_rule: 'breaks the same rule',
  error_origin: 'failure starts here',
  nearest: 'nearest to a missing span',
  beneath_lost: 'beneath lost spans',
};

/** A violation as a mark names it: kind, path and the row it is shown on. */
const markKey = (mark: Pick<OverlayMark, 'kind' | 'path' | 'at'>) =>
  `${mark.kind}\u0000${mark.path}\u0000${mark.at ?? ''}`;

function showDetails(
  panel: HTMLElement,
  row: OverlayRow,
  cut: LogsCut | undefined,
  zoomToSpan: () => void,
  goTo: (id: string) => void,
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
  // A pointer to the violation on its own row, not the violation again.
  for (const mark of row.marks ?? []) {
    const line = el('p', 'mark-detail', `↳ ${MARK_WORDS[mark.role]}: ${mark.kind} · ${mark.path}`);
    const at = mark.at;
    if (at !== undefined) {
      const go = el('button', 'go-to-violation', 'show the violation');
      go.type = 'button';
      go.addEventListener('click', () => goTo(at));
      line.append(' ', go);
    }
    panel.append(line);
  }
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
