import * as z from 'zod';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, traceIdInput } from '../common-inputs.js';
import { loadTrace } from '../trace-lookup.js';
import { spansListSchema, spansSection } from './trace-views/spans-view.js';
import { buildSummaryView, summaryViewSchema } from './trace-views/summary-view.js';
import { treeViewBlock, treeViewSchema } from './trace-views/tree-view.js';

export const getTraceByIdTool = defineTool({
  name: 'get_trace_by_id',
  title: 'Open one trace',
  description:
    "One trace: view 'summary' (default), 'tree' (waterfall: errors ✗, critical path *, repeats ×N) or 'spans' (every span, paged). Accepts an id prefix. One span in full: get_span_details; diagnosis: analyze_trace.",
  toolset: 'query',
  input: z.object({
    trace_id: traceIdInput,
    view: z.enum(['summary', 'tree', 'spans']).optional().describe("'summary' (default), 'tree' or 'spans'"),
    cursor: cursorInput,
    max_depth: z.number().int().min(1).max(100).optional().describe("For view 'tree': deepest level shown"),
    focus_span_id: z.string().optional().describe("For view 'tree': show only this span's subtree"),
    backend: backendInput,
    budget_tokens: budgetInput,
  }),
  output: z.object({
    trace_id: z.string(),
    backend: z.string(),
    view: z.enum(['summary', 'tree', 'spans']),
    summary: summaryViewSchema.optional(),
    tree: treeViewSchema.optional(),
    spans: spansListSchema.optional(),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const trace = await loadTrace(deps, input.trace_id, input.backend);
    const backend = deps.backends.get(input.backend).name;
    const view = input.view ?? 'summary';
    const base = { trace_id: trace.traceId, backend, view };
    if (view === 'spans') {
      return {
        fields: base,
        lead: [`Trace ${trace.traceId}: ${trace.spans.length} spans.`],
        lists: [spansSection(trace)],
      };
    }
    if (view === 'tree') {
      return {
        fields: base,
        lead: [],
        block: treeViewBlock(trace, { maxDepth: input.max_depth, focusSpanId: input.focus_span_id }),
      };
    }
    const summary = buildSummaryView(trace);
    return { structured: { ...base, summary: summary.view }, text: summary.text };
  },
});
