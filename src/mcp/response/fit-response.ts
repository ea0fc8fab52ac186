/**
 * The response layer: fits a handler's draft to the call's budget, pages cut lists with one cursor,
 * and renders the text and the structured answer from the same rows. Every tool answers through
 * here, so "what was cut" is written one way: `truncated: { <list>: <count> }` with `next_cursor`
 * (rows cut for size) or `next` (rows past a limit the caller set).
 */
import { invalidArgument } from '../../model/errors.js';
import { jsonSize, type OutputBudget } from '../output-budget.js';
import type { ToolOutput } from '../tool-definition.js';
import type { BlockFit, FittedBlock, ListSection, OtherCut, ResponseDraft } from './response-draft.js';
import { encodeResponseCursor, listFingerprint, type ResponseCursor } from './response-cursor.js';

/** Room for the layer's fixed wording: the continued-page line, "Cut for size: … call … again". */
const LAYER_WORDING_CHARS = 300;
/** Lists a continued page's first line names (`Continued page: violations 41–80 of 200, …`). */
const CONTINUED_LISTS_NAMED = 3;
/** That line's words and `and N more lists`, and at most what it says of one list. */
const CONTINUED_LINE_CHARS = 40;
const CONTINUED_LIST_CHARS = 60;

export interface PageRequest {
  tool: string;
  /** Fingerprint of the call's arguments, carried by the cursor this page may issue. */
  args: string;
  /** The clock the answer was computed at (a continued page keeps the first page's). */
  now: Date;
  /** The cursor this call came with, already checked against tool and arguments. */
  cursor?: ResponseCursor;
  /**
   * Whether calling the tool again with the same arguments is harmless (read-only or idempotent).
   * Only then does a cut list get a cursor; otherwise its `elsewhere` says where to read the rest.
   */
  repeatable: boolean;
  /** Whether the tool takes budget_tokens: the hints name it only then (else the server setting). */
  takesBudget?: boolean;
}

/** The line of a row the text leaves out (`inText`); a shown row's line is never empty. */
const HIDDEN = '';

interface PlannedList {
  section: ListSection;
  lines: string[];
  start: number;
  shown: number;
}

export function fitResponse(
  draft: ResponseDraft<object>,
  budget: OutputBudget,
  page: PageRequest,
): ToolOutput<Record<string, unknown>> {
  const lists = (draft.lists ?? []).map((section, index) => planList(section, index, page.cursor));
  if (page.cursor?.lists.some((list) => list.index >= lists.length))
    throw invalidArgument(
      'cursor is not one this server issued',
      'pass the next_cursor of the previous answer',
    );
  // A block is the first page's (a spec, a waterfall): a continued page is the rest of the lists.
  const blockDraft = page.cursor ? undefined : draft.block;
  const fixedText = [...draft.lead, ...(draft.notes ?? []), draft.next ?? ''].join('\n').length;
  // What the layer itself will write is paid for before the lists share the rest: the lines for
  // rows past a limit (text and `next`), and, when anything may be cut, the cursor twice (in the
  // text and as next_cursor) and a count per list.
  const pastLimit = pastLimitCost(lists, draft);
  // A continued page also says where each list resumes, in its first line and in `offsets`.
  const continued = page.cursor ? continuedCost(page.cursor, lists) : 0;
  const partNotes = lists.reduce(
    (sum, list) => sum + (list.section.partNote === undefined ? 0 : list.section.partNote.length + 1),
    0,
  );
  const room =
    budget.chars -
    fixedText -
    jsonSize(draft.fields) -
    LAYER_WORDING_CHARS -
    2 * pastLimit -
    continued -
    partNotes;
  // Only lists with rows left can be cut: each adds to the cursor and gets a count in `truncated`.
  const open = lists.filter((list) => list.start < list.lines.length);
  const cursorCost =
    2 * cursorLengthFor(lists, page) + open.reduce((sum, list) => sum + list.section.key.length + 20, 0);
  // A block that claims first is fitted to the whole room; one that claims last keeps back what
  // its smallest form costs (fitted to nothing: a line saying it was left out), then gets what
  // the lists leave.
  // A first block leaves the row a page always shows, and the cursor that row may need.
  const need = totalNeed(lists);
  const first =
    blockDraft?.claim === 'first'
      ? fitBlock(blockDraft, Math.max(0, room - (need > 0 ? forcedRowCost(lists) + cursorCost : 0)), draft)
      : undefined;
  const floor = blockDraft?.claim === 'last' ? fitBlock(blockDraft, 0, draft).cost : 0;
  const listRoom = room - (first?.cost ?? 0) - floor;
  const cutsSome = need > listRoom;
  allocate(lists, Math.max(0, cutsSome ? listRoom - cursorCost : listRoom));
  const last =
    blockDraft?.claim === 'last'
      ? fitBlock(
          blockDraft,
          Math.max(0, listRoom - shownCost(lists) - (cutsSome ? cursorCost : 0)) + floor,
          draft,
        )
      : undefined;
  const block = first ?? last;
  const cuts = { ...draft.cuts, ...block?.cuts };
  const next = block?.next ?? draft.next;

  const truncated: Record<string, number> = {};
  const cursorLists: ResponseCursor['lists'] = [];
  const beyondNext = new Set<string>();
  for (const list of lists) {
    const cut = list.lines.length - list.start - list.shown;
    const beyond = list.section.beyond?.count ?? 0;
    if (cut + beyond > 0) truncated[list.section.key] = cut + beyond;
    if (cut > 0 && page.repeatable)
      cursorLists.push({
        index: lists.indexOf(list),
        offset: list.start + list.shown,
        fingerprint: listFingerprint(list.lines),
      });
    if (cut > 0 && !page.repeatable) beyondNext.add(elsewhereOf(list.section, page));
    if (beyond > 0 && list.section.beyond) beyondNext.add(list.section.beyond.next);
  }
  for (const [key, cut] of Object.entries(cuts)) {
    if (cut.count > 0) {
      // Added to a list's own count when a handler names its cut after a list.
      truncated[key] = (truncated[key] ?? 0) + cut.count;
      beyondNext.add(cut.next);
    }
  }
  const nextCursor =
    cursorLists.length > 0
      ? encodeResponseCursor({
          tool: page.tool,
          args: page.args,
          now: page.now.getTime(),
          lists: cursorLists,
        })
      : undefined;
  const offsets = page.cursor
    ? Object.fromEntries(
        page.cursor.lists.map((continued) => [lists[continued.index]!.section.key, continued.offset]),
      )
    : undefined;

  const structured: Record<string, unknown> = { ...draft.fields, ...block?.fields };
  for (const list of lists) {
    const rows = list.section.rows.slice(list.start, list.start + list.shown);
    const parent = list.section.parent;
    if (parent === undefined) structured[list.section.key] = rows;
    else structured[parent] = { ...(structured[parent] as object), [list.section.key]: rows };
  }
  if (Object.keys(truncated).length > 0) structured.truncated = truncated;
  if (nextCursor) structured.next_cursor = nextCursor;
  if (beyondNext.size > 0) structured.next = [...beyondNext].join('; ');
  if (offsets && Object.keys(offsets).length > 0) structured.offsets = offsets;

  const text = [
    ...(page.cursor ? [continuedLine(lists)] : []),
    ...draft.lead,
    ...lists.flatMap(listText),
    ...(block?.lines ?? []),
    ...(draft.notes ?? []),
    ...cutLines(page, lists, cuts, nextCursor),
    ...(next ? [`Next: ${next}`] : []),
  ];
  return { structured, text: text.join('\n') };
}

/**
 * What the lines for rows past a limit cost, once in the text and once in the structured answer:
 * each distinct `next` (in the text's line and in `next`), and per list or handler cut its name
 * and count (`9904 more critical_path_steps, ` in the text, `"critical_path_steps":9904,` in
 * `truncated`).
 */
function pastLimitCost(lists: PlannedList[], draft: ResponseDraft<object>): number {
  const named = [
    ...lists.flatMap((list) =>
      list.section.beyond ? [{ key: list.section.key, next: list.section.beyond.next }] : [],
    ),
    ...Object.entries(draft.cuts ?? {}).map(([key, cut]) => ({ key, next: cut.next })),
  ];
  const nexts = new Set(named.map((item) => item.next));
  return [...nexts].join('; ').length + named.reduce((sum, item) => sum + item.key.length + 16, 0);
}

/**
 * A block fitted to `chars`, with what it costs: its lines and fields, and for each cut it reports
 * the count in `truncated` and its `next`, twice when the text does not already say it.
 */
function fitBlock(
  block: FittedBlock,
  chars: number,
  draft: ResponseDraft<object>,
): BlockFit & { cost: number } {
  const fit = block.fit(chars);
  const cutCost = Object.entries(fit.cuts ?? {}).reduce(
    (sum, [key, cut]) => sum + key.length + 16 + cut.next.length * (cut.saidInText ? 1 : 2),
    0,
  );
  // Its `next` replaces the draft's, which the fixed text already paid for.
  const nextCost = Math.max(0, (fit.next?.length ?? 0) - (draft.next?.length ?? 0));
  return { ...fit, cost: fit.lines.join('\n').length + 1 + jsonSize(fit.fields ?? {}) + cutCost + nextCost };
}

/** The row `allocate` shows even when no room is left: the first remaining row of the first list with any. */
function forcedRowCost(lists: PlannedList[]): number {
  const list = lists.find((item) => item.start < item.lines.length);
  return list ? (list.section.heading?.length ?? 0) + 1 + rowCost(list, list.start) : 0;
}

/** What the rows and headings a page shows cost. */
function shownCost(lists: PlannedList[]): number {
  let cost = 0;
  for (const list of lists) {
    if (list.shown > 0 && list.section.heading) cost += list.section.heading.length + 1;
    for (let index = list.start; index < list.start + list.shown; index += 1) cost += rowCost(list, index);
  }
  return cost;
}

/** What every remaining row of every list would cost, shown whole. */
function totalNeed(lists: PlannedList[]): number {
  let need = 0;
  for (const list of lists) {
    if (list.start < list.lines.length && list.section.heading) need += list.section.heading.length + 1;
    for (let index = list.start; index < list.lines.length; index += 1) need += rowCost(list, index);
  }
  return need;
}

/** A row's text line and newline (none for a row the text leaves out), and its structured item and comma. */
function rowCost(list: PlannedList, index: number): number {
  const line = list.lines[index]!;
  return (line === HIDDEN ? 0 : line.length + 1) + jsonSize(list.section.rows[index]) + 1;
}

/** The length of the longest cursor this page could issue: every list cut, at its largest offset. */
function cursorLengthFor(lists: PlannedList[], page: PageRequest): number {
  if (!page.repeatable) return 0;
  return encodeResponseCursor({
    tool: page.tool,
    args: page.args,
    now: page.now.getTime(),
    lists: lists
      .map((list, index) => ({ index, offset: list.lines.length, fingerprint: 'x'.repeat(8), list }))
      .filter((item) => item.list.start < item.list.lines.length)
      .map(({ index, offset, fingerprint }) => ({ index, offset, fingerprint })),
  }).length;
}

/**
 * What a continued page says of where each list resumes: its first line, and per list the cursor
 * names an entry in `offsets` (`"violations":40,`).
 */
function continuedCost(cursor: ResponseCursor, lists: PlannedList[]): number {
  const line =
    CONTINUED_LINE_CHARS + Math.min(cursor.lists.length, CONTINUED_LISTS_NAMED) * CONTINUED_LIST_CHARS;
  return cursor.lists.reduce((sum, continued) => sum + lists[continued.index]!.section.key.length + 12, line);
}

/**
 * A list as this page sees it. On a continued page, a list the cursor does not name was shown whole
 * already, so it starts past its end; a named list starts where the last page stopped, provided it
 * is still the list that page cut.
 */
function planList(section: ListSection, index: number, cursor: ResponseCursor | undefined): PlannedList {
  const lines = section.rows.map((row) => (section.inText?.(row) === false ? HIDDEN : section.line(row)));
  if (!cursor) return { section, lines, start: 0, shown: 0 };
  const continued = cursor.lists.find((list) => list.index === index);
  if (!continued) return { section, lines, start: lines.length, shown: 0 };
  if (continued.offset > lines.length || listFingerprint(lines) !== continued.fingerprint)
    throw invalidArgument(
      `the ${section.key} this cursor pages have changed since it was issued (new data arrived)`,
      'call again without cursor for a fresh first page',
    );
  return { section, lines, start: continued.offset, shown: 0 };
}

/**
 * Shares the room among the lists by weight, giving a list that needs less than its share only what
 * it needs and passing the rest on (max-min fairness), then keeps each list's longest prefix that
 * fits. The first list with rows left always shows one, so following the cursor always ends.
 */
function allocate(lists: PlannedList[], room: number): void {
  const needs = lists.map((list) => {
    let need = list.section.heading ? list.section.heading.length + 1 : 0;
    for (let index = list.start; index < list.lines.length; index += 1) need += rowCost(list, index);
    return list.start < list.lines.length ? need : 0;
  });
  const allowance = lists.map(() => 0);
  let open = lists.map((_, index) => index).filter((index) => needs[index]! > 0);
  let left = room;
  while (open.length > 0) {
    const weights = open.reduce((sum, index) => sum + (lists[index]!.section.weight ?? 1), 0);
    const satisfied = open.filter(
      (index) => needs[index]! <= (left * (lists[index]!.section.weight ?? 1)) / weights,
    );
    if (satisfied.length === 0) {
      for (const index of open) allowance[index] = (left * (lists[index]!.section.weight ?? 1)) / weights;
      break;
    }
    for (const index of satisfied) {
      allowance[index] = needs[index]!;
      left -= needs[index]!;
    }
    open = open.filter((index) => !satisfied.includes(index));
  }
  let progressed = false;
  lists.forEach((list, listIndex) => {
    let used = list.section.heading ? list.section.heading.length + 1 : 0;
    for (let index = list.start; index < list.lines.length; index += 1) {
      const next = used + rowCost(list, index);
      if (next > allowance[listIndex]! && (progressed || list.shown > 0)) break;
      used = next;
      list.shown += 1;
      progressed = true;
      if (used > allowance[listIndex]!) break;
    }
  });
}

function elsewhereOf(section: ListSection, page: PageRequest): string {
  return section.elsewhere ?? `${largerBudget(page)} shows them`;
}

/** What gives an answer more room: the call's budget_tokens, or for a tool without one the server's setting. */
function largerBudget(page: PageRequest): string {
  return page.takesBudget === false
    ? 'a larger mcp.output_budget_tokens in the server config'
    : 'a larger budget_tokens';
}

function listText(list: PlannedList): string[] {
  const lines = list.lines.slice(list.start, list.start + list.shown).filter((line) => line !== HIDDEN);
  if (lines.length === 0) return [];
  const part = list.start > 0 || list.start + list.shown < list.lines.length;
  return [
    ...(list.section.heading ? [list.section.heading] : []),
    ...lines,
    ...(part && list.section.partNote ? [list.section.partNote] : []),
  ];
}

function continuedLine(lists: PlannedList[]): string {
  const parts = lists
    .filter((list) => list.shown > 0)
    .map(
      (list) => `${list.section.key} ${list.start + 1}–${list.start + list.shown} of ${list.lines.length}`,
    );
  const named = parts.slice(0, CONTINUED_LISTS_NAMED).join(', ');
  const more =
    parts.length > CONTINUED_LISTS_NAMED ? ` and ${parts.length - CONTINUED_LISTS_NAMED} more lists` : '';
  return `Continued page: ${named || 'nothing left'}${more}.`;
}

function cutLines(
  page: PageRequest,
  lists: PlannedList[],
  cuts: Record<string, OtherCut>,
  nextCursor: string | undefined,
): string[] {
  const lines: string[] = [];
  const cutForSize = lists
    .map((list) => ({ key: list.section.key, cut: list.lines.length - list.start - list.shown }))
    .filter((item) => item.cut > 0);
  if (nextCursor)
    lines.push(
      `Cut for size: ${cutSummary(cutForSize)}. The rest: call ${page.tool} again with the same arguments and cursor="${nextCursor}" (or ${largerBudget(page)}).`,
    );
  else {
    // Lists read again in the same place (an embedded comparison's) share one line.
    const byPlace = new Map<string, string[]>();
    for (const item of cutForSize) {
      const place = elsewhereOf(lists.find((list) => list.section.key === item.key)!.section, page);
      byPlace.set(place, [...(byPlace.get(place) ?? []), `${item.cut} ${item.key}`]);
    }
    for (const [place, parts] of byPlace) lines.push(`Cut for size: ${parts.join(', ')}; ${place}.`);
  }
  // Lists past the same limit (analyze_trace's max_items) share one line.
  const pastLimit = new Map<string, string[]>();
  for (const list of lists) {
    const beyond = list.section.beyond;
    if (!beyond || beyond.count <= 0) continue;
    const parts = pastLimit.get(beyond.next) ?? [];
    parts.push(`${beyond.atLeast ? 'at least ' : ''}${beyond.count} more ${list.section.key}`);
    pastLimit.set(beyond.next, parts);
  }
  for (const [next, parts] of pastLimit) lines.push(`Past the limit: ${parts.join(', ')}; ${next}.`);
  for (const [key, cut] of Object.entries(cuts))
    if (cut.count > 0 && !cut.saidInText) lines.push(`Not shown: ${cut.count} ${key}; ${cut.next}.`);
  return lines;
}

/** Lists cut for size most: past this many, the line gives a total and `truncated` has each count. */
const CUT_LISTS_NAMED = 4;

function cutSummary(cuts: { key: string; cut: number }[]): string {
  if (cuts.length <= CUT_LISTS_NAMED) return cuts.map((item) => `${item.cut} ${item.key}`).join(', ');
  const rows = cuts.reduce((sum, item) => sum + item.cut, 0);
  return `${rows} rows of ${cuts.length} lists (${cuts
    .slice(0, CUT_LISTS_NAMED - 1)
    .map((item) => item.key)
    .join(', ')}, …; truncated counts each)`;
}
