import type Database from 'better-sqlite3';
import { syncInBackground } from './background-sync.js';
import type { BodyLog } from './spans/body-log.js';

/**
 * Checkpoint once the WAL holds about this much, not SQLite's 1,000 pages (8 MiB): each checkpoint
 * syncs the file (~45 ms on the development VM), and a 512-span commit writes 0.3–0.5 MB, so the
 * default would sync every ~20 batches. Pages rewritten by successive commits (an index's tail) are
 * copied back once.
 */
export const WAL_CHECKPOINT_BYTES = 32 * 1024 * 1024;
/** WAL bytes a stored span or log record adds, until a checkpoint measures it (550–680 measured). */
const FIRST_BYTES_PER_ITEM = 600;
/** Bounds on the measured figure, so one odd checkpoint (readers kept the WAL) cannot skew it far. */
const MIN_BYTES_PER_ITEM = 100;
const MAX_BYTES_PER_ITEM = 20_000;
/**
 * How many times between two checkpoints the WAL and the newest body segment are handed to the OS to
 * write back in the background. A checkpoint then syncs files that are mostly on disk already: the
 * writer thread waited ~50 ms a checkpoint in its syncs (of them the WAL's ~25 ms) and ~20 ms with
 * these, while every export in flight waits for it (bench/ingest-vs-jaeger.md).
 */
const WRITEBACKS_PER_CHECKPOINT = 4;

/**
 * The store's WAL checkpoints, run here after its writes instead of by SQLite inside a commit (the
 * store's connections turn SQLite's off): a checkpoint makes rows durable against power loss, and
 * the span bodies they point at (body-log.ts) must be durable first, so the newest body segment is
 * synced before each one. Between checkpoints both files are written back in the background
 * (WRITEBACKS_PER_CHECKPOINT), which moves no guarantee: only the checkpoint's own syncs count.
 *
 * better-sqlite3 does not tell how much a commit added to the WAL, so the store counts the spans and
 * log records it writes and each checkpoint measures the WAL bytes they took (its page count), which
 * sets when the next is due.
 */
export class WalCheckpoints {
  private itemsSince = 0;
  private bytesPerItem = FIRST_BYTES_PER_ITEM;
  private readonly pageSize: number;
  private readonly writeBackEvery: number;
  private nextWriteBack: number;

  /**
   * `writeBack` starts writing a file's dirty pages to disk without waiting, and calls `done` once
   * they are (syncInBackground).
   */
  constructor(
    private readonly db: Database.Database,
    private readonly bodies: BodyLog,
    private readonly thresholdBytes = WAL_CHECKPOINT_BYTES,
    private readonly writeBack: (path: string, done?: (error?: Error) => void) => void = syncInBackground,
  ) {
    this.pageSize = db.pragma('page_size', { simple: true }) as number;
    this.writeBackEvery = thresholdBytes / WRITEBACKS_PER_CHECKPOINT;
    this.nextWriteBack = this.writeBackEvery;
  }

  /** After a committed write of `items` spans or log records (or rows retention deleted). */
  afterWrite(items: number): void {
    this.itemsSince += items;
    const walBytes = this.itemsSince * this.bytesPerItem;
    if (walBytes >= this.thresholdBytes) this.checkpoint();
    else if (walBytes >= this.nextWriteBack) {
      this.nextWriteBack = walBytes + this.writeBackEvery;
      this.writeBackInOrder();
    }
  }

  /**
   * The newest body segment, then the WAL once it is on disk: WAL frames on disk before the bodies
   * they point at would, after a power loss, be replayed without them. The OS may write either back
   * on its own at any time; these syncs should not make that likelier. Nothing more after a failed
   * sync: the checkpoint's own syncs report the error.
   */
  private writeBackInOrder(): void {
    const wal = `${this.db.name}-wal`;
    const bodies = this.bodies.appendingPath();
    if (bodies === undefined) this.writeBack(wal);
    else {
      this.writeBack(bodies, (error) => {
        if (error === undefined) this.writeBack(wal);
      });
    }
  }

  /** Syncs the bodies, then copies the WAL into the database (PASSIVE: readers are never waited for). */
  checkpoint(): void {
    this.bodies.syncNewest();
    const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    if (result && result.log > 0 && this.itemsSince > 0) {
      const measured = (result.log * (this.pageSize + 24)) / this.itemsSince;
      this.bytesPerItem = Math.min(MAX_BYTES_PER_ITEM, Math.max(MIN_BYTES_PER_ITEM, measured));
    }
    this.itemsSince = 0;
    this.nextWriteBack = this.writeBackEvery;
  }
}
