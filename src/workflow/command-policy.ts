/**
 * What the configuration allows a run to execute (config `execution`): on or off, an allow-list of
 * commands checked word by word (command-allow-list.ts), the environment such a command may be
 * given (environment-policy.ts), and a root directory every working directory must really be in.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { OtelMcpError } from '../model/errors.js';
import { findAllowing, type AllowedCommand } from '../model/command-allow-list.js';
import { refusedEnvironmentName } from './environment-policy.js';
import { shellWords } from '../model/shell-words.js';

export interface ExecutionPolicy {
  enabled: boolean;
  /** Compiled allow-list; empty allows every command. */
  allowedCommands: readonly AllowedCommand[];
  /** With an allow-list: the only environment names a run may set; null refuses the dangerous families. */
  allowedEnv?: readonly string[] | null;
  /** Working directories must be inside it; null allows any. */
  rootDir: string | null;
}

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
  const parsed = shellWords(trimmed);
  if ('refused' in parsed) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${what} ${JSON.stringify(clip(trimmed))} has ${parsed.refused}, which an allow-list cannot vouch for`,
      'pass one plain command (words, quotes and escapes only); put pipelines in a script that is itself on the allow-list',
    );
  }
  const found = findAllowing(policy.allowedCommands, parsed.words);
  if ('allowed' in found) return;
  const allowed = policy.allowedCommands.map((item) => JSON.stringify(item.label)).join(', ');
  if (found.refusedWord) {
    const { entry, word } = found.refusedWord;
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${what} ${JSON.stringify(clip(trimmed))}: ${JSON.stringify(clip(word))} is not an argument the allow-list entry ${JSON.stringify(entry.label)} allows`,
      `${word.startsWith('-') ? 'options' : 'arguments'} after ${JSON.stringify(entry.words.join(' '))} must be listed in execution.allowed_commands; allowed: ${allowed}`,
    );
  }
  throw new OtelMcpError(
    'INVALID_ARGUMENT',
    `${what} ${JSON.stringify(clip(trimmed))} is not in the allow-list (execution.allowed_commands)`,
    `allowed: ${allowed}`,
  );
}

/** With an allow-list, every name of `env` must pass the environment policy. */
export function checkEnvironment(
  policy: ExecutionPolicy,
  env: Record<string, string> | undefined,
  what = 'env',
): void {
  if (policy.allowedCommands.length === 0 || env === undefined) return;
  for (const name of Object.keys(env)) {
    const why = refusedEnvironmentName(name, policy.allowedEnv ?? null);
    if (why)
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `${what}: ${name} may not be set while execution.allowed_commands is on: ${why}`,
        policy.allowedEnv
          ? `names allowed: ${policy.allowedEnv.join(', ') || 'none'}`
          : 'leave it out (the server’s own environment is used), or list it in execution.allowed_env if this server’s users may set it',
      );
  }
}

/** The part of a run a policy judges before anything starts: its command, env and services. */
export interface PolicedRun {
  command?: string;
  env?: Record<string, string>;
  services?: readonly { name: string; command: string; env?: Record<string, string> }[];
}

/**
 * Checks a run's command, env and each service's command and env, naming the part refused. A run
 * makes these checks before it starts anything; a session's defaults are checked the same way
 * when the session is created, so a refusal comes at once and in the same words.
 */
export function checkRun(policy: ExecutionPolicy, run: PolicedRun): void {
  if (run.command !== undefined) checkCommand(policy, run.command);
  checkEnvironment(policy, run.env);
  for (const service of run.services ?? []) {
    checkCommand(policy, service.command, `service ${service.name}'s command`);
    checkEnvironment(policy, service.env, `service ${service.name}'s env`);
  }
}

/**
 * The directory a run works in: `requested` (relative to the root or the server's cwd), kept inside
 * the root after every symlink is resolved — a link inside the root may point anywhere.
 */
export function resolveWorkingDir(
  policy: ExecutionPolicy,
  requested: string | undefined,
  serverCwd: string,
): string {
  const base = policy.rootDir ?? serverCwd;
  const dir = resolve(base, requested ?? '.');
  if (policy.rootDir === null) return dir;
  const outside = () =>
    new OtelMcpError(
      'INVALID_ARGUMENT',
      `working_dir ${JSON.stringify(clip(requested ?? '.'))} is outside the execution root ${policy.rootDir}`,
      'pass a directory inside execution.root_dir, or a path relative to it',
    );
  if (!isInside(resolve(policy.rootDir), dir)) throw outside();
  // Judged by the real path of the deepest part that exists: `link/not-yet` is outside when link is.
  const real = realPathOfExistingPart(dir);
  const realRoot = realPathOfExistingPart(resolve(policy.rootDir));
  if (!isInside(realRoot, real)) throw outside();
  return real;
}

function isInside(root: string, dir: string): boolean {
  const inside = relative(root, dir);
  return !(inside === '..' || inside.startsWith(`..${'/'}`) || isAbsolute(inside));
}

function realPathOfExistingPart(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(basename(current));
      current = parent;
    }
  }
}

/** Commands are echoed in messages; a huge one is not. */
function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
