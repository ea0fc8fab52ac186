import type { AnyTool } from '../tool-registry.js';
import { analyzeTraceTool } from './analysis/analyze-trace.js';
import { detectPerformanceIssuesTool } from './analysis/detect-performance-issues.js';
import { getOtlpEndpointTool } from './query/get-otlp-endpoint.js';
import { getSpanDetailsTool } from './query/get-span-details.js';
import { getTraceByIdTool } from './query/get-trace-by-id.js';
import { getTracesTool } from './query/get-traces.js';
import { listBackendsTool } from './query/list-backends.js';
import { listOperationsTool } from './query/list-operations.js';
import { listServicesTool } from './query/list-services.js';
import { searchTracesTool } from './query/search-traces.js';
import { compareTraceToSpecTool } from './analysis/compare-trace-to-spec.js';
import { generateImprovementSuggestionsTool } from './analysis/generate-improvement-suggestions.js';
import { validateTraceCollectionTool } from './analysis/validate-trace-collection.js';
import { defineTraceSpecTool } from './specs/define-trace-spec.js';
import { getTraceSpecTool } from './specs/get-trace-spec.js';
import { listSpecTemplatesTool } from './specs/list-spec-templates.js';
import { listTraceSpecsTool } from './specs/list-trace-specs.js';
import { updateTraceSpecTool } from './specs/update-trace-spec.js';
import { createDevelopmentSessionTool } from './workflow/create-development-session.js';
import { executeAndCaptureTool } from './workflow/execute-and-capture.js';
import { getSessionMetricsTool } from './workflow/get-session-metrics.js';
import { suggestNextStepsTool } from './workflow/suggest-next-steps.js';
import { generateSpecFromTracesTool } from './advanced/generate-spec-from-traces.js';
import { detectRegressionsTool } from './advanced/detect-regressions.js';
import { diffTracesTool } from './advanced/diff-traces.js';
import { analyzePerformanceTrendsTool } from './advanced/analyze-performance-trends.js';
import { correlateDistributedTracesTool } from './advanced/correlate-distributed-traces.js';

/** Every tool otel-mcp offers; the registry filters them by the enabled toolsets. */
export const allTools: AnyTool[] = [
  getOtlpEndpointTool,
  listServicesTool,
  listOperationsTool,
  getTracesTool,
  searchTracesTool,
  getTraceByIdTool,
  getSpanDetailsTool,
  analyzeTraceTool,
  detectPerformanceIssuesTool,
  listBackendsTool,
  defineTraceSpecTool,
  getTraceSpecTool,
  listTraceSpecsTool,
  updateTraceSpecTool,
  listSpecTemplatesTool,
  compareTraceToSpecTool,
  validateTraceCollectionTool,
  generateImprovementSuggestionsTool,
  createDevelopmentSessionTool,
  executeAndCaptureTool,
  getSessionMetricsTool,
  suggestNextStepsTool,
  generateSpecFromTracesTool,
  detectRegressionsTool,
  diffTracesTool,
  analyzePerformanceTrendsTool,
  correlateDistributedTracesTool,
];
