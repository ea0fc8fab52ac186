import type { Readable, Writable } from 'node:stream';
import {
  deserializeMessage,
  serializeMessage,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/server';
import { BoundedLine } from './bounded-line.js';
import { recoverRequestId } from './recover-request-id.js';

/**
 * One stdio message may be at most 10 MiB: the SDK's own stdio limit and what common clients accept,
 * and 300× the default answer budget, so a real request never comes near it.
 */
export const MAX_STDIO_MESSAGE_BYTES = 10 * 1024 * 1024;
/** JSON-RPC's code for a message that is not a valid request. */
const INVALID_REQUEST = -32600;

/**
 * Newline-delimited JSON-RPC over stdin/stdout, like the SDK's StdioServerTransport except for two
 * things. A message over the limit is refused on its own (answered with an error when its id can be
 * read, logged otherwise) and the session goes on; the SDK's transport closed itself instead and
 * stopped reading stdin, so its end was never seen and the process kept its ports. And `closed`
 * settles when the connection ends for any reason, so the process can exit then.
 */
export class LineLimitedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Settles when stdin ends, stdout fails or close() is called. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;
  private isClosed = false;
  private readonly line: BoundedLine;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    private readonly maxMessageBytes = MAX_STDIO_MESSAGE_BYTES,
  ) {
    this.line = new BoundedLine(maxMessageBytes);
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStreamError);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('close', this.onEnd);
    this.stdout.on('error', this.onStdoutError);
    if (this.stdin.readableEnded || this.stdin.destroyed) setImmediate(this.onEnd);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStreamError);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('close', this.onEnd);
    // A late write error after close must not become an uncaught exception.
    this.stdout.off('error', this.onStdoutError);
    this.stdout.on('error', () => undefined);
    this.stdin.pause();
    this.onclose?.();
    this.markClosed();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error('the stdio connection is closed'));
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.stdout.once('error', onError);
      const done = () => {
        this.stdout.off('error', onError);
        resolve();
      };
      if (this.stdout.write(serializeMessage(message))) done();
      else this.stdout.once('drain', done);
    });
  }

  private readonly onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(0x0a, start);
      this.line.append(bytes.subarray(start, newline === -1 ? bytes.length : newline));
      if (newline === -1) return;
      this.finishLine();
      start = newline + 1;
    }
  };

  private finishLine(): void {
    const line = this.line.take();
    if ('oversized' in line) {
      this.refuseOversized(line.oversized);
      return;
    }
    if (line.text.trim() === '') return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line.text);
    } catch (error) {
      this.onerror?.(new Error(`ignored a stdio line that is not a JSON-RPC message: ${String(error)}`));
      return;
    }
    this.onmessage?.(message);
  }

  private refuseOversized({ bytes, head, tail }: { bytes: number; head: string; tail: string }): void {
    const id = recoverRequestId(head, tail);
    const problem = `a message of ${bytes} bytes is over the limit of ${this.maxMessageBytes} bytes for one stdio message`;
    if (id === undefined) {
      this.onerror?.(
        new Error(`ignored ${problem}; no request id could be read from it, so nothing was answered`),
      );
      return;
    }
    this.onerror?.(new Error(`refused request ${JSON.stringify(id)}: ${problem}`));
    const message =
      `Request refused: ${problem}. Send smaller arguments: pass trace ids, spec names or a session ` +
      'instead of pasting large data.';
    this.send({ jsonrpc: '2.0', id, error: { code: INVALID_REQUEST, message } }).catch((error: unknown) =>
      this.onerror?.(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private readonly onStdoutError = (error: Error) => {
    this.onerror?.(error);
    void this.close();
  };

  private readonly onEnd = () => void this.close();
}
