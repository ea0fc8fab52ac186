/**
 * The resource attributes execute_and_capture adds to the spans of a run: which run they belong to,
 * and which of the services the run started sent them (absent: the command, or a process it ran).
 */
export const RUN_ID_ATTRIBUTE = 'otel_mcp.run_id';
export const RUN_PROCESS_ATTRIBUTE = 'otel_mcp.process';
