import { escapeControl } from './escape-control.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** Logs to stderr (stdout belongs to the MCP stdio transport), one line per message, control characters escaped. */
export function createStderrLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const log = (at: LogLevel) => (message: string) => {
    if (RANK[at] <= RANK[level]) write(`otel-mcp ${at}: ${escapeControl(message)}\n`);
  };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') };
}
