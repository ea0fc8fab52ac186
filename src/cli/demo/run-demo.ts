/**
 * `otel-mcp demo`: the trace-driven loop on the example checkout, for a newcomer in a terminal.
 * It makes the same tool calls an agent would (printed as it makes them): define the specs, start
 * a session, run the example with its defects on (red, with the culprits and fixes), then with
 * them off (green), and show the session's progress. `all` leaves out a defect another one would
 * hide (demo-defects.ts), and says so.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Config } from '../../config/config-schema.js';
import { OtelMcpError } from '../../model/errors.js';
import { budgetFromTokens } from '../../mcp/output-budget.js';
import { answerToolCall, type AnyTool } from '../../mcp/response/answer-tool-call.js';
import { createDevelopmentSessionTool } from '../../mcp/tools/workflow/create-development-session.js';
import { defineTraceSpecTool } from '../../mcp/tools/specs/define-trace-spec.js';
import { executeAndCaptureTool } from '../../mcp/tools/workflow/execute-and-capture.js';
import { getSessionMetricsTool } from '../../mcp/tools/workflow/get-session-metrics.js';
import type { ToolDeps } from '../../mcp/tool-deps.js';
import { loadExampleApp } from './example-app.js';
import { chooseDefects } from './demo-defects.js';

export interface DemoIo {
  /** The story: tool calls and their answers. */
  out: (text: string) => void;
  /** Transient progress while a run is going on. */
  progress: (text: string) => void;
}

export interface DemoOutcome {
  redVerdict: string;
  greenVerdict: string;
}

/** The spec the session judges by: the full structure, so every defect shows. */
const SESSION_SPEC = 'checkout_structure';

export async function runDemo(
  deps: ToolDeps,
  config: Config,
  io: DemoIo,
  defects = 'all',
): Promise<DemoOutcome> {
  const example = await loadExampleApp('checkout');
  // Refuse an unknown defect before anything starts (each service would otherwise exit on it).
  const choice = chooseDefects(example.manifest.defects, defects);
  const shown = relative(process.cwd(), example.dir) || example.dir;
  io.out(
    `otel-mcp demo — the trace-driven loop on ${shown}: ${example.services.map((service) => service.name).join(', ')}\n`,
  );

  const call = async (
    tool: AnyTool,
    input: Record<string, unknown>,
    label: string,
  ): Promise<Record<string, unknown>> => {
    io.out(`→ ${tool.name}(${label})`);
    const output = await answerToolCall(tool, input, {
      deps,
      budget: budgetFromTokens(config.mcp.output_budget_tokens),
      progress: io.progress,
    });
    io.progress('');
    io.out(`${indent(output.text)}\n`);
    return output.structured as Record<string, unknown>;
  };

  for (const file of example.specFiles) {
    const text = readFileSync(file, 'utf8');
    const name = /^name:\s*(\S+)/m.exec(text)?.[1];
    if (!name) throw new OtelMcpError('INVALID_ARGUMENT', `${file} has no name:`);
    await call(
      defineTraceSpecTool,
      { name, specification: text },
      `name: "${name}", specification: <${relative(example.dir, file)}>`,
    );
  }
  const session = await call(
    createDevelopmentSessionTool,
    {
      project_name: 'checkout',
      spec_name: SESSION_SPEC,
      command: example.manifest.trigger,
      working_dir: example.dir,
      services: example.services,
      start_services_together: true,
      env: example.portEnv,
    },
    `project_name: "checkout", spec_name: "${SESSION_SPEC}", command: "${example.manifest.trigger}", services: [${example.services.length} services]`,
  );
  const sessionId = String(session.session_id);
  const defectsEnv = example.manifest.defects_env;

  io.out(`── Iteration 1: the example with its defects on (${defectsEnv}=${choice.value}) ──`);
  for (const defect of choice.on) {
    io.out(`   ${defect.name}: ${defect.what}`);
    if (defect.hiddenBy)
      io.out(`     (hidden in this run: with ${defect.hiddenBy.by} on, ${defect.hiddenBy.why})`);
  }
  for (const defect of choice.leftOut) {
    io.out(
      `   ${defect.name}: left out, because with ${defect.by} on, ${defect.why}; \`otel-mcp demo --defects ${defect.name}\` shows it`,
    );
  }
  io.out('');
  const red = await call(
    executeAndCaptureTool,
    { session_id: sessionId, env: { [defectsEnv]: choice.value } },
    `session_id: "${sessionId}", env: {${defectsEnv}: "${choice.value}"}`,
  );

  io.out('── Iteration 2: the defects fixed ──\n');
  const green = await call(executeAndCaptureTool, { session_id: sessionId }, `session_id: "${sessionId}"`);

  await call(getSessionMetricsTool, { session_id: sessionId }, `session_id: "${sessionId}"`);
  return { redVerdict: String(red.verdict), greenVerdict: String(green.verdict) };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
