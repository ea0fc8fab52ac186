/**
 * Tempo refuses a search whose start and end lie further apart than its query frontend's
 * `search.max_duration` (168 h by default: "range specified by start and end exceeds 168h0m0s").
 * A longer window, such as the 7 days of a trend or a correlation rounded out to whole seconds, is
 * searched as consecutive pieces, newest first, so the most recent traces come back first.
 */
export const TEMPO_MAX_SEARCH_SECONDS = 168 * 3600;

export interface SearchChunk {
  startSeconds: number;
  endSeconds: number;
}

export function searchChunks(
  startSeconds: number,
  endSeconds: number,
  maxSeconds = TEMPO_MAX_SEARCH_SECONDS,
): SearchChunk[] {
  const chunks: SearchChunk[] = [];
  for (let end = endSeconds; end > startSeconds; end -= maxSeconds) {
    chunks.push({ startSeconds: Math.max(startSeconds, end - maxSeconds), endSeconds: end });
  }
  return chunks.length > 0 ? chunks : [{ startSeconds, endSeconds }];
}
