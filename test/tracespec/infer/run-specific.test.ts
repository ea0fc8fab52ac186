import { describe, expect, it } from 'vitest';
import {
  inferSpecFromTraces,
  isRunSpecificValue,
  isValueRuleKey,
  runSpecificKeyReason,
} from '../../../src/tracespec/index.js';
import { buildTrace } from '../../support/trace-builder.js';

describe('attributes that say where a span ran, not what it did', () => {
  it('recognizes the semantic-convention keys of addresses, ports, hosts, processes, threads and agents', () => {
    for (const key of [
      'http.server_name',
      'http.host',
      'server.address',
      'server.port',
      'client.address',
      'network.peer.address',
      'net.peer.ip',
      'net.host.port',
      'peer.hostname',
      'user_agent.original',
      'http.user_agent',
      'thread.id',
      'thread.name',
      'process.pid',
      'host.name',
      'k8s.pod.name',
      'service.instance.id',
      'db.connection_string',
      'upstream.host',
      'worker_pid',
      'cache.port',
    ])
      expect(runSpecificKeyReason(key), key).toMatch(/^where it ran/);
  });

  it('tells measurements and transport details apart from places', () => {
    for (const key of [
      'http.request.body.size',
      'http.response_content_length',
      'render.duration',
      'db.elapsed_ms',
    ])
      expect(runSpecificKeyReason(key), key).toMatch(/^a measured size or time/);
    for (const key of [
      'network.protocol.version',
      'url.full',
      'http.flavor',
      'code.function',
      'otel.scope.name',
    ])
      expect(runSpecificKeyReason(key), key).toBe('transport or instrumentation detail');
  });

  it('leaves the keys that describe behaviour to their values', () => {
    for (const key of [
      'http.route',
      'http.request.method',
      'http.method',
      'http.response.status_code',
      'http.status_code',
      'db.system',
      'db.operation.name',
      'db.namespace',
      'rpc.service',
      'messaging.destination.name',
      'peer.service',
      'url.template',
      'loan.days',
      'loan.book_count',
      'notification.channel',
      'report.kind',
      'zip',
    ])
      expect(runSpecificKeyReason(key), key).toBeUndefined();
  });

  it('recognizes addresses, host:port, URLs and local file paths as values, but not routes, codes and words', () => {
    for (const value of [
      '127.0.0.1',
      '10.0.3.7:5432',
      '::1',
      '[fe80::1%eth0]:8080',
      '::ffff:127.0.0.1',
      '2001:db8:0:0:0:0:0:1',
      'localhost',
      'localhost:4318',
      'localhost:80',
      'loans-service:8080',
      'db.internal:5432',
      'redis:6379',
      'web-1:80',
      'http://127.0.0.1:45089/fees',
      'postgres://db:5432/shop',
      '/tmp/tmp.x1/loans.db',
      '/home/ana/shop/data.sqlite',
      '/home/ana/shop/data',
      '/Users/ana/x.db',
      '/var/folders/x1/T/loans.db',
      '1.0.0.1',
      '0.0.0.0:8080',
      '[::]:8080',
      '2001:db8::1',
      'C:\\Users\\ana\\shop.db',
      'redis:6379',
      'db:5432',
    ])
      expect(isRunSpecificValue(value), value).toBe(true);
    for (const value of [
      '/loans',
      '/members/<code>',
      'POST',
      'sqlite',
      'M-100',
      'email',
      'v1:beta',
      'step:12',
      '10:30:00',
      '1.1',
      'std::vector',
      // Routes that begin like a home, temporary or build directory: no file, a route parameter.
      '/users/{id}',
      '/users/:id',
      '/Users/{id}',
      '/run/{job}',
      '/builds/{id}',
      '/home/feed',
      '/tmp/{name}.json',
      // A version, a word of hex letters, a label with a number, a number that is no place.
      '1.0.0.0',
      '4.0.30319.42000',
      '01.2.3.4',
      'cafe::beef',
      'Dead::Beef',
      'a:b:c',
      'order:1234',
      'retry:3000x',
      201,
      true,
    ])
      expect(isRunSpecificValue(value), String(value)).toBe(false);
  });

  it('never reads a route, template, destination or method as where it ran, whatever it looks like', () => {
    for (const key of [
      'http.route',
      'url.template',
      'messaging.destination.name',
      'messaging.destination.template',
      'rpc.service',
      'rpc.method',
      'db.operation.name',
      'db.query.summary',
    ])
      expect(isValueRuleKey(key), key).toBe(false);
    for (const key of ['loans.db_file', 'app.upstream', 'db.namespace', 'http.request.method'])
      expect(isValueRuleKey(key), key).toBe(true);
  });

  it('keeps http.route /users/{id} and url.template /home/{section} as required tags', () => {
    const trace = () =>
      buildTrace({
        name: 'GET /users/{id}',
        service: 'api',
        kind: 'server',
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/users/{id}',
          'http.response.status_code': 200,
        },
        children: [
          {
            name: 'GET',
            kind: 'client',
            attributes: { 'url.template': '/home/{section}', 'url.full': 'http://10.0.0.7:8080/home/feed' },
          },
        ],
      });
    const inference = inferSpecFromTraces([trace(), trace(), trace()], { name: 'users' });
    const [server] = inference.spec.expected_spans;
    expect(server?.required_tags).toEqual({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'http.route': '/users/{id}',
    });
    expect(server?.children?.[0]?.required_tags).toEqual({ 'url.template': '/home/{section}' });
    expect(
      inference.dropped.filter((item) => item.key === 'http.route' || item.key === 'url.template'),
    ).toEqual([]);
  });
});
