/**
 * The X-Ray read API through the AWS SDK, which signs (SigV4), finds credentials (the default
 * chain: env, AWS_PROFILE, credential_process, SSO, instance roles) and retries throttling with
 * backoff. Pages are followed here; every failure leaves as an OtelMcpError (xray-errors.ts).
 */
import {
  BatchGetTracesCommand,
  GetTraceSummariesCommand,
  XRayClient,
  type XRayClientConfig,
} from '@aws-sdk/client-xray';
import { unreadableAnswer } from '../backend-answer.js';
import type { XraySegmentDocument } from './segment-document.js';
import { xrayError, type XrayTarget } from './xray-errors.js';

/** BatchGetTraces takes at most 5 ids per call (API reference). */
export const BATCH_GET_TRACES_MAX_IDS = 5;

export interface XrayClientOptions {
  backendName: string;
  region: string;
  endpoint?: string;
  timeoutMs: number;
  retries: number;
  /** The SDK's default chain when absent; tests pass fixed keys. */
  credentials?: XRayClientConfig['credentials'];
}

/** One GetTraceSummaries entry: the X-Ray id, and the trace's start when X-Ray says it (moto does not). */
export interface TraceCandidate {
  id: string;
  startSeconds?: number;
}

export interface XrayClient {
  readonly endpoint: string;
  /** The traces X-Ray matched in the window, in its order; at most `max`, `more` when it had others. */
  traceIds(
    startSeconds: number,
    endSeconds: number,
    filter: string | undefined,
    max: number,
  ): Promise<{ candidates: TraceCandidate[]; more: boolean }>;
  /** The segment documents of these traces (X-Ray ids), all pages of every 5-id batch. */
  segments(traceIds: readonly string[]): Promise<XraySegmentDocument[]>;
  close(): void;
}

export function createXrayClient(options: XrayClientOptions): XrayClient {
  const endpoint = options.endpoint ?? `https://xray.${options.region}.amazonaws.com`;
  const target: XrayTarget = { backendName: options.backendName, region: options.region, endpoint };
  const sdk = new XRayClient({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts: options.retries + 1,
    requestHandler: { requestTimeout: options.timeoutMs, connectionTimeout: options.timeoutMs },
  });
  const call = async <T>(action: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw xrayError(target, action, error);
    }
  };

  return {
    endpoint,
    async traceIds(startSeconds, endSeconds, filter, max) {
      const candidates: TraceCandidate[] = [];
      let more = false;
      let nextToken: string | undefined;
      do {
        const page = await call('GetTraceSummaries', () =>
          sdk.send(
            new GetTraceSummariesCommand({
              StartTime: new Date(startSeconds * 1000),
              EndTime: new Date(endSeconds * 1000),
              // Event time, not the default TraceId: W3C trace ids (which X-Ray accepts) hold no time.
              TimeRangeType: 'Event',
              FilterExpression: filter,
              NextToken: nextToken,
            }),
          ),
        );
        for (const summary of page.TraceSummaries ?? []) {
          if (summary.Id === undefined) continue;
          if (candidates.length === max) {
            more = true;
            break;
          }
          const candidate: TraceCandidate = { id: summary.Id };
          if (summary.StartTime) candidate.startSeconds = summary.StartTime.getTime() / 1000;
          candidates.push(candidate);
        }
        nextToken = page.NextToken;
      } while (nextToken && !more);
      return { candidates, more: more || nextToken !== undefined };
    },
    async segments(traceIds) {
      const documents: XraySegmentDocument[] = [];
      for (let i = 0; i < traceIds.length; i += BATCH_GET_TRACES_MAX_IDS) {
        const batch = traceIds.slice(i, i + BATCH_GET_TRACES_MAX_IDS);
        let nextToken: string | undefined;
        do {
          const page = await call('BatchGetTraces', () =>
            sdk.send(new BatchGetTracesCommand({ TraceIds: batch, NextToken: nextToken })),
          );
          for (const trace of page.Traces ?? []) {
            for (const segment of trace.Segments ?? []) {
              if (segment.Document !== undefined) documents.push(parseDocument(segment.Document));
            }
          }
          nextToken = page.NextToken;
        } while (nextToken);
      }
      return documents;
    },
    close() {
      sdk.destroy();
    },
  };

  function parseDocument(text: string): XraySegmentDocument {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw unreadableAnswer(options.backendName, endpoint, 'a BatchGetTraces segment document', error);
    }
    const segment = doc as Partial<XraySegmentDocument> | null;
    if (
      typeof segment !== 'object' ||
      segment === null ||
      typeof segment.id !== 'string' ||
      typeof segment.name !== 'string' ||
      typeof segment.start_time !== 'number'
    ) {
      throw unreadableAnswer(
        options.backendName,
        endpoint,
        'a BatchGetTraces segment document',
        new Error('expected an object with string id and name and a numeric start_time'),
      );
    }
    return segment as XraySegmentDocument;
  }
}
