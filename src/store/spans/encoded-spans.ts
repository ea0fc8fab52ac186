import { RUN_ID_ATTRIBUTE } from '../../model/run-attributes.js';
import type { Attributes, InstrumentationScope, Resource, Span } from '../../model/span.js';
import { indexValue, type IndexValue } from '../attributes/attribute-values.js';
import { canonicalHash } from '../schema/canonical-json.js';
import { PLAIN, TAGGED, encodeJson, hasSpecialNumber, type Encoding } from '../schema/json-codec.js';
import { spanMessageOf } from '../../otlp/span-message.js';
import { kindNumber, statusNumber } from './span-codec.js';
import { checkSpans } from './span-validation.js';

/**
 * A batch of spans as the writer stores it: checked, each body in one buffer, the attribute index
 * entries computed, repeated values (trace ids, resources, scopes, operations) listed once, and the
 * rest in columns of strings and typed arrays.
 *
 * It exists for the writer thread (worker-sink.ts). Span objects cost ~2 µs a span to structured-clone
 * on the sending side and ~4.5 µs to rebuild on the writer's (bench/ingest-vs-jaeger.ts), about half
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
   * Span i's OTLP `Span` message (span-message.ts), the row's body, at [bodyEnds[i - 1] (0 for the
   * first), bodyEnds[i]): a span from a protobuf export keeps the bytes it came in, so storing it
   * costs a copy where a JSON encoding of its attributes, events and links cost ~2 µs, and one buffer
   * moves to the writer's thread without being cloned.
   */
  bodies: Uint8Array;
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
  const count = spans.length;
  const batch: EncodedSpans = {
    count,
    traceIds: [],
    resources: [],
    scopes: [],
    operations: [],
    trace: new Uint32Array(count),
    resource: new Uint32Array(count),
    scope: new Uint32Array(count),
    operation: new Uint32Array(count),
    spanIds: [],
    parentSpanIds: [],
    times: new BigInt64Array(count * 2),
    statuses: new Uint8Array(count),
    bodies: new Uint8Array(0),
    bodyEnds: new Uint32Array(count),
    attributeKeys: [],
    postingKeys: new Uint32Array(0),
    postingValues: new Uint32Array(0),
    postingEnds: new Uint32Array(0),
    postingSpans: new Uint32Array(0),
    indexValues: [],
    linkTraceIds: [],
    linkSpanIds: [],
    linkEnds: new Uint32Array(count),
  };
  const traces = new Map<string, number>();
  // Decoders give every span of a resource block the same objects: one encoding each per batch.
  const resources = new Map<Resource, number>();
  const scopes = new Map<InstrumentationScope, number>();
  const operations = new Map<string, number>();
  const keys = new Map<string, number>();
  const values = new Map<IndexValue, number>();
  // Per key (its index), the posting group of each value index; the groups' spans as they come.
  const groupsByKey: Map<number, number>[] = [];
  const groupSpans: number[][] = [];
  const groupKeys: number[] = [];
  const groupValues: number[] = [];
  const bodies: Uint8Array[] = [];
  let bodyBytes = 0;
  for (let i = 0; i < count; i += 1) {
    const span = spans[i]!;
    let trace = traces.get(span.traceId);
    if (trace === undefined) {
      traces.set(span.traceId, (trace = batch.traceIds.length));
      batch.traceIds.push(span.traceId);
    }
    batch.trace[i] = trace;
    let resource = resources.get(span.resource);
    if (resource === undefined) {
      resources.set(span.resource, (resource = batch.resources.length));
      batch.resources.push(encodeResource(span.resource));
    }
    batch.resource[i] = resource;
    let scope = scopes.get(span.scope);
    if (scope === undefined) {
      scopes.set(span.scope, (scope = batch.scopes.length));
      batch.scopes.push(encodeScope(span.scope));
    }
    batch.scope[i] = scope;
    const kind = kindNumber(span.kind);
    const operationKey = `${kind}\u0000${span.serviceName}\u0000${span.name}`;
    let operation = operations.get(operationKey);
    if (operation === undefined) {
      operations.set(operationKey, (operation = batch.operations.length));
      batch.operations.push({ service: span.serviceName, name: span.name, kind });
    }
    batch.operation[i] = operation;
    batch.spanIds.push(span.spanId);
    batch.parentSpanIds.push(span.parentSpanId ?? null);
    batch.times[2 * i] = span.startTimeUnixNano;
    batch.times[2 * i + 1] = span.endTimeUnixNano;
    batch.statuses[i] = statusNumber(span.status.code);
    const body = spanMessageOf(span);
    bodies.push(body);
    bodyBytes += body.length;
    batch.bodyEnds[i] = bodyBytes;
    for (const key in span.attributes) {
      let keyIndex = keys.get(key);
      if (keyIndex === undefined) {
        keys.set(key, (keyIndex = batch.attributeKeys.length));
        batch.attributeKeys.push(key);
        groupsByKey.push(new Map());
      }
      const value = indexValue(span.attributes[key] as Attributes[string]);
      let valueIndex = values.get(value);
      if (valueIndex === undefined) {
        values.set(value, (valueIndex = batch.indexValues.length));
        batch.indexValues.push(value);
      }
      const groups = groupsByKey[keyIndex]!;
      const group = groups.get(valueIndex);
      if (group !== undefined) groupSpans[group]!.push(i);
      else {
        groups.set(valueIndex, groupSpans.length);
        groupSpans.push([i]);
        groupKeys.push(keyIndex);
        groupValues.push(valueIndex);
      }
    }
    for (const link of span.links) {
      batch.linkTraceIds.push(link.traceId);
      batch.linkSpanIds.push(link.spanId);
    }
    batch.linkEnds[i] = batch.linkTraceIds.length;
  }
  batch.bodies = new Uint8Array(bodyBytes);
  for (let i = 0, at = 0; i < count; i += 1) {
    batch.bodies.set(bodies[i]!, at);
    at += bodies[i]!.length;
  }
  batch.postingKeys = Uint32Array.from(groupKeys);
  batch.postingValues = Uint32Array.from(groupValues);
  batch.postingEnds = new Uint32Array(groupSpans.length);
  let entries = 0;
  for (let group = 0; group < groupSpans.length; group += 1) {
    entries += groupSpans[group]!.length;
    batch.postingEnds[group] = entries;
  }
  batch.postingSpans = new Uint32Array(entries);
  let at = 0;
  for (const spans of groupSpans) {
    batch.postingSpans.set(spans, at);
    at += spans.length;
  }
  return batch;
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
