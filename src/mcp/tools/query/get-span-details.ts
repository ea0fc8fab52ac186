import * as z from 'zod';
import { OtelMcpError } from '../../../model/errors.js';
import { setOwnProperty } from '../../../model/own-property.js';
import type { Attributes, AttributeValue, Span } from '../../../model/span.js';
import { durationMs, nanosToIso } from '../../../model/time.js';
import { clipText } from '../../output-budget.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, traceIdInput } from '../common-inputs.js';
import { loadTrace } from '../trace-lookup.js';
import { round } from './trace-summary-output.js';

/** A single attribute longer than this (a stack trace, an SQL text) is cut so it cannot eat the budget. */
const MAX_VALUE_CHARS = 2000;
/** Logs read per span; the backend's own log search has the rest. */
const MAX_LOGS = 100;

const attributes = z.record(z.string(), z.unknown());

export const getSpanDetailsTool = defineTool({
  name: 'get_span_details',
  title: 'Everything about one span',
  description:
    'Every attribute, event (exceptions with stacks), link, resource and scope attribute, log and child of one span. Span ids: get_trace_by_id.',
  toolset: 'query',
  input: z.object({
    trace_id: traceIdInput,
    span_id: z.string().min(1).describe('Span id or unique prefix'),
    cursor: cursorInput,
    backend: backendInput,
    budget_tokens: budgetInput,
  }),
  output: z.object({
    trace_id: z.string(),
    span_id: z.string(),
    parent_span_id: z.string().optional(),
    name: z.string(),
    service: z.string(),
    kind: z.string(),
    start: z.string(),
    end: z.string(),
    duration_ms: z.number(),
    status: z.object({ code: z.string(), message: z.string().optional() }),
    trace_state: z.string().optional(),
    attributes,
    events: z.array(z.object({ name: z.string(), time: z.string(), attributes })),
    links: z.array(z.object({ trace_id: z.string(), span_id: z.string(), attributes })),
    resource: attributes,
    scope: z.object({ name: z.string(), version: z.string().optional() }),
    dropped: z.object({ attributes: z.number(), events: z.number(), links: z.number() }),
    logs: z.array(z.object({ time: z.string(), severity: z.string(), body: z.unknown() })),
    children: z
      .array(z.object({ span_id: z.string(), name: z.string(), service: z.string() }))
      .describe('Immediate children'),
    clipped_values: z
      .array(z.string())
      .optional()
      .describe(`Attributes whose value was cut to its first ${MAX_VALUE_CHARS} characters`),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const trace = await loadTrace(deps, input.trace_id, input.backend);
    const wanted = input.span_id.trim().toLowerCase();
    const candidates = trace.spans.filter((span) => span.spanId.startsWith(wanted));
    if (candidates.length !== 1) {
      const hint =
        candidates.length > 1
          ? `it matches ${candidates
              .map((s) => s.spanId)
              .slice(0, 5)
              .join(', ')}`
          : 'list span ids with get_trace_by_id view=spans';
      throw new OtelMcpError(
        candidates.length > 1 ? 'AMBIGUOUS' : 'NOT_FOUND',
        `span '${input.span_id}' ${candidates.length > 1 ? 'is ambiguous' : 'is not'} in trace ${trace.traceId}`,
        hint,
      );
    }
    const span = candidates[0] as Span;
    const backend = deps.backends.get(input.backend);
    const logs =
      backend.capabilities.logs && backend.getLogs
        ? await backend.getLogs({ traceId: trace.traceId, spanId: span.spanId, limit: MAX_LOGS + 1 })
        : [];
    // One value (a stack trace, an SQL text) must not eat the answer: each is kept to its start.
    const clippedValues = new Set<string>();
    const clipAll = (values: Attributes): Record<string, AttributeValue> => {
      const out: Record<string, AttributeValue> = {};
      for (const [key, value] of Object.entries(values)) {
        const text = typeof value === 'string' ? value : undefined;
        if (text !== undefined && text.length > MAX_VALUE_CHARS) {
          clippedValues.add(key);
          setOwnProperty(out, key, clipText(text, MAX_VALUE_CHARS));
        } else setOwnProperty(out, key, value);
      }
      return out;
    };
    const children = trace.spans
      .filter((child) => child.parentSpanId === span.spanId)
      .map((child) => ({ span_id: child.spanId, name: child.name, service: child.serviceName }));
    const events = span.events.map((event) => ({
      name: event.name,
      time: nanosToIso(event.timeUnixNano),
      attributes: clipAll(event.attributes),
    }));
    const links = span.links.map((link) => ({
      trace_id: link.traceId,
      span_id: link.spanId,
      attributes: clipAll(link.attributes),
    }));
    const logRows = logs.slice(0, MAX_LOGS).map((log) => ({
      time: nanosToIso(log.timeUnixNano),
      severity: log.severityText ?? String(log.severityNumber),
      body: log.body,
    }));
    const fields = {
      trace_id: span.traceId,
      span_id: span.spanId,
      ...(span.parentSpanId ? { parent_span_id: span.parentSpanId } : {}),
      name: span.name,
      service: span.serviceName,
      kind: span.kind,
      start: nanosToIso(span.startTimeUnixNano),
      end: nanosToIso(span.endTimeUnixNano),
      duration_ms: round(durationMs(span)),
      status: { code: span.status.code, ...(span.status.message ? { message: span.status.message } : {}) },
      ...(span.traceState ? { trace_state: span.traceState } : {}),
      attributes: clipAll(span.attributes),
      resource: clipAll(span.resource.attributes),
      scope: { name: span.scope.name, ...(span.scope.version ? { version: span.scope.version } : {}) },
      dropped: {
        attributes: span.droppedAttributesCount,
        events: span.droppedEventsCount,
        links: span.droppedLinksCount,
      },
    };
    const flat = (values: Record<string, unknown>) =>
      Object.entries(values).map(
        ([key, value]) => `  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
      );
    const dropped = Object.entries(fields.dropped).filter(([, count]) => count > 0);
    const lead = [
      `${span.serviceName}: ${span.name} (${span.kind}) ${fields.duration_ms} ms, status ${span.status.code}${span.status.message ? ` "${span.status.message}"` : ''}`,
      `span ${span.spanId}, parent ${span.parentSpanId ?? 'none (root)'}, ${children.length} children, ${events.length} events, ${links.length} links, started ${fields.start}`,
      ...(span.traceState ? [`trace state: ${span.traceState}`] : []),
      'attributes:',
      ...flat(fields.attributes),
      'resource:',
      ...flat(fields.resource),
      `scope: ${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`,
      ...(dropped.length > 0
        ? [`dropped by the SDK: ${dropped.map(([what, count]) => `${count} ${what}`).join(', ')}`]
        : []),
    ];
    return {
      fields: {
        ...fields,
        ...(clippedValues.size > 0 ? { clipped_values: [...clippedValues].sort() } : {}),
      },
      lead,
      lists: [
        listSection({
          key: 'events',
          rows: events,
          weight: 2,
          line: (event) => [`event ${event.name} at ${event.time}:`, ...flat(event.attributes)].join('\n'),
        }),
        listSection({
          key: 'links',
          rows: links,
          line: (link) =>
            [`link → trace ${link.trace_id} span ${link.span_id}`, ...flat(link.attributes)].join('\n'),
        }),
        listSection({
          key: 'logs',
          rows: logRows,
          line: (log) =>
            `log ${log.time} ${log.severity}: ${typeof log.body === 'string' ? log.body : JSON.stringify(log.body)}`,
          ...(logs.length > MAX_LOGS
            ? {
                beyond: {
                  count: logs.length - MAX_LOGS,
                  atLeast: true,
                  next: `only the first ${MAX_LOGS} logs of a span are read; query the log backend for the rest`,
                },
              }
            : {}),
        }),
        listSection({
          key: 'children',
          heading: 'children:',
          rows: children,
          line: (child) => `  ${child.service}: ${child.name} [${child.span_id}]`,
        }),
      ],
      ...(clippedValues.size > 0
        ? {
            notes: [
              `Values cut to their first ${MAX_VALUE_CHARS} characters: ${[...clippedValues].sort().join(', ')}.`,
            ],
          }
        : {}),
    };
  },
});
