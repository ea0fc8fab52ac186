/** Checks a trace id given to `getTrace` before it is put into a URL or a request. */
import { OtelMcpError } from '../model/errors.js';
import { isValidTraceId, padTraceId } from '../model/ids.js';

/**
 * 32 hex digits, or fewer (a 64-bit Zipkin/Jaeger id, or one whose leading zeros were stripped),
 * padded to 32. Anything else is refused before it reaches the backend.
 */
export function requireTraceId(traceId: string): string {
  const text = traceId.trim().toLowerCase();
  if (/^[0-9a-f]{1,32}$/.test(text)) {
    const padded = padTraceId(text);
    if (isValidTraceId(padded)) return padded;
  }
  throw new OtelMcpError(
    'INVALID_ARGUMENT',
    `"${traceId.length > 40 ? `${traceId.slice(0, 40)}…` : traceId}" is not a trace id`,
    'a trace id is 32 hex digits (16 for 64-bit ids), not all zero',
  );
}
