import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { OtelMcpError, errorMessage } from '../../model/errors.js';

/**
 * Span bodies (each span's OTLP `Span` message) in append-only files beside the database, instead
 * of in the `spans` rows. In SQLite every byte of a row is written twice, to the WAL and again by the
 * checkpoint, and the bodies are ~480 of a span's ~720 bytes: with them in a file written once,
 * the writer thread spent ~20% less CPU a span and the whole server ingested ~1.15× the spans a
 * second (bench/ingest-vs-jaeger.md).
 *
 * A file (a segment) is named by the id of the first span whose body it holds, and holds the bodies
 * of the spans after it until the next segment's first id; the writer starts a new one past
 * SEGMENT_BYTES. A span row's `body` then holds a locator (`bodyLocator`) instead of the message.
 *
 * Durability matches the rows': a batch's bodies are written (write(), so in the OS's cache) before
 * its transaction commits, so an acknowledged export survives the process being killed; before a
 * checkpoint makes rows durable against power loss, the newest segment is synced (`syncNewest`;
 * a segment is synced when the next one starts), and with durability `full` before every commit.
 */
export const BODY_DIR = 'span-bodies';
/** A segment's size before the writer starts the next: retention removes whole segments. */
export const SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * A locator: a 0 byte (no `Span` message starts with it: field number 0 is not a field), the
 * segment's first span id (8 bytes), the offset and the length (4 bytes each), little-endian.
 */
const LOCATOR_BYTES = 17;
const SEGMENT_NAME = /^(\d{16})\.bin$/;
/** Bytes between two wanted bodies that `resolveAll` reads through rather than read apart. */
const MAX_READ_GAP = 16 * 1024;
/** Bytes `resolve` reads at a time for the bodies after the one asked for (~130 spans'). */
const READ_WINDOW = 64 * 1024;
/** The most one of its reads takes, so bodies spread over a segment are not read with all between. */
const MAX_READ_BYTES = 1024 * 1024;

export function isBodyLocator(body: Uint8Array): boolean {
  return body.length === LOCATOR_BYTES && body[0] === 0;
}

/** Where a body lies: `segment` (its first span id), byte `offset`, `length`. */
export function bodyLocator(segment: number, offset: number, length: number): Buffer {
  const locator = Buffer.allocUnsafe(LOCATOR_BYTES);
  locator[0] = 0;
  // The 64-bit segment as two 32-bit halves: no BigInt made for every span written.
  locator.writeUInt32LE(segment % 2 ** 32, 1);
  locator.writeUInt32LE(Math.floor(segment / 2 ** 32), 5);
  locator.writeUInt32LE(offset, 9);
  locator.writeUInt32LE(length, 13);
  return locator;
}

/** What `bodyLocator` wrote. */
function locatorParts(locator: Buffer): { segment: number; offset: number; length: number } {
  return {
    segment: locator.readUInt32LE(1) + locator.readUInt32LE(5) * 2 ** 32,
    offset: locator.readUInt32LE(9),
    length: locator.readUInt32LE(13),
  };
}

/** Syncs a file or a directory by its path (an fd of any mode syncs what the file holds). */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function segmentName(segment: number): string {
  return `${String(segment).padStart(16, '0')}.bin`;
}

export class BodyLog {
  private readonly dir: string;
  private appendFd: number | undefined;
  private appendSegment = 0;
  private appendSize = 0;
  private unsynced = false;
  private readonly readFds = new Map<number, number>();
  /** The bytes `resolve` read last, from `start` in `segment`. */
  private window: { segment: number; start: number; bytes: Buffer } | undefined;

  constructor(
    dataDir: string,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {
    this.dir = join(dataDir, BODY_DIR);
  }

  /**
   * Appends a batch's bodies to the newest segment (a new one named `firstSpan` once it holds
   * `segmentBytes`, or when there is none) and returns the segment and the offset of the first byte.
   */
  append(bytes: Uint8Array, firstSpan: number): { segment: number; offset: number } {
    if (this.appendFd === undefined) this.openNewest(firstSpan);
    else if (
      this.appendSize > 0 &&
      this.appendSize + bytes.length > this.segmentBytes &&
      firstSpan > this.appendSegment
    ) {
      this.startSegment(firstSpan);
    }
    const offset = this.appendSize;
    try {
      for (let written = 0; written < bytes.length;) {
        written += writeSync(this.appendFd!, bytes, written, bytes.length - written);
      }
    } catch (error) {
      // Part of the batch may be in the file (a full disk): the next batch goes after it, at the
      // file's real end, since writes append.
      this.appendSize = fstatSync(this.appendFd!).size;
      throw error;
    }
    this.appendSize += bytes.length;
    this.unsynced ||= bytes.length > 0;
    return { segment: this.appendSegment, offset };
  }

  /** Makes what `append` wrote durable. A no-op when nothing was appended since the last sync. */
  sync(): void {
    if (this.appendFd === undefined || !this.unsynced) return;
    fdatasyncSync(this.appendFd);
    this.unsynced = false;
  }

  /** The segment `append` writes to, once it has one. */
  appendingPath(): string | undefined {
    return this.appendFd === undefined ? undefined : join(this.dir, segmentName(this.appendSegment));
  }

  /**
   * Syncs the newest segment whoever appended to it: a checkpoint on this connection makes rows
   * durable that the writer thread's log wrote.
   */
  syncNewest(): void {
    this.sync();
    const newest = this.segments().at(-1);
    if (newest === undefined || newest === this.appendSegment) return;
    fsyncPath(join(this.dir, segmentName(newest)));
  }

  /**
   * The body a locator points at; a body stored in the row is returned as it is. A search checks
   * the newest spans' bodies one by one, in id order, so bodies are read READ_WINDOW bytes at a time
   * and the next ones served from what was read: a segment's bytes never change once written
   * (batches only append), and the window is let go when the current job ends.
   */
  resolve(body: Buffer): Buffer {
    if (!isBodyLocator(body)) return body;
    const { segment, offset, length } = locatorParts(body);
    const window = this.window;
    if (
      window !== undefined &&
      window.segment === segment &&
      offset >= window.start &&
      offset + length <= window.start + window.bytes.length
    ) {
      return window.bytes.subarray(offset - window.start, offset - window.start + length);
    }
    if (length >= READ_WINDOW) return this.readRange(segment, offset, length);
    const bytes = this.readUpTo(segment, offset, READ_WINDOW);
    if (bytes.length < length) throw this.missing(segment, `it ends before byte ${offset + length}`);
    if (this.window === undefined) queueMicrotask(() => (this.window = undefined));
    this.window = { segment, start: offset, bytes };
    return bytes.subarray(0, length);
  }

  /**
   * `resolve` for many bodies, such as a trace's: bodies written by one batch lie next to each other,
   * so the ranges of a segment that lie within MAX_READ_GAP of each other are read with one call
   * (a 1,000-span trace: a few reads instead of 1,000).
   */
  resolveAll(bodies: readonly Buffer[]): Buffer[] {
    const resolved = bodies.slice();
    const wanted = bodies
      .map((body, index) => ({ body, index }))
      .filter(({ body }) => isBodyLocator(body))
      .map(({ body, index }) => ({ index, ...locatorParts(body) }))
      .sort((a, b) => a.segment - b.segment || a.offset - b.offset);
    for (let from = 0; from < wanted.length;) {
      const first = wanted[from]!;
      let end = first.offset + first.length;
      let to = from + 1;
      for (; to < wanted.length; to += 1) {
        const next = wanted[to]!;
        const nextEnd = Math.max(end, next.offset + next.length);
        if (next.segment !== first.segment || next.offset > end + MAX_READ_GAP) break;
        if (nextEnd - first.offset > MAX_READ_BYTES) break;
        end = nextEnd;
      }
      const range = this.readRange(first.segment, first.offset, end - first.offset);
      for (const { index, offset, length } of wanted.slice(from, to)) {
        resolved[index] = range.subarray(offset - first.offset, offset - first.offset + length);
      }
      from = to;
    }
    return resolved;
  }

  /**
   * Removes the segments none of whose spans is stored any more: `stored(from, to)` says whether a
   * span with an id in [from, to) is. Retention deletes whole traces, oldest first, so one kept
   * trace keeps only its own segment. Only segments whose every id is below `committedBelow` (the
   * committed high water + 1) are looked at: a write in progress elsewhere gives ids above it, and
   * its rows are not visible yet. The newest always stays. Returns how many were removed.
   */
  dropUnused(stored: (from: number, to: number) => boolean, committedBelow: number): number {
    const segments = this.segments();
    const kept = new Set(segments);
    for (let index = 0; index + 1 < segments.length; index += 1) {
      const [from, to] = [segments[index]!, segments[index + 1]!];
      if (to > committedBelow) break;
      if (stored(from, to)) continue;
      unlinkSync(join(this.dir, segmentName(from)));
      kept.delete(from);
    }
    this.closeReadsOfRemoved(kept);
    return segments.length - kept.size;
  }

  /** Bytes the segments take. */
  sizeBytes(): number {
    let bytes = 0;
    for (const segment of this.segments()) {
      try {
        bytes += statSync(join(this.dir, segmentName(segment))).size;
      } catch {
        // Removed since it was listed (retention on the other thread).
      }
    }
    return bytes;
  }

  close(): void {
    this.sync();
    if (this.appendFd !== undefined) closeSync(this.appendFd);
    this.appendFd = undefined;
    for (const fd of this.readFds.values()) closeSync(fd);
    this.readFds.clear();
  }

  /** The segments' first span ids, ascending. */
  private segments(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((digits) => digits !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /**
   * The newest segment, or a new one named `firstSpan`. Bytes past the last committed body (a batch
   * whose transaction never committed) stay where they are and are never pointed at.
   */
  private openNewest(firstSpan: number): void {
    mkdirSync(this.dir, { recursive: true });
    const newest = this.segments().at(-1);
    this.openSegment(newest ?? firstSpan);
    if (this.appendSize >= this.segmentBytes && newest !== undefined && firstSpan > newest) {
      this.startSegment(firstSpan);
    }
  }

  /** Leaves the segment appended to, synced (checkpoints sync only the newest), for a new one. */
  private startSegment(firstSpan: number): void {
    this.sync();
    closeSync(this.appendFd!);
    this.appendFd = undefined;
    this.openSegment(firstSpan);
  }

  private openSegment(segment: number): void {
    const fd = openSync(join(this.dir, segmentName(segment)), 'a');
    this.appendFd = fd;
    this.appendSegment = segment;
    this.appendSize = fstatSync(fd).size;
    // Bytes already there may be a crashed writer's, not on disk yet.
    this.unsynced = this.appendSize > 0;
    // A new file's name is durable once its directory is synced: once a segment, not a batch.
    if (this.appendSize === 0) fsyncPath(this.dir);
  }

  private readRange(segment: number, offset: number, length: number): Buffer {
    const bytes = this.readUpTo(segment, offset, length);
    if (bytes.length < length) throw this.missing(segment, `it ends before byte ${offset + length}`);
    return bytes;
  }

  /** Up to `length` bytes from `offset`: fewer where the segment ends. */
  private readUpTo(segment: number, offset: number, length: number): Buffer {
    const bytes = Buffer.allocUnsafe(length);
    let read = 0;
    try {
      const fd = this.readFd(segment);
      while (read < length) {
        const got = readSync(fd, bytes, read, length - read, offset + read);
        if (got === 0) break;
        read += got;
      }
    } catch (error) {
      throw this.missing(segment, errorMessage(error));
    }
    return read === length ? bytes : bytes.subarray(0, read);
  }

  private readFd(segment: number): number {
    let fd = this.readFds.get(segment);
    if (fd === undefined) {
      // The other thread's retention may have removed segments this one still holds open, which
      // would keep their disk space: a new segment to read is the moment to let them go.
      this.closeReadsOfRemoved(new Set(this.segments()));
      fd = openSync(join(this.dir, segmentName(segment)), 'r');
      this.readFds.set(segment, fd);
    }
    return fd;
  }

  private closeReadsOfRemoved(listed: ReadonlySet<number>): void {
    for (const [segment, fd] of this.readFds) {
      if (listed.has(segment)) continue;
      closeSync(fd);
      this.readFds.delete(segment);
    }
  }

  private missing(segment: number, why: string): OtelMcpError {
    return new OtelMcpError(
      'INTERNAL',
      `a span's body is missing from ${join(BODY_DIR, segmentName(segment))} (${why})`,
      `the data dir's ${BODY_DIR} directory was changed outside otel-mcp, or retention removed the span while this read ran; read again, and restore the directory from a copy if it keeps failing`,
    );
  }
}
