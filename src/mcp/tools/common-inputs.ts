import * as z from 'zod';

/** Names are short; a refinement (not `.max()`) keeps the limit out of every tool's listed schema. */
const MAX_BACKEND_NAME_CHARS = 256;

export const backendInput = z
  .string()
  .refine((name) => name.length <= MAX_BACKEND_NAME_CHARS, {
    message: `a backend name has at most ${MAX_BACKEND_NAME_CHARS} characters (list_backends names them)`,
  })
  .optional()
  .describe('Backend (default embedded)');

export const budgetInput = z
  .number()
  .int()
  .min(500)
  .max(100_000)
  .optional()
  .describe('Answer tokens (default 8000)');

export const traceIdInput = z.string().min(4).max(64).describe('Trace id or unique prefix');

/** The object form of a time range: absolute ISO bounds. */
export const timeWindowObject = z.object({
  start: z.string().optional().describe('ISO time'),
  end: z.string().optional().describe('ISO time (default now)'),
});

export const timeRangeInput = z
  .union([z.string(), timeWindowObject])
  .optional()
  .describe(
    "Time window: '15m', '2h', '7d', 'last_1_hour', ISO 'START..END' or {start, end} (default last_1_hour)",
  );

export const limitInput = (fallback: number, max: number) =>
  z.number().int().min(1).max(max).optional().describe(`At most this many (default ${fallback})`);
