import * as z from 'zod';

/**
 * The fields every answer shares (output schemas spread them): one vocabulary for what was cut and
 * how to get the rest, whichever tool answered.
 */
export const responseFields = {
  truncated: z
    .record(z.string(), z.number())
    .optional()
    .describe('Items left out, per list; next_cursor or next says how to get them'),
  next_cursor: z
    .string()
    .optional()
    .describe('Pass as cursor, with the same other arguments, for the rows cut for size'),
  next: z.string().optional().describe('How to get what lies past a limit you set'),
  offsets: z
    .record(z.string(), z.number())
    .optional()
    .describe('On a cursor page: where each list continues (0-based)'),
};

/** A refinement (not `.max()`) keeps the limit out of every tool's listed schema. */
const MAX_CURSOR_CHARS = 4000;

export const cursorInput = z
  .string()
  .refine((cursor) => cursor.length <= MAX_CURSOR_CHARS, {
    message: 'this is not a cursor this server issued (too long); pass next_cursor unchanged',
  })
  .optional()
  .describe('A next_cursor');
