import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OtelMcpError, errorMessage } from '../model/errors.js';
import { configSchema, TOOLSETS, type Config } from './config-schema.js';
import { expandVariables } from './expand-variables.js';
import { formatIssues } from './format-issues.js';

/** Settings a command line can give; `undefined` means "not given". */
export interface ConfigFlags {
  config?: string;
  dataDir?: string;
  specsDir?: string;
  otlpHttpPort?: number;
  otlpGrpcPort?: number;
  httpPort?: number;
  toolsets?: string[];
}

export interface LoadConfigInput {
  flags: ConfigFlags;
  env: Record<string, string | undefined>;
  /** Relative paths in the config resolve against this directory. */
  cwd: string;
  readFile?: (path: string) => string;
}

/** `OTEL_MCP_*` variables and the config path each one sets. */
const ENV_KEYS: Record<string, { path: string[]; type: 'string' | 'port' | 'int' | 'list' | 'bool' }> = {
  OTEL_MCP_DATA_DIR: { path: ['data_dir'], type: 'string' },
  OTEL_MCP_SPECS_DIR: { path: ['specs_dir'], type: 'string' },
  OTEL_MCP_LOG_LEVEL: { path: ['log_level'], type: 'string' },
  OTEL_MCP_RECEIVER_HOST: { path: ['receiver', 'host'], type: 'string' },
  OTEL_MCP_OTLP_HTTP_PORT: { path: ['receiver', 'http_port'], type: 'port' },
  OTEL_MCP_OTLP_GRPC_PORT: { path: ['receiver', 'grpc_port'], type: 'port' },
  OTEL_MCP_MAX_BODY_BYTES: { path: ['receiver', 'max_body_bytes'], type: 'int' },
  OTEL_MCP_MAX_QUEUED_SPANS: { path: ['receiver', 'max_queued_spans'], type: 'int' },
  OTEL_MCP_ALLOWED_ORIGINS: { path: ['receiver', 'allowed_origins'], type: 'list' },
  OTEL_MCP_MAX_SPANS: { path: ['retention', 'max_spans'], type: 'int' },
  OTEL_MCP_MAX_AGE_HOURS: { path: ['retention', 'max_age_hours'], type: 'int' },
  OTEL_MCP_HTTP_PORT: { path: ['mcp', 'http_port'], type: 'port' },
  OTEL_MCP_AUTH_TOKEN: { path: ['mcp', 'auth_token'], type: 'string' },
  OTEL_MCP_ALLOWED_HOSTS: { path: ['mcp', 'allowed_hosts'], type: 'list' },
  OTEL_MCP_OUTPUT_BUDGET_TOKENS: { path: ['mcp', 'output_budget_tokens'], type: 'int' },
  OTEL_MCP_TOOLSETS: { path: ['mcp', 'toolsets'], type: 'list' },
  OTEL_MCP_EXECUTION_ENABLED: { path: ['execution', 'enabled'], type: 'bool' },
};
/** Read by the loader itself, not a config path. */
const ENV_CONFIG_FILE = 'OTEL_MCP_CONFIG';

export interface LoadedConfig {
  config: Config;
  /** Where the file came from, when there was one. */
  file?: string;
  warnings: string[];
}

/** Loads the one configuration: defaults < YAML file < `OTEL_MCP_*` environment < flags. */
export function loadConfig(input: LoadConfigInput): LoadedConfig {
  const warnings: string[] = [];
  const readFile = input.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const file = input.flags.config ?? input.env[ENV_CONFIG_FILE];
  let raw: Record<string, unknown> = {};
  let filePath: string | undefined;
  if (file) {
    filePath = resolve(input.cwd, file);
    raw = readConfigFile(filePath, readFile);
    raw = expandVariables(raw, input.env) as Record<string, unknown>;
    raw = foldOtlpBackend(raw);
  }
  applyEnvironment(raw, input.env, warnings);
  applyFlags(raw, input.flags);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const where = filePath ? ` (file ${filePath}, environment and flags)` : '';
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `invalid configuration${where}:\n  ${formatIssues(parsed.error.issues, '', configSchema).join('\n  ')}`,
      'fix the keys named above; see the README section "Configuration" for every key and its default',
    );
  }
  const config = parsed.data;
  config.data_dir = resolve(input.cwd, config.data_dir);
  config.specs_dir = resolve(input.cwd, config.specs_dir);
  if (config.execution.root_dir) config.execution.root_dir = resolve(input.cwd, config.execution.root_dir);
  return { config, file: filePath, warnings };
}

function readConfigFile(path: string, readFile: (path: string) => string): Record<string, unknown> {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new OtelMcpError('INVALID_ARGUMENT', `cannot read config file ${path}: ${errorMessage(error)}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `config file ${path} is not valid YAML: ${errorMessage(error)}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `config file ${path} must hold a mapping of keys, not ${typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * The plan's `backends.otlp.endpoint` names the embedded receiver's gRPC address: carry its host and port
 * into `receiver` unless `receiver` sets them itself.
 */
function foldOtlpBackend(raw: Record<string, unknown>): Record<string, unknown> {
  const backends = raw.backends as Record<string, unknown> | undefined;
  const otlp = backends?.otlp as { endpoint?: unknown } | undefined;
  if (!otlp || typeof otlp.endpoint !== 'string') return raw;
  let url: URL;
  try {
    url = new URL(otlp.endpoint);
  } catch {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `invalid configuration: backends.otlp.endpoint: '${otlp.endpoint}' is not a URL`,
      'write it as http://127.0.0.1:4317',
    );
  }
  const receiver = { ...(raw.receiver as Record<string, unknown> | undefined) };
  if (receiver.host === undefined) receiver.host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  if (receiver.grpc_port === undefined && url.port) receiver.grpc_port = Number(url.port);
  return { ...raw, receiver };
}

function applyEnvironment(
  raw: Record<string, unknown>,
  env: Record<string, string | undefined>,
  warnings: string[],
) {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('OTEL_MCP_') || value === undefined || name === ENV_CONFIG_FILE) continue;
    const target = ENV_KEYS[name];
    if (!target) {
      warnings.push(
        `ignoring unknown environment variable ${name}; known: ${Object.keys(ENV_KEYS).join(', ')}`,
      );
      continue;
    }
    setPath(raw, target.path, convertEnv(name, value, target.type));
  }
}

function convertEnv(name: string, value: string, type: 'string' | 'port' | 'int' | 'list' | 'bool'): unknown {
  switch (type) {
    case 'string':
      return value;
    case 'list':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      throw new OtelMcpError('INVALID_ARGUMENT', `${name}='${value}' is not a boolean; use true or false`);
    case 'port':
    case 'int': {
      const number = Number(value);
      if (!Number.isInteger(number)) {
        throw new OtelMcpError('INVALID_ARGUMENT', `${name}='${value}' is not a whole number`);
      }
      return type === 'port' && number === 0 ? null : number;
    }
  }
}

function applyFlags(raw: Record<string, unknown>, flags: ConfigFlags) {
  const portOrOff = (port: number) => (port === 0 ? null : port);
  if (flags.dataDir !== undefined) setPath(raw, ['data_dir'], flags.dataDir);
  if (flags.specsDir !== undefined) setPath(raw, ['specs_dir'], flags.specsDir);
  if (flags.otlpHttpPort !== undefined)
    setPath(raw, ['receiver', 'http_port'], portOrOff(flags.otlpHttpPort));
  if (flags.otlpGrpcPort !== undefined)
    setPath(raw, ['receiver', 'grpc_port'], portOrOff(flags.otlpGrpcPort));
  if (flags.httpPort !== undefined) setPath(raw, ['mcp', 'http_port'], flags.httpPort);
  if (flags.toolsets !== undefined) setPath(raw, ['mcp', 'toolsets'], flags.toolsets);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export { TOOLSETS };
