/**
 * Spans a run's service made that never reached the receiver, told apart from spans the code never
 * made. The evidence: a client span that called a port the service listened on and has nothing
 * beneath it, or a trace whose root is missing while a service had crashed. (A service the spec
 * names that sent nothing is no evidence alone: nobody may have called it.) The cause comes from
 * how the process ended (crashed, ended by a signal before its exporter flushed, or alive and
 * silent), so the fix is about the telemetry or the crash, never "add a span" that the
 * instrumentation already makes. Pure.
 */
import type { AttributeValue, Span, Trace } from '../model/span.js';
import { RUN_PROCESS_ATTRIBUTE } from '../model/run-attributes.js';
import { listEntryPaths, type TraceSpec } from '../tracespec/index.js';
import { describeCrash } from './crash-excerpt.js';
import { describeExit } from './process-exit.js';

/** What the run knows of a service it started (ServiceOutcome has these fields). */
export interface StartedServiceFacts {
  name: string;
  ports: readonly number[];
  exitedEarly: boolean;
  exitCode: number | null;
  signal: string | null;
  forceKilled: boolean;
  stopSignals?: readonly string[];
  stderr: { text: string };
}

export type LossCause = 'crashed' | 'never_exported' | 'stopped_before_flush';

export interface LostTelemetry {
  service: string;
  traceId: string;
  cause: LossCause;
  /** One sentence: whose spans, why, and the evidence. */
  message: string;
  fix: string;
  /** The client span that called the service and has nothing beneath it. */
  calledBy?: { span_id: string; name: string; service: string; port: number };
  /** The crash's error line and first frames, for a service that crashed. */
  crash?: string[];
}

/** Spans of `service` in a trace: tagged with its name by the run, or (untagged) reporting that service.name. */
export function spansOf(trace: Trace, service: string): Span[] {
  return trace.spans.filter((span) => sentBy(span, service));
}

/** Whether the run's started `service` sent the span (by the run's tag, else by service.name). */
export function sentBy(span: Span, service: string): boolean {
  const tag = span.resource.attributes[RUN_PROCESS_ATTRIBUTE];
  return tag !== undefined
    ? tag === service || safeDecode(String(tag)) === service
    : span.serviceName === service;
}

/** A spec entry as the comparison lists it: its path, and what it expects. */
export interface ExpectedEntry {
  path: string;
  operation_name: string;
  service_name?: string;
}

/**
 * The losses in one trace. `entries` are the spec's entries (a service that never sends spans and
 * that the spec does not name, a database say, is left alone; an entry's parent names the service
 * an orphan's missing parent belongs to); `runSpanCounts` is how many spans each started service
 * sent over the whole run.
 */
export function findLostTelemetry(
  trace: Trace,
  services: readonly StartedServiceFacts[],
  entries: readonly ExpectedEntry[],
  runSpanCounts: ReadonlyMap<string, number>,
): LostTelemetry[] {
  const lost: LostTelemetry[] = [];
  const specServices = new Set(
    entries.map((entry) => entry.service_name).filter((name): name is string => name !== undefined),
  );
  const hasChildren = new Set(
    trace.spans.map((span) => span.parentSpanId).filter((id): id is string => id !== undefined),
  );
  const rootless = !trace.spans.some((span) => span.parentSpanId === undefined);
  const parentOwners = missingParentOwners(trace, entries);
  // Someone made a missing root. Unless a crash explains it: of the services the spec expects,
  // the ones that sent spans are here; when exactly one sent nothing all run, the root was its.
  const crashed = services.some((service) => service.exitedEarly);
  const silent =
    rootless && !crashed
      ? services.filter(
          (service) => specServices.has(service.name) && (runSpanCounts.get(service.name) ?? 0) === 0,
        )
      : [];
  const silentOwner = silent.length === 1 ? silent[0]?.name : undefined;
  for (const service of services) {
    const sentInRun = runSpanCounts.get(service.name) ?? 0;
    const expected = specServices.has(service.name);
    // A service that never sends spans (a database started for the run) leaves nothing under calls into it by design.
    if (!expected && sentInRun === 0) continue;
    const mine = spansOf(trace, service.name);
    const call = unansweredCall(trace, service.ports, hasChildren);
    const rootLost =
      rootless &&
      (service.exitedEarly || service.name === silentOwner) &&
      !mine.some((span) => span.parentSpanId === undefined);
    // A span whose parent is missing, where the spec puts that parent in this service, which sent
    // nothing to the trace: the parent was its.
    const parentLost = mine.length === 0 && parentOwners.has(service.name);
    // A service the spec names that sent nothing is no evidence by itself: nobody may have called it
    // (the code's defect). Only a call into it, its crash, or a parent only it can have made says
    // its spans were made and lost.
    if (!call && !rootLost && !parentLost) continue;
    const cause: LossCause = service.exitedEarly
      ? 'crashed'
      : sentInRun === 0
        ? 'never_exported'
        : 'stopped_before_flush';
    const port = call ? (calledPort(call, service.ports) as number) : undefined;
    const orphan = parentLost ? parentOwners.get(service.name) : undefined;
    const evidence = call
      ? `; \`${call.name}\` (${call.serviceName}) called it on port ${port} and nothing of ${service.name} arrived beneath that call`
      : orphan
        ? `; \`${orphan.name}\` (${orphan.serviceName}) arrived without its parent, which the spec puts in ${service.name}`
        : !service.exitedEarly
          ? `; the trace lost its root, and ${service.name} is the one service the spec expects that sent nothing`
          : '';
    const crash = service.exitedEarly ? describeCrash(service.stderr.text) : undefined;
    lost.push({
      service: service.name,
      traceId: trace.traceId,
      cause,
      message: `${service.name}${NEVER_ARRIVED}: ${why(service, cause)}${evidence}`,
      fix: fixFor(service, cause, crash),
      ...(call && port !== undefined
        ? { calledBy: { span_id: call.spanId, name: call.name, service: call.serviceName, port } }
        : {}),
      ...(crash ? { crash } : {}),
    });
  }
  return lost;
}

/** How a loss's message goes on after the service's name, which begins it. */
const NEVER_ARRIVED = "'s spans for this request never arrived";

/** The service whose spans a telemetry_lost message says were lost (it begins the message). */
export function lostServiceOf(message: string): string | undefined {
  const at = message.indexOf(NEVER_ARRIVED);
  return at > 0 ? message.slice(0, at) : undefined;
}

function why(service: StartedServiceFacts, cause: LossCause): string {
  const exit = describeExit({ code: service.exitCode, signal: service.signal });
  switch (cause) {
    case 'crashed':
      return `it exited during the run (${exit}) before its SDK sent them`;
    case 'never_exported':
      return `it sent no span during the whole run, though it was up${service.signal ? ` (and ${service.signal} ended it when stopped, so a process that exports only at shutdown lost everything)` : ''}`;
    default:
      return service.forceKilled
        ? 'it ignored the stop signal and was killed with SIGKILL before its exporter flushed them'
        : `it was stopped (${service.stopSignals?.join(', ') ?? 'SIGTERM'}, it ended with ${exit}) before its exporter sent them`;
  }
}

/** How a note names a service that crashed: `gateway exited during the run (code 1)`. */
export function exitedDuringRun(service: Pick<StartedServiceFacts, 'name' | 'exitCode' | 'signal'>): string {
  return `${service.name} exited during the run (${describeExit({ code: service.exitCode, signal: service.signal })})`;
}

/**
 * Whether a capture note puts what it reports down to the crash of exactly this service (names it
 * as exitedDuringRun does; `api-gateway exited` is not `gateway`): the crash's own next step asks
 * for the fix that changes it.
 */
export function blamesCrashOf(note: string, service: string): boolean {
  const phrase = `${service} exited during the run (`;
  for (let at = note.indexOf(phrase); at >= 0; at = note.indexOf(phrase, at + 1))
    if (at === 0 || note.charAt(at - 1) === ' ') return true;
  return false;
}

/**
 * Whether a fix asks to fix the crash of exactly this service (`fix the crash in api` is not one of
 * `api-gateway`): a run's crash step and its telemetry_lost fix are then one action, asked once.
 */
export function fixesCrashOf(fix: string, service: string): boolean {
  const prefix = `fix the crash in ${service}`;
  return fix.startsWith(prefix) && ' ;('.includes(fix.charAt(prefix.length) || '?');
}

function fixFor(service: StartedServiceFacts, cause: LossCause, crash: string[] | undefined): string {
  switch (cause) {
    case 'crashed':
      return `fix the crash in ${service.name}${crash && crash.length > 0 ? ` (${crash[0]})` : ''}; its spans will arrive once it survives the request. Do not add spans for it: its instrumentation makes them`;
    case 'never_exported':
      return `make ${service.name} export: start its OpenTelemetry SDK when the process starts, with the OTLP exporter configured from the environment (the run sets OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME for it) and a batch processor that exports while it runs (OTEL_BSP_SCHEDULE_DELAY)`;
    default:
      return `make ${service.name} export before it stops: keep OTEL_BSP_SCHEDULE_DELAY short (the run sets 50 ms unless you set another) or flush the SDK (TracerProvider shutdown) when it receives ${service.stopSignals?.[0] ?? 'SIGTERM'}`;
  }
}

/**
 * For each span whose parent is not in the trace: the service the spec expects that parent in (the
 * parent entry of an entry the span matches by name and service), mapped to the orphan span.
 */
function missingParentOwners(trace: Trace, entries: readonly ExpectedEntry[]): Map<string, Span> {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const owners = new Map<string, Span>();
  for (const span of trace.spans) {
    if (span.parentSpanId === undefined || ids.has(span.parentSpanId)) continue;
    for (const owner of parentOwners({ name: span.name, service: span.serviceName }, entries))
      if (owner !== span.serviceName && !owners.has(owner)) owners.set(owner, span);
  }
  return owners;
}

/** The services the spec puts a span's parent in: the parent entry of each entry the span matches by name and service. */
function parentOwners(span: { name: string; service: string }, entries: readonly ExpectedEntry[]): string[] {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const owners: string[] = [];
  for (const entry of entries) {
    if (
      entry.operation_name !== span.name ||
      (entry.service_name !== undefined && entry.service_name !== span.service)
    )
      continue;
    const cut = entry.path.lastIndexOf(' > ');
    const owner = cut < 0 ? undefined : byPath.get(entry.path.slice(0, cut))?.service_name;
    if (owner !== undefined && !owners.includes(owner)) owners.push(owner);
  }
  return owners;
}

/**
 * The services whose spans a run recorded as lost: each telemetry_lost violation's path is the first
 * entry it left unchecked, which the spec puts in that service; a service that crashed lost what it
 * had not yet exported.
 */
export function lostServicesOf(
  violations: readonly { kind: string; path: string }[],
  crashed: readonly string[],
  entries: readonly ExpectedEntry[],
): Set<string> {
  const serviceAt = new Map(entries.map((entry) => [entry.path, entry.service_name]));
  const lost = new Set(crashed);
  for (const violation of violations) {
    const service = violation.kind === 'telemetry_lost' ? serviceAt.get(violation.path) : undefined;
    if (service !== undefined) lost.add(service);
  }
  return lost;
}

/**
 * Whether a run that lost spans has its loss to blame for an orphan (a span whose parent never
 * arrived): the spec puts that parent in a service in `lost`, or does not say where it is (the loss
 * is then the likelier cause, and the next run, without it, tells). Where the spec puts the parent
 * only in services that kept their spans, the loss does not explain it: the context broke on the
 * way, and the orphan is still the code's to fix.
 */
export function lossExplainsOrphan(
  orphan: { name: string; service: string },
  entries: readonly ExpectedEntry[],
  lost: ReadonlySet<string>,
): boolean {
  const owners = parentOwners(orphan, entries);
  return owners.length === 0 || owners.some((owner) => lost.has(owner));
}

/** A spec's entries as the comparison lists them: each path with the operation and service it expects. */
export function expectedEntriesOf(spec: TraceSpec): ExpectedEntry[] {
  return listEntryPaths(spec.expected_spans).map(({ path, entry }) => ({
    path,
    operation_name: entry.operation_name,
    ...(entry.service_name !== undefined ? { service_name: entry.service_name } : {}),
  }));
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

/**
 * A client span that called one of `ports` on this machine and has nothing beneath it: the callee
 * made spans for that call (or would have, traced) and none of them are here.
 */
export function unansweredCall(
  trace: Trace,
  ports: readonly number[],
  hasChildren: ReadonlySet<string> = new Set(
    trace.spans.map((span) => span.parentSpanId).filter((id): id is string => id !== undefined),
  ),
): Span | undefined {
  return trace.spans.find(
    (span) =>
      span.kind === 'client' && !hasChildren.has(span.spanId) && calledPort(span, ports) !== undefined,
  );
}

/**
 * Whether some client span of the run called one of `ports` on this machine: a service nothing
 * called sent nothing because the code never reached it, not because its spans were lost.
 * Without ports nobody can tell (undefined).
 */
export function calledInRun(traces: readonly Trace[], ports: readonly number[]): boolean | undefined {
  if (ports.length === 0) return undefined;
  return traces.some((trace) =>
    trace.spans.some((span) => span.kind === 'client' && calledPort(span, ports) !== undefined),
  );
}

/**
 * The fix of an entry the spec puts in a started service that nothing called: a defect of the code
 * that should call it (`under`, the span the entry was looked for beneath), not of the capture.
 */
export function uncalledServiceFix(
  service: string,
  entry: string,
  under: { name: string; service: string } | undefined,
): string {
  const alternative = 'or, if the code is right not to call it, remove the entry from the spec';
  return under
    ? `nothing called ${service}: \`${under.name}\` (${under.service}) has no call to it; the spec expects \`${entry}\` beneath it, so add the call there (${alternative})`
    : `nothing called ${service} during the run; the spec expects \`${entry}\` in it, so add the call that reaches it (${alternative})`;
}

/** The port a client span called, when it is one of `ports` on this machine. */
function calledPort(span: Span, ports: readonly number[]): number | undefined {
  if (ports.length === 0) return undefined;
  const attributes = span.attributes;
  const host = text(attributes['server.address']) ?? text(attributes['net.peer.name']);
  let port = number(attributes['server.port']) ?? number(attributes['net.peer.port']);
  const url = text(attributes['url.full']) ?? text(attributes['http.url']);
  let urlHost: string | undefined;
  if (url !== undefined) {
    try {
      const parsed = new URL(url);
      urlHost = parsed.hostname;
      port ??= Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    } catch {
      // Not a URL: the other attributes decide.
    }
  }
  const target = host ?? urlHost;
  if (port === undefined || (target !== undefined && !LOOPBACK.has(target))) return undefined;
  return ports.includes(port) ? port : undefined;
}

function text(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function number(value: AttributeValue | undefined): number | undefined {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Started services the spec expects spans from that sent none all run, without evidence of a loss
 * and not known to be uncalled (`reported` has those too): a hint, not a verdict. When another
 * service crashed, that crash is the likelier reason nothing called it (the entries in it then go
 * unchecked, not missing).
 */
export function silentServiceNotes(
  services: readonly StartedServiceFacts[],
  specServices: ReadonlySet<string>,
  runSpanCounts: ReadonlyMap<string, number>,
  reported: ReadonlySet<string>,
): string[] {
  const sdk = 'its SDK is not exporting (not started, exporter off or pointed elsewhere)';
  return services
    .filter(
      (service) =>
        specServices.has(service.name) &&
        (runSpanCounts.get(service.name) ?? 0) === 0 &&
        !reported.has(service.name),
    )
    .map((service) => {
      const crashed = services.filter((other) => other.exitedEarly && other.name !== service.name);
      return crashed.length > 0
        ? `${service.name} sent no span during the whole run: ${crashed.map(exitedDuringRun).join(', ')}, so nothing may have called it; if the code did call it, ${sdk}`
        : `${service.name} sent no span during the whole run: if the code called it, ${sdk}; if nothing called it, the spec's entries in it are what is missing`;
    });
}
