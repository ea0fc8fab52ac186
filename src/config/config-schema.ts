import * as z from 'zod';
import { backendEntrySchema } from './backend-entry.js';
import { compileAllowList } from '../model/command-allow-list.js';

/**
 * The toolsets an operator can switch on or off to keep the tool list small. `aliases` serves the
 * project plan's other names of six tools (compare_traces, run_and_capture, …); off by default,
 * since each repeats a whole tool's schemas in every client's context.
 */
export const TOOLSETS = ['query', 'specs', 'analysis', 'workflow', 'advanced', 'aliases'] as const;
export type Toolset = (typeof TOOLSETS)[number];
export const DEFAULT_TOOLSETS: readonly Toolset[] = ['query', 'specs', 'analysis', 'workflow', 'advanced'];

const port = z.number().int().min(0).max(65535);
/** `null` switches a listener off (the `0` of `--otlp-grpc-port 0` is turned into null by the loader). */
const optionalPort = port.nullable();

/** A browser origin exactly as a browser sends it: scheme://host[:port], no path, no trailing slash. */
/** A host name or address as a Host header carries it, without the port: mcp.example.internal, 10.0.0.5, [fd00::5]. */
const hostName = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/, {
    error:
      'expected a host name or address without scheme or port, as a client puts in Host, e.g. mcp.example.internal, 10.0.0.5 or [fd00::5]',
  })
  .transform((value) => value.toLowerCase());

const origin = z.string().refine(
  (value) => {
    try {
      return new URL(value).origin === value;
    } catch {
      return false;
    }
  },
  {
    error:
      'expected an origin as a browser sends it, scheme://host[:port] without a path, e.g. http://localhost:5173',
  },
);

/** The embedded receiver as the plan's `backends.otlp` block names it. */
const otlpEntry = z
  .object({
    endpoint: z.string().optional().describe("The gRPC listener's address; its host and port are used"),
    headers: z.record(z.string(), z.string()).optional().describe('Required on every incoming export'),
  })
  .strict();

export const configSchema = z
  .object({
    data_dir: z.string().min(1).default('.otel-mcp'),
    specs_dir: z.string().min(1).default('trace-specs'),
    log_level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    receiver: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        http_port: optionalPort.default(4318),
        grpc_port: optionalPort.default(4317),
        // 32 MiB: well above an SDK's largest batch (512 spans × a few KiB), far below memory trouble.
        max_body_bytes: z
          .number()
          .int()
          .positive()
          .default(32 * 1024 * 1024),
        // Spans and log records waiting to be written before exports get 503 + Retry-After (back-pressure):
        // 50,000 is ~100 SDK batches, roughly 100 MB decoded, a second or two of writing.
        max_queued_spans: z.number().int().positive().default(50_000),
        // Browser pages allowed to export (CORS); none by default, so no web page can write spans.
        allowed_origins: z.array(origin).default([]),
      })
      .strict()
      .prefault({}),
    retention: z
      .object({
        // 5 M spans is ~2-3 GB of SQLite at ~500 B/span: generous for a developer machine, still bounded.
        max_spans: z.number().int().positive().default(5_000_000),
        max_age_hours: z
          .number()
          .positive()
          .default(7 * 24),
      })
      .strict()
      .prefault({}),
    mcp: z
      .object({
        http_port: optionalPort.default(null).describe('Serve MCP over Streamable HTTP instead of stdio'),
        host: z.string().min(1).default('127.0.0.1'),
        // 16 characters at least: a token is the only thing between a caller and running commands.
        auth_token: z
          .string()
          .min(16)
          .nullable()
          .default(null)
          .describe('Bearer token MCP over HTTP requires (default: generated into the data dir)'),
        // Names a proxy or a remote client uses to reach a non-loopback bind; empty accepts any Host there.
        allowed_hosts: z
          .array(hostName)
          .default([])
          .describe(
            'Host names MCP over HTTP answers to besides its loopback names (empty: any, off loopback)',
          ),
        // ~8k tokens: a tool answer must leave most of a model's context free.
        output_budget_tokens: z.number().int().min(500).max(200_000).default(8000),
        toolsets: z
          .array(z.enum(TOOLSETS))
          .min(1)
          .default([...DEFAULT_TOOLSETS]),
      })
      .strict()
      .prefault({}),
    execution: z
      .object({
        enabled: z.boolean().default(true),
        allowed_commands: z
          .array(
            z.union([
              z.string().min(1),
              z
                .object({
                  command: z.string().min(1),
                  args: z.enum(['none', 'positional']).optional(),
                  options: z.array(z.string().min(1)).optional(),
                })
                .strict(),
            ]),
          )
          .default([])
          .superRefine((entries, ctx) => {
            try {
              compileAllowList(entries);
            } catch (error) {
              ctx.addIssue({ code: 'custom', message: (error as Error).message });
            }
          })
          .describe('Commands a run may execute, word by word; empty allows all'),
        allowed_env: z
          .array(z.string().min(1))
          .nullable()
          .default(null)
          .describe(
            'With allowed_commands: the only env names a run may set (null: all but the dangerous families)',
          ),
        root_dir: z.string().nullable().default(null),
        timeout_ms: z
          .number()
          .int()
          .positive()
          .default(120_000)
          .describe('A run command is killed, with its process group, after this'),
        // 300 ms: three times the 100 ms batch delay a run's SDKs get, so a last batch is not cut off.
        settle_ms: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(300)
          .describe('No new span for this long: the run has settled'),
        // 10 s bounds the wait for a root span that never comes (a crash, a parent outside the run).
        capture_timeout_ms: z
          .number()
          .int()
          .positive()
          .default(10_000)
          .describe('The longest wait for spans after the run ended'),
        late_service_wait_ms: z
          .number()
          .int()
          .min(0)
          .default(1_000)
          .describe('Extra wait for services the spec expects that the run did not start'),
        // 5 s: an SDK's shutdown flush takes well under a second; a service that hangs longer is killed.
        stop_grace_ms: z
          .number()
          .int()
          .positive()
          .default(5_000)
          .describe('SIGTERM to SIGKILL, for services and timed-out commands'),
        ready_timeout_ms: z
          .number()
          .int()
          .positive()
          .default(60_000)
          .describe('How long a service may take to become ready'),
      })
      .strict()
      .prefault({}),
    analysis: z
      .object({
        // Names and defaults are listed in the README; unknown names are refused at start-up.
        thresholds: z
          .record(z.string(), z.number().nonnegative())
          .default({})
          .describe('Detector thresholds by snake_case name, e.g. n_plus_one_db_min_count: 8'),
      })
      .strict()
      .prefault({}),
    backends: z.object({ otlp: otlpEntry.optional() }).catchall(backendEntrySchema).default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type { BackendEntryConfig } from './backend-entry.js';
