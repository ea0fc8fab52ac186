/**
 * User values as KQL literals, so that no service name, operation name or attribute key or value can
 * change the shape of a query. A string becomes a double-quoted literal with `\` and `"` escaped, and
 * the line breaks and tab KQL has escapes for; any other control character is refused, since KQL's
 * escape list (Kusto "String data type") names no general form for them and no real name holds one.
 */
import { OtelMcpError } from '../../model/errors.js';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function kqlString(text: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `the ${what} holds the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')}, which cannot be searched for`,
      'search for a value without control characters',
    );
  }
  return `"${text.replace(/[\\"\n\r\t]/g, (char) => ESCAPES[char]!)}"`;
}

/** A KQL datetime literal to 100 ns (a Kusto tick), from nanoseconds since the epoch, rounded down. */
export function kqlDatetime(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const ticks = ((nanos % 1_000_000_000n) / 100n).toString().padStart(7, '0');
  return `datetime(${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${ticks}Z)`;
}

/** A finite number as a KQL real literal. */
export function kqlNumber(value: number, what: string): string {
  if (!Number.isFinite(value)) {
    throw new OtelMcpError('INVALID_ARGUMENT', `the ${what} must be a finite number, got ${value}`);
  }
  return String(value);
}
