/**
 * The trace against its spec as plain data: the waterfall with each matched span labelled by the
 * spec entry it satisfied, each missing entry as a ghost row under the span its parent entry
 * matched, spans no entry expected marked, every violation with its fix beside its span, and a
 * mark pointing at it on every other span it names. Built from the comparison's own result, so the
 * picture never disagrees with the text answer. Pure.
 */
import type { ComparisonResult, Violation } from '../tracespec/index.js';
import type { LogRecord } from '../model/log-record.js';
import type { Trace } from '../model/span.js';
import { waterfallView, type LogsRead, type WaterfallRow, type WaterfallView } from './waterfall.js';

export interface OverlayViolation {
  kind: string;
  path: string;
  message: string;
  fix: string;
}

/**
 * A span a violation shown on another row is about too: a pointer to that violation, not the
 * violation again. What the span is to it:
 * - surplus: one of the spans a count_too_high or forbidden_present calls too many;
 * - same_rule: another span breaking the same rule of the same entry (a grouped violation);
 * - error_origin: where the failure started that a failing span only passed on, or that kept a
 *   missing span from running (the fix is here);
 * - nearest: the span closest to a missing entry, how it differs said in the violation;
 * - beneath_lost: found beneath spans that never arrived, which the missing entry above it is.
 */
export interface OverlayMark {
  role: 'surplus' | 'same_rule' | 'error_origin' | 'nearest' | 'beneath_lost';
  kind: string;
  path: string;
  /** The row the violation is shown on (a span's or a ghost's id); absent when it is on none. */
  at?: string;
}

export interface OverlayRow extends WaterfallRow {
  /** The spec entry this span matched. */
  entry?: string;
  /** No spec entry expected this span. */
  unexpected?: boolean;
  violations?: OverlayViolation[];
  /** Violations shown elsewhere that name this span too. */
  marks?: OverlayMark[];
}

export interface GhostRow {
  ghost: true;
  id: string;
  parentId?: string;
  depth: number;
  /** The missing entry's path, operation and service. */
  entry: string;
  name: string;
  service?: string;
  expected: string;
  found: number;
  violations: OverlayViolation[];
}

export interface SpecOverlayView {
  kind: 'overlay';
  traceId: string;
  specName: string;
  matches: boolean;
  score: number;
  checks: { passed: number; total: number };
  spanCount: number;
  totalMs: number;
  services: WaterfallView['services'];
  rows: (OverlayRow | GhostRow)[];
  /** Violations tied to no span or ghost (trace-wide rules). */
  otherViolations: OverlayViolation[];
  logsCut?: WaterfallView['logsCut'];
}

const SEPARATOR = ' > ';

function parentPath(path: string): string | undefined {
  const cut = path.lastIndexOf(SEPARATOR);
  return cut < 0 ? undefined : path.slice(0, cut);
}

function brief(violation: Violation): OverlayViolation {
  return { kind: violation.kind, path: violation.path, message: violation.message, fix: violation.fix };
}

/** `logs`: the trace's log records, shown with their spans as in the waterfall. */
export function specOverlayView(
  trace: Trace,
  result: ComparisonResult,
  logs: readonly LogRecord[] = [],
  read: LogsRead = {},
): SpecOverlayView {
  const base = waterfallView(trace, logs, read);
  const entryOf = new Map<string, string>();
  const firstMatch = new Map<string, string>();
  for (const entry of result.entries) {
    // Spans beneath a near miss of a missing parent are that entry's too: they are there, not unexpected.
    for (const match of [...entry.matches, ...(entry.near_miss?.matches ?? [])])
      if (!entryOf.has(match.span_id)) entryOf.set(match.span_id, entry.path);
    if (entry.matches[0]) firstMatch.set(entry.path, entry.matches[0].span_id);
  }
  const unexpectedKinds = new Set(
    result.unexpected_spans.map((group) => `${group.service}\u0000${group.name}`),
  );
  const bySpan = new Map<string, OverlayViolation[]>();
  const byMissingPath = new Map<string, OverlayViolation[]>();
  const underOf = new Map<string, string>();
  const missingPaths = new Set(result.missing_spans.map((missing) => missing.path));
  const otherViolations: OverlayViolation[] = [];
  for (const violation of result.violations) {
    if (missingPaths.has(violation.path) && (violation.kind === 'missing' || !violation.span)) {
      byMissingPath.set(violation.path, [...(byMissingPath.get(violation.path) ?? []), brief(violation)]);
      if (violation.under) underOf.set(violation.path, violation.under.span_id);
    } else if (violation.span) {
      bySpan.set(violation.span.span_id, [...(bySpan.get(violation.span.span_id) ?? []), brief(violation)]);
    } else otherViolations.push(brief(violation));
  }
  // A path missing in several places has a ghost in each: a mark points at the first.
  const ghostIdOf = new Map<string, string>();
  result.missing_spans.forEach((missing, number) => {
    if (!ghostIdOf.has(missing.path)) ghostIdOf.set(missing.path, `ghost-${number}`);
  });
  const marks = marksBySpan(result, ghostIdOf);
  const rows: OverlayRow[] = base.rows.map((row) => {
    const entry = entryOf.get(row.id);
    const violations = bySpan.get(row.id);
    const marked = marks.get(row.id)?.filter((mark) => mark.at !== row.id);
    return {
      ...row,
      ...(entry !== undefined ? { entry } : {}),
      ...(entry === undefined && unexpectedKinds.has(`${row.service}\u0000${row.name}`)
        ? { unexpected: true }
        : {}),
      ...(violations ? { violations } : {}),
      ...(marked && marked.length > 0 ? { marks: marked } : {}),
    };
  });
  // A ghost goes after its parent's subtree (the place the missing child would be drawn last).
  const ghostsAfter = new Map<number, GhostRow[]>();
  const indexOf = new Map(rows.map((row, index) => [row.id, index]));
  const topGhosts: GhostRow[] = [];
  result.missing_spans.forEach((missing, number) => {
    const parent = parentPath(missing.path);
    const parentId = underOf.get(missing.path) ?? (parent !== undefined ? firstMatch.get(parent) : undefined);
    const parentIndex = parentId !== undefined ? indexOf.get(parentId) : undefined;
    const parentRow = parentIndex !== undefined ? rows[parentIndex] : undefined;
    const ghost: GhostRow = {
      ghost: true,
      id: `ghost-${number}`,
      ...(parentRow ? { parentId: parentRow.id } : {}),
      depth: parentRow ? parentRow.depth + 1 : 0,
      entry: missing.path,
      name: missing.operation_name,
      ...(missing.service_name !== undefined ? { service: missing.service_name } : {}),
      expected: missing.expected,
      found: missing.found,
      violations: byMissingPath.get(missing.path) ?? [],
    };
    if (parentIndex === undefined || !parentRow) {
      topGhosts.push(ghost);
      return;
    }
    let last = parentIndex;
    while (last + 1 < rows.length && (rows[last + 1] as OverlayRow).depth > parentRow.depth) last += 1;
    ghostsAfter.set(last, [...(ghostsAfter.get(last) ?? []), ghost]);
  });
  const merged: (OverlayRow | GhostRow)[] = [];
  rows.forEach((row, index) => {
    merged.push(row);
    for (const ghost of ghostsAfter.get(index) ?? []) merged.push(ghost);
  });
  merged.push(...topGhosts);
  return {
    kind: 'overlay',
    traceId: base.traceId,
    specName: result.spec_name,
    matches: result.matches_specification,
    score: result.score,
    checks: result.checks,
    spanCount: base.spanCount,
    totalMs: base.totalMs,
    services: base.services,
    rows: merged,
    otherViolations,
    ...(base.logsCut ? { logsCut: base.logsCut } : {}),
  };
}

/** Where specOverlayView shows a violation: on its missing entry's ghost, else on its span. */
function rowOfViolation(violation: Violation, ghostIdOf: ReadonlyMap<string, string>): string | undefined {
  const ghost = ghostIdOf.get(violation.path);
  if (ghost !== undefined && (violation.kind === 'missing' || !violation.span)) return ghost;
  return violation.span?.span_id;
}

/**
 * By span id, the marks of the violations that name a span besides their own: the further culprits
 * of a grouped violation (at most the 4 the comparison lists), an error chain's origin, a missing
 * entry's nearest candidate, and the spans an entry found beneath lost spans (pointing at the
 * missing entry above them).
 */
function marksBySpan(
  result: ComparisonResult,
  ghostIdOf: ReadonlyMap<string, string>,
): Map<string, OverlayMark[]> {
  const marks = new Map<string, OverlayMark[]>();
  const add = (spanId: string, role: OverlayMark['role'], violation: Violation): void => {
    const at = rowOfViolation(violation, ghostIdOf);
    const mark: OverlayMark = { role, kind: violation.kind, path: violation.path, ...(at ? { at } : {}) };
    const list = marks.get(spanId) ?? [];
    const same = (other: OverlayMark) =>
      other.role === mark.role &&
      other.kind === mark.kind &&
      other.path === mark.path &&
      other.at === mark.at;
    if (!list.some(same)) marks.set(spanId, [...list, mark]);
  };
  const counting = new Set(['count_too_high', 'forbidden_present']);
  for (const violation of result.violations) {
    const own = violation.span?.span_id;
    for (const id of violation.other_span_ids ?? [])
      add(id, counting.has(violation.kind) ? 'surplus' : 'same_rule', violation);
    if (violation.caused_by && violation.caused_by.span_id !== own)
      add(violation.caused_by.span_id, 'error_origin', violation);
    if (violation.nearest && violation.nearest.span.span_id !== own)
      add(violation.nearest.span.span_id, 'nearest', violation);
  }
  // What arrived beneath lost spans is about the missing entry above it: the nearest one that has a violation.
  const missingViolation = new Map<string, Violation>();
  for (const violation of result.violations)
    if (ghostIdOf.has(violation.path) && !missingViolation.has(violation.path))
      if (violation.kind === 'missing' || !violation.span) missingViolation.set(violation.path, violation);
  for (const entry of result.entries) {
    if (!entry.near_miss?.parent_lost) continue;
    let above = parentPath(entry.path);
    while (above !== undefined && !missingViolation.has(above)) above = parentPath(above);
    const violation = above !== undefined ? missingViolation.get(above) : undefined;
    if (violation) for (const match of entry.near_miss.matches) add(match.span_id, 'beneath_lost', violation);
  }
  return marks;
}
