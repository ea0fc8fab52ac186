/**
 * A span or log record whose time the store cannot hold (before the epoch, at or past 2^63 ns, or a
 * span ending before it starts) is rejected alone through partialSuccess on every OTLP path; the rest
 * of its batch reaches the real store and the export succeeds, so an SDK does not retry it forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpReceiver, DEFAULT_MAX_BODY_BYTES } from '../../src/receiver/otlp-receiver.js';
import type { TraceStore } from '../../src/store/index.js';
import { decodeOtlp, encodeOtlp, hex, toOtlpJson } from '../otlp/otlp-proto-schema.js';
import { openTestStore } from '../store/store-fixture.js';
import { grpcExport, post } from './receiver-harness.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const GOOD_ID = '00000000000000aa';
const START = '1764000000000000000';
const END = '1764000000001000000';
const PAST_INT64 = '9223372036854775808';
const MAX_UINT64 = '18446744073709551615';

function span(spanId: string, name: string, overrides: Record<string, unknown> = {}) {
  return {
    trace_id: hex(TRACE_ID),
    span_id: hex(spanId),
    name,
    start_time_unix_nano: START,
    end_time_unix_nano: END,
    ...overrides,
  };
}

function traceRequest(spans: Record<string, unknown>[]) {
  return {
    resource_spans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
        scope_spans: [{ scope: { name: 's' }, spans }],
      },
    ],
  };
}

/** A good span and two whose times are wrong in ways protobuf's unsigned fixed64 can carry. */
const protobufBatch = () =>
  encodeOtlp(
    'ExportTraceServiceRequest',
    traceRequest([
      span('00000000000000b1', 'too late', {
        start_time_unix_nano: PAST_INT64,
        end_time_unix_nano: MAX_UINT64,
      }),
      span(GOOD_ID, 'good'),
      span('00000000000000b2', 'backwards', { start_time_unix_nano: END, end_time_unix_nano: START }),
    ]),
  );

let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});

async function receiverOnRealStore(): Promise<{ store: TraceStore; httpUrl: string; grpcAddress: string }> {
  const { store } = openTestStore();
  const receiver = createOtlpReceiver(store, {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    log: () => undefined,
  });
  const [http, grpc] = await receiver.start();
  closers.push(() => receiver.close());
  return { store, httpUrl: http!.endpoint!, grpcAddress: `127.0.0.1:${grpc!.port}` };
}

const storedNames = (store: TraceStore) => store.getTrace(TRACE_ID)?.spans.map((each) => each.name) ?? [];

describe('spans and log records with times the store cannot hold', () => {
  it('rejects them alone over OTLP/HTTP protobuf, answering 200 and storing the rest', async () => {
    const { store, httpUrl } = await receiverOnRealStore();
    const reply = await post(`${httpUrl}/v1/traces`, protobufBatch(), {
      'content-type': 'application/x-protobuf',
    });
    expect(reply.status).toBe(200);
    const answer = decodeOtlp('ExportTraceServiceResponse', reply.body) as {
      partial_success: { rejected_spans: string; error_message: string };
    };
    expect(answer.partial_success.rejected_spans).toBe('2');
    expect(answer.partial_success.error_message).toContain(
      `span "too late" (span id 00000000000000b1) rejected: start time ${PAST_INT64} is out of range (accepted are nanoseconds since the Unix epoch from 0 to 2^63-1)`,
    );
    expect(answer.partial_success.error_message).toContain(
      `span "backwards" (span id 00000000000000b2) rejected: end time ${START} is before start time ${END}`,
    );
    expect(storedNames(store)).toEqual(['good']);
  });

  it('rejects a negative start or event time alone over OTLP/HTTP JSON', async () => {
    const { store, httpUrl } = await receiverOnRealStore();
    const request = traceRequest([
      span('00000000000000b1', 'before\nepoch', { start_time_unix_nano: '-1' }),
      span(GOOD_ID, 'good'),
      span('00000000000000b3', 'bad event', { events: [{ time_unix_nano: '-5', name: 'e' }] }),
    ]);
    const reply = await post(`${httpUrl}/v1/traces`, JSON.stringify(toOtlpJson(request)), {
      'content-type': 'application/json',
    });
    expect(reply.status).toBe(200);
    const answer = JSON.parse(reply.body.toString()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedSpans).toBe('2');
    // The name is quoted as JSON: a newline in it cannot break the message into lines.
    expect(answer.partialSuccess.errorMessage).toContain(
      'span "before\\nepoch" (span id 00000000000000b1) rejected: start time -1 is out of range',
    );
    expect(answer.partialSuccess.errorMessage).toContain('event "e" time -5 is out of range');
    expect(storedNames(store)).toEqual(['good']);
  });

  it('rejects them alone over OTLP/gRPC, answering OK', async () => {
    const { store, grpcAddress } = await receiverOnRealStore();
    const reply = await grpcExport(grpcAddress, 'trace', protobufBatch());
    expect(reply.error).toBeUndefined();
    expect(decodeOtlp('ExportTraceServiceResponse', reply.response!)).toMatchObject({
      partial_success: { rejected_spans: '2' },
    });
    expect(storedNames(store)).toEqual(['good']);
  });

  it('rejects a log record with a time out of range alone and stores the others', async () => {
    const { store, httpUrl, grpcAddress } = await receiverOnRealStore();
    const record = (body: string, times: Record<string, string>) => ({
      time_unix_nano: START,
      observed_time_unix_nano: START,
      body: { string_value: body },
      trace_id: hex(TRACE_ID),
      span_id: hex(GOOD_ID),
      ...times,
    });
    const request = (records: Record<string, unknown>[]) => ({
      resource_logs: [
        { resource: { attributes: [] }, scope_logs: [{ scope: { name: 's' }, log_records: records }] },
      ],
    });
    const json = await post(
      `${httpUrl}/v1/logs`,
      JSON.stringify(
        toOtlpJson(request([record('kept over http', {}), record('early', { time_unix_nano: '-1' })])),
      ),
      { 'content-type': 'application/json' },
    );
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body.toString())).toEqual({
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage: expect.stringContaining('time -1 is out of range') as string,
      },
    });
    const grpc = await grpcExport(
      grpcAddress,
      'logs',
      encodeOtlp(
        'ExportLogsServiceRequest',
        request([record('kept over grpc', {}), record('late', { observed_time_unix_nano: MAX_UINT64 })]),
      ),
    );
    expect(grpc.error).toBeUndefined();
    expect(decodeOtlp('ExportLogsServiceResponse', grpc.response!)).toMatchObject({
      partial_success: { rejected_log_records: '1' },
    });
    const bodies = store.getLogs({ traceId: TRACE_ID, limit: 10 }).map((log) => log.body);
    expect(bodies.sort()).toEqual(['kept over grpc', 'kept over http']);
  });
});
