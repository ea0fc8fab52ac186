/**
 * ExportTraceServiceRequest (or TracesData) in OTLP/JSON → model spans. Same rules as the protobuf
 * decoder: malformed documents throw `OtelMcpError('INVALID_ARGUMENT')` with the JSON path; a span
 * with bad ids or times is rejected alone and counted.
 */
import type { Span, SpanEvent, SpanLink, SpanStatus } from '../model/span.js';
import { SPAN_KINDS } from '../model/span.js';
import {
  arrayField,
  asObject,
  at,
  attributesField,
  enumField,
  idField,
  uint32Field,
  jsonDecodeError,
  nanosField,
  optionalUint32Field,
  optionalString,
  parseJsonDocument,
  resourceFrom,
  scopeFrom,
  stringField,
  type JsonObject,
} from './common-json.js';
import {
  describeRejectedSpan,
  idProblem,
  parentOrUndefined,
  Rejections,
  serviceNameOf,
  spanIdsProblem,
  type DecodedSpans,
} from './decoded-batch.js';
import { spanTimesProblem } from './timestamp-problems.js';

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const STATUS_CODES: readonly SpanStatus['code'][] = ['unset', 'ok', 'error'];

/** `input` is the JSON text or the already parsed document. */
export function decodeTraceRequestJson(input: unknown): DecodedSpans {
  const messageName = 'ExportTraceServiceRequest';
  const document = parseJsonDocument(input, messageName);
  const spans: Span[] = [];
  const rejections = new Rejections();
  try {
    arrayField(document, 'resourceSpans').forEach((raw, i) =>
      at(`resourceSpans[${i}]`, () => {
        const resourceSpans = asObject(raw);
        const resource = resourceFrom(resourceSpans);
        const serviceName = serviceNameOf(resource);
        arrayField(resourceSpans, 'scopeSpans').forEach((rawScope, j) =>
          at(`scopeSpans[${j}]`, () => {
            const scopeSpans = asObject(rawScope);
            const scope = scopeFrom(scopeSpans);
            arrayField(scopeSpans, 'spans').forEach((rawSpan, k) =>
              at(`spans[${k}]`, () => {
                const span = spanFrom(asObject(rawSpan), { serviceName, resource, scope }, rejections);
                if (span) spans.push(span);
              }),
            );
          }),
        );
      }),
    );
  } catch (error) {
    throw jsonDecodeError(error, messageName);
  }
  return { spans, rejected: rejections.count, errors: rejections.lines() };
}

function spanFrom(
  object: JsonObject,
  origin: Pick<Span, 'serviceName' | 'resource' | 'scope'>,
  rejections: Rejections,
): Span | undefined {
  const traceId = idField(object, 'traceId', 16);
  const spanId = idField(object, 'spanId', 8);
  const parentSpanId = parentOrUndefined(idField(object, 'parentSpanId', 8));
  const name = stringField(object, 'name');
  const idsProblem = spanIdsProblem(traceId, spanId, parentSpanId, true);
  if (idsProblem !== undefined) {
    rejections.add(describeRejectedSpan(name, spanId, idsProblem));
    return undefined;
  }
  const start = nanosField(object, 'startTimeUnixNano');
  const end = nanosField(object, 'endTimeUnixNano');
  const events = arrayField(object, 'events').map((raw, i) =>
    at(`events[${i}]`, () => eventFrom(asObject(raw))),
  );
  const timesProblem = spanTimesProblem(start, end, events);
  if (timesProblem !== undefined) {
    rejections.add(describeRejectedSpan(name, spanId, timesProblem));
    return undefined;
  }
  const links: SpanLink[] = [];
  let invalidLinks = 0;
  arrayField(object, 'links').forEach((raw, i) =>
    at(`links[${i}]`, () => {
      const link = linkFrom(asObject(raw));
      // A link to an invalid id points nowhere; it is dropped and counted, the span is kept.
      if (idProblem('trace id', link.traceId, true) ?? idProblem('span id', link.spanId, true))
        invalidLinks++;
      else links.push(link);
    }),
  );
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState: optionalString(object, 'traceState'),
    flags: optionalUint32Field(object, 'flags'),
    name,
    kind: SPAN_KINDS[enumField(object, 'kind', KIND_NAMES)] ?? 'unspecified',
    serviceName: origin.serviceName,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    status: at('status', () => statusFrom(object.status)),
    attributes: attributesField(object, 'attributes'),
    droppedAttributesCount: uint32Field(object, 'droppedAttributesCount'),
    events,
    droppedEventsCount: uint32Field(object, 'droppedEventsCount'),
    links,
    droppedLinksCount: uint32Field(object, 'droppedLinksCount') + invalidLinks,
    resource: origin.resource,
    scope: origin.scope,
  };
}

function eventFrom(object: JsonObject): SpanEvent {
  return {
    timeUnixNano: nanosField(object, 'timeUnixNano'),
    name: stringField(object, 'name'),
    attributes: attributesField(object, 'attributes'),
    droppedAttributesCount: uint32Field(object, 'droppedAttributesCount'),
  };
}

function linkFrom(object: JsonObject): SpanLink {
  return {
    traceId: idField(object, 'traceId', 16),
    spanId: idField(object, 'spanId', 8),
    traceState: optionalString(object, 'traceState'),
    flags: optionalUint32Field(object, 'flags'),
    attributes: attributesField(object, 'attributes'),
    droppedAttributesCount: uint32Field(object, 'droppedAttributesCount'),
  };
}

function statusFrom(raw: unknown): SpanStatus {
  if (raw === undefined || raw === null) return { code: 'unset', message: undefined };
  const object = asObject(raw);
  return {
    code: STATUS_CODES[enumField(object, 'code', STATUS_NAMES)] ?? 'unset',
    message: optionalString(object, 'message'),
  };
}
