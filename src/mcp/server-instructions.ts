/**
 * What the server tells an agent when it connects: the trace-driven loop and which tool to reach
 * for first. Only tools that are registered (toolsets can be switched off) are named.
 */
export function serverInstructions(registered: ReadonlySet<string>): string {
  const has = (name: string) => registered.has(name);
  const lines = [
    'otel-mcp checks the OpenTelemetry traces your software produces against the trace you expect.',
  ];
  if (has('define_trace_spec')) {
    const sources = [
      'from scratch',
      has('list_spec_templates') ? 'from list_spec_templates' : '',
      has('generate_spec_from_traces') ? 'or generate_spec_from_traces on a good trace' : '',
    ].filter(Boolean);
    lines.push(
      '',
      'Trace-driven loop:',
      `1. State the expected trace with define_trace_spec (${sources.join(', ')}); the spec language is the resource otel-mcp://docs/spec-language.`,
    );
    if (has('execute_and_capture')) {
      lines.push(
        "2. Run the code with execute_and_capture(command, session_id): it runs with the OTel SDK pointed here and compares the run's traces with the spec.",
        '3. Read the verdict (missing spans, wrong parents, tag mismatches, slow spans, errors, suggestions), fix the code, run again; get_session_metrics and suggest_next_steps track progress.',
      );
      if (has('compare_trace_to_spec')) {
        lines.push(
          'For a trace you did not run here (a deployed system, another backend), compare_trace_to_spec(trace_id, spec_name) gives the same verdict.',
        );
      }
    } else if (has('compare_trace_to_spec')) {
      const environment = has('get_otlp_endpoint')
        ? ' with the environment from get_otlp_endpoint'
        : ' with its OTLP exporter pointed at this server';
      lines.push(
        `2. Run your code${environment}, then compare_trace_to_spec(trace_id, spec_name); fix and repeat.`,
      );
    }
  }
  if (has('get_otlp_endpoint')) {
    lines.push(
      '',
      'To instrument a service yourself, get_otlp_endpoint gives the endpoint and the environment variables to set.',
    );
  }
  if (has('get_trace_by_id')) {
    lines.push(
      'Reading traces: list_services → get_traces or search_traces → get_trace_by_id (view summary, tree or spans) → get_span_details.',
    );
  }
  if (has('analyze_trace')) {
    lines.push(
      'analyze_trace explains where time goes and what failed; detect_performance_issues finds N+1 queries, sequential calls and slow queries.',
    );
  }
  const across = [
    has('correlate_distributed_traces')
      ? 'correlate_distributed_traces follows one order or request id through every trace and service'
      : '',
    has('detect_regressions') ? 'detect_regressions compares a baseline with current traces' : '',
    has('analyze_performance_trends')
      ? "analyze_performance_trends shows a service's latency and errors over days"
      : '',
  ].filter((part) => part);
  if (across.length > 0) lines.push(`Across traces: ${across.join('; ')}.`);
  lines.push(
    '',
    'Answers are bounded (budget_tokens). `truncated` counts what was cut, per list; for rows cut for size, call the tool again with the same arguments and cursor = next_cursor (each row comes exactly once); for rows past a limit you set, `next` says which argument to raise. Trace ids may be unique prefixes. Tools take `backend` to read from a configured Jaeger, Zipkin, Tempo, AWS X-Ray, Google Cloud Trace or Azure Monitor (Application Insights) instead of the embedded store.',
  );
  return lines.join('\n');
}
