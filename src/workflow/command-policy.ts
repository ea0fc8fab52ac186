/**
 * What the configuration allows a run to execute (config `execution`): on or off, an allow-list
 * of command prefixes, and a root directory the working directory must stay inside.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { OtelMcpError } from '../model/errors.js';

export interface ExecutionPolicy {
  enabled: boolean;
  /** Command prefixes; empty allows every command. */
  allowedCommands: readonly string[];
  /** Working directories must be inside it; null allows any. */
  rootDir: string | null;
}

/**
 * With an allow-list, a command must be one plain command: `npm test; curl evil` starts with the
 * allowed `npm test` but runs more. These shell operators chain, substitute or redirect.
 */
const SHELL_CONTROL = /[;&|`\n<>]|\$\(/;

export function checkCommand(policy: ExecutionPolicy, command: string, what = 'command'): void {
  if (!policy.enabled) {
    throw new OtelMcpError(
      'UNSUPPORTED',
      'running commands is switched off in this server’s configuration (execution.enabled: false)',
      'Run the command yourself with the environment from get_otlp_endpoint, then use compare_trace_to_spec or validate_trace_collection with the run’s traces.',
    );
  }
  const trimmed = command.trim();
  if (trimmed === '')
    throw new OtelMcpError('INVALID_ARGUMENT', `${what} is empty`, 'pass a shell command, e.g. "npm test"');
  if (policy.allowedCommands.length === 0) return;
  if (SHELL_CONTROL.test(trimmed)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${what} ${JSON.stringify(trimmed)} chains or redirects commands (; & | \` < > $( or a newline), which an allow-list cannot vouch for`,
      'pass one plain command; put pipelines in a script that is itself on the allow-list',
    );
  }
  const allowed = policy.allowedCommands.some(
    (prefix) => trimmed === prefix || trimmed.startsWith(`${prefix} `),
  );
  if (!allowed) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${what} ${JSON.stringify(trimmed)} is not in the allow-list (execution.allowed_commands)`,
      `allowed prefixes: ${policy.allowedCommands.map((item) => JSON.stringify(item)).join(', ')}`,
    );
  }
}

/** The directory a run works in: `requested` (relative to the root or the server's cwd), kept inside the root. */
export function resolveWorkingDir(
  policy: ExecutionPolicy,
  requested: string | undefined,
  serverCwd: string,
): string {
  const base = policy.rootDir ?? serverCwd;
  const dir = resolve(base, requested ?? '.');
  if (policy.rootDir !== null) {
    const inside = relative(resolve(policy.rootDir), dir);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `working_dir ${JSON.stringify(requested)} is outside the execution root ${policy.rootDir}`,
        'pass a directory inside execution.root_dir, or a path relative to it',
      );
    }
  }
  return dir;
}
