import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { OtelMcpError } from '../../src/model/index.js';
import { decodeTraceRequestProtobuf } from '../../src/otlp/index.js';
import { encodeOtlp, hex } from './otlp-proto-schema.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

function span(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trace_id: hex(TRACE_ID),
    span_id: hex('eee19b7ec3c1b174'),
    name: 'work',
    kind: 1,
    start_time_unix_nano: '1764000000000000000',
    end_time_unix_nano: '1764000000001000000',
    ...overrides,
  };
}

function request(
  spans: Record<string, unknown>[],
  resourceAttributes = [{ key: 'service.name', value: { string_value: 'svc' } }],
) {
  return encodeOtlp('ExportTraceServiceRequest', {
    resource_spans: [
      { resource: { attributes: resourceAttributes }, scope_spans: [{ scope: { name: 's' }, spans }] },
    ],
  });
}

function decodeError(bytes: Uint8Array): OtelMcpError {
  try {
    decodeTraceRequestProtobuf(bytes);
  } catch (error) {
    if (error instanceof OtelMcpError) return error;
    throw error;
  }
  throw new Error('expected the decoder to refuse the input');
}

/** Wraps already-encoded Span bytes into a request, so tests can put raw fields inside a span. */
function requestAroundSpanBytes(spanBytes: Uint8Array): Uint8Array {
  const scopeSpans = protobuf.Writer.create()
    .uint32((2 << 3) | 2)
    .bytes(spanBytes)
    .finish();
  const resourceSpans = protobuf.Writer.create()
    .uint32((2 << 3) | 2)
    .bytes(scopeSpans)
    .finish();
  return protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .bytes(resourceSpans)
    .finish();
}

describe('decodeTraceRequestProtobuf', () => {
  it('reads an empty request as no spans', () => {
    expect(decodeTraceRequestProtobuf(new Uint8Array(0))).toEqual({ spans: [], rejected: 0, errors: [] });
  });

  it('keeps timestamps beyond 2^53 exact, up to the largest the store holds (2^63-1)', () => {
    const { spans } = decodeTraceRequestProtobuf(
      request([
        span({ start_time_unix_nano: '1764000000123456789', end_time_unix_nano: '9223372036854775807' }),
      ]),
    );
    expect(spans[0]!.startTimeUnixNano).toBe(1764000000123456789n);
    expect(spans[0]!.endTimeUnixNano).toBe(9223372036854775807n);
  });

  it('maps every AnyValue type as the model says: big ints to decimal strings, bytes to base64, kvlist to objects', () => {
    const value = (v: Record<string, unknown>) => ({ key: Object.keys(v)[0]!, value: v });
    const { spans } = decodeTraceRequestProtobuf(
      request([
        span({
          attributes: [
            { key: 'safe', value: { int_value: String(Number.MAX_SAFE_INTEGER) } },
            { key: 'unsafe', value: { int_value: '9007199254740993' } },
            { key: 'negative', value: { int_value: '-5' } },
            { key: 'min', value: { int_value: '-9223372036854775808' } },
            { key: 'minus2pow53', value: { int_value: '-9007199254740992' } },
            { key: 'double', value: { double_value: 0.25 } },
            { key: 'bool', value: { bool_value: false } },
            { key: 'bytes', value: { bytes_value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) } },
            { key: 'empty', value: {} },
            { key: 'novalue' },
            {
              key: 'nested',
              value: {
                kvlist_value: {
                  values: [
                    {
                      key: 'list',
                      value: { array_value: { values: [{ string_value: 'a' }, { int_value: '1' }, {}] } },
                    },
                  ],
                },
              },
            },
            value({ string_value: 'héllo wörld ✓' }),
          ],
        }),
      ]),
    );
    expect(spans[0]!.attributes).toEqual({
      safe: Number.MAX_SAFE_INTEGER,
      unsafe: '9007199254740993',
      negative: -5,
      min: '-9223372036854775808',
      minus2pow53: '-9007199254740992',
      double: 0.25,
      bool: false,
      bytes: '3q2+7w==',
      empty: null,
      novalue: null,
      nested: { list: ['a', 1, null] },
      string_value: 'héllo wörld ✓',
    });
  });

  it('sets the service name from the resource even when the resource follows its spans on the wire', () => {
    const spanBytes = encodeOtlp('Span', span());
    const resourceBytes = encodeOtlp('Resource', {
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
      .bytes(resourceBytes)
      .finish();
    const bytes = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(resourceSpans)
      .finish();
    expect(decodeTraceRequestProtobuf(bytes).spans[0]!.serviceName).toBe('late');
  });

  it('reads strings that share a length and their first, middle and last bytes as themselves', () => {
    // "abcde" and "aXcYe" fall in the same slot of the reader's string cache: each hit is checked.
    const attributes = (first: string, second: string) => [
      { key: first, value: { string_value: second } },
      { key: second, value: { string_value: first } },
    ];
    const bytes = request([
      span({ name: 'abcde', attributes: attributes('abcde', 'aXcYe') }),
      span({ span_id: hex('eee19b7ec3c1b175'), name: 'aXcYe', attributes: attributes('aXcYe', 'abcde') }),
    ]);
    const [first, second] = decodeTraceRequestProtobuf(bytes).spans;
    expect([first!.name, first!.attributes]).toEqual(['abcde', { abcde: 'aXcYe', aXcYe: 'abcde' }]);
    expect([second!.name, second!.attributes]).toEqual(['aXcYe', { aXcYe: 'abcde', abcde: 'aXcYe' }]);
  });

  it('reads long strings that share a length and their first, middle and last bytes as themselves', () => {
    // Statements of 102 bytes fall in one slot of the reader's cache of long strings: they differ
    // only in a byte inside the words compared four at a time, or in the two bytes after them.
    const base = `SELECT id FROM orders WHERE customer_id = $1 AND note = '${'x'.repeat(44)}'`;
    const at = (index: number) => `${base.slice(0, index)}#${base.slice(index + 1)}`;
    const texts = [base, at(5), at(100), base];
    expect(base).toHaveLength(102);
    const bytes = request(
      texts.map((text, i) =>
        span({
          span_id: hex(`eee19b7ec3c1b17${i}`),
          name: text,
          attributes: [{ key: 'db.query.text', value: { string_value: text } }],
        }),
      ),
    );
    const { spans } = decodeTraceRequestProtobuf(bytes);
    expect(spans.map((s) => s.name)).toEqual(texts);
    expect(spans.map((s) => s.attributes['db.query.text'])).toEqual(texts);
  });

  it('names the service unknown_service when the resource has no service.name', () => {
    expect(decodeTraceRequestProtobuf(request([span()], [])).spans[0]!.serviceName).toBe('unknown_service');
  });

  it('reads an empty or all-zero parent span id as a root span', () => {
    const { spans } = decodeTraceRequestProtobuf(
      request([
        span({ parent_span_id: Buffer.alloc(0) }),
        span({ span_id: hex('0000000000000002'), parent_span_id: Buffer.alloc(8) }),
      ]),
    );
    expect(spans.map((s) => s.parentSpanId)).toEqual([undefined, undefined]);
  });

  it('rejects only the spans with invalid ids, and says why for each', () => {
    const decoded = decodeTraceRequestProtobuf(
      request([
        span({ name: 'short-trace', trace_id: hex('5b8efff798038103d269b633813fc6') }),
        span({ name: 'zero-span', span_id: Buffer.alloc(8) }),
        span({ name: 'long-parent', parent_span_id: hex('00112233445566778899') }),
        span({ name: 'no-trace', trace_id: Buffer.alloc(0) }),
        span({ name: 'good' }),
      ]),
    );
    expect(decoded.spans.map((s) => s.name)).toEqual(['good']);
    expect(decoded.rejected).toBe(4);
    expect(decoded.errors).toEqual([
      'span "short-trace" (span id eee19b7ec3c1b174) rejected: trace id has 15 bytes, expected 16',
      'span "zero-span" (span id 0000000000000000) rejected: span id is all zero',
      'span "long-parent" (span id eee19b7ec3c1b174) rejected: parent span id has 10 bytes, expected 8',
      'span "no-trace" (span id eee19b7ec3c1b174) rejected: trace id is empty',
    ]);
  });

  it('lists at most ten rejection messages and counts the rest', () => {
    const bad = Array.from({ length: 13 }, (_, i) => span({ name: `bad${i}`, trace_id: Buffer.alloc(16) }));
    const decoded = decodeTraceRequestProtobuf(request(bad));
    expect(decoded.rejected).toBe(13);
    expect(decoded.errors).toHaveLength(11);
    expect(decoded.errors[10]).toBe('… and 3 more');
  });

  it('drops a link with an invalid id, counting it, and keeps the span', () => {
    const { spans } = decodeTraceRequestProtobuf(
      request([
        span({
          links: [
            { trace_id: Buffer.alloc(16), span_id: hex('0000000000000001') },
            { trace_id: hex(TRACE_ID), span_id: hex('0000000000000001') },
          ],
          dropped_links_count: 2,
        }),
      ]),
    );
    expect(spans[0]!.links.map((l) => l.spanId)).toEqual(['0000000000000001']);
    expect(spans[0]!.droppedLinksCount).toBe(3);
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = protobuf.Writer.create()
      .uint32((90 << 3) | 0)
      .uint64('18446744073709551615')
      .uint32((91 << 3) | 1)
      .fixed64(7)
      .uint32((92 << 3) | 2)
      .string('future field')
      .uint32((93 << 3) | 5)
      .fixed32(9)
      .uint32((94 << 3) | 3)
      .uint32((1 << 3) | 0)
      .uint32(1)
      .uint32((94 << 3) | 4)
      .finish();
    const spanBytes = Buffer.concat([encodeOtlp('Span', span()), unknown]);
    const { spans } = decodeTraceRequestProtobuf(requestAroundSpanBytes(spanBytes));
    expect(spans.map((s) => s.name)).toEqual(['work']);
  });

  it('reports a truncated buffer with the byte and the path of the field being read', () => {
    const bytes = request([span(), span({ name: 'second span with a longer name' })]);
    const error = decodeError(bytes.subarray(0, bytes.length - 30));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(
      /^invalid protobuf ExportTraceServiceRequest: truncated buffer at byte \d+ of field resource_spans\[0\]: a length of \d+ bytes runs past the end of the input/,
    );
  });

  it('names the innermost field when a nested length runs past its message', () => {
    const spanBytes = Buffer.concat([encodeOtlp('Span', span()), Buffer.from([(5 << 3) | 2, 50, 0x61])]);
    const error = decodeError(requestAroundSpanBytes(spanBytes));
    expect(error.message).toContain('of field resource_spans[0].scope_spans[0].spans[0].name');
  });

  it('refuses a known field sent with the wrong wire type', () => {
    const error = decodeError(Buffer.from([(1 << 3) | 0, 1]));
    expect(error.message).toBe(
      'invalid protobuf ExportTraceServiceRequest: wire type varint where the field is length-delimited at byte 1 of field resource_spans[0]',
    );
  });

  it('refuses a varint longer than ten bytes and field number zero', () => {
    expect(decodeError(Buffer.from([0x08 | 0x80, ...Array(11).fill(0xff)])).message).toContain(
      'varint longer than 10 bytes',
    );
    expect(decodeError(Buffer.from([0x00, 0x01])).message).toContain('invalid field number 0');
  });

  it('refuses AnyValue nested deeper than 64 levels instead of overflowing the stack', () => {
    // protobufjs refuses to encode this depth itself, so the AnyValue bytes are nested by hand.
    let value = encodeOtlp('AnyValue', { string_value: 'bottom' });
    for (let i = 0; i < 70; i++) {
      const array = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .bytes(value)
        .finish();
      value = protobuf.Writer.create()
        .uint32((5 << 3) | 2)
        .bytes(array)
        .finish();
    }
    const keyValue = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('deep')
      .uint32((2 << 3) | 2)
      .bytes(value)
      .finish();
    const spanBytes = Buffer.concat([
      encodeOtlp('Span', span()),
      protobuf.Writer.create()
        .uint32((9 << 3) | 2)
        .bytes(keyValue)
        .finish(),
    ]);
    const error = decodeError(requestAroundSpanBytes(spanBytes));
    expect(error.message).toContain('AnyValue nested deeper than 64 levels');
  });

  it('never throws anything but OtelMcpError on random bytes', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const valid = request([span({ attributes: [{ key: 'k', value: { string_value: 'v' } }] })]);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(valid);
      for (let j = 0; j < 3; j++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        decodeTraceRequestProtobuf(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(OtelMcpError);
        expect((error as OtelMcpError).code).toBe('INVALID_ARGUMENT');
      }
    }
  });
});
