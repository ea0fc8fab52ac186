import { request, type Agent } from 'node:http';

/** POSTs one OTLP/HTTP traces export to 127.0.0.1:`port`; resolves on 200, rejects otherwise. */
export function postTraces(
  agent: Agent,
  port: number,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
