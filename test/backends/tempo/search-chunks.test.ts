import { describe, expect, it } from 'vitest';
import { searchChunks, TEMPO_MAX_SEARCH_SECONDS } from '../../../src/backends/tempo/search-chunks.js';

const HOUR = 3600;

describe('splitting a search window for Tempo', () => {
  it('keeps a window of at most 168 hours whole', () => {
    expect(searchChunks(1_000, 1_000 + TEMPO_MAX_SEARCH_SECONDS)).toEqual([
      { startSeconds: 1_000, endSeconds: 1_000 + TEMPO_MAX_SEARCH_SECONDS },
    ]);
  });

  it('splits seven days and a second into pieces Tempo accepts, newest first, covering the window exactly', () => {
    const start = 1_700_000_000;
    const end = start + 7 * 24 * HOUR + 1;
    const chunks = searchChunks(start, end);
    expect(chunks).toEqual([
      { startSeconds: start + 1, endSeconds: end },
      { startSeconds: start, endSeconds: start + 1 },
    ]);
    for (const chunk of chunks)
      expect(chunk.endSeconds - chunk.startSeconds).toBeLessThanOrEqual(TEMPO_MAX_SEARCH_SECONDS);
  });

  it('splits thirty days into five pieces that meet without gaps or overlaps', () => {
    const start = 0;
    const end = 30 * 24 * HOUR;
    const chunks = searchChunks(start, end);
    expect(chunks).toHaveLength(5);
    expect(chunks[0]?.endSeconds).toBe(end);
    expect(chunks.at(-1)?.startSeconds).toBe(start);
    for (let i = 1; i < chunks.length; i += 1)
      expect(chunks[i]?.endSeconds).toBe(chunks[i - 1]?.startSeconds);
  });

  it('returns an empty window as it is, so the request still names a range', () => {
    expect(searchChunks(50, 50)).toEqual([{ startSeconds: 50, endSeconds: 50 }]);
  });
});
