import { parseArgs } from 'node:util';
import type { ConfigFlags } from '../config/load-config.js';
import { OtelMcpError } from '../model/errors.js';

export const COMMANDS = ['serve', 'demo', 'help', 'version'] as const;
export type Command = (typeof COMMANDS)[number];

export interface ParsedArgs {
  command: Command;
  flags: ConfigFlags;
  /** `demo --defects LIST`: which of the example's defects to switch on (default all). */
  defects?: string;
  /** `serve --ui PORT`: the pictures on http://127.0.0.1:PORT (off unless given). */
  uiPort?: number;
}

const OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  'specs-dir': { type: 'string' },
  'otlp-http-port': { type: 'string' },
  'otlp-grpc-port': { type: 'string' },
  http: { type: 'string' },
  ui: { type: 'string' },
  toolsets: { type: 'string' },
  defects: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Parses `otel-mcp [command] [flags]`; a bad flag is an error that names the accepted ones. */
export function parseCommandLine(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      (error as Error).message,
      'run otel-mcp --help for the accepted flags',
    );
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  if (rest.length > 0) {
    throw new OtelMcpError('INVALID_ARGUMENT', `unexpected argument '${rest[0]}'`, 'run otel-mcp --help');
  }
  let command: Command = 'serve';
  if (values.help) command = 'help';
  else if (values.version) command = 'version';
  else if (first !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `unknown command '${first}'`,
        `use one of: ${COMMANDS.join(', ')}`,
      );
    }
    command = first as Command;
  }
  const flags: ConfigFlags = {};
  if (values.config !== undefined) flags.config = values.config;
  if (values['data-dir'] !== undefined) flags.dataDir = values['data-dir'];
  if (values['specs-dir'] !== undefined) flags.specsDir = values['specs-dir'];
  if (values['otlp-http-port'] !== undefined)
    flags.otlpHttpPort = portFlag('--otlp-http-port', values['otlp-http-port']);
  if (values['otlp-grpc-port'] !== undefined)
    flags.otlpGrpcPort = portFlag('--otlp-grpc-port', values['otlp-grpc-port']);
  if (values.http !== undefined) flags.httpPort = portFlag('--http', values.http);
  if (values.toolsets !== undefined)
    flags.toolsets = values.toolsets
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  if (values.defects !== undefined && command !== 'demo') {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      '--defects belongs to the demo command',
      'otel-mcp demo --defects missing-call,slow-payment',
    );
  }
  const uiPort = values.ui !== undefined ? portFlag('--ui', values.ui) : undefined;
  return {
    command,
    flags,
    ...(values.defects !== undefined ? { defects: values.defects } : {}),
    ...(uiPort !== undefined && uiPort > 0 ? { uiPort } : {}),
  };
}

function portFlag(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${name} '${value}' is not a port`,
      `give a number from 0 to 65535 (0 switches the listener off)`,
    );
  }
  return port;
}

export const HELP_TEXT = `otel-mcp — an MCP server for trace-driven development with OpenTelemetry

Usage: otel-mcp [serve|demo] [flags]

Commands:
  serve              Speak MCP on stdio (default) and receive OTLP on 127.0.0.1:4318 (HTTP) and :4317 (gRPC)
  demo               Run the trace-driven loop on examples/checkout (from a clone): red with its
                     defects on, then green; --defects LIST picks some of missing-call,
                     wrong-service, slow-payment, n-plus-one, swallowed-error (default all)
  help               Show this text
  version            Show the version

Flags:
  --config FILE          YAML configuration (also OTEL_MCP_CONFIG)
  --data-dir DIR         Where traces, specs and sessions are stored (default .otel-mcp)
  --specs-dir DIR        Where specs are mirrored as YAML files (default trace-specs)
  --otlp-http-port N     OTLP/HTTP listener port (default 4318; 0 switches it off)
  --otlp-grpc-port N     OTLP/gRPC listener port (default 4317; 0 switches it off)
  --http PORT            Serve MCP over Streamable HTTP at http://127.0.0.1:PORT/mcp instead of stdio
  --ui PORT              Serve pictures of traces, specs and sessions at http://127.0.0.1:PORT
                         (off by default); answers naming a trace or session then link to them
  --toolsets LIST        Comma-separated toolsets to offer: query,specs,analysis,workflow,advanced
                         (the default), and aliases: the same tools under six other names
  -h, --help             Show this text
  -v, --version          Show the version

Settings are taken from defaults < config file < OTEL_MCP_* environment < flags.
stdout carries the MCP protocol; logs go to stderr.
`;
