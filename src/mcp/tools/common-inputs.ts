import * as z from 'zod';

export const backendInput = z
  .string()
  .optional()
  .describe(
    "Which backend to ask: 'embedded' (default, otel-mcp's own receiver and store) or a name configured under 'backends:' (see list_backends)",
  );

export const budgetInput = z
  .number()
  .int()
  .min(500)
  .max(100_000)
  .optional()
  .describe(
    'Output budget in tokens for this answer (default from config, normally 8000); longer answers are cut with a cursor to continue',
  );

export const traceIdInput = z
  .string()
  .min(4)
  .max(64)
  .describe('Trace id: 32 hex digits, or a unique prefix of at least 4 digits (embedded store)');

/** The object form of a time range: absolute ISO bounds. */
export const timeWindowObject = z.object({
  start: z.string().optional().describe('ISO time, e.g. 2026-11-24T09:00:00Z; default: no lower bound'),
  end: z.string().optional().describe('ISO time; default now'),
});

export const timeRangeInput = z
  .union([z.string(), timeWindowObject])
  .optional()
  .describe(
    "Time window: '15m', '2h', '7d', 'last_1_hour', or ISO 'START..END', or {start, end}; default last_1_hour",
  );

export const limitInput = (fallback: number, max: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .optional()
    .describe(`How many to return at most (default ${fallback}, max ${max})`);
