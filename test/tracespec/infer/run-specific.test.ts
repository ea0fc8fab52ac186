import { describe, expect, it } from 'vitest';
import { isRunSpecificValue, runSpecificKeyReason } from '../../../src/tracespec/index.js';

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
      'C:\\Users\\ana\\shop.db',
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
      201,
      true,
    ])
      expect(isRunSpecificValue(value), String(value)).toBe(false);
  });
});
