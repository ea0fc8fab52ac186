import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { OtelMcpError, errorMessage } from '../../model/errors.js';

export const DATABASE_FILE = 'otel-mcp.sqlite';

/**
 * How much of the latest writes survives which crash:
 * - `normal` (default): WAL + synchronous=NORMAL. A commit is appended to the WAL with write()
 *   before `writeSpans` returns, so an acknowledged export survives the otel-mcp process crashing or
 *   being killed; only an OS crash or power loss can drop the last commits since a checkpoint
 *   (never corrupting the file). Syncing each commit (FULL) measured ~45 ms per 512-span batch on
 *   the development VM against ~0.5 ms: it would cap ingest near 10,000 spans/s, below the 50,000
 *   target, to protect development telemetry against power loss.
 * - `full`: WAL + synchronous=FULL, an fsync per commit: acknowledged data survives power loss too.
 */
export type Durability = 'normal' | 'full';

export interface ConnectionOptions {
  dataDir: string;
  readOnly: boolean;
  durability: Durability;
}

/**
 * Page cache per connection. 64 MiB holds the hot pages of the attribute index (inserts land all
 * over it) for a few million spans; the rest lives in the OS page cache, not in this process.
 */
const CACHE_KIB = 64 * 1024;
/**
 * Page size of a new database (SQLite's default is 4 KiB; an existing file keeps the size it was
 * made with). A commit writes each dirty page to the WAL as its own frame, and span rows (~500 B of
 * JSON each) fill pages fast: with 8 KiB pages the writer spent ~12.3 µs a span against ~14.4 µs
 * with 4 KiB, alternating runs of 204,800 real-SDK spans in groups of 4,096 (16 KiB: ~12.4, and each
 * random insert into `traces`' trace-id index then dirties twice the bytes).
 */
export const PAGE_SIZE = 8_192;
/** A second process (a CLI reading while `serve` writes) waits this long for a lock instead of failing. */
const BUSY_TIMEOUT_MS = 5_000;
/** Truncate the WAL back to 64 MiB after a checkpoint, so one burst does not keep a huge file. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export function openConnection(options: ConnectionOptions): Database.Database {
  const file = join(options.dataDir, DATABASE_FILE);
  if (options.readOnly && !existsSync(file)) {
    throw new OtelMcpError(
      'NOT_FOUND',
      `no otel-mcp data in ${options.dataDir} (${DATABASE_FILE} is missing)`,
      'start otel-mcp serve with this --data-dir first, or point --data-dir at the directory it uses',
    );
  }
  let db: Database.Database;
  try {
    if (!options.readOnly) mkdirSync(options.dataDir, { recursive: true });
    db = new Database(file, { readonly: options.readOnly, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new OtelMcpError(
      'BACKEND_UNAVAILABLE',
      `cannot open ${file}: ${errorMessage(error)}`,
      'check that the data dir is writable, or pass another --data-dir',
      { cause: error },
    );
  }
  try {
    if (!options.readOnly) {
      // Only a database with no table yet takes it, and only before it switches to WAL.
      db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
    }
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`cache_size = -${CACHE_KIB}`);
    db.pragma('temp_store = MEMORY');
    if (!options.readOnly) {
      // The store runs its own checkpoints (wal-checkpoints.ts, which says how far apart): span
      // bodies kept in files beside the database must be synced before one.
      db.pragma('wal_autocheckpoint = 0');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    }
  } catch (error) {
    db.close();
    throw new OtelMcpError(
      'BACKEND_UNAVAILABLE',
      `cannot configure ${file}: ${errorMessage(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  return db;
}
