/**
 * A POST with exactly the given headers: fetch sets Host itself, so a forged or foreign Host needs
 * node:http. Resolves with the status and body.
 */
import { request } from 'node:http';

export function rawPost(
  port: number,
  headers: Record<string, string>,
  body: string,
  path = '/mcp',
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}
