import { OtelMcpError, invalidArgument } from '../../model/errors.js';
import { isValidTraceId, normalizeHexId, padTraceId } from '../../model/ids.js';
import type { Trace } from '../../model/span.js';
import type { ToolDeps } from '../tool-deps.js';

const HEX = /^[0-9a-f]+$/;
/** Candidates listed when a prefix is ambiguous: enough to pick from, short enough to read. */
const AMBIGUOUS_SHOWN = 5;

/**
 * Resolves a full id or unique prefix to a stored trace. Prefixes work on backends that resolve them
 * (traceIdPrefixes: the embedded store); for others a short id is taken as an id whose leading
 * zeros were stripped (Tempo, Zipkin).
 */
export async function loadTrace(deps: ToolDeps, rawId: string, backendName?: string): Promise<Trace> {
  const id = normalizeHexId(rawId);
  if (!HEX.test(id) || id.length > 32) {
    throw invalidArgument(
      HEX.test(id)
        ? `trace_id '${rawId}' has ${id.length} hex digits; a trace id has 32 (a span id has 16)`
        : `trace_id '${rawId}' is not hexadecimal`,
      'pass 32 hex digits (or a unique prefix), as listed by get_traces or search_traces',
    );
  }
  const backend = deps.backends.get(backendName);
  let fullId = id;
  if (id.length < 32) {
    if (!backend.capabilities.traceIdPrefixes || !backend.resolveTraceIdPrefix) {
      fullId = padTraceId(id);
    } else {
      const matches = await backend.resolveTraceIdPrefix(id, AMBIGUOUS_SHOWN + 1);
      if (matches.length === 0) throw traceNotFound(rawId, backend.name);
      if (matches.length > 1) {
        const shown = matches.slice(0, AMBIGUOUS_SHOWN).join(', ');
        const more = matches.length > AMBIGUOUS_SHOWN ? ' and more' : '';
        throw new OtelMcpError(
          'AMBIGUOUS',
          `trace id prefix '${id}' matches several traces: ${shown}${more}`,
          'pass more digits of the id',
        );
      }
      fullId = matches[0] as string;
    }
  }
  if (!isValidTraceId(fullId))
    throw invalidArgument(`trace_id '${rawId}' is not a valid trace id (all zero)`);
  const trace = await backend.getTrace(fullId);
  if (!trace) throw traceNotFound(fullId, backend.name);
  return trace;
}

function traceNotFound(id: string, backend: string): OtelMcpError {
  return new OtelMcpError(
    'NOT_FOUND',
    `no trace '${id}' in backend '${backend}'`,
    'list recent traces with get_traces or search_traces; if the service just ran, its exporter may not have flushed yet (retry in a few seconds)',
  );
}
