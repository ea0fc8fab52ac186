/**
 * Listener lifecycle: a taken port is reported (the other listener still serves), a listener can be
 * disabled with a null port, and close() frees the ports.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpReceiver } from '../../src/receiver/otlp-receiver.js';
import { encodeOtlp, hex } from '../otlp/otlp-proto-schema.js';
import { CapturingSink, grpcExport, post, startReceiver, type RunningReceiver } from './receiver-harness.js';

const body = encodeOtlp('ExportTraceServiceRequest', {
  resource_spans: [
    {
      scope_spans: [
        {
          spans: [
            {
              trace_id: hex('4bf92f3577b34da6a3ce929d0e0e4736'),
              span_id: hex('00f067aa0ba902b7'),
              name: 'x',
              start_time_unix_nano: '1764000000000000000',
              end_time_unix_nano: '1764000000001000000',
            },
          ],
        },
      ],
    },
  ],
});

async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

describe('the receiver listeners', () => {
  let running: RunningReceiver | undefined;
  let blocker: Server | undefined;

  afterEach(async () => {
    await running?.close();
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    running = undefined;
    blocker = undefined;
  });

  it('reports each listener with its OS-chosen port and endpoint', async () => {
    running = await startReceiver();
    const statuses = running.receiver.status();
    expect(statuses).toEqual([
      {
        protocol: 'http',
        host: '127.0.0.1',
        port: expect.any(Number) as number,
        listening: true,
        endpoint: running.httpUrl,
      },
      {
        protocol: 'grpc',
        host: '127.0.0.1',
        port: expect.any(Number) as number,
        listening: true,
        endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as string,
      },
    ]);
    expect(statuses[0]!.port).not.toBe(0);
  });

  it('still serves gRPC when the HTTP port is taken, and says why HTTP is down', async () => {
    const taken = await occupyPort();
    blocker = taken.server;
    running = await startReceiver({ httpPort: taken.port });
    const [http, grpc] = running.receiver.status();
    expect(http).toMatchObject({ protocol: 'http', port: taken.port, listening: false });
    expect(http!.error).toContain(`port ${taken.port} on 127.0.0.1 is already in use (EADDRINUSE)`);
    expect(http!.endpoint).toBeUndefined();
    expect(grpc!.listening).toBe(true);
    expect((await grpcExport(running.grpcAddress, 'trace', body)).error).toBeUndefined();
    expect(running.sink.spans).toHaveLength(1);
  });

  it('still serves HTTP when the gRPC port is taken, and says why gRPC is down', async () => {
    const taken = await occupyPort();
    blocker = taken.server;
    running = await startReceiver({ grpcPort: taken.port });
    const [http, grpc] = running.receiver.status();
    expect(grpc).toMatchObject({ protocol: 'grpc', port: taken.port, listening: false });
    expect(grpc!.error).toContain('EADDRINUSE');
    expect(http!.listening).toBe(true);
    expect(
      (await post(`${running.httpUrl}/v1/traces`, body, { 'content-type': 'application/x-protobuf' })).status,
    ).toBe(200);
  });

  it('leaves a listener off when its port is null', async () => {
    running = await startReceiver({ httpPort: null });
    expect(running.receiver.status()[0]).toEqual({
      protocol: 'http',
      host: '127.0.0.1',
      port: null,
      listening: false,
    });
    expect(running.receiver.status()[1]!.listening).toBe(true);
  });

  it('frees its ports on close, so they can be bound again', async () => {
    running = await startReceiver();
    const [http, grpc] = running.receiver.status();
    await running.close();
    expect(running.receiver.status().map((s) => s.listening)).toEqual([false, false]);
    running = await startReceiver({ httpPort: http!.port, grpcPort: grpc!.port });
    expect(running.receiver.status().map((s) => s.listening)).toEqual([true, true]);
  });

  it('refuses options that are not ports or limits, before binding anything', () => {
    const log = () => undefined;
    const sink = new CapturingSink();
    const base = { host: '127.0.0.1', httpPort: 0, grpcPort: 0, maxBodyBytes: 1024, log };
    expect(() => createOtlpReceiver(sink, { ...base, httpPort: 70_000 })).toThrow(
      'receiver httpPort 70000 is not a port',
    );
    expect(() => createOtlpReceiver(sink, { ...base, grpcPort: 1.5 })).toThrow(
      'receiver grpcPort 1.5 is not a port',
    );
    expect(() => createOtlpReceiver(sink, { ...base, maxBodyBytes: 0 })).toThrow(
      'maxBodyBytes 0 is not a positive integer',
    );
  });
});
