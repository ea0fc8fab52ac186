import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/mcp/cursor.js';

describe('pagination cursors', () => {
  it('round-trip the offset for the scope they were issued for', () => {
    const cursor = encodeCursor({ scope: 'spans:abc', offset: 40 });
    expect(decodeCursor(cursor, 'spans:abc')).toEqual({ scope: 'spans:abc', offset: 40 });
  });

  it('refuse a cursor from another trace instead of paging the wrong list', () => {
    const cursor = encodeCursor({ scope: 'spans:abc', offset: 40 });
    expect(() => decodeCursor(cursor, 'spans:def')).toThrow(/pages 'spans:abc', not 'spans:def'/);
  });

  it('refuse text that is not a cursor', () => {
    expect(() => decodeCursor('not-a-cursor', 'spans:abc')).toThrow(
      /not a cursor this server issued|malformed/,
    );
  });
});
