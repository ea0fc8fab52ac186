import { describe, expect, it } from 'vitest';
import { analyzeTrace, failureOrigins, firstStackFrame, spanFailure } from '../../src/analysis/index.js';
import { buildSpanTree } from '../../src/model/span-tree.js';
import { buildTrace } from '../support/trace-builder.js';
import type { SpanSketch } from '../support/trace-builder.js';

function exception(
  type: string,
  message: string,
  stacktrace?: string,
): NonNullable<SpanSketch['events']>[number] {
  return {
    name: 'exception',
    attributes: {
      'exception.type': type,
      'exception.message': message,
      ...(stacktrace === undefined ? {} : { 'exception.stacktrace': stacktrace }),
    },
  };
}

describe('error analysis', () => {
  it('finds the root cause at the deepest failing span of a chain, with its exception', () => {
    const { errors } = analyzeTrace(
      buildTrace({
        name: 'POST /checkout',
        service: 'web',
        kind: 'server',
        status: 'error',
        children: [
          {
            name: 'POST /pay',
            kind: 'client',
            status: 'error',
            children: [
              {
                name: 'POST /pay',
                service: 'payments',
                kind: 'server',
                status: 'error',
                events: [exception('PaymentFailed', 'could not charge')],
                children: [
                  {
                    name: 'INSERT charges',
                    kind: 'client',
                    status: 'error',
                    statusMessage: 'deadlock',
                    attributes: { 'db.system.name': 'postgresql' },
                    events: [
                      exception(
                        'DeadlockDetected',
                        'deadlock detected on charges',
                        'org.postgresql.util.PSQLException: deadlock\n\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2675)\n\tat Foo.bar(Foo.java:1)',
                      ),
                    ],
                  },
                  { name: 'audit', kind: 'internal' },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(errors.errorSpanCount).toBe(4);
    expect(errors.rootCauses.total).toBe(1);
    const cause = errors.rootCauses.items[0];
    expect(cause?.span).toMatchObject({ name: 'INSERT charges', service: 'payments' });
    expect(cause?.reason).toBe('status ERROR: deadlock');
    expect(cause?.exception).toEqual({
      type: 'DeadlockDetected',
      message: 'deadlock detected on charges',
      frame: 'org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2675)',
    });
    expect(cause?.chainLength).toBe(4);
    expect(cause?.chain.map((s) => s.name)).toEqual([
      'POST /checkout',
      'POST /pay',
      'POST /pay',
      'INSERT charges',
    ]);
  });

  it('keeps separate chains apart and groups chains that end in the same cause', () => {
    const failingCall = (message: string): SpanSketch => ({
      name: 'GET /stock',
      kind: 'client',
      status: 'error',
      events: [exception('Timeout', message)],
    });
    const { errors } = analyzeTrace(
      buildTrace({
        name: 'root',
        status: 'error',
        children: [failingCall('stock timed out'), failingCall('stock timed out'), failingCall('other')],
      }),
    );
    expect(errors.rootCauses.items.map((c) => [c.exception?.message, c.count, c.chainLength])).toEqual([
      ['stock timed out', 2, 2],
      ['other', 1, 2],
    ]);
    expect(errors.exceptions.items.map((e) => [e.message, e.count])).toEqual([
      ['stock timed out', 2],
      ['other', 1],
    ]);
  });

  it('counts HTTP and gRPC codes that signal failure while the status is unset', () => {
    const { errors } = analyzeTrace(
      buildTrace({
        name: 'root',
        kind: 'server',
        children: [
          { name: 'server 503', kind: 'server', attributes: { 'http.response.status_code': 503 } },
          { name: 'server 404', kind: 'server', attributes: { 'http.response.status_code': 404 } },
          { name: 'client 404 (old name)', kind: 'client', attributes: { 'http.status_code': '404' } },
          { name: 'client 200', kind: 'client', attributes: { 'http.response.status_code': 200 } },
          { name: 'grpc unavailable', kind: 'client', attributes: { 'rpc.grpc.status_code': 14 } },
          { name: 'grpc ok', kind: 'client', attributes: { 'rpc.grpc.status_code': 0 } },
        ],
      }),
    );
    expect(errors.unmarkedFailures.items.map((e) => [e.span.name, e.reason])).toEqual([
      ['server 503', 'HTTP 503'],
      ['client 404 (old name)', 'HTTP 404'],
      ['grpc unavailable', 'gRPC 14 UNAVAILABLE'],
    ]);
    expect(errors.errorSpanCount).toBe(3);
  });

  it('has nothing to say about a trace without failures', () => {
    const { errors } = analyzeTrace(buildTrace({ name: 'root', children: [{ name: 'ok' }] }));
    expect(errors).toMatchObject({ errorSpanCount: 0, rootCauses: { total: 0 }, exceptions: { total: 0 } });
    expect(spanFailure(buildTrace({ name: 'x', status: 'ok' }).spans[0]!)).toBeUndefined();
  });
});

describe('firstStackFrame', () => {
  it('takes the first "at" frame of JavaScript, Java and .NET traces', () => {
    expect(
      firstStackFrame('Error: boom\n    at charge (/app/pay.js:12:5)\n    at main (/app/index.js:3:1)'),
    ).toBe('charge (/app/pay.js:12:5)');
  });

  it('takes the last frame of a Python traceback, where the exception was raised', () => {
    const trace = [
      'Traceback (most recent call last):',
      '  File "/app/main.py", line 10, in <module>',
      '    charge()',
      '  File "/app/pay.py", line 4, in charge',
      '    raise ValueError("no")',
      'ValueError: no',
    ].join('\n');
    expect(firstStackFrame(trace)).toBe('File "/app/pay.py", line 4, in charge');
  });

  it('tells each span that passed a failure on where it started, and leaves out the spans where one starts', () => {
    const origins = failureOrigins(
      buildSpanTree(
        buildTrace({
          name: 'POST /checkout',
          status: 'error',
          spanId: 'c000000000000001',
          children: [
            {
              name: 'POST /orders',
              attributes: { 'http.response.status_code': 503 },
              kind: 'server',
              spanId: 'c000000000000002',
              children: [{ name: 'inventory.reserve', status: 'error', spanId: 'c000000000000003' }],
            },
            { name: 'audit', status: 'error', spanId: 'c000000000000004' },
            { name: 'cart', spanId: 'c000000000000005', children: [{ name: 'SELECT', status: 'error' }] },
          ],
        }),
      ),
    );
    // A 503 without status ERROR still carries the failure up; a failing span under a healthy one starts its own.
    expect(Object.fromEntries([...origins].map(([id, origin]) => [id, origin.name]))).toEqual({
      c000000000000001: 'inventory.reserve',
      c000000000000002: 'inventory.reserve',
    });
  });
});
