import type { AnyTool } from '../tool-registry.js';
import { getOtlpEndpointTool } from './query/get-otlp-endpoint.js';
import { getSpanDetailsTool } from './query/get-span-details.js';
import { getTraceByIdTool } from './query/get-trace-by-id.js';
import { getTracesTool } from './query/get-traces.js';
import { listOperationsTool } from './query/list-operations.js';
import { listServicesTool } from './query/list-services.js';
import { searchTracesTool } from './query/search-traces.js';

/** Every tool otel-mcp offers; the registry filters them by the enabled toolsets. */
export const allTools: AnyTool[] = [
  getOtlpEndpointTool,
  listServicesTool,
  listOperationsTool,
  getTracesTool,
  searchTracesTool,
  getTraceByIdTool,
  getSpanDetailsTool,
];
