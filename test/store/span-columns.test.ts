import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequestColumns, decodeTraceRequestProtobuf } from '../../src/otlp/index.js';
import { decodeSpanMessage } from '../../src/otlp/span-message.js';
import { encodeSpanColumns, encodeSpans, type EncodedSpans } from '../../src/store/spans/encoded-spans.js';
import { encodeOtlp, hex } from '../otlp/otlp-proto-schema.js';
import { openTestStore } from './store-fixture.js';

/**
 * The receiver decodes protobuf exports straight into columns; everything else goes through span
 * objects. Both must store the same rows: these tests compare what each path hands the writer.
 */

const NONE = { attributes: {}, droppedAttributesCount: 0 };

/** An EncodedSpans as comparable data: bodies decoded, index entries as sorted "key=value@span" lines. */
function comparable(batch: EncodedSpans) {
  const spans = Array.from({ length: batch.count }, (_, i) => {
    const body = batch.bodies.subarray(batch.bodyStarts[i], batch.bodyEnds[i]);
    return {
      traceId: batch.traceIds[batch.trace[i]!],
      resource: batch.resources[batch.resource[i]!],
      scope: batch.scopes[batch.scope[i]!],
      operation: batch.operations[batch.operation[i]!],
      spanId: batch.spanIds[i],
      parentSpanId: batch.parentSpanIds[i],
      start: batch.times[2 * i],
      end: batch.times[2 * i + 1],
      status: batch.statuses[i],
      body: decodeSpanMessage(body, NONE, { name: '', ...NONE }, ''),
      links: Array.from(
        { length: batch.linkEnds[i]! - (i === 0 ? 0 : batch.linkEnds[i - 1]!) },
        (_, k) => k + (i === 0 ? 0 : batch.linkEnds[i - 1]!),
      ).map((at) => `${batch.linkTraceIds[at]}/${batch.linkSpanIds[at]}`),
    };
  });
  const entries: string[] = [];
  for (let group = 0; group < batch.postingKeys.length; group += 1) {
    const key = batch.attributeKeys[batch.postingKeys[group]!];
    const value = JSON.stringify(batch.indexValues[batch.postingValues[group]!]);
    for (let at = group === 0 ? 0 : batch.postingEnds[group - 1]!; at < batch.postingEnds[group]!; at += 1)
      entries.push(`${key}=${value}@${batch.postingSpans[at]}`);
  }
  return { spans, entries: entries.sort() };
}

function bothWays(bytes: Uint8Array) {
  const objects = decodeTraceRequestProtobuf(bytes);
  const columns = decodeTraceRequestColumns(bytes);
  expect(columns).toBeDefined();
  expect(columns!.rejected).toBe(objects.rejected);
  expect(columns!.errors).toEqual(objects.errors);
  expect(columns!.columns.count).toBe(objects.spans.length);
  return {
    fromColumns: comparable(encodeSpanColumns(columns!.columns)),
    fromObjects: comparable(encodeSpans(objects.spans)),
  };
}

/** A valid span with nothing but its ids and times, and `fields` over them. */
function minimalSpan(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trace_id: hex('5b8efff798038103d269b633813fc60c'),
    span_id: hex('eee19b7ec3c1b174'),
    start_time_unix_nano: '1',
    end_time_unix_nano: '2',
    ...fields,
  };
}

/** A request of one resource block holding that one span. */
function oneSpanRequest(fields: Record<string, unknown>): Uint8Array {
  return encodeOtlp('ExportTraceServiceRequest', {
    resource_spans: [{ scope_spans: [{ spans: [minimalSpan(fields)] }] }],
  });
}

/** A small seeded generator, so a failure names the request that broke it. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomRequest(seed: number): Uint8Array {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const id = (bytes: number) =>
    next() < 0.03
      ? Buffer.alloc(next() < 0.5 ? bytes : bytes - 1)
      : Buffer.from(Array.from({ length: bytes }, () => Math.floor(next() * 256)));
  const value = (depth: number): Record<string, unknown> =>
    pick([
      () => ({ string_value: pick(['GET', '/orders/{id}', '', 'ünï 🚀', 'x'.repeat(130)]) }),
      () => ({ int_value: pick(['200', '-7', '9007199254740993', '-9223372036854775808']) }),
      () => ({ double_value: pick([0.5, 200, -0, Number.NaN, Number.POSITIVE_INFINITY]) }),
      () => ({ bool_value: next() < 0.5 }),
      () => ({ bytes_value: Buffer.from([1, 2, 255]) }),
      () => ({}),
      () => (depth > 2 ? {} : { array_value: { values: [value(depth + 1), value(depth + 1)] } }),
      () => (depth > 2 ? {} : { kvlist_value: { values: [{ key: 'k', value: value(depth + 1) }] } }),
    ])();
  const attributes = () =>
    Array.from({ length: Math.floor(next() * 6) }, () => ({
      key: pick(['http.route', 'http.request.method', 'db.system', 'order.id', 'shard', '', '__proto__']),
      value: value(0),
    }));
  const span = () => ({
    trace_id: next() < 0.5 ? hex('5b8efff798038103d269b633813fc60c') : id(16),
    span_id: id(8),
    ...(next() < 0.7 ? { parent_span_id: id(8) } : {}),
    name: pick(['GET /orders', 'SELECT inventory', '']),
    kind: pick([0, 1, 2, 3, 5, 9]),
    start_time_unix_nano: pick(['1764000000000000000', '1764000000000000500', '9223372036854775808']),
    end_time_unix_nano: pick(['1764000000000001000', '1764000000000000400']),
    attributes: attributes(),
    events:
      next() < 0.3
        ? [
            {
              time_unix_nano: pick(['1764000000000000600', '18446744073709551615']),
              name: 'e',
              attributes: attributes(),
            },
          ]
        : [],
    links: next() < 0.3 ? [{ trace_id: id(16), span_id: id(8), attributes: attributes(), flags: 1 }] : [],
    ...(next() < 0.5 ? { status: { code: pick([0, 1, 2, 7]), message: 'm' } } : {}),
    ...(next() < 0.3 ? { flags: 0x301, trace_state: 'a=b' } : {}),
  });
  return encodeOtlp('ExportTraceServiceRequest', {
    resource_spans: Array.from({ length: 1 + Math.floor(next() * 2) }, (_, r) => ({
      resource: { attributes: [{ key: 'service.name', value: { string_value: `svc-${r}` } }] },
      scope_spans: Array.from({ length: 1 + Math.floor(next() * 2) }, (_, s) => ({
        scope: { name: `scope-${s}` },
        spans: Array.from({ length: Math.floor(next() * 8) }, span),
      })),
    })),
  });
}

describe('spans decoded into columns', () => {
  it('are stored as their span objects would be, over 300 generated requests with odd values and bad spans', () => {
    let rejected = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const bytes = randomRequest(seed);
      const { fromColumns, fromObjects } = bothWays(bytes);
      expect(fromColumns, `request of seed ${seed}`).toEqual(fromObjects);
      // A slice of the export (the receiver's queue cuts large ones) encodes as those spans alone.
      const { columns } = decodeTraceRequestColumns(bytes)!;
      const from = Math.floor(columns.count / 3);
      const to = columns.count - Math.floor(columns.count / 4);
      expect(comparable(encodeSpanColumns(columns, from, to)), `slice of seed ${seed}`).toEqual(
        comparable(encodeSpans(decodeTraceRequestProtobuf(bytes).spans.slice(from, to))),
      );
      rejected += decodeTraceRequestProtobuf(bytes).rejected;
    }
    // The generator's bad ids and times did reach the comparison of rejections.
    expect(rejected).toBeGreaterThan(20);
  });

  it('fill the store row for row as the same spans written as objects, each body decoding to the same span', () => {
    const viaColumns = openTestStore().store;
    const viaObjects = openTestStore().store;
    const traceIds = new Set<string>();
    for (let seed = 1; seed <= 40; seed += 1) {
      const bytes = randomRequest(seed);
      const { columns } = decodeTraceRequestColumns(bytes)!;
      viaColumns.writeSpanColumns([{ columns, from: 0, to: columns.count }]);
      const { spans } = decodeTraceRequestProtobuf(bytes);
      viaObjects.writeSpans(spans);
      for (const span of spans) traceIds.add(span.traceId);
    }
    for (const store of [viaColumns, viaObjects]) store.sealOpenBucket();
    const rows = (store: typeof viaColumns) =>
      ['traces', 'resources', 'scopes', 'operations', 'attribute_keys', 'attribute_postings', 'span_links']
        .map((table) => store.connection().prepare(`SELECT * FROM ${table}`).all())
        .concat([
          (store.connection().prepare('SELECT * FROM spans').all() as { body: unknown }[]).map(
            ({ body: _, ...row }) => row,
          ),
        ]);
    expect(rows(viaColumns)).toStrictEqual(rows(viaObjects));
    expect(traceIds.size).toBeGreaterThan(40);
    for (const traceId of traceIds)
      expect(viaColumns.getTrace(traceId)).toStrictEqual(viaObjects.getTrace(traceId));
  });

  it('find an attribute whose key arrived as bytes that are not UTF-8, in the newest spans and sealed ones alike', () => {
    const { store } = openTestStore();
    // The key 'a' followed by 0xFF: decoded, and indexed, as 'a\uFFFD'.
    const request = (spanId: string) => {
      const bytes = oneSpanRequest({
        span_id: hex(spanId),
        attributes: [{ key: 'aX', value: { string_value: 'x'.repeat(200) } }],
      });
      const broken = Uint8Array.from(bytes);
      broken[Buffer.from(bytes).indexOf(Buffer.from('aX')) + 1] = 0xff;
      return decodeTraceRequestColumns(broken)!.columns;
    };
    const found = () =>
      store.findTraces({ limit: 5, attributes: [{ key: 'a\uFFFD', value: 'x'.repeat(200) }] }).length +
      store.findTraces({ limit: 5, attributes: [{ key: 'a\uFFFD' }] }).length;
    const columns = request('eee19b7ec3c1b174');
    expect(columns.attributeKeys).toEqual(['a\uFFFD']);
    store.writeSpanColumns([{ columns, from: 0, to: 1 }]);
    expect(found()).toBe(2);
    store.sealOpenBucket();
    expect(found()).toBe(2);
  });

  it('read trace ids that share the id cache slot (last and middle bytes) as themselves', () => {
    const ids = ['00000000000000aacc000000000000bb', '11111111111111aacc111111111111bb'];
    const bytes = encodeOtlp('ExportTraceServiceRequest', {
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                minimalSpan({ trace_id: hex(ids[0]!) }),
                minimalSpan({ trace_id: hex(ids[1]!), span_id: hex('eee19b7ec3c1b175') }),
                minimalSpan({ trace_id: hex(ids[0]!), span_id: hex('eee19b7ec3c1b176') }),
              ],
            },
          ],
        },
      ],
    });
    expect(decodeTraceRequestColumns(bytes)!.columns.traceIds).toEqual([ids[0], ids[1], ids[0]]);
  });

  it('copy no more than a few bytes between two bodies into the batch, however large the block between them', () => {
    const big = { key: 'blob', value: { string_value: 'x'.repeat(4_000) } };
    const bytes = encodeOtlp('ExportTraceServiceRequest', {
      resource_spans: [1, 2].map((n) => ({
        resource: { attributes: [{ key: 'service.name', value: { string_value: `svc-${n}` } }, big] },
        scope_spans: [{ spans: [minimalSpan({ span_id: hex(`eee19b7ec3c1b17${n}`) })] }],
      })),
    });
    const batch = encodeSpanColumns(decodeTraceRequestColumns(bytes)!.columns);
    const bodyBytes = batch.bodyEnds[0]! - batch.bodyStarts[0]! + batch.bodyEnds[1]! - batch.bodyStarts[1]!;
    expect(batch.bodies.length).toBe(bodyBytes);
    expect(bothWays(bytes).fromColumns).toEqual(bothWays(bytes).fromObjects);
  });

  it('keep a repeated key once, in its first place with its last value, as an object would', () => {
    const bytes = oneSpanRequest({
      attributes: [
        { key: 'a', value: { string_value: 'first' } },
        { key: 'b', value: { int_value: '1' } },
        { key: 'a', value: { string_value: 'last' } },
      ],
    });
    const { columns } = decodeTraceRequestColumns(bytes)!;
    expect(columns.attributeKeys).toEqual(['a', 'b']);
    expect(columns.attributeValues).toEqual(['last', 1]);
    expect(columns.blocks[0]!.serviceName).toBe('unknown_service');
    const { fromColumns, fromObjects } = bothWays(bytes);
    expect(fromColumns).toEqual(fromObjects);
  });

  it('keep a repeated key longer than 64 bytes once in each span, with its last value, as an object would', () => {
    const long = `app.${'feature_flag.'.repeat(6)}enabled`;
    const attributes = (values: string[]) =>
      values.map((value) => ({ key: long, value: { string_value: value } }));
    const bytes = encodeOtlp('ExportTraceServiceRequest', {
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                minimalSpan({ attributes: attributes(['a', 'b']) }),
                minimalSpan({ span_id: hex('eee19b7ec3c1b175'), attributes: attributes(['c', 'd', 'e']) }),
              ],
            },
          ],
        },
      ],
    });
    const { columns } = decodeTraceRequestColumns(bytes)!;
    expect(columns.attributeKeys).toEqual([long, long]);
    expect(columns.attributeValues).toEqual(['b', 'e']);
    const { fromColumns, fromObjects } = bothWays(bytes);
    expect(fromColumns).toEqual(fromObjects);
  });

  it('keep a key spelled in two kinds of invalid UTF-8 once in every span, as an object would', () => {
    const span = (n: number) =>
      minimalSpan({
        span_id: hex(`eee19b7ec3c1b17${n}`),
        attributes: [
          { key: 'qqX', value: { string_value: 'first' } },
          { key: 'qqY', value: { string_value: 'second' } },
        ],
      });
    const bytes = encodeOtlp('ExportTraceServiceRequest', {
      resource_spans: [{ resource: { attributes: [] }, scope_spans: [{ spans: [span(1), span(2)] }] }],
    });
    // Both keys become "qq\uFFFD": different bytes, one text.
    for (let at = 0; at + 2 < bytes.length; at += 1) {
      if (bytes[at] !== 0x71 || bytes[at + 1] !== 0x71) continue;
      if (bytes[at + 2] === 0x58) bytes[at + 2] = 0xff;
      if (bytes[at + 2] === 0x59) bytes[at + 2] = 0xfe;
    }
    const { columns } = decodeTraceRequestColumns(bytes)!;
    expect(columns.attributeKeys).toEqual(['qq\uFFFD', 'qq\uFFFD']);
    expect(columns.attributeValues).toEqual(['second', 'second']);
    const { fromColumns, fromObjects } = bothWays(bytes);
    expect(fromColumns).toEqual(fromObjects);
  });

  it('keep each repeated key once across spans whose keys outnumber the decoder’s cache of them', () => {
    // 600 distinct keys evict one another from the decoder's key cache, and string values spelled
    // like keys make cache entries of their own: each span repeats keys after such evictions.
    const keys = Array.from({ length: 600 }, (_, n) => `k${n.toString(36)}`);
    const span = (n: number) =>
      minimalSpan({
        span_id: hex(`0000000000000${(n + 1).toString(16).padStart(3, '0')}`),
        attributes: [
          ...keys.map((key, k) => ({ key, value: { string_value: keys[(k + n) % keys.length] } })),
          ...keys.slice(0, 300).map((key, k) => ({ key, value: { int_value: String(k + n) } })),
          ...keys.slice(150, 450).map((key) => ({ key, value: { bool_value: true } })),
        ],
      });
    const bytes = encodeOtlp('ExportTraceServiceRequest', {
      resource_spans: [{ resource: { attributes: [] }, scope_spans: [{ spans: [0, 1, 2].map(span) }] }],
    });
    const { columns } = decodeTraceRequestColumns(bytes)!;
    expect(columns.attributeKeys).toEqual([...keys, ...keys, ...keys]);
    expect(columns.attributeValues.slice(0, 600)).toEqual(
      keys.map((key, k) => (k < 150 ? k : k < 450 ? true : key)),
    );
    const { fromColumns, fromObjects } = bothWays(bytes);
    expect(fromColumns).toEqual(fromObjects);
  });

  it('name the service of a resource that follows its spans on the wire', () => {
    const spanBytes = encodeOtlp('Span', minimalSpan());
    const resource = encodeOtlp('Resource', {
      attributes: [{ key: 'service.name', value: { string_value: 'late' } }],
    });
    const scopeSpans = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(spanBytes)
      .finish();
    const resourceSpans = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(scopeSpans)
      .uint32((1 << 3) | 2)
      .bytes(resource)
      .finish();
    const bytes = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(resourceSpans)
      .finish();
    expect(decodeTraceRequestColumns(bytes)!.columns.blocks[0]!.serviceName).toBe('late');
    expect(decodeTraceRequestProtobuf(bytes).spans[0]!.serviceName).toBe('late');
  });

  it('are not made from a malformed request, which the object decoder refuses with its field path', () => {
    const good = randomRequest(7);
    const truncated = good.subarray(0, good.length - 3);
    expect(decodeTraceRequestColumns(truncated)).toBeUndefined();
    expect(() => decodeTraceRequestProtobuf(truncated)).toThrow(/invalid protobuf ExportTraceServiceRequest/);
    // A wrong wire type deep inside an event's attribute, which a walk that skipped events would miss.
    const badEvent = oneSpanRequest({
      events: [{ time_unix_nano: '1', attributes: [{ key: 'k', value: { string_value: 'v' } }] }],
    });
    // The string_value's tag (field 1, length-delimited: 0x0a) rewritten as field 1, varint (0x08).
    const at = Buffer.from(badEvent).indexOf(Buffer.from([0x0a, 0x01, 0x76]));
    const broken = Uint8Array.from(badEvent);
    broken[at] = 0x08;
    expect(decodeTraceRequestColumns(broken)).toBeUndefined();
    expect(() => decodeTraceRequestProtobuf(broken)).toThrow(
      /events\[0\]\.attributes\[0\]\.value\.string_value/,
    );
  });
});
