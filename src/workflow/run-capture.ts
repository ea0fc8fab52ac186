/**
 * Collects the traces of one run as the receiver stores them: every trace that
 * holds a span tagged with the run id is the run's, with the spans other services added under the
 * propagated context. `settle` waits until they are quiet and whatever the caller still waits for
 * has come; execute-run decides what that is (roots, services the spec expects).
 */
import type { Trace } from '../model/span.js';
import type { SpansWritten } from '../store/spans/span-writer.js';
import { delay } from './process-group.js';

export interface RunSpanSource {
  onSpansWritten(listener: (written: SpansWritten) => void): () => void;
  getTrace(traceId: string): Trace | undefined;
}

/**
 * One wait of a capture: until no span of the run has arrived for `quietMs` (counted from
 * `sinceMs` at the earliest), and then for as long as `waitingFor` still names something, within
 * `deadlineMs`. A run waits twice: with its services still up (so they export on their own
 * schedule), then after stopping them (their shutdown flush is stored before they exit).
 */
export interface SettleWait {
  sinceMs: number;
  quietMs: number;
  deadlineMs: number;
  /** What the capture still waits for once quiet (one phrase), or undefined when it is done. */
  waitingFor?: (traces: Trace[], nowMs: number) => string | undefined;
  onProgress?: (state: CaptureState) => void;
  signal?: AbortSignal;
}

export interface CaptureState {
  traceCount: number;
  spanCount: number;
  waitedMs: number;
}

export interface SettleOutcome {
  traces: Trace[];
  aborted: boolean;
  /** The deadline passed while `waitingFor` still named this. */
  timedOutWaitingFor?: string;
  /** The deadline passed before the spans were even quiet. */
  timedOutBusy: boolean;
}

/** 25 ms between checks of what a capture still waits for; the quiet period itself is timed exactly. */
const POLL_MS = 25;

export class RunCapture {
  private readonly traceIds = new Set<string>();
  private runSpans = 0;
  private lastArrivalMs = 0;
  private readonly unsubscribe: () => void;

  constructor(
    readonly runId: string,
    private readonly source: RunSpanSource,
    private readonly clock: () => number = Date.now,
  ) {
    this.unsubscribe = source.onSpansWritten((written) => this.onWrite(written));
  }

  get traceCount(): number {
    return this.traceIds.size;
  }

  /** When the newest span of the run was stored (0 before the first). */
  get lastArrivalAtMs(): number {
    return this.lastArrivalMs;
  }

  /** Run-tagged spans stored so far. */
  get spanCount(): number {
    return this.runSpans;
  }

  close(): void {
    this.unsubscribe();
  }

  async settle(wait: SettleWait): Promise<SettleOutcome> {
    const waitStart = this.clock();
    let lastReport = 0;
    for (;;) {
      const now = this.clock();
      if (wait.onProgress && now - lastReport >= 250) {
        lastReport = now;
        wait.onProgress({
          traceCount: this.traceIds.size,
          spanCount: this.runSpans,
          waitedMs: now - waitStart,
        });
      }
      const aborted = wait.signal?.aborted === true;
      const quiet = now - Math.max(this.lastArrivalMs, wait.sinceMs) >= wait.quietMs;
      const late = now >= wait.deadlineMs;
      if (quiet || aborted || late) {
        const traces = this.readTraces();
        const waitingFor = aborted ? undefined : wait.waitingFor?.(traces, now);
        if (waitingFor === undefined || late) {
          return {
            traces,
            aborted,
            ...(late && waitingFor !== undefined ? { timedOutWaitingFor: waitingFor } : {}),
            timedOutBusy: late && !quiet,
          };
        }
      }
      // Asleep until the quiet period would end (a span arriving meanwhile moves it on), checking
      // at least every POLL_MS for what the caller still waits for and for cancellation.
      const quietAt = Math.max(this.lastArrivalMs, wait.sinceMs) + wait.quietMs;
      await delay(Math.max(1, Math.min(POLL_MS, quietAt - now, wait.deadlineMs - now)));
    }
  }

  private onWrite(written: SpansWritten): void {
    const run = written.runs.find((item) => item.runId === this.runId);
    if (run) {
      this.runSpans += run.spanCount;
      for (const traceId of run.traceIds) this.traceIds.add(traceId);
    }
    // Spans of other services under the run's context carry no run id: any write to a known trace counts as activity.
    if (run || written.traceIds.some((traceId) => this.traceIds.has(traceId)))
      this.lastArrivalMs = this.clock();
  }

  private readTraces(): Trace[] {
    const traces: Trace[] = [];
    for (const traceId of this.traceIds) {
      const trace = this.source.getTrace(traceId);
      if (trace) traces.push(trace);
    }
    return traces;
  }
}
