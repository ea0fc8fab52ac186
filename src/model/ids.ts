const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

/** A valid trace id is 32 lower-case hex digits and not all zero (W3C Trace Context). */
export function isValidTraceId(id: string): boolean {
  return TRACE_ID.test(id) && !ALL_ZERO.test(id);
}

/** A valid span id is 16 lower-case hex digits and not all zero. */
export function isValidSpanId(id: string): boolean {
  return SPAN_ID.test(id) && !ALL_ZERO.test(id);
}

/** Normalizes a user-typed id: trims, lower-cases; leaves validation to the caller. */
export function normalizeHexId(id: string): string {
  return id.trim().toLowerCase();
}

/** Pads a trace id whose leading zeros were stripped (Tempo) or a 64-bit one (Zipkin) to 32 digits. */
export function padTraceId(id: string): string {
  return normalizeHexId(id).padStart(32, '0');
}
