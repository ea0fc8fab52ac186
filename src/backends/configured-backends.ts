/**
 * The external backends of a configuration's `backends:` block, built once at
 * start-up so that a bad entry stops otel-mcp with a message naming it, not the first query.
 */
import { BACKEND_TYPES } from '../config/backend-entry.js';
import { OtelMcpError } from '../model/errors.js';
import { createBackend, type BackendDeps } from './create-backend.js';
import type { TraceBackend } from './trace-backend.js';

/** Entries of the block that are not external backends: `otlp` configures the embedded receiver. */
const NOT_A_BACKEND = new Set(['otlp']);
/** Taken by the embedded store, which is always there. */
const RESERVED_NAMES = new Set(['embedded']);

export function createConfiguredBackends(
  entries: Readonly<Record<string, unknown>>,
  deps: BackendDeps = {},
): TraceBackend[] {
  const backends: TraceBackend[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (NOT_A_BACKEND.has(name) || entry === undefined) continue;
    if (RESERVED_NAMES.has(name)) {
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `backends.${name}: the name '${name}' is taken by otel-mcp's own store`,
        `give the entry another name and set type: ${BACKEND_TYPES.join(' | ')}`,
      );
    }
    backends.push(createBackend(name, entry, deps));
  }
  return backends;
}
