import * as z from 'zod';
import { checkRun } from '../../../workflow/command-policy.js';
import { defineTool } from '../../tool-definition.js';
import { specNameInput, syncSpecFiles } from '../specs/spec-common.js';
import {
  envInput,
  servicesInput,
  startTogetherInput,
  toServiceRequests,
  workingDirInput,
} from './run-inputs.js';

export const createDevelopmentSessionTool = defineTool({
  name: 'create_development_session',
  synonyms: ['start_trace_session'],
  title: 'Start a development session',
  description:
    "Starts a session: each execute_and_capture with its session_id becomes an iteration judged by the session's spec, so get_session_metrics shows progress. Can hold run defaults (command, working_dir, services, env). Survives restarts.",
  toolset: 'workflow',
  input: z.object({
    project_name: z.string().min(1).max(200).describe('What is being built, e.g. "checkout"'),
    spec_name: specNameInput
      .optional()
      .describe('The stored spec each run is judged by (its latest version)'),
    command: z.string().min(1).optional().describe('Default command for execute_and_capture'),
    working_dir: workingDirInput,
    services: servicesInput,
    start_services_together: startTogetherInput,
    env: envInput,
  }),
  output: z.object({
    session_id: z.string(),
    project_name: z.string(),
    spec_name: z.string().optional(),
    spec_version: z
      .number()
      .optional()
      .describe('The latest version now; each run uses the latest at its time'),
    defaults: z.object({
      command: z.string().optional(),
      working_dir: z.string().optional(),
      services: z.array(z.string()).describe('Service names'),
      env: z.array(z.string()).describe('Variable names'),
    }),
    created_at: z.string(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(input, { deps }) {
    const sync = await syncSpecFiles(deps);
    // Refuse an unknown spec now (with the nearest name), not at the first run.
    const spec = input.spec_name !== undefined ? deps.specs.get(input.spec_name) : undefined;
    // Defaults a run would refuse are refused now, in the run's words (with execution off, each run says so).
    if (deps.workflow.policy.enabled)
      checkRun(deps.workflow.policy, {
        ...(input.command !== undefined ? { command: input.command } : {}),
        ...(input.env ? { env: input.env } : {}),
        ...(input.services ? { services: toServiceRequests(input.services) } : {}),
      });
    const session = deps.workflow.sessions.create({
      projectName: input.project_name,
      ...(input.spec_name !== undefined ? { specName: input.spec_name } : {}),
      settings: {
        ...(input.command !== undefined ? { command: input.command } : {}),
        ...(input.working_dir !== undefined ? { workingDir: input.working_dir } : {}),
        ...(input.services ? { services: toServiceRequests(input.services) } : {}),
        ...(input.start_services_together !== undefined
          ? { startServicesTogether: input.start_services_together }
          : {}),
        ...(input.env ? { env: input.env } : {}),
      },
    });
    const structured = {
      session_id: session.id,
      project_name: session.projectName,
      ...(spec ? { spec_name: spec.name, spec_version: spec.version } : {}),
      defaults: {
        ...(input.command !== undefined ? { command: input.command } : {}),
        ...(input.working_dir !== undefined ? { working_dir: input.working_dir } : {}),
        services: (input.services ?? []).map((service) => service.name),
        env: Object.keys(input.env ?? {}),
      },
      created_at: new Date(session.createdAtMs).toISOString(),
    };
    const lines = [
      ...sync.lines,
      `Session ${session.id} for ${session.projectName}${spec ? `, judged by spec ${spec.name} (v${spec.version} now; each run uses the latest)` : ', no spec yet'}.`,
      input.command !== undefined
        ? `Next: execute_and_capture({session_id: "${session.id}"}) runs \`${input.command}\`.`
        : `Next: execute_and_capture({session_id: "${session.id}", command: "..."}), optionally with services to start first.`,
    ];
    if (!spec)
      lines.push(
        'Without a spec runs are captured but not judged: define_trace_spec, then pass expected_spec to execute_and_capture.',
      );
    return { structured, text: lines.join('\n') };
  },
});
