/**
 * What the OTLP decoders return, and the checks shared by the protobuf and JSON paths: id validity
 * (a bad id rejects that item only, counted for `partialSuccess`), the service name, error wording.
 */
import { OtelMcpError } from '../model/errors.js';
import type { LogRecord } from '../model/log-record.js';
import type { Resource, Span } from '../model/span.js';
import { UNKNOWN_SERVICE } from '../model/span.js';
import { ProtoError } from './proto-reader.js';

export interface DecodedSpans {
  spans: Span[];
  /** Spans left out because they were invalid (bad ids); the rest of the batch is kept. */
  rejected: number;
  /** One line per rejected span, at most MAX_REJECTION_MESSAGES, then a "… and N more" line. */
  errors: string[];
}

export interface DecodedLogs {
  logs: LogRecord[];
  rejected: number;
  errors: string[];
}

/** Enough to show what is wrong without letting a 100k-span bad batch make a megabyte reply. */
export const MAX_REJECTION_MESSAGES = 10;

export class Rejections {
  count = 0;
  readonly messages: string[] = [];

  add(message: string): void {
    this.count++;
    if (this.messages.length < MAX_REJECTION_MESSAGES) this.messages.push(message);
  }

  lines(): string[] {
    const more = this.count - this.messages.length;
    return more > 0 ? [...this.messages, `… and ${more} more`] : this.messages;
  }
}

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
const HEX_ID = /^[0-9a-f]*$/;
const ALL_ZERO = /^0+$/;

/**
 * Why an id read as hex is invalid, or undefined when it is valid: OTLP requires 16-byte trace ids and
 * 8-byte span ids, not all zero. Ids from JSON may hold any characters, so `checkDigits` checks them too
 * (from protobuf they are hex by construction).
 */
export function idProblem(
  what: 'trace id' | 'span id' | 'parent span id',
  hex: string,
  checkDigits = false,
): string | undefined {
  const bytes = what === 'trace id' ? 16 : 8;
  if (hex.length === bytes * 2 && hex !== (bytes === 16 ? ZERO_TRACE_ID : ZERO_SPAN_ID)) {
    return checkDigits && !HEX_ID.test(hex) ? `${what} "${hex}" is not hex` : undefined;
  }
  if (hex.length === bytes * 2) return `${what} is all zero`;
  if (hex.length === 0) return `${what} is empty`;
  if (checkDigits && !HEX_ID.test(hex)) return `${what} "${hex}" is not hex`;
  return `${what} has ${hex.length / 2} bytes, expected ${bytes}`;
}

/** The span's own ids; an empty parent id means a root, an all-zero one is read the same way. */
export function spanIdsProblem(
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  checkDigits = false,
): string | undefined {
  return (
    idProblem('trace id', traceId, checkDigits) ??
    idProblem('span id', spanId, checkDigits) ??
    (parentSpanId === undefined ? undefined : idProblem('parent span id', parentSpanId, checkDigits))
  );
}

/** Normalizes a parent id: empty or all zero means "no parent". */
export function parentOrUndefined(hex: string): string | undefined {
  return hex === '' || hex === ZERO_SPAN_ID ? undefined : hex;
}

/** A log record's ids are optional: empty or all zero means none; any other wrong length rejects it. */
export function logIdsProblem(traceId: string, spanId: string, checkDigits = false): string | undefined {
  return (
    (optionalLogId(traceId) === undefined ? undefined : idProblem('trace id', traceId, checkDigits)) ??
    (optionalLogId(spanId) === undefined ? undefined : idProblem('span id', spanId, checkDigits))
  );
}

export function optionalLogId(hex: string): string | undefined {
  return hex === '' || ALL_ZERO.test(hex) ? undefined : hex;
}

/** The name is quoted as JSON, so a name holding quotes, newlines or escape codes cannot blur the message. */
export function describeRejectedSpan(name: string, spanId: string, problem: string): string {
  return `span ${JSON.stringify(name)}${spanId ? ` (span id ${spanId})` : ''} rejected: ${problem}`;
}

export function serviceNameOf(resource: Resource): string {
  const name = resource.attributes['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

/** Turns a ProtoError (with its field path) into the one error type, naming the message being decoded. */
export function protobufDecodeError(error: unknown, messageName: string): OtelMcpError {
  if (error instanceof ProtoError) {
    const field = error.path.length > 0 ? ` of field ${error.path.join('.')}` : '';
    const reason = error.reason.startsWith('truncated buffer')
      ? `truncated buffer at byte ${error.byte}${field}${error.reason.slice('truncated buffer'.length)}`
      : `${error.reason} at byte ${error.byte}${field}`;
    return new OtelMcpError(
      'INVALID_ARGUMENT',
      `invalid protobuf ${messageName}: ${reason}`,
      `send a serialized ${messageName} (opentelemetry-proto) as application/x-protobuf, or OTLP JSON as application/json`,
    );
  }
  if (error instanceof RangeError) {
    return new OtelMcpError('INVALID_ARGUMENT', `invalid protobuf ${messageName}: ${error.message}`);
  }
  return error instanceof OtelMcpError
    ? error
    : new OtelMcpError('INTERNAL', `decoding ${messageName} failed: ${String(error)}`, undefined, {
        cause: error,
      });
}
