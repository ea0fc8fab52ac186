/**
 * Collects the traces of one run as the receiver stores them, and decides when they are complete
 * (DESIGN.md §5): every trace that holds a span tagged with the run id is the run's — with the
 * spans other services added under the propagated context — and the run is complete when no
 * span of it has arrived for the settle period, every trace has its root, and every service the
 * spec still misses has had its chance to report. A hard timeout bounds the wait and says what
 * was still missing.
 */
import type { Trace } from '../model/span.js';
import type { SpansWritten } from '../store/span-writer.js';
import { delay } from './process-group.js';

export interface RunSpanSource {
  onSpansWritten(listener: (written: SpansWritten) => void): () => void;
  getTrace(traceId: string): Trace | undefined;
}

export interface CaptureWait {
  /** When the last process of the run finished (the command, and the services it stopped). */
  processesDoneAtMs: number;
  settleMs: number;
  /** The longest wait after `processesDoneAtMs`. */
  timeoutMs: number;
  /**
   * Services the spec still expects in `traces` that sent no span and that the run did not start
   * (so may still be flushing); waited for at most `lateServiceWaitMs` beyond the settle period.
   */
  pendingServices?: (traces: Trace[]) => string[];
  lateServiceWaitMs: number;
  onProgress?: (state: CaptureState) => void;
  signal?: AbortSignal;
}

export interface CaptureState {
  traceCount: number;
  spanCount: number;
  waitedMs: number;
}

export interface CaptureOutcome {
  traces: Trace[];
  complete: boolean;
  /** From the end of the processes to the decision. */
  waitedMs: number;
  /** Run-tagged spans stored during the run. */
  runSpanCount: number;
  /** Why the capture is incomplete (or what it waited for in vain), one sentence each. */
  notes: string[];
}

/** 25 ms between checks: a settled run is noticed within 25 ms of its settle period. */
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

  get spanCount(): number {
    return this.runSpans;
  }

  close(): void {
    this.unsubscribe();
  }

  async settle(wait: CaptureWait): Promise<CaptureOutcome> {
    const waitStart = this.clock();
    const deadline = wait.processesDoneAtMs + wait.timeoutMs;
    const lateDeadline = wait.processesDoneAtMs + wait.settleMs + wait.lateServiceWaitMs;
    let lastReport = 0;
    for (;;) {
      const now = this.clock();
      if (wait.onProgress && now - lastReport >= 250) {
        lastReport = now;
        wait.onProgress({ traceCount: this.traceIds.size, spanCount: this.runSpans, waitedMs: now - waitStart });
      }
      const aborted = wait.signal?.aborted === true;
      const quiet = now - Math.max(this.lastArrivalMs, wait.processesDoneAtMs) >= wait.settleMs;
      if (quiet || aborted || now >= deadline) {
        const traces = this.readTraces();
        const notes: string[] = [];
        const rootless = traces.filter((trace) => !trace.spans.some((span) => span.parentSpanId === undefined));
        for (const trace of rootless.slice(0, 5)) notes.push(rootlessNote(trace));
        const pending = rootless.length === 0 ? (wait.pendingServices?.(traces) ?? []) : [];
        const waitingForLate = pending.length > 0 && now < lateDeadline;
        const done = (rootless.length === 0 && !waitingForLate) || aborted || now >= deadline;
        if (done) {
          if (pending.length > 0) {
            notes.push(`waited ${wait.settleMs + wait.lateServiceWaitMs} ms after the run for spans of ${pending.join(', ')} (expected by the spec, not started by this run): none arrived`);
          }
          if (aborted) notes.push('the run was cancelled: the traces are what had arrived by then');
          else if (rootless.length > 0) notes.push(`timed out after ${wait.timeoutMs} ms waiting for the root span of ${rootless.length} trace(s)`);
          this.close();
          return { traces, complete: rootless.length === 0 && !aborted, waitedMs: this.clock() - waitStart, runSpanCount: this.runSpans, notes };
        }
      }
      await delay(POLL_MS);
    }
  }

  private onWrite(written: SpansWritten): void {
    const run = written.runs.find((item) => item.runId === this.runId);
    if (run) {
      this.runSpans += run.spanCount;
      for (const traceId of run.traceIds) this.traceIds.add(traceId);
    }
    // Spans of other services under the run's context carry no run id: any write to a known trace counts as activity.
    if (run || written.traceIds.some((traceId) => this.traceIds.has(traceId))) this.lastArrivalMs = this.clock();
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

function rootlessNote(trace: Trace): string {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const top = trace.spans.find((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId));
  return `trace ${trace.traceId} has no root span (${trace.spans.length} spans arrived${top ? `; ${top.serviceName}: ${top.name} waits for its parent ${top.parentSpanId}` : ''}): the process that owns it may have crashed before its SDK flushed, or its parent lives outside the run`;
}
