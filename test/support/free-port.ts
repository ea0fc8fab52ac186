import { mkdirSync, openSync, closeSync, statSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports handed out are claimed for a while in a directory every test process shares: the OS gives
 * a just-freed port to the next bind(0) too, and two checkouts started at once (or a checkout in one
 * worker and the polyglot example in the other) got the same number before either service bound it.
 */
const CLAIMS = join(tmpdir(), 'otel-mcp-test-ports');
/** Longer than any run that holds a port; a stale claim is taken over after this. */
const CLAIM_MS = 15 * 60_000;

function claim(port: number): boolean {
  mkdirSync(CLAIMS, { recursive: true });
  const file = join(CLAIMS, String(port));
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < CLAIM_MS) return false;
      unlinkSync(file);
      closeSync(openSync(file, 'wx'));
      return true;
    } catch {
      return false;
    }
  }
}

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A port that was free a moment ago on 127.0.0.1 and that no other test was given lately. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await osPort();
    if (claim(port)) return port;
  }
  throw new Error(`no unclaimed free port after 50 tries (claims in ${CLAIMS})`);
}
