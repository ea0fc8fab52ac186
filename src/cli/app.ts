import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Config } from '../config/config-schema.js';
import { compileAllowList } from '../model/command-allow-list.js';
import { createConfiguredBackends } from '../backends/configured-backends.js';
import { createEmbeddedBackend } from '../backends/embedded/embedded-backend.js';
import { createBackendSelection } from '../mcp/backend-selection.js';
import { createServerFactory } from '../mcp/create-server.js';
import { createRedactor } from '../mcp/redact-secrets.js';
import { secretValuesOf } from '../config/secret-values.js';
import { thresholdsFor } from '../mcp/tools/analysis/detector-thresholds.js';
import type { ToolDeps } from '../mcp/tool-deps.js';
import { errorMessage } from '../model/errors.js';
import type { Span } from '../model/span.js';
import type { LogRecord } from '../model/log-record.js';
import { createOtlpReceiver, type OtlpReceiver } from '../receiver/otlp-receiver.js';
import { createWorkerSink } from '../store/worker-sink.js';
import { openTraceStore, type TraceStore } from '../store/trace-store.js';
import { SessionRepository } from '../store/sessions/session-repository.js';
import { SpecRepository } from '../store/specs/spec-repository.js';
import { SessionBook } from '../workflow/dev-sessions.js';
import type { ExecutionPolicy } from '../workflow/command-policy.js';
import { createRunExecutor } from '../workflow/execute-run.js';
import { receiverEndpointOf } from '../workflow/receiver-endpoint.js';
import { newRunId, newSessionId } from '../workflow/run-ids.js';
import { createSpecLibrary } from '../workflow/spec-library.js';
import { packageRoot } from './package-root.js';
import type { Logger } from './stderr-logger.js';

/**
 * Age limits are in hours (default 7 days), so a check a minute keeps expired spans at most a minute
 * past their limit; with nothing due a check is one indexed read.
 */
const RETENTION_INTERVAL_MS = 60_000;
/** Spans deleted per retention step (see startApp). */
const RETENTION_STEP_SPANS = 20_000;
/** The pause between steps while more is due: time for exports and tool calls in between. */
const RETENTION_STEP_PAUSE_MS = 50;

/** The running parts of otel-mcp, wired together: the composition root. */
export interface OtelMcpApp {
  config: Config;
  /** Reads, specs and sessions; spans are written on the writer thread (writeSpans, the receiver). */
  store: TraceStore;
  receiver: OtlpReceiver;
  /** Stores spans as the receiver does, on the writer thread; resolves once they are committed. */
  writeSpans(spans: Span[]): Promise<void>;
  /** Stores log records as the receiver does, on the writer thread; resolves once they are committed. */
  writeLogs(logs: LogRecord[]): Promise<void>;
  /** Builds one MCP server (per stdio connection or per HTTP request). */
  serverFactory: () => McpServer;
  /** What every tool handler gets: for in-process callers such as `otel-mcp demo`. */
  toolDeps: ToolDeps;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log: Logger;
  version: string;
  now?: () => Date;
}

/** Opens the store, starts the receiver (a taken port is reported, not fatal) and builds the MCP server factory. */
export async function startApp(options: StartOptions): Promise<OtelMcpApp> {
  const { config, log } = options;
  // Refuse a misspelt detector threshold at start-up rather than on the first analysis call.
  thresholdsFor(config.analysis.thresholds);
  // Built before anything opens: a bad backends entry stops start-up naming the entry (never its secrets).
  const external = createConfiguredBackends(config.backends);
  const retention = {
    maxSpans: config.retention.max_spans,
    maxAgeMs: config.retention.max_age_hours * 3_600_000,
  };
  // Spans and logs are written on a worker thread with its own connection (receiver/worker-sink.ts);
  // this connection answers queries and keeps specs and sessions.
  const store = openTraceStore({
    dataDir: config.data_dir,
    retention,
    log: (line: string) => log.info(line),
    spansWrittenElsewhere: true,
  });
  const writer = createWorkerSink(
    { dataDir: config.data_dir, retention },
    {
      onSpansWritten: (written) => store.announceSpansWritten(written),
      log: (line: string) => log.info(line),
    },
  );
  // The store only checks retention after writes, so a server that receives nothing would keep
  // expired spans forever: check at start-up and then on a timer. Each step deletes at most
  // RETENTION_STEP_SPANS (~10 µs a span: 0.2 s) and yields, so a week of expired spans neither
  // delays start-up nor blocks the MCP answers for long.
  let retentionStep: NodeJS.Timeout | undefined;
  const enforceRetention = () => {
    retentionStep = undefined;
    try {
      const result = store.enforceRetention(RETENTION_STEP_SPANS);
      if (result.deletedTraces > 0 || result.deletedLogs > 0) {
        log.info(
          `retention deleted ${result.deletedTraces} traces (${result.deletedSpans} spans) and ${result.deletedLogs} logs ` +
            `(older than ${config.retention.max_age_hours} h or over ${config.retention.max_spans} spans)${result.complete ? '' : '; more follows'}`,
        );
      }
      if (!result.complete) retentionStep = setTimeout(enforceRetention, RETENTION_STEP_PAUSE_MS).unref();
    } catch (error) {
      log.warn(`retention failed (retried in ${RETENTION_INTERVAL_MS / 1000} s): ${errorMessage(error)}`);
    }
  };
  retentionStep = setTimeout(enforceRetention, 0).unref();
  const receiver = createOtlpReceiver(writer, {
    host: config.receiver.host,
    httpPort: config.receiver.http_port,
    grpcPort: config.receiver.grpc_port,
    maxBodyBytes: config.receiver.max_body_bytes,
    requiredHeaders: config.backends.otlp?.headers,
    allowedOrigins: config.receiver.allowed_origins,
    maxQueuedItems: config.receiver.max_queued_spans,
    log: (line: string) => log.info(line),
  });
  const listeners = await receiver.start();
  for (const listener of listeners) {
    if (listener.listening)
      log.info(`OTLP/${listener.protocol.toUpperCase()} receiver listening on ${listener.endpoint}`);
    else if (listener.error)
      log.warn(`OTLP/${listener.protocol.toUpperCase()} receiver not started: ${listener.error}`);
  }
  const embedded = createEmbeddedBackend(store);
  const policy: ExecutionPolicy = {
    enabled: config.execution.enabled,
    allowedCommands: compileAllowList(config.execution.allowed_commands),
    allowedEnv: config.execution.allowed_env,
    rootDir: config.execution.root_dir,
  };
  const deps: ToolDeps = {
    config,
    redact: createRedactor(secretValuesOf(config)),
    now: options.now ?? (() => new Date()),
    backends: createBackendSelection([embedded, ...external]),
    receiverStatus: () => receiver.status(),
    specLanguageDoc: () => readSpecLanguageDoc(),
    specs: createSpecLibrary(new SpecRepository(store.connection()), config.specs_dir, (line) =>
      log.warn(line),
    ),
    workflow: {
      sessions: new SessionBook(new SessionRepository(store.connection()), newSessionId),
      policy,
      execute: createRunExecutor({
        policy,
        defaults: {
          timeoutMs: config.execution.timeout_ms,
          settleMs: config.execution.settle_ms,
          captureTimeoutMs: config.execution.capture_timeout_ms,
          lateServiceWaitMs: config.execution.late_service_wait_ms,
          stopGraceMs: config.execution.stop_grace_ms,
          readyTimeoutMs: config.execution.ready_timeout_ms,
        },
        spans: store,
        endpoint: () => receiverEndpointOf(receiver.status()),
        ...(config.backends.otlp?.headers ? { exportHeaders: config.backends.otlp.headers } : {}),
        baseEnv: process.env,
        serverCwd: process.cwd(),
        newRunId,
      }),
    },
  };
  const serverFactory = createServerFactory({
    version: options.version,
    deps,
    appHtmlFile: join(packageRoot(), 'dist', 'ui', 'views.html'),
  });
  // While a backlog is being deleted in steps, the minute's check is already under way.
  const retentionTimer = setInterval(() => {
    if (retentionStep === undefined) enforceRetention();
  }, RETENTION_INTERVAL_MS);
  // The timer must not keep the process alive once stdin closes or a test ends.
  retentionTimer.unref();
  return {
    config,
    store,
    receiver,
    writeSpans: (spans) => writer.writeSpans(spans),
    writeLogs: (logs) => writer.writeLogs(logs),
    serverFactory,
    toolDeps: deps,
    async close() {
      clearInterval(retentionTimer);
      clearTimeout(retentionStep);
      await receiver.close();
      await Promise.allSettled(external.map((backend) => backend.close()));
      await writer.close();
      store.close();
    },
  };
}

/** docs/spec-language.md of the package, read when asked (it is served as a resource). */
function readSpecLanguageDoc(): string {
  const file = join(packageRoot(), 'docs', 'spec-language.md');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
    : `The spec language reference is not installed (${file} is missing).`;
}
