import { describe, expect, it } from 'vitest';
import {
  argumentsFingerprint,
  decodeResponseCursor,
  encodeResponseCursor,
  type ResponseCursor,
} from '../../src/mcp/response/response-cursor.js';

const args = { trace_id: 'abc123', budget_tokens: 500 };
const cursor = (lists: ResponseCursor['lists']): ResponseCursor => ({
  tool: 'analyze_trace',
  args: argumentsFingerprint(args),
  now: Date.UTC(2026, 11, 5, 10),
  lists,
});

describe('the response cursor', () => {
  it('reads back what it wrote, fingerprints with - and _ included, whatever the page size', () => {
    const written = cursor([
      { index: 0, offset: 10, fingerprint: '-_a-b_-c' },
      { index: 17, offset: 123_456, fingerprint: 'Jaycgulk' },
    ]);
    const text = encodeResponseCursor(written);
    expect(text).toMatch(/^analyze_trace\.[A-Za-z0-9_-]{12}\.[0-9a-z]+\.0-a--_a-b_-c\.h-2n9c-Jaycgulk$/);
    expect(decodeResponseCursor(text, 'analyze_trace', { ...args, budget_tokens: 2000 })).toEqual(written);
  });

  it('refuses a cursor of another tool, or of a call with other arguments, saying which', () => {
    const text = encodeResponseCursor(cursor([{ index: 0, offset: 1, fingerprint: 'abcdefgh' }]));
    expect(() => decodeResponseCursor(text, 'get_traces', args)).toThrow(
      /continues analyze_trace, not get_traces/,
    );
    expect(() => decodeResponseCursor(text, 'analyze_trace', { trace_id: 'other' })).toThrow(
      /other arguments/,
    );
  });

  it('refuses text it never writes: no list, a fourth piece, a list twice, a clock past any date', () => {
    const good = encodeResponseCursor(cursor([{ index: 0, offset: 1, fingerprint: 'abcdefgh' }]));
    const [tool, print, now] = good.split('.');
    const forged = [
      `${tool}.${print}.${now}`,
      `${tool}.${print}.${now}.0-1-x-abcdefgh`,
      `${tool}.${print}.${now}.0-1-abcdefgh.0-2-abcdefgh`,
      `${tool}.${print}.zzzzzzzzzzzz.0-1-abcdefgh`,
      `${tool}.${print}.${now}.0-1-abcdefg`,
      `${tool}.${print}.${now}.0-1-abcdefgh.`,
      'eyJ0b29sIjoiYW5hbHl6ZV90cmFjZSJ9',
    ];
    for (const text of forged)
      expect(() => decodeResponseCursor(text, 'analyze_trace', args), text).toThrow(
        /not one this server issued/,
      );
  });
});
