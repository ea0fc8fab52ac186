#!/usr/bin/env node
import { loadConfig } from '../config/load-config.js';
import { secretValuesOf } from '../config/secret-values.js';
import { createRedactor } from '../mcp/redact-secrets.js';
import { errorMessage, isOtelMcpError } from '../model/errors.js';
import { packageVersion } from './package-version.js';
import { HELP_TEXT, parseCommandLine } from './parse-args.js';
import { createStderrLogger } from './stderr-logger.js';

/** Exit codes: 2 for a usage or configuration error the user can fix, 1 for anything else. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

async function main(argv: string[]): Promise<void> {
  const { command, flags, defects, uiPort } = parseCommandLine(argv);
  if (command === 'help') {
    process.stdout.write(HELP_TEXT);
    return;
  }
  const version = packageVersion();
  if (command === 'version') {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (command === 'demo') {
    const { demoCommand } = await import('./demo/demo-command.js');
    process.exitCode = await demoCommand(flags, version, defects);
    return;
  }
  const { config, warnings, file } = loadConfig({ flags, env: process.env, cwd: process.cwd() });
  // A backend's or a run's error quoted in a log line may carry a configured secret.
  const redact = createRedactor(secretValuesOf(config));
  const log = createStderrLogger(config.log_level, (line) => process.stderr.write(redact.text(line)));
  for (const warning of warnings) log.warn(warning);
  if (file) log.info(`configuration from ${file}`);
  // Loaded only to serve: --help and --version answer without the SDK, gRPC and SQLite modules.
  const { startApp } = await import('./app.js');
  const app = await startApp({ config, log, version });
  log.info(`data in ${config.data_dir}`);
  let stopUi = async () => undefined as void;
  if (uiPort !== undefined) {
    const { serveUi } = await import('../web/ui-server.js');
    const { join } = await import('node:path');
    const { packageRoot } = await import('./package-root.js');
    const ui = await serveUi(app.toolDeps, { port: uiPort, uiDir: join(packageRoot(), 'dist', 'ui') });
    // The MCP servers share this deps object: from now on their answers carry View: links.
    app.toolDeps.ui = { baseUrl: ui.url };
    stopUi = () => ui.close();
    log.info(`pictures at ${ui.url}/`);
  }

  let closing = false;
  const shutdown = async (reason: string) => {
    if (closing) return;
    closing = true;
    log.info(`shutting down (${reason})`);
    await stopTransport();
    await stopUi();
    await app.close();
    process.exit(0);
  };
  let stopTransport: () => Promise<void>;
  if (config.mcp.http_port !== null) {
    const { serveHttp } = await import('../mcp/transports/http-transport.js');
    const { resolveHttpToken } = await import('../mcp/transports/http-auth.js');
    const auth = resolveHttpToken(config.mcp.auth_token, config.mcp.host, config.data_dir);
    const endpoint = await serveHttp(app.serverFactory, {
      host: config.mcp.host,
      port: config.mcp.http_port,
      token: auth.token,
    });
    log.info(`MCP over Streamable HTTP at ${endpoint.url}`);
    // The token itself is never logged: logs end up in places a secret should not.
    log.info(
      auth.file
        ? `requests need "Authorization: Bearer <token>"; the token is in ${auth.file} (mcp.auth_token sets your own)`
        : 'requests need "Authorization: Bearer <mcp.auth_token>"',
    );
    stopTransport = () => endpoint.close();
  } else {
    const { serveStdio } = await import('@modelcontextprotocol/server/stdio');
    const { LineLimitedStdioTransport } = await import('../mcp/transports/stdio-transport.js');
    const transport = new LineLimitedStdioTransport();
    const handle = serveStdio(app.serverFactory, {
      transport,
      onerror: (error) => log.warn(`stdio: ${errorMessage(error)}`),
    });
    stopTransport = () => handle.close();
    // The client closing stdin is how a stdio session ends; a broken stdout ends it too.
    void transport.closed.then(() => shutdown('stdin closed'));
    log.info('MCP on stdio');
  }
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const hint = isOtelMcpError(error) && error.hint ? `\n  ${error.hint}` : '';
  process.stderr.write(`otel-mcp: ${errorMessage(error)}${hint}\n`);
  process.exit(isOtelMcpError(error) && error.code === 'INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILURE);
});
