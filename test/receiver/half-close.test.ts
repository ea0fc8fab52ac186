/**
 * A client that sends its export and half-closes the connection (HTTP/1.1 allows it) still gets the
 * answer once the export is committed, not a closed socket.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord, Span } from '../../src/model/index.js';
import { startReceiver, type RunningReceiver } from './receiver-harness.js';
import { sdkTraceBodies } from './sdk-payloads.js';

/** Commits take a while, as the writer thread's do under load: the client's FIN arrives first. */
class SlowSink {
  readonly spans: Span[] = [];
  async writeSpans(spans: Span[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200));
    this.spans.push(...spans);
  }
  async writeLogs(_logs: LogRecord[]): Promise<void> {}
}

let running: RunningReceiver<SlowSink> | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Sends `request` and half-closes at once; resolves with everything received until the close. */
function sendAndHalfClose(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 10 s; received ${JSON.stringify(received)}`));
    }, 10_000);
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.end(request);
  });
}

describe('a client that half-closes after its request', () => {
  it('gets 200 once the export is committed, with or without Connection: close', async () => {
    running = await startReceiver({}, new SlowSink());
    const port = Number(new URL(running.httpUrl).port);
    const { protobuf, spanCount } = sdkTraceBodies();
    for (const connection of ['', 'Connection: close\r\n']) {
      const head = `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-protobuf\r\n${connection}Content-Length: ${protobuf.length}\r\n\r\n`;
      const received = await sendAndHalfClose(port, Buffer.concat([Buffer.from(head), protobuf]));
      expect(received, JSON.stringify(connection)).toMatch(/^HTTP\/1\.1 200/);
    }
    expect(running.sink.spans).toHaveLength(2 * spanCount);
  });
});
