import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/index.js';
import { decodeTraceRequestProtobuf } from '../../src/otlp/index.js';
import {
  decodeSpanMessage,
  decodeSpanMessageAttributes,
  decodeSpanMessages,
  encodeSpanMessage,
  findSpanMessageAttribute,
} from '../../src/otlp/span-message.js';
import { decodeOtlp, encodeOtlp, hex } from './otlp-proto-schema.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const RESOURCE = { attributes: { 'service.name': 'svc' }, droppedAttributesCount: 0 };
const SCOPE = { name: 's', attributes: {}, droppedAttributesCount: 0 };

function modelSpan(): Span {
  return {
    traceId: TRACE_ID,
    spanId: 'eee19b7ec3c1b174',
    parentSpanId: '00f067aa0ba902b7',
    traceState: 'congo=t61rcWkgMzE',
    flags: 0x301,
    name: 'GET /orders/{id}',
    kind: 'client',
    serviceName: 'svc',
    startTimeUnixNano: 1_764_000_000_123_456_789n,
    endTimeUnixNano: 1_764_000_000_987_654_321n,
    status: { code: 'error', message: 'timed out' },
    attributes: {
      count: 3,
      ratio: 0.5,
      whole: 2e21,
      'minus.zero': -0,
      nan: Number.NaN,
      'int64.beyond.2^53': '9007199254740993',
      flag: true,
      none: null,
      list: ['a', 1, [2.5], { k: 'v' }],
      map: { inner: { empty: {} } },
    },
    droppedAttributesCount: 1,
    events: [
      {
        timeUnixNano: 1_764_000_000_500_000_001n,
        name: 'retry',
        attributes: { n: 1 },
        droppedAttributesCount: 2,
      },
    ],
    droppedEventsCount: 3,
    links: [
      {
        traceId: TRACE_ID,
        spanId: '53995c3f42cd8ad8',
        traceState: 'a=b',
        flags: 1,
        attributes: { why: 'batch' },
        droppedAttributesCount: 0,
      },
    ],
    droppedLinksCount: 4,
    resource: RESOURCE,
    scope: SCOPE,
  };
}

function request(spans: Record<string, unknown>[]): Uint8Array {
  return encodeOtlp('ExportTraceServiceRequest', {
    resource_spans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
        scope_spans: [{ scope: { name: 's' }, spans }],
      },
    ],
  });
}

const WIRE_SPAN = {
  trace_id: hex(TRACE_ID),
  span_id: hex('eee19b7ec3c1b174'),
  name: 'work',
  kind: 2,
  start_time_unix_nano: '1764000000000000000',
  end_time_unix_nano: '1764000000001000000',
  attributes: [{ key: 'http.route', value: { string_value: '/orders' } }],
};

describe('a span as one OTLP Span message', () => {
  it('is written so that protobufjs reads every field, an integer as int_value and a fraction as double_value', () => {
    const read = decodeOtlp('Span', encodeSpanMessage(modelSpan())) as {
      trace_id: Uint8Array;
      parent_span_id: Uint8Array;
      kind: number;
      start_time_unix_nano: { toString(): string };
      attributes: { key: string; value: Record<string, unknown> }[];
      links: { flags: number; trace_state: string }[];
      status: { code: number; message: string };
      flags: number;
      dropped_links_count: number;
    };
    expect(Buffer.from(read.trace_id).toString('hex')).toBe(TRACE_ID);
    expect(Buffer.from(read.parent_span_id).toString('hex')).toBe('00f067aa0ba902b7');
    expect(read.kind).toBe(3);
    expect(read.start_time_unix_nano.toString()).toBe('1764000000123456789');
    const value = (key: string) => read.attributes.find((attribute) => attribute.key === key)?.value;
    expect(Object.keys(value('count')!)).toEqual(['int_value']);
    expect(value('ratio')).toEqual({ double_value: 0.5 });
    expect(Object.keys(value('whole')!)).toEqual(['double_value']);
    expect(value('none')).toEqual({});
    expect(read.links[0]).toMatchObject({ flags: 1, trace_state: 'a=b' });
    expect(read.status).toEqual({ code: 2, message: 'timed out' });
    expect(read.flags).toBe(0x301);
    expect(read.dropped_links_count).toBe(4);
  });

  it('decodes to the span it was encoded from, odd numbers, nesting and absent fields included', () => {
    expect(decodeSpanMessage(encodeSpanMessage(modelSpan()), RESOURCE, SCOPE, 'svc')).toStrictEqual(
      modelSpan(),
    );
    const root = modelSpan();
    delete root.parentSpanId;
    delete root.traceState;
    delete root.flags;
    root.status = { code: 'unset' };
    expect(decodeSpanMessage(encodeSpanMessage(root), RESOURCE, SCOPE, 'svc')).toStrictEqual(root);
  });

  it('reads the message of a span with a link to an invalid id as the decoder did: the link dropped and counted', () => {
    const withInvalidLink = {
      ...WIRE_SPAN,
      links: [{ trace_id: hex('0'.repeat(32)), span_id: hex('53995c3f42cd8ad8') }],
      dropped_links_count: 2,
    };
    const bytes = request([withInvalidLink]);
    const span = decodeTraceRequestProtobuf(bytes).spans[0]!;
    expect(span.links).toEqual([]);
    expect(span.droppedLinksCount).toBe(3);
    // The message as it arrived (the receiver keeps those bytes), and as the span object encodes.
    const start = Buffer.from(bytes).indexOf(Buffer.from(encodeOtlp('Span', withInvalidLink)));
    expect(start).toBeGreaterThan(0);
    const arrived = bytes.subarray(start, start + encodeOtlp('Span', withInvalidLink).length);
    for (const message of [arrived, encodeSpanMessage(span)]) {
      const read = decodeSpanMessage(message, span.resource, span.scope, 'svc');
      expect(read.links).toEqual([]);
      expect(read.droppedLinksCount).toBe(3);
    }
  });

  it('gives only the top-level attributes when that is all a search needs', () => {
    expect(decodeSpanMessageAttributes(encodeSpanMessage(modelSpan()))).toStrictEqual(modelSpan().attributes);
  });

  it('finds one top-level attribute as decoding would, the last of a repeated key, and none in events', () => {
    const span = modelSpan();
    const message = encodeSpanMessage(span);
    for (const key of Object.keys(span.attributes))
      expect(findSpanMessageAttribute(message, key)).toStrictEqual(span.attributes[key]);
    expect(findSpanMessageAttribute(message, 'n')).toBeUndefined();
    expect(findSpanMessageAttribute(message, 'absent')).toBeUndefined();
    const repeated = encodeOtlp('Span', {
      ...WIRE_SPAN,
      attributes: [
        { key: 'k', value: { string_value: 'first' } },
        { key: 'other', value: { int_value: '1' } },
        { key: 'k', value: { string_value: 'last' } },
        { key: 'empty' },
      ],
    });
    expect(findSpanMessageAttribute(repeated, 'k')).toBe('last');
    expect(findSpanMessageAttribute(repeated, 'empty')).toBeNull();
    expect(decodeSpanMessageAttributes(repeated)).toEqual({ k: 'last', other: 1, empty: null });
  });

  it('refuses bytes that are not a Span message as an internal error naming the damage', () => {
    let refusal: unknown;
    try {
      decodeSpanMessage(Uint8Array.of(0x0a, 0x05, 1), RESOURCE, SCOPE, 'svc');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/a stored span is unreadable: invalid protobuf Span: truncated buffer/),
    });
  });

  it('reads several stored messages together as it reads each alone, each within its own bytes', () => {
    const root = modelSpan();
    delete root.parentSpanId;
    const spans = [modelSpan(), root, { ...modelSpan(), spanId: '53995c3f42cd8ad8', name: 'other' }];
    const bodies = spans.map((span) => encodeSpanMessage(span));
    const parts = () => ({ resource: RESOURCE, scope: SCOPE, serviceName: 'svc' });
    expect(decodeSpanMessages(bodies, parts)).toStrictEqual(
      bodies.map((body) => decodeSpanMessage(body, RESOURCE, SCOPE, 'svc')),
    );
    // A body cut short whose last field would run on into the next body's bytes.
    const cut = [bodies[0]!, bodies[1]!.subarray(0, bodies[1]!.length - 3), bodies[2]!];
    expect(() => decodeSpanMessages(cut, parts)).toThrow(/a stored span is unreadable/);
  });

  it('reads a stored span as it was accepted, even one a receiver would have refused', () => {
    const backwards = { ...modelSpan(), endTimeUnixNano: modelSpan().startTimeUnixNano - 1n };
    expect(decodeSpanMessage(encodeSpanMessage(backwards), RESOURCE, SCOPE, 'svc')).toStrictEqual(backwards);
  });

  it('leaves out an attribute whose value is undefined, as JSON does, and reads one inside a list as null', () => {
    const span = { ...modelSpan(), attributes: { kept: 1, gone: undefined, list: [1, undefined] } };
    const read = decodeSpanMessage(encodeSpanMessage(span as unknown as Span), RESOURCE, SCOPE, 'svc');
    expect(read.attributes).toStrictEqual({ kept: 1, list: [1, null] });
  });
});
