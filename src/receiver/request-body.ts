/**
 * Reading an OTLP/HTTP body within the size limit, before and after gunzip. The limit is checked
 * against Content-Length first, then while bytes arrive, then on the inflated output (zlib stops at
 * `maxOutputLength`), so neither a large upload nor a small gzip bomb can take more than the limit.
 */
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { OtelMcpError } from '../model/index.js';

export const ACCEPTED_ENCODINGS = ['gzip', 'identity'];

export function tooLarge(what: string, maxBytes: number): OtelMcpError {
  return new OtelMcpError(
    'RESOURCE_EXHAUSTED',
    `${what} exceeds the receiver's limit of ${formatBytes(maxBytes)}`,
    'send smaller batches (e.g. OTEL_BSP_MAX_EXPORT_BATCH_SIZE) or raise the receiver limit',
  );
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(`the request body (${formatBytes(declared)})`, maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    let ended = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return; // drained and dropped: the 413 is already on its way
      total += chunk.length;
      if (total > maxBytes) {
        over = true;
        chunks.length = 0;
        reject(tooLarge('the request body', maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      ended = true;
      if (!over) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
    req.on('error', reject);
    // A client that goes away mid-body must not leave its chunks held by a promise that never settles.
    req.on('close', () => {
      if (!ended) reject(new ClientGone());
    });
  });
}

/** Reads a body to its end without keeping it (a request refused before its body mattered). */
export function discardBody(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.once('error', () => resolve());
    req.resume();
  });
}

/** The exporter closed the connection before its body was complete: there is no one to answer. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the request body was complete');
  }
}

/** Undoes Content-Encoding; an encoding other than gzip/identity is refused (415). */
export async function decodeContent(
  body: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return body;
  if (name !== 'gzip' && name !== 'x-gzip') {
    throw new OtelMcpError(
      'UNSUPPORTED',
      `unsupported Content-Encoding "${name}": accepted are ${ACCEPTED_ENCODINGS.join(', ')}`,
    );
  }
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (error, inflated) => {
      if (!error) resolve(inflated);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(tooLarge('the gunzipped request body', maxBytes));
      } else {
        reject(
          new OtelMcpError(
            'INVALID_ARGUMENT',
            `the body is not valid gzip (Content-Encoding: gzip): ${error.message}`,
          ),
        );
      }
    });
  });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
