import { RUN_ID_ATTRIBUTE } from '../../model/run-attributes.js';
import { objectArray } from '../../model/object-array.js';
import type { AttributeValue, InstrumentationScope, Resource, Span } from '../../model/span.js';
import { indexValue, type IndexValue } from '../attributes/attribute-values.js';
import { canonicalHash } from '../schema/canonical-json.js';
import { PLAIN, TAGGED, encodeJson, hasSpecialNumber, type Encoding } from '../schema/json-codec.js';
import type { SpanColumns } from '../../otlp/span-columns.js';
import { encodeSpanMessage } from '../../otlp/span-message.js';
import { kindNumber, statusNumber } from './span-codec.js';
import { checkSpans } from './span-validation.js';

/**
 * A batch of spans as the writer stores it: checked, each body in one buffer, the attribute index
 * entries computed, repeated values (trace ids, resources, scopes, operations) listed once, and the
 * rest in columns of strings and typed arrays.
 *
 * It exists for the writer thread (worker-sink.ts). Span objects cost ~2 µs a span to structured-clone
 * on the sending side and ~4.5 µs to rebuild on the writer's (bench/ingest-vs-jaeger.md), about half
 * of what the writer then spent storing them, and the writer's thread is the one that limits ingest.
 * These columns clone in ~0.7 + ~1 µs a span, and the checks move to the thread that decoded the
 * export. The store's own writeSpans encodes the same way, so both paths store exactly the same rows.
 */
export interface EncodedSpans {
  count: number;
  /** Distinct, in first-seen order. */
  traceIds: string[];
  resources: EncodedResource[];
  scopes: EncodedScope[];
  operations: EncodedOperation[];
  /** Per span, an index into traceIds, resources, scopes and operations. */
  trace: Uint32Array;
  resource: Uint32Array;
  scope: Uint32Array;
  operation: Uint32Array;
  spanIds: string[];
  parentSpanIds: (string | null)[];
  /** Start and end nanoseconds of span i at 2i and 2i + 1 (checked to fit int64). */
  times: BigInt64Array;
  /** OTLP status code numbers. */
  statuses: Uint8Array;
  /**
   * Span i's OTLP `Span` message (span-message.ts), the row's body, at [bodyStarts[i], bodyEnds[i]):
   * a span from a protobuf export keeps the bytes it came in, so storing it costs a copy where a JSON
   * encoding of its attributes, events and links cost ~2 µs, and one buffer moves to the writer's
   * thread without being cloned. Bodies that lay one after the other in the export are copied
   * together, with what lies between them (a field key and length, or a small scope header or
   * rejected span: at most MAX_BODY_GAP bytes), which no offset points into.
   */
  bodies: Uint8Array;
  bodyStarts: Uint32Array;
  bodyEnds: Uint32Array;
  /** Distinct top-level attribute keys of the batch. */
  attributeKeys: string[];
  /**
   * The attribute index entries grouped by (key, value), as the postings keep them: group g is the
   * key postingKeys[g] (an index into attributeKeys) with the value postingValues[g] (an index into
   * indexValues: one string each clones for less), carried by the spans at [postingEnds[g - 1] (0 for
   * the first), postingEnds[g]) of postingSpans, in ascending order. Grouped here, on the thread that
   * decodes, because the writer's thread is the one that limits ingest: it then looks each pair up
   * once a batch instead of once a span (~1 µs a span of its time).
   */
  postingKeys: Uint32Array;
  postingValues: Uint32Array;
  postingEnds: Uint32Array;
  postingSpans: Uint32Array;
  /** Distinct index values of the batch. */
  indexValues: IndexValue[];
  /** Span i's links (linked trace and span id) are at [linkEnds[i - 1], linkEnds[i]). */
  linkTraceIds: string[];
  linkSpanIds: string[];
  linkEnds: Uint32Array;
}

export interface EncodedResource {
  /** Of the canonical JSON: equal resources share one row. */
  hash: string;
  body: string;
  encoding: Encoding;
  /** Top-level attributes for resource_attributes, as the index keeps them. */
  attributeKeys: string[];
  attributeValues: IndexValue[];
  /** The run id (RUN_ID_ATTRIBUTE) when the resource carries one. */
  runId?: string;
}

export interface EncodedScope {
  hash: string;
  body: string;
  encoding: Encoding;
}

export interface EncodedOperation {
  service: string;
  name: string;
  kind: number;
}

/** The buffers of a batch's typed arrays, to transfer to another thread instead of copying them. */
export function encodedSpansBuffers(batch: EncodedSpans): ArrayBuffer[] {
  return [
    batch.trace,
    batch.resource,
    batch.scope,
    batch.operation,
    batch.times,
    batch.statuses,
    batch.bodies,
    batch.bodyStarts,
    batch.bodyEnds,
    batch.postingKeys,
    batch.postingValues,
    batch.postingEnds,
    batch.postingSpans,
    batch.linkEnds,
  ].map((array) => array.buffer as ArrayBuffer);
}

/**
 * Checks and encodes spans for the writer; throws INVALID_ARGUMENT (see checkSpans, which numbers
 * the spans from `firstIndex`) for a malformed span.
 */
export function encodeSpans(spans: readonly Span[], firstIndex = 0): EncodedSpans {
  checkSpans(spans, firstIndex);
  const builder = new EncodedSpansBuilder(spans.length);
  for (const span of spans) {
    const i = builder.span(
      span.traceId,
      span.resource,
      span.scope,
      span.serviceName,
      span.name,
      kindNumber(span.kind),
      span.spanId,
      span.parentSpanId ?? null,
      span.startTimeUnixNano,
      span.endTimeUnixNano,
      statusNumber(span.status.code),
    );
    const body = encodeSpanMessage(span);
    builder.body(i, body, 0, body.length);
    for (const key in span.attributes) builder.attribute(i, key, span.attributes[key] as AttributeValue);
    for (const link of span.links) builder.link(link.traceId, link.spanId);
    builder.linksDone(i);
  }
  return builder.finish();
}

/**
 * Spans `from` to `to` of an export decoded into columns (otlp/span-columns.ts), encoded exactly as
 * encodeSpans encodes the same spans decoded as objects, except that each body is the bytes the span
 * arrived in. The decoder has checked everything checkSpans would.
 */
export function encodeSpanColumns(columns: SpanColumns, from = 0, to = columns.count): EncodedSpans {
  const builder = new EncodedSpansBuilder(to - from);
  const { blocks, blockOf, times, request, bodyStarts, attributeEnds, linkEnds } = columns;
  for (let span = from; span < to; span += 1) {
    const block = blocks[blockOf[span]!]!;
    const i = builder.span(
      columns.traceIds[span]!,
      block.resource,
      block.scope,
      block.serviceName,
      columns.names[span]!,
      columns.kinds[span]!,
      columns.spanIds[span]!,
      columns.parentSpanIds[span]!,
      times[2 * span]!,
      times[2 * span + 1]!,
      columns.statuses[span]!,
    );
    builder.body(i, request, bodyStarts[span]!, columns.bodyEnds[span]!);
    for (let at = span === 0 ? 0 : attributeEnds[span - 1]!; at < attributeEnds[span]!; at += 1)
      builder.attribute(i, columns.attributeKeys[at]!, columns.attributeValues[at]!);
    for (let at = span === 0 ? 0 : linkEnds[span - 1]!; at < linkEnds[span]!; at += 1)
      builder.link(columns.linkTraceIds[at]!, columns.linkSpanIds[at]!);
    builder.linksDone(i);
  }
  return builder.finish();
}

/**
 * The most bytes between two bodies of one source that are copied with them rather than starting
 * a new region: a span's field key and length take 2–4; a scope or resource header or a rejected
 * span between two spans may take more, and a larger gap starts a new region instead.
 */
const MAX_BODY_GAP = 64;

/**
 * Fills an EncodedSpans span by span: repeated values listed once, the attribute index entries
 * grouped by (key, value), the bodies gathered into one buffer.
 */
class EncodedSpansBuilder {
  private readonly batch: EncodedSpans;
  private next = 0;
  private readonly traces = new Map<string, number>();
  // Decoders give every span of a resource block the same objects: one encoding each per batch.
  private readonly resources = new Map<Resource, number>();
  private readonly scopes = new Map<InstrumentationScope, number>();
  // By service, kind and name: no key string to build and hash for every span.
  private readonly operations = new Map<string, Map<string, number>[]>();
  // Per key, its index and the posting group of each of its values: two lookups an attribute.
  private readonly keys = new Map<string, { index: number; groups: Map<IndexValue, number> }>();
  private readonly values = new Map<IndexValue, number>();
  // A number's or boolean's index text, made once a batch (a status code, a port).
  private readonly scalarTexts = new Map<number | boolean, IndexValue>();
  // The groups' spans as they come.
  private readonly groupSpans: number[][] = objectArray();
  private readonly groupKeys: number[] = [];
  private readonly groupValues: number[] = [];
  /** Regions of the sources to copy into `bodies`: [source, start, end) each, in span order. */
  private readonly regionSources: Uint8Array[] = objectArray();
  private readonly regionBounds: number[] = [];
  private bodyBytes = 0;

  constructor(count: number) {
    this.batch = {
      count,
      traceIds: objectArray(),
      resources: objectArray(),
      scopes: objectArray(),
      operations: objectArray(),
      trace: new Uint32Array(count),
      resource: new Uint32Array(count),
      scope: new Uint32Array(count),
      operation: new Uint32Array(count),
      spanIds: objectArray(),
      parentSpanIds: objectArray(),
      times: new BigInt64Array(count * 2),
      statuses: new Uint8Array(count),
      bodies: new Uint8Array(0),
      bodyStarts: new Uint32Array(count),
      bodyEnds: new Uint32Array(count),
      attributeKeys: objectArray(),
      postingKeys: new Uint32Array(0),
      postingValues: new Uint32Array(0),
      postingEnds: new Uint32Array(0),
      postingSpans: new Uint32Array(0),
      indexValues: objectArray(),
      linkTraceIds: objectArray(),
      linkSpanIds: objectArray(),
      linkEnds: new Uint32Array(count),
    };
  }

  /** Adds a span; returns its index in the batch, for its attributes and links. */
  span(
    traceId: string,
    resource: Resource,
    scope: InstrumentationScope,
    service: string,
    name: string,
    kind: number,
    spanId: string,
    parentSpanId: string | null,
    startNs: bigint,
    endNs: bigint,
    status: number,
  ): number {
    const batch = this.batch;
    const i = this.next++;
    let trace = this.traces.get(traceId);
    if (trace === undefined) {
      this.traces.set(traceId, (trace = batch.traceIds.length));
      batch.traceIds.push(traceId);
    }
    batch.trace[i] = trace;
    let resourceIndex = this.resources.get(resource);
    if (resourceIndex === undefined) {
      this.resources.set(resource, (resourceIndex = batch.resources.length));
      batch.resources.push(encodeResource(resource));
    }
    batch.resource[i] = resourceIndex;
    let scopeIndex = this.scopes.get(scope);
    if (scopeIndex === undefined) {
      this.scopes.set(scope, (scopeIndex = batch.scopes.length));
      batch.scopes.push(encodeScope(scope));
    }
    batch.scope[i] = scopeIndex;
    let byKind = this.operations.get(service);
    if (byKind === undefined) this.operations.set(service, (byKind = []));
    let byName = byKind[kind];
    if (byName === undefined) byKind[kind] = byName = new Map();
    let operation = byName.get(name);
    if (operation === undefined) {
      byName.set(name, (operation = batch.operations.length));
      batch.operations.push({ service, name, kind });
    }
    batch.operation[i] = operation;
    batch.spanIds.push(spanId);
    batch.parentSpanIds.push(parentSpanId);
    batch.times[2 * i] = startNs;
    batch.times[2 * i + 1] = endNs;
    batch.statuses[i] = status;
    return i;
  }

  /**
   * Span `i`'s body: `source` from `start` to `end`. A body that follows the previous one in the
   * same source within MAX_BODY_GAP bytes extends its region, so an export's bodies are copied in one
   * piece (one view and one copy a span cost ~0.3 µs of the decoding thread's ~5).
   */
  body(i: number, source: Uint8Array, start: number, end: number): void {
    const regions = this.regionSources.length;
    const bounds = this.regionBounds;
    const last = bounds.length - 1;
    if (
      regions > 0 &&
      this.regionSources[regions - 1] === source &&
      start >= bounds[last]! &&
      start - bounds[last]! <= MAX_BODY_GAP
    ) {
      this.bodyBytes += start - bounds[last]!;
      bounds[last] = end;
    } else {
      this.regionSources.push(source);
      bounds.push(start, end);
    }
    this.batch.bodyStarts[i] = this.bodyBytes;
    this.bodyBytes += end - start;
    this.batch.bodyEnds[i] = this.bodyBytes;
  }

  /** A top-level attribute of span `i` (each key once a span). */
  attribute(i: number, key: string, attributeValue: AttributeValue): void {
    let byKey = this.keys.get(key);
    if (byKey === undefined) {
      this.keys.set(key, (byKey = { index: this.batch.attributeKeys.length, groups: new Map() }));
      this.batch.attributeKeys.push(key);
    }
    let value: IndexValue;
    if (typeof attributeValue === 'number' || typeof attributeValue === 'boolean') {
      const text = this.scalarTexts.get(attributeValue);
      if (text === undefined) this.scalarTexts.set(attributeValue, (value = indexValue(attributeValue)));
      else value = text;
    } else value = indexValue(attributeValue);
    const group = byKey.groups.get(value);
    if (group !== undefined) {
      this.groupSpans[group]!.push(i);
      return;
    }
    let valueIndex = this.values.get(value);
    if (valueIndex === undefined) {
      this.values.set(value, (valueIndex = this.batch.indexValues.length));
      this.batch.indexValues.push(value);
    }
    byKey.groups.set(value, this.groupSpans.length);
    this.groupSpans.push([i]);
    this.groupKeys.push(byKey.index);
    this.groupValues.push(valueIndex);
  }

  /** A link of the span being added (its linked trace and span id). */
  link(traceId: string, spanId: string): void {
    this.batch.linkTraceIds.push(traceId);
    this.batch.linkSpanIds.push(spanId);
  }

  /** Closes span `i`'s links. */
  linksDone(i: number): void {
    this.batch.linkEnds[i] = this.batch.linkTraceIds.length;
  }

  finish(): EncodedSpans {
    const batch = this.batch;
    batch.bodies = new Uint8Array(this.bodyBytes);
    for (let region = 0, at = 0; region < this.regionSources.length; region += 1) {
      const start = this.regionBounds[2 * region]!;
      const end = this.regionBounds[2 * region + 1]!;
      batch.bodies.set(this.regionSources[region]!.subarray(start, end), at);
      at += end - start;
    }
    batch.postingKeys = Uint32Array.from(this.groupKeys);
    batch.postingValues = Uint32Array.from(this.groupValues);
    batch.postingEnds = new Uint32Array(this.groupSpans.length);
    let entries = 0;
    for (let group = 0; group < this.groupSpans.length; group += 1) {
      entries += this.groupSpans[group]!.length;
      batch.postingEnds[group] = entries;
    }
    batch.postingSpans = new Uint32Array(entries);
    let at = 0;
    for (const spans of this.groupSpans) {
      batch.postingSpans.set(spans, at);
      at += spans.length;
    }
    return batch;
  }
}

export function encodeResource(resource: Resource): EncodedResource {
  const body: Resource = {
    attributes: resource.attributes,
    droppedAttributesCount: resource.droppedAttributesCount,
  };
  if (resource.schemaUrl !== undefined) body.schemaUrl = resource.schemaUrl;
  const encoding = hasSpecialNumber(body.attributes) ? TAGGED : PLAIN;
  const encoded: EncodedResource = {
    hash: canonicalHash(body),
    body: encodeJson(body, encoding),
    encoding,
    attributeKeys: [],
    attributeValues: [],
  };
  for (const [key, value] of Object.entries(resource.attributes)) {
    encoded.attributeKeys.push(key);
    encoded.attributeValues.push(indexValue(value));
  }
  const runId = resource.attributes[RUN_ID_ATTRIBUTE];
  if (typeof runId === 'string') encoded.runId = runId;
  return encoded;
}

export function encodeScope(scope: InstrumentationScope): EncodedScope {
  const body: InstrumentationScope = {
    name: scope.name,
    attributes: scope.attributes,
    droppedAttributesCount: scope.droppedAttributesCount,
  };
  if (scope.version !== undefined) body.version = scope.version;
  if (scope.schemaUrl !== undefined) body.schemaUrl = scope.schemaUrl;
  const encoding = hasSpecialNumber(body.attributes) ? TAGGED : PLAIN;
  return { hash: canonicalHash(body), body: encodeJson(body, encoding), encoding };
}
