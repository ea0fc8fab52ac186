/**
 * Traces of a run whose root span has not arrived, and whether it still can: a root is waited for
 * only while a process that could send it lives. Pure.
 */
import type { Span, Trace } from '../model/span.js';
import { RUN_ID_ATTRIBUTE, RUN_PROCESS_ATTRIBUTE } from '../model/run-attributes.js';
import { exitedDuringRun, sentBy } from './lost-telemetry.js';

export function rootlessTraces(traces: readonly Trace[]): Trace[] {
  return traces.filter((trace) => !trace.spans.some((span) => span.parentSpanId === undefined));
}

/** A span the run's command (or a process it started) sent: it has the run id and no service tag. */
export function sentByCommand(span: Span): boolean {
  const attributes = span.resource.attributes;
  return attributes[RUN_ID_ATTRIBUTE] !== undefined && attributes[RUN_PROCESS_ATTRIBUTE] === undefined;
}

/** Spans whose parent is not in the trace: where the missing part of the tree hangs. */
export function orphanTops(trace: Trace): Span[] {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  return trace.spans.filter((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId));
}

/**
 * Spans of a still-running service whose parent, in that same process, has not arrived: an
 * internal, client or producer span hangs under a span of its own process (the handler's server
 * span), which ends after it and may leave in a later export batch. On a busy machine that batch
 * can come after the quiet period, and the service would then be stopped with it unsent.
 */
export function awaitedLocalParents(trace: Trace, runningServices: readonly string[]): Span[] {
  return orphanTops(trace).filter(
    (span) =>
      (span.kind === 'internal' || span.kind === 'client' || span.kind === 'producer') &&
      runningServices.some((service) => sentBy(span, service)),
  );
}

/**
 * The root can no longer come (asked once the command has exited): a service of the run has
 * exited on its own (a crash loses what its SDK had not sent), or the command, which has exited,
 * sent spans to this trace and every span left without its parent is a started service's (so the
 * missing parents were the command's calls, lost with it). A command span whose own parent is
 * missing continues a trace started outside the run: that root may still come.
 */
export function rootOwnerGone(trace: Trace, exitedServices: readonly string[]): boolean {
  if (exitedServices.length > 0) return true;
  if (!trace.spans.some(sentByCommand)) return false;
  return orphanTops(trace).every((span) => span.resource.attributes[RUN_PROCESS_ATTRIBUTE] !== undefined);
}

export function rootlessNote(
  trace: Trace,
  services: readonly { name: string; exitedEarly: boolean; exitCode: number | null; signal: string | null }[],
): string {
  const top = orphanTops(trace)[0];
  const arrived = `${trace.spans.length} span${trace.spans.length === 1 ? '' : 's'} arrived${top ? `; ${top.serviceName}: ${top.name} waits for its parent ${top.parentSpanId}` : ''}`;
  const crashed = services.filter((service) => service.exitedEarly);
  let cause: string;
  if (crashed.length > 0) {
    cause = `${crashed.map(exitedDuringRun).join(', ')}, so what its SDK had not yet sent is lost`;
  } else if (top && sentByCommand(top)) {
    cause =
      'the command continued a trace whose root lives outside the run (a remote parent), and it never arrived';
  } else if (trace.spans.some(sentByCommand)) {
    cause =
      'the command exited before its SDK exported the span that called it (shut the SDK down, or flush it, before the process exits)';
  } else {
    cause =
      'the process that owns it may have crashed before its SDK flushed, or its parent lives outside the run';
  }
  return `trace ${trace.traceId} has no root span (${arrived}): ${cause}`;
}
