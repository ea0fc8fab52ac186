/**
 * The X-Ray segment document (AWS X-Ray developer guide, "Segment documents"), as BatchGetTraces
 * returns it in each segment's `Document` string. Only the fields the mapping reads are typed.
 */

export interface XrayCause {
  working_directory?: string;
  exceptions?: XrayException[];
}

export interface XrayException {
  id?: string;
  message?: string;
  type?: string;
  remote?: boolean;
  stack?: { path?: string; line?: number; label?: string }[];
}

export interface XrayHttp {
  request?: { method?: string; url?: string; user_agent?: string; client_ip?: string; traced?: boolean };
  response?: { status?: number; content_length?: number };
}

export interface XraySql {
  url?: string;
  connection_string?: string;
  sanitized_query?: string;
  database_type?: string;
  database_version?: string;
  driver_version?: string;
  user?: string;
}

export interface XraySegmentDocument {
  /** The service for a segment; the operation for a subsegment. */
  name: string;
  /** 16 hex digits. */
  id: string;
  /** Present on segments and on subsegments sent on their own. */
  trace_id?: string;
  parent_id?: string;
  /** Epoch seconds, a float with microsecond digits. */
  start_time: number;
  end_time?: number;
  in_progress?: boolean;
  /** `subsegment` for a subsegment sent as its own document. */
  type?: string;
  /** `remote` (a call out to another service) or `aws` (an AWS SDK call). */
  namespace?: string;
  origin?: string;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  cause?: XrayCause | string;
  http?: XrayHttp;
  sql?: XraySql;
  aws?: Record<string, unknown>;
  annotations?: Record<string, string | number | boolean>;
  metadata?: Record<string, Record<string, unknown>>;
  subsegments?: XraySegmentDocument[];
}
