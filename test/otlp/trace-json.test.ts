import { describe, expect, it } from 'vitest';
import { OtelMcpError } from '../../src/model/index.js';
import { decodeTraceRequestJson } from '../../src/otlp/index.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

function document(spans: unknown[], extra: Record<string, unknown> = {}) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope: { name: 's' }, spans }],
        ...extra,
      },
    ],
  };
}

function span(overrides: Record<string, unknown> = {}) {
  return {
    traceId: TRACE_ID,
    spanId: 'eee19b7ec3c1b174',
    name: 'work',
    kind: 2,
    startTimeUnixNano: '1764000000123456789',
    endTimeUnixNano: '1764000000223456789',
    ...overrides,
  };
}

function decodeError(input: unknown): OtelMcpError {
  try {
    decodeTraceRequestJson(input);
  } catch (error) {
    if (error instanceof OtelMcpError) return error;
    throw error;
  }
  throw new Error('expected the decoder to refuse the input');
}

describe('decodeTraceRequestJson', () => {
  it('reads hex ids, integer enums and int64 as strings or numbers, from text or a parsed document', () => {
    const input = document([
      span({
        parentSpanId: '',
        status: { code: 2, message: 'boom' },
        attributes: [
          { key: 'asString', value: { intValue: '42' } },
          { key: 'asNumber', value: { intValue: 43 } },
          { key: 'huge', value: { intValue: '123456789012345678901' } },
        ],
      }),
    ]);
    for (const decoded of [decodeTraceRequestJson(JSON.stringify(input)), decodeTraceRequestJson(input)]) {
      const [received] = decoded.spans;
      expect(received).toMatchObject({
        traceId: TRACE_ID,
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: undefined,
        kind: 'server',
        status: { code: 'error', message: 'boom' },
        startTimeUnixNano: 1764000000123456789n,
        attributes: { asString: 42, asNumber: 43, huge: '123456789012345678901' },
        serviceName: 'svc',
      });
    }
  });

  it('also accepts enum names, upper-case hex, base64 ids and numeric timestamps', () => {
    const { spans } = decodeTraceRequestJson(
      document([
        span({
          traceId: TRACE_ID.toUpperCase(),
          spanId: Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'),
          kind: 'SPAN_KIND_CONSUMER',
          status: { code: 'STATUS_CODE_OK' },
          startTimeUnixNano: 1764000000000,
        }),
      ]),
    );
    expect(spans[0]).toMatchObject({
      traceId: TRACE_ID,
      spanId: 'eee19b7ec3c1b174',
      kind: 'consumer',
      status: { code: 'ok' },
      startTimeUnixNano: 1764000000000n,
    });
  });

  it('keeps an attribute named __proto__ as a plain attribute', () => {
    const { spans } = decodeTraceRequestJson(
      '{"resourceSpans":[{"scopeSpans":[{"spans":[' +
        JSON.stringify(
          span({
            attributes: [
              {
                key: '__proto__',
                value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } },
              },
            ],
          }),
        ) +
        ']}]}]}',
    );
    const attributes = spans[0]!.attributes;
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect((attributes as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
  });

  it('turns a lone surrogate escape into U+FFFD, in names, keys and values, and keeps escaped pairs', () => {
    const text = JSON.stringify(
      document([
        span({
          name: 'n\uD800',
          attributes: [
            { key: 'k\uDC00', value: { stringValue: 'v\uD800x' } },
            { key: '__proto__', value: { stringValue: 'p\uDBFF' } },
            { key: 'rocket', value: { stringValue: '\uD83D\uDE80' } },
          ],
        }),
      ]),
    );
    expect(text).toContain('\\ud800');
    const decoded = decodeTraceRequestJson(text).spans[0]!;
    expect(decoded.name).toBe('n\uFFFD');
    expect(Object.keys(decoded.attributes)).toEqual(['k\uFFFD', '__proto__', 'rocket']);
    expect(decoded.attributes['k\uFFFD']).toBe('v\uFFFDx');
    expect(decoded.attributes['__proto__']).toBe('p\uFFFD');
    expect(decoded.attributes['rocket']).toBe('🚀');
    expect(Object.getPrototypeOf(decoded.attributes)).toBe(Object.prototype);
  });

  it('refuses a dropped count or flags value that an unsigned 32-bit field cannot hold, naming it', () => {
    expect(decodeError(document([span({ droppedAttributesCount: -3 })])).message).toMatch(
      /droppedAttributesCount.*expected an integer from 0 to 4294967295, got -3/,
    );
    expect(decodeError(document([span({ flags: 4_294_967_297 })])).message).toMatch(/flags.*got 4294967297/);
    expect(
      decodeTraceRequestJson(document([span({ flags: 4_294_967_295, droppedLinksCount: '7' })])).spans[0],
    ).toMatchObject({ flags: 4_294_967_295, droppedLinksCount: 7 });
  });

  it('ignores fields it does not know', () => {
    const { spans } = decodeTraceRequestJson(
      document([span({ futureField: { a: 1 } })], { somethingNew: true }),
    );
    expect(spans).toHaveLength(1);
  });

  it('rejects a span with a bad id and keeps the rest of the batch', () => {
    const decoded = decodeTraceRequestJson(
      document([
        span({ name: 'bad', spanId: 'zzzzzzzzzzzzzzzz' }),
        span({ name: 'short', traceId: 'abcd' }),
        span(),
      ]),
    );
    expect(decoded.spans.map((s) => s.name)).toEqual(['work']);
    expect(decoded.errors).toEqual([
      'span "bad" (span id zzzzzzzzzzzzzzzz) rejected: span id "zzzzzzzzzzzzzzzz" is not hex',
      'span "short" (span id eee19b7ec3c1b174) rejected: trace id has 2 bytes, expected 16',
    ]);
  });

  it('says where a document has the wrong shape and what was expected', () => {
    expect(decodeError(document([span(), span({ startTimeUnixNano: 'soon' })])).message).toBe(
      'invalid OTLP JSON ExportTraceServiceRequest: resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano: expected nanoseconds as a decimal string or an integer, got the string "soon"',
    );
    expect(decodeError({ resourceSpans: {} }).message).toBe(
      'invalid OTLP JSON ExportTraceServiceRequest: resourceSpans: expected an array, got an object',
    );
    expect(
      decodeError(document([span({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] })])).message,
    ).toContain('spans[0].attributes[0].value.boolValue: expected true or false');
    expect(decodeError(document([span({ kind: 'SERVER' })])).message).toContain('unknown enum name "SERVER"');
  });

  it('refuses text that is not JSON, and an empty body', () => {
    const error = decodeError('{"resourceSpans": [');
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^invalid JSON in ExportTraceServiceRequest: /);
    expect(decodeError('  ').message).toBe('invalid OTLP JSON ExportTraceServiceRequest: the body is empty');
    expect(decodeError('[1,2]').message).toContain('expected an object, got an array');
  });
});
