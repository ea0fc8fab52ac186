// The conformance runner cannot send a bearer token, and otel-mcp's HTTP transport requires one:
// this loopback proxy adds it to every request and passes everything else through unchanged — the
// Host and Origin keep their names (the DNS-rebinding scenario forges them) with the proxy's port
// mapped to the server's, and responses (SSE streams included) are piped back as they come.
// Usage: node auth-proxy.mjs LISTEN_PORT SERVER_PORT TOKEN
import { createServer, request } from 'node:http';
import process from 'node:process';

const [listenPort, serverPort, token] = process.argv.slice(2);
createServer((req, res) => {
  const headers = { ...req.headers, authorization: `Bearer ${token}` };
  // The proxy's own port stands for the server's in Host and Origin; a forged name stays forged.
  if (typeof headers.host === 'string') headers.host = headers.host.replace(/:\d+$/, `:${serverPort}`);
  if (typeof headers.origin === 'string')
    headers.origin = headers.origin.replace(new RegExp(`:${listenPort}$`), `:${serverPort}`);
  const upstream = request(
    { host: '127.0.0.1', port: Number(serverPort), path: req.url, method: req.method, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}\n`);
  });
  req.pipe(upstream);
}).listen(Number(listenPort), '127.0.0.1');
