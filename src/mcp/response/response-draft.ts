/**
 * What a tool handler declares instead of writing its own answer: the fields that are always whole,
 * the text lines a verdict rests on, and the lists a budget may cut. The response layer
 * (`fit-response.ts`) fits the lists to the call's budget, pages them with one cursor, and renders
 * the text and the structured answer from the same rows.
 */

/** A list the budget may cut. Its rows are the structured items; `line` renders each as text. */
export interface ListSection<Row = unknown> {
  /** The structured field that holds the rows, and this list's name in `truncated`. */
  key: string;
  /**
   * An object among the draft's fields that holds the rows instead of the answer itself, for an
   * answer that embeds another tool's (execute_and_capture's `comparison`).
   */
  parent?: string;
  /** The whole list in answer order (the layer pages it; handlers never slice for space). */
  rows: readonly Row[];
  /** A row as the model reads it: one line, or a few for a row with a fix or evidence. */
  line: (row: Row) => string;
  /**
   * Whether the text shows the row (default: every row). A row another list of the same answer
   * already names (an entry listed as not evaluated, among the missing spans) is left out of the
   * text, not out of the structured list: the model pays for every line it reads twice.
   */
  inText?: (row: Row) => boolean;
  /** A text line before the rows, e.g. `Violations:`; left out when the page shows none. */
  heading?: string;
  /**
   * A text line after the rows when the page shows only some of them: a spec's YAML cut at an
   * entry still parses, as a shorter spec that must not be stored in place of the whole.
   */
  partNote?: string;
  /**
   * Rows that matched but lie past a limit the caller set (`limit`, `max_violations`): counted in
   * `truncated`, and `next` says how to get them. A cursor cannot, since they were never fetched.
   */
  beyond?: { count: number; atLeast?: boolean; next: string };
  /** Share of the budget against the other lists (default 1): the list the verdict rests on gets more. */
  weight?: number;
  /**
   * For a tool that must not run twice (it runs a command, stores a new version): where the rows
   * cut for size can be read again, e.g. `compare_trace_to_spec(trace_id="…", spec_name="…")`.
   * Such a tool gets no cursor, since following one would repeat the call.
   */
  elsewhere?: string;
}

/** Something a handler cut itself that is not a list of rows (a tree's deep levels). */
export interface OtherCut {
  count: number;
  next: string;
  /** The handler's own text already says what was cut and how to see it (a tree's footer). */
  saidInText?: boolean;
}

/**
 * A piece the budget may shrink but not page: a waterfall cut by depth, a spec shown whole or not at
 * all. The layer calls `fit` with the characters it can give it (text and structured together) and
 * places its lines after the lists.
 */
export interface FittedBlock {
  /**
   * `first`: it takes its room before the lists do (it is what the call asked for); `last`: it gets
   * what the lists leave (a waterfall beside an analysis).
   */
  claim: 'first' | 'last';
  fit(chars: number): BlockFit;
}

export interface BlockFit {
  lines: string[];
  /** Structured fields it adds: the spec object, the counts of a waterfall. */
  fields?: Record<string, unknown>;
  /** What it left out, reported beside the handler's own cuts. */
  cuts?: Record<string, OtherCut>;
  /** Replaces the draft's `next` when what to do next depends on whether the block fitted. */
  next?: string;
}

export interface ResponseDraft<Fields extends object = Record<string, unknown>> {
  /** Structured fields that are not cuttable lists; always answered whole. */
  fields: Fields;
  /** Text lines before the lists: the verdict and every fact it rests on. Never cut. */
  lead: string[];
  lists?: ListSection<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Fitted to the room left for it; its lines come after the lists and before the notes. */
  block?: FittedBlock;
  /** Text lines after the lists (notes, suggestions). */
  notes?: string[];
  /** What to do next, written as the closing `Next:` line. */
  next?: string;
  /** Cuts made by the handler itself, reported in `truncated` beside the lists' cuts. */
  cuts?: Record<string, OtherCut>;
}

/** Identity for handlers, so a draft's lists are checked against their rows' type at the call. */
export function listSection<Row>(section: ListSection<Row>): ListSection<Row> {
  return section;
}
