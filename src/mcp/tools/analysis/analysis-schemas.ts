import * as z from 'zod';

/** Output schemas of the analysis tools, in the snake_case the tools answer with (see snake-keys.ts). */

export const spanRefSchema = z.object({ span_id: z.string(), name: z.string(), service: z.string() });

/** A list cut to fit, saying how many items there were. */
export function cappedSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().describe('How many there were in all'),
    omitted: z.number().describe('How many were left out to keep the answer short'),
  });
}

const exceptionSchema = z.object({
  type: z.string().optional(),
  message: z.string().optional(),
  frame: z.string().optional().describe('The stack frame that raised it'),
  escaped: z.boolean().optional(),
});

const edgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  mode: z.enum(['sync', 'async']),
  calls: z.number(),
  errors: z.number(),
});

const errorSpanSchema = z.object({
  span: spanRefSchema,
  reason: z.string(),
  exception: exceptionSchema.optional(),
});

/**
 * analyze_trace's lists, each a top-level field the response layer pages; at most `max_items` rows
 * each, and `truncated` counts the rest.
 */
export const analysisListSchemas = {
  root_causes: z
    .array(
      errorSpanSchema.extend({ chain: z.array(spanRefSchema), chain_length: z.number(), count: z.number() }),
    )
    .describe('The deepest failing span of each chain of errors: where to look first'),
  critical_path_steps: z.array(z.object({ span: spanRefSchema, on_path_ms: z.number(), share: z.number() })),
  top_contributors: z
    .array(
      z.object({
        span: spanRefSchema,
        on_path_ms: z.number(),
        self_ms: z.number(),
        duration_ms: z.number(),
        share: z.number(),
      }),
    )
    .describe('Spans holding the trace up most, by time on the critical path'),
  orphans: z
    .array(z.object({ span: spanRefSchema, missing_parent_id: z.string(), descendant_count: z.number() }))
    .describe('Spans whose parent never arrived: context propagation broke, or the parent was not exported'),
  unmarked_failures: z
    .array(errorSpanSchema)
    .describe('HTTP/gRPC codes that signal failure on spans whose status was not set to ERROR'),
  service_graph: z.array(edgeSchema),
  error_spans: z.array(errorSpanSchema),
  exceptions: z.array(exceptionSchema.extend({ count: z.number(), span: spanRefSchema })),
  clock_skew: z.array(
    z.object({
      span: spanRefSchema,
      parent: spanRefSchema,
      starts_before_parent_ms: z.number(),
      ends_after_parent_ms: z.number(),
      cross_service: z.boolean(),
      clock: z
        .enum(['same-process', 'same-host', 'different-hosts', 'unknown'])
        .describe('Only different-hosts is clock skew; with one clock the child outlived its parent'),
    }),
  ),
  roots: z
    .array(spanRefSchema)
    .describe('Spans without a parent; more than one means the trace is in pieces'),
  services: z.array(z.object({ service: z.string(), span_count: z.number() })),
  self_time_by_service: z.array(
    z.object({ service: z.string(), self_ms: z.number(), span_count: z.number(), share: z.number() }),
  ),
  critical_path_by_service: z.array(
    z.object({ service: z.string(), on_path_ms: z.number(), share: z.number() }),
  ),
  top_self_time: z.array(z.object({ span: spanRefSchema, self_ms: z.number(), duration_ms: z.number() })),
  orphans_by_service: z.array(z.object({ service: z.string(), orphans: z.number() })),
  unknown_service_spans: z.array(spanRefSchema).describe('Spans whose resource has no service.name'),
};

/** Counts of the structure; its lists are top-level fields. */
export const structureSchema = z.object({
  span_count: z.number(),
  depth: z.number(),
  root_count: z.number(),
  service_count: z.number(),
  fan_out: z.object({ max: z.number(), max_span: spanRefSchema.optional(), average: z.number() }),
  orphan_count: z.number(),
  clock_skew_count: z.number(),
  unknown_service_span_count: z.number(),
  duplicate_span_ids: z.number(),
  parent_loops: z.number(),
});

export const performanceSchema = z.object({
  total_duration_ms: z.number(),
  critical_path: z.object({ root: spanRefSchema, duration_ms: z.number() }).optional(),
});

export const errorsSchema = z.object({
  error_span_count: z.number(),
  root_cause_count: z.number(),
  unmarked_failure_count: z.number(),
});

export const findingSchema = z.object({
  kind: z.enum([
    'n_plus_one_db',
    'n_plus_one_http',
    'sequential_calls',
    'slow_db_query',
    'retry_storm',
    'missing_instrumentation',
    'semconv_lint',
  ]),
  rule: z.string().optional(),
  severity: z.enum(['high', 'medium', 'low']),
  summary: z.string(),
  impact_ms: z.number().describe('Time at stake: what the fix could save, or the time involved'),
  spans: cappedSchema(spanRefSchema),
  parent: spanRefSchema.optional(),
  measurements: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  fix: z.string(),
});
