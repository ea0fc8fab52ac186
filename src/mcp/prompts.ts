/**
 * Prompts a user can pick in a client to start the work otel-mcp is for: the trace-driven loop,
 * investigating a slow or failing request, and checking a service's instrumentation against the
 * semantic conventions. Service, operation and spec arguments complete from the default backend
 * and the stored specs.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { SPEC_LANGUAGE_URI, startingWith, type Completions } from './resources.js';
import type { ToolDeps } from './tool-deps.js';

/** Registers the prompts; returns the completers of their arguments, by prompt and argument name. */
export function registerPrompts(server: McpServer, deps: ToolDeps): Completions {
  const services = async (typed: string | undefined): Promise<string[]> => {
    try {
      return startingWith(await deps.backends.get().listServices(), typed);
    } catch {
      return [];
    }
  };
  const operations = async (typed: string | undefined, args?: Record<string, string>): Promise<string[]> => {
    const service = args?.service_name;
    if (!service) return [];
    try {
      return startingWith(
        (await deps.backends.get().listOperations(service)).map((operation) => operation.name),
        typed,
      );
    } catch {
      return [];
    }
  };
  const specs = async (typed: string | undefined): Promise<string[]> =>
    startingWith(
      deps.specs.list().map((spec) => spec.name),
      typed,
    );
  const user = (text: string) => ({
    messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
  });

  server.registerPrompt(
    'trace_driven_loop',
    {
      title: 'Build a feature trace-first',
      description: 'State the trace the feature should produce, run it, and iterate until the traces match',
      argsSchema: z.object({
        feature: z
          .string()
          .describe('What to build, e.g. "checkout charges the card through payment-service"'),
        services: z.string().optional().describe('The services involved, comma-separated'),
        spec_name: z.string().optional().describe('An existing spec to start from'),
      }),
    },
    (args) =>
      user(
        [
          `Build this trace-first: ${args.feature}.`,
          args.services ? `Services involved: ${args.services}.` : '',
          '1. State the trace it should produce: ' +
            (args.spec_name
              ? `start from spec ${args.spec_name} (get_trace_spec) and extend it with update_trace_spec.`
              : `define_trace_spec, from a template (list_spec_templates) or YAML; the language is in ${SPEC_LANGUAGE_URI}.`),
          '2. create_development_session with the spec, the command that exercises the feature, and the services it needs (with ready checks).',
          '3. execute_and_capture with the session id. Read the verdict: fix what each violation names (lost telemetry first: the spans never arrived), then run again.',
          '4. When it passes, run it with repeat: 5 to catch flaky timing, and read get_session_metrics.',
        ]
          .filter(Boolean)
          .join('\n'),
      ),
  );

  server.registerPrompt(
    'investigate_request',
    {
      title: 'Investigate a slow or failing request',
      description:
        'Find the traces of a slow or failing request and explain where the time or the error comes from',
      argsSchema: z.object({
        service_name: z.string().describe('The service that handled the request'),
        operation: z.string().optional().describe('The operation (span name), if known'),
        problem: z.enum(['slow', 'failing']).optional().describe('What is wrong (default: slow)'),
      }),
    },
    (args) => {
      const failing = args.problem === 'failing';
      const filter = [
        `service_name: "${args.service_name}"`,
        args.operation ? `operation_name: "${args.operation}"` : '',
        failing ? 'status: "error"' : 'min_duration_ms: <a threshold above normal>',
      ]
        .filter(Boolean)
        .join(', ');
      return user(
        [
          `Investigate ${failing ? 'failing' : 'slow'} ${args.operation ? `${args.operation} requests` : 'requests'} of ${args.service_name}.`,
          `1. search_traces with {${filter}} over the last hour (widen time_range if nothing comes back).`,
          '2. get_trace_by_id (view tree) on the worst one, then analyze_trace: critical path, self time, error root cause.',
          failing
            ? '3. get_span_details on the root-cause span: its exception and logs.'
            : '3. detect_performance_issues on it: N+1 loops, sequential calls, slow queries, with the fix for each.',
          '4. Compare with a good trace of the same operation (diff_traces), or a period (analyze_performance_trends), to see what changed.',
          '5. Say what to change, in which service and which span.',
        ].join('\n'),
      );
    },
  );

  server.registerPrompt(
    'check_instrumentation',
    {
      title: "Check a service's instrumentation",
      description:
        "Check a service's spans against the OpenTelemetry semantic conventions and find what is not traced",
      argsSchema: z.object({
        service_name: z.string().describe('The service to check'),
      }),
    },
    (args) =>
      user(
        [
          `Check the instrumentation of ${args.service_name}.`,
          '1. list_operations: are the span names low-cardinality (routes, not concrete paths; statements summarized)?',
          `2. get_traces for ${args.service_name}, then detect_performance_issues with kinds ["semconv_lint", "missing_instrumentation"] on a few of them: missing service.name, HTTP spans without method, route or status, database spans without db.system, secrets in headers, long spans with nothing beneath.`,
          '3. analyze_trace: orphan spans mean broken context propagation at a hop.',
          '4. List the fixes per file or instrumentation setting. Older attribute names (http.method, db.statement) still match specs; note them for a later upgrade.',
        ].join('\n'),
      ),
  );
  return {
    trace_driven_loop: { services, spec_name: specs },
    investigate_request: { service_name: services, operation: operations },
    check_instrumentation: { service_name: services },
  };
}
