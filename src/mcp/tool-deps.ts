import type { Config } from '../config/config-schema.js';
import type { LogRecord } from '../model/log-record.js';
import type { RollupBucket, RollupQuery } from '../store/rollups/rollup-reader.js';
import type { LinkInto, ValueMatches, ValueQuery } from '../store/index.js';
import type { SessionBook } from '../workflow/dev-sessions.js';
import type { RunExecutor } from '../workflow/execute-run.js';
import type { SpecCatalog } from '../workflow/spec-library.js';
import type { BackendSelection } from './backend-selection.js';

/** One listener of the embedded receiver as the tools report it. */
export interface ListenerReport {
  protocol: 'http' | 'grpc';
  host: string;
  port: number | null;
  listening: boolean;
  error?: string;
}

export interface ServiceReport {
  name: string;
  spanCount: number;
  lastSeenUnixNano?: bigint;
}

/** What the tools need of the embedded store beyond the common backend interface. */
export interface EmbeddedQueries {
  /** Every stored trace id that starts with `prefix`, at most `limit`. */
  resolveTraceIdPrefix(prefix: string, limit: number): string[];
  getLogs(query: { traceId: string; spanId?: string; limit: number }): LogRecord[];
  listServices(): ServiceReport[];
  /** Per-operation rollups of a service merged into buckets (analyze_performance_trends); never raw spans. */
  operationRollups(query: RollupQuery): RollupBucket[];
  /** Spans carrying a value (a business transaction's id) under the given or any identifier-like key. */
  findAttributeValue(query: ValueQuery): ValueMatches;
  /** Spans of other traces whose links point into `traceId` (the reverse of a span link). */
  findLinksInto(traceId: string, limit: number): LinkInto[];
}

/** Everything a tool handler may use; built once by the server and passed in (no globals). */
export interface ToolDeps {
  config: Config;
  now: () => Date;
  backends: BackendSelection;
  embedded: EmbeddedQueries;
  receiverStatus: () => ListenerReport[];
  /** Trace specs: every version in the store, mirrored to YAML files in the specs dir. */
  specs: SpecCatalog;
  /** Development sessions and the run engine of execute_and_capture. */
  workflow: { sessions: SessionBook; execute: RunExecutor };
}
