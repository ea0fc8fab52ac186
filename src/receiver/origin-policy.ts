/**
 * Which browser pages may export to the OTLP/HTTP receiver. A browser adds `Origin` to every
 * cross-origin POST and preflight; SDKs outside a browser never send it. Without this check any web
 * page the developer opens could write spans into their store (or probe it), since the receiver
 * listens on a well-known loopback port. Only origins listed in `receiver.allowed_origins` are let
 * through, and they get the CORS headers a browser OTLP exporter needs.
 */
export interface OriginPolicy {
  /** Undefined when the request may go on: no Origin header, or a listed one. Else why not. */
  refusal(origin: string | undefined): string | undefined;
  /** CORS headers for every answer to a listed origin. */
  responseHeaders(origin: string): Record<string, string>;
  /** The extra headers that grant a listed origin's preflight (OPTIONS). */
  preflightHeaders(requestedHeaders: string | undefined): Record<string, string>;
}

/** 10 minutes: a browser re-asks once per page session at most, and a removed origin ages out soon. */
const PREFLIGHT_MAX_AGE_SECONDS = '600';
/** Enough of a hostile Origin value to recognize it in a message, not enough to flood a log. */
const MAX_SHOWN_ORIGIN = 100;

export function originPolicy(allowed: readonly string[]): OriginPolicy {
  const listed = new Set(allowed);
  return {
    refusal(origin) {
      if (origin === undefined || listed.has(origin)) return undefined;
      const shown = JSON.stringify(origin.slice(0, MAX_SHOWN_ORIGIN));
      return `cross-origin request from ${shown} refused: a browser page may export here only from an origin listed in receiver.allowed_origins (OTEL_MCP_ALLOWED_ORIGINS), e.g. http://localhost:5173; SDKs outside a browser send no Origin header and are not affected`;
    },
    responseHeaders: (origin) => ({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }),
    preflightHeaders: (requestedHeaders) => ({
      'Access-Control-Allow-Methods': 'POST',
      // The exporter's own headers (content-type, content-encoding, any configured credentials).
      ...(requestedHeaders ? { 'Access-Control-Allow-Headers': requestedHeaders } : {}),
      'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
    }),
  };
}
