import type Database from 'better-sqlite3';

/**
 * The span ids a known trace already has, for the writer's de-duplication of a span sent again (an
 * exporter's retry). Read through the trace's runs (trace-span-runs-schema.ts) the first time a
 * trace gets a second write, then kept for the traces written most recently: a trace exported in
 * many parts (the SDK's batch processor cuts long traces) would otherwise be read whole on every
 * part, a cost that grows with the square of its size.
 *
 * A kept set is used only while the trace's first and last runs are still the ones it was read or
 * extended with: retention deletes a trace's runs together, a trace row's id may then be given to a
 * new trace, and span ids are never given twice, so either change shows there.
 */
export class StoredSpanIds {
  private readonly statements;
  /** By traces.id, least recently written first. */
  private readonly kept = new Map<number, KeptTrace>();
  private keptIds = 0;

  constructor(
    db: Database.Database,
    /** How many span ids are kept in all, across traces (the oldest traces are dropped first). */
    private readonly capacity = 262_144,
  ) {
    this.statements = {
      spanIds: db
        .prepare(
          `SELECT s.span_id FROM trace_span_runs r CROSS JOIN spans s ON s.id BETWEEN r.first_span AND r.last_span
           WHERE r.trace_ref = ?`,
        )
        .pluck(),
      // One seek each on the primary key (trace_ref, first_span).
      firstRun: db.prepare('SELECT min(first_span) FROM trace_span_runs WHERE trace_ref = ?').pluck(),
      lastRun: db.prepare('SELECT max(first_span) FROM trace_span_runs WHERE trace_ref = ?').pluck(),
    };
  }

  /** The span ids trace `traceRef` has stored; the caller adds the ones it stores with `added`. */
  of(traceRef: number): Set<string> {
    const kept = this.kept.get(traceRef);
    if (kept) {
      this.kept.delete(traceRef);
      if (
        this.statements.firstRun.get(traceRef) === kept.firstRun &&
        this.statements.lastRun.get(traceRef) === kept.lastRun
      ) {
        this.kept.set(traceRef, kept);
        return kept.ids;
      }
      this.keptIds -= kept.ids.size;
    }
    const ids = new Set(this.statements.spanIds.all(traceRef) as string[]);
    const fresh: KeptTrace = {
      ids,
      firstRun: this.statements.firstRun.get(traceRef) as number | null,
      lastRun: this.statements.lastRun.get(traceRef) as number | null,
    };
    this.kept.set(traceRef, fresh);
    this.keptIds += ids.size;
    return ids;
  }

  /**
   * Records that the set `of(traceRef)` gave was extended by a run starting at `firstSpan` (the ids
   * are already in the set), and drops the oldest traces beyond the capacity.
   */
  added(traceRef: number, firstSpan: number, count: number): void {
    const kept = this.kept.get(traceRef);
    if (!kept) return;
    kept.firstRun ??= firstSpan;
    kept.lastRun = firstSpan;
    this.keptIds += count;
    for (const [ref, oldest] of this.kept) {
      if (this.keptIds <= this.capacity || ref === traceRef) break;
      this.kept.delete(ref);
      this.keptIds -= oldest.ids.size;
    }
  }

  /** After a rolled-back write: what is kept may hold ids that were never stored. */
  forget(): void {
    this.kept.clear();
    this.keptIds = 0;
  }
}

interface KeptTrace {
  ids: Set<string>;
  /** first_span of the trace's first and last runs when the set was last read or extended. */
  firstRun: number | null;
  lastRun: number | null;
}
