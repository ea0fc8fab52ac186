/** A span in Zipkin's v2 JSON model (zipkin2-api.yaml), as /api/v2 answers it. */

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinAnnotation {
  /** Microseconds since the Unix epoch. */
  timestamp: number;
  value: string;
}

export interface ZipkinSpan {
  /** 16 or 32 hex digits. */
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  /** Microseconds since the Unix epoch. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  debug?: boolean;
  /** The server half of a span whose id the client half chose (B3 "join" instrumentation). */
  shared?: boolean;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: ZipkinAnnotation[];
  tags?: Record<string, string>;
}
