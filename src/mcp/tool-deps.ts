import type { Config } from '../config/config-schema.js';
import type { SessionBook } from '../workflow/dev-sessions.js';
import type { RunExecutor } from '../workflow/execute-run.js';
import type { SpecCatalog } from '../workflow/spec-library.js';
import type { BackendSelection } from './backend-selection.js';
import type { Redactor } from './redact-secrets.js';
import type { UiLinks } from './ui-link.js';

/** One listener of the embedded receiver as the tools report it. */
export interface ListenerReport {
  protocol: 'http' | 'grpc';
  host: string;
  port: number | null;
  listening: boolean;
  error?: string;
}

/** Everything a tool handler may use; built once by the server and passed in (no globals). */
export interface ToolDeps {
  config: Config;
  now: () => Date;
  backends: BackendSelection;
  receiverStatus: () => ListenerReport[];
  /** The spec language reference (docs/spec-language.md), served as a resource. */
  specLanguageDoc: () => string;
  /** Trace specs: every version in the store, mirrored to YAML files in the specs dir. */
  specs: SpecCatalog;
  /** Development sessions and the run engine of execute_and_capture. */
  workflow: { sessions: SessionBook; execute: RunExecutor };
  /** Replaces the configured secrets (config's secretValuesOf) in everything a tool answers. */
  redact: Redactor;
  /** Set while serve --ui runs: answers naming a trace or session link to its page. */
  ui?: UiLinks;
}
