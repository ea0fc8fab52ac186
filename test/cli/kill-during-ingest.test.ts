/**
 * The durability promise end to end: the built server takes OTLP/HTTP exports from several
 * concurrent senders and is killed with SIGKILL mid-stream, three times over the same data dir.
 * Every export it acknowledged (HTTP 200) is whole in the store afterwards; exports it never
 * answered may or may not be there, as an SDK would retry them. After each kill, SQLite's own
 * integrity check finds the database file sound, before otel-mcp opens it again.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/index.js';
import { openTraceStore } from '../../src/store/trace-store.js';
import { sdkTraceBodies, type SdkTraceBodies } from '../receiver/sdk-payloads.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { tempDirForTest } from '../support/temp-dir.js';

const CLI = resolve('dist/cli/main.js');
const ROUNDS = 3;
const SENDERS = 4;

function post(port: number, body: Uint8Array): Promise<number> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', () => done(0));
      },
    );
    // A connection the kill cut: not acknowledged.
    req.on('error', () => done(0));
    req.end(body);
  });
}

/** PRAGMA integrity_check on the file as the kill left it (the WAL replayed by SQLite, as on any open). */
function integrityCheck(file: string): string[] {
  const db = new Database(file);
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
  } finally {
    db.close();
  }
}

describe('a server killed with SIGKILL while exports arrive', () => {
  it('keeps every export it acknowledged, whole, across three kills of the same data dir', async () => {
    const dataDir = tempDirForTest('otel-mcp-kill-');
    const acknowledged: SdkTraceBodies[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [CLI, 'serve', '--data-dir', dataDir, '--otlp-http-port', String(port), '--otlp-grpc-port', '0'],
        { stdio: ['pipe', 'ignore', 'ignore'] },
      );
      const exited = new Promise((done) => child.once('exit', done));
      await waitFor(
        'the receiver',
        async () => ((await post(port, new Uint8Array())) > 0 ? true : undefined),
        45_000,
      );
      let killed = false;
      let answered = 0;
      const sender = async () => {
        while (!killed) {
          const bodies = sdkTraceBodies();
          const status = await post(port, bodies.protobuf);
          if (status === 200) acknowledged.push(bodies);
          answered += 1;
        }
      };
      const senders = Array.from({ length: SENDERS }, sender);
      // Kill once a good number of exports went through, so the kill lands mid-stream.
      await waitFor(
        'exports under way',
        async () => (answered >= 40 + round * 20 ? true : undefined),
        60_000,
      );
      child.kill('SIGKILL');
      killed = true;
      await Promise.all(senders);
      await exited;
      expect(integrityCheck(join(dataDir, DATABASE_FILE)), `after kill ${round + 1}`).toEqual(['ok']);
    }
    expect(acknowledged.length).toBeGreaterThan(ROUNDS * 40);
    const store = openTraceStore({
      dataDir,
      retention: { maxSpans: 1_000_000, maxAgeMs: Number.POSITIVE_INFINITY },
      log: () => undefined,
    });
    try {
      const lost = acknowledged.filter(
        (bodies) => store.getTrace(bodies.traceId)?.spans.length !== bodies.spanCount,
      );
      expect(lost.map((bodies) => bodies.traceId)).toEqual([]);
    } finally {
      store.close();
    }
  }, 180_000);
});
