import { describe, expect, it } from 'vitest';
import type { XraySegmentDocument } from '../../../src/backends/xray/segment-document.js';
import { secondsToNanos, spansFromSegments } from '../../../src/backends/xray/segment-mapping.js';

const TRACE = '1-5f84c7a1-0123456789abcdef01234567';
const OTEL_TRACE = '5f84c7a10123456789abcdef01234567';

function segment(overrides: Partial<XraySegmentDocument> = {}): XraySegmentDocument {
  return {
    name: 'checkout',
    id: '1000000000000001',
    trace_id: TRACE,
    start_time: 1602537377.125,
    end_time: 1602537377.5,
    ...overrides,
  };
}

describe('X-Ray segment documents as model spans', () => {
  it('makes a segment a SERVER span of the service it names, with times in nanoseconds', () => {
    const [span] = spansFromSegments([segment()]);
    expect(span).toMatchObject({
      traceId: OTEL_TRACE,
      spanId: '1000000000000001',
      name: 'checkout',
      serviceName: 'checkout',
      kind: 'server',
      startTimeUnixNano: 1602537377125000000n,
      endTimeUnixNano: 1602537377500000000n,
      status: { code: 'unset' },
      resource: { attributes: { 'service.name': 'checkout' } },
    });
    expect(span!.parentSpanId).toBeUndefined();
  });

  it('keeps microseconds of float seconds, where a float has no nanoseconds to give', () => {
    expect(secondsToNanos(1602537377.123456)).toBe(1602537377123456000n);
  });

  it('nests subsegments to any depth under their parent, in the segment’s service', () => {
    const spans = spansFromSegments([
      segment({
        parent_id: 'f00000000000000f',
        subsegments: [
          {
            name: 'validate',
            id: '2000000000000002',
            start_time: 1602537377.2,
            end_time: 1602537377.3,
            subsegments: [
              { name: 'rules', id: '3000000000000003', start_time: 1602537377.21, end_time: 1602537377.22 },
            ],
          },
          {
            name: 'payments',
            id: '4000000000000004',
            namespace: 'remote',
            start_time: 1602537377.3,
            end_time: 1602537377.4,
          },
        ],
      }),
    ]);
    expect(spans.map((span) => [span.spanId, span.parentSpanId, span.kind, span.serviceName])).toEqual([
      ['1000000000000001', 'f00000000000000f', 'server', 'checkout'],
      ['2000000000000002', '1000000000000001', 'internal', 'checkout'],
      ['3000000000000003', '2000000000000002', 'internal', 'checkout'],
      ['4000000000000004', '1000000000000001', 'client', 'checkout'],
    ]);
  });

  it('turns the http, sql and aws blocks into semantic-convention attributes', () => {
    const spans = spansFromSegments([
      segment({
        http: {
          request: {
            method: 'GET',
            url: 'https://shop.example.com/cart',
            user_agent: 'curl/8',
            client_ip: '10.0.0.9',
          },
          response: { status: 200, content_length: 512 },
        },
        subsegments: [
          {
            name: 'shop@db',
            id: '2000000000000002',
            namespace: 'remote',
            start_time: 1602537377.2,
            end_time: 1602537377.3,
            sql: {
              database_type: 'PostgreSQL',
              sanitized_query: 'SELECT 1',
              url: 'db:5432/shop',
              user: 'app',
            },
          },
          {
            name: 'SQS',
            id: '3000000000000003',
            namespace: 'aws',
            start_time: 1602537377.3,
            end_time: 1602537377.4,
            aws: { operation: 'SendMessage', queue_url: 'https://sqs/q', request_id: 'r-1', retries: 1 },
          },
        ],
      }),
    ]);
    expect(spans[0]!.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': 'https://shop.example.com/cart',
      'user_agent.original': 'curl/8',
      'client.address': '10.0.0.9',
      'http.response.status_code': 200,
      'http.response.body.size': 512,
    });
    expect(spans[1]!.attributes).toEqual({
      'db.system.name': 'postgresql',
      'db.query.text': 'SELECT 1',
      'db.user': 'app',
      'aws.xray.sql.url': 'db:5432/shop',
    });
    expect(spans[2]!.attributes).toEqual({
      'rpc.system': 'aws-api',
      'rpc.service': 'SQS',
      'rpc.method': 'SendMessage',
      'aws.sqs.queue.url': 'https://sqs/q',
      'aws.request_id': 'r-1',
      'aws.xray.aws.retries': 1,
    });
  });

  it('reads annotations and metadata as attributes, metadata namespaces other than default as prefixes', () => {
    const [span] = spansFromSegments([
      segment({
        annotations: { customer_tier: 'gold', items: 3 },
        metadata: { default: { 'app.tags': ['a', 'b'], 'app.ratio': 0.5 }, debug: { sql: { rows: 2 } } },
      }),
    ]);
    expect(span!.attributes).toEqual({
      customer_tier: 'gold',
      items: 3,
      'app.tags': ['a', 'b'],
      'app.ratio': 0.5,
      'debug.sql': { rows: 2 },
    });
  });

  it('marks a span failed on fault, error or throttle, with each exception as an event at its end', () => {
    const [faulted, errored, throttled] = spansFromSegments([
      segment({
        fault: true,
        cause: {
          exceptions: [
            {
              type: 'TimeoutError',
              message: 'upstream timed out',
              stack: [{ label: 'pay', path: 'pay.js', line: 12 }],
            },
            { type: 'Error', message: 'wrapped' },
          ],
        },
      }),
      segment({ id: '2000000000000002', error: true }),
      segment({ id: '3000000000000003', throttle: true, cause: '0123456789abcdef' }),
    ]);
    expect(faulted!.status).toEqual({ code: 'error', message: 'upstream timed out' });
    expect(faulted!.events).toEqual([
      {
        timeUnixNano: 1602537377500000000n,
        name: 'exception',
        attributes: {
          'exception.type': 'TimeoutError',
          'exception.message': 'upstream timed out',
          'exception.stacktrace': 'at pay (pay.js:12)',
        },
        droppedAttributesCount: 0,
      },
      {
        timeUnixNano: 1602537377500000000n,
        name: 'exception',
        attributes: { 'exception.type': 'Error', 'exception.message': 'wrapped' },
        droppedAttributesCount: 0,
      },
    ]);
    expect(errored!.status).toEqual({ code: 'error' });
    expect(throttled!.status).toEqual({ code: 'error' });
    expect(throttled!.events).toEqual([]);
  });

  it('names the AWS platform of the origin on the resource', () => {
    const [span] = spansFromSegments([segment({ origin: 'AWS::Lambda::Function' })]);
    expect(span!.resource.attributes).toEqual({
      'service.name': 'checkout',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
    });
  });

  it('ends an in-progress segment where it starts', () => {
    const { end_time: _end, ...open } = segment();
    const [span] = spansFromSegments([{ ...open, in_progress: true }]);
    expect(span!.endTimeUnixNano).toBe(span!.startTimeUnixNano);
  });
});
