import { describe, expect, it } from 'vitest';
import { spansFromJaegerTraces } from '../../../src/backends/jaeger/legacy-mapping.js';

describe('Jaeger 1.x JSON mapped into the model', () => {
  it('keeps tags named __proto__ and constructor as attributes, on the span, its events and its process', () => {
    const tags = [
      { key: '__proto__', type: 'string', value: 'x' },
      { key: 'constructor', type: 'string', value: 'c' },
    ];
    const [span] = spansFromJaegerTraces([
      {
        traceID: 'a'.repeat(32),
        spans: [
          {
            traceID: 'a'.repeat(32),
            spanID: '0000000000000001',
            operationName: 'get',
            startTime: 1_700_000_000_000_000,
            duration: 10,
            tags,
            logs: [{ timestamp: 1_700_000_000_000_001, fields: [{ key: 'event', value: 'e' }, ...tags] }],
            processID: 'p1',
          },
        ],
        processes: { p1: { serviceName: 'web', tags } },
      },
    ]);
    const entries = [
      ['__proto__', 'x'],
      ['constructor', 'c'],
    ];
    expect(Object.entries(span!.attributes)).toEqual(entries);
    expect(Object.entries(span!.events[0]!.attributes)).toEqual(entries);
    expect(Object.entries(span!.resource.attributes)).toEqual(expect.arrayContaining(entries));
  });
});
