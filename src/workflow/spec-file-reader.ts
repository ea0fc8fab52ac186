/**
 * Reads one file of the specs dir, which a cloned repo controls, so nothing about it is trusted: only
 * a regular file is read (a FIFO would block the read forever, a device such as /dev/zero never
 * ends), a symlink only when its target stays inside the dir (a link to ~/.env must not be shown),
 * and never more than MAX_SPEC_BYTES, however big the file is or grows while it is read. Every step
 * is asynchronous, so a slow disk or a big dir never holds up OTLP exports or other tool calls.
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { MAX_SPEC_BYTES, MAX_SPEC_SIZE } from '../tracespec/index.js';

export type SpecFileRead =
  | { kind: 'text'; text: string }
  | { kind: 'missing' }
  /** Not read, and why, in words that name what would be accepted. */
  | { kind: 'refused'; reason: string };

/** O_NONBLOCK: should a FIFO slip in between the check and the open, the open returns at once. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0);

/** `path` is a file in the dir whose real path (symlinks resolved) is `realDir`. */
export async function readSpecFile(realDir: string, path: string): Promise<SpecFileRead> {
  let realPath: string;
  let stats: Stats;
  try {
    realPath = await realpath(path);
    stats = await stat(realPath);
  } catch (error) {
    // Gone since the listing, or a symlink to nothing: there is no file to read.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  const inside = relative(realDir, realPath);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return {
      kind: 'refused',
      reason:
        'symlink leaves the specs dir, so it was not read; link only to files inside the specs dir, or copy the spec in',
    };
  }
  if (!stats.isFile()) return notRegular(stats);
  return readOpened(realPath);
}

/** Opens the resolved path and checks the open file itself, so a swap after the check above is caught. */
async function readOpened(realPath: string): Promise<SpecFileRead> {
  let file: FileHandle;
  try {
    file = await open(realPath, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP') return changedWhileRead();
    throw error;
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile()) return notRegular(stats);
    if (stats.size > MAX_SPEC_BYTES) return tooBig(`is ${stats.size} bytes`);
    const { buffer, length } = await readBounded(file, stats.size);
    if (length > MAX_SPEC_BYTES) return tooBig('grew past the limit while it was read');
    return { kind: 'text', text: buffer.toString('utf8', 0, length) };
  } finally {
    await file.close();
  }
}

/** Reads to the end, but never more than one byte past the limit (which tells a file that grew past it). */
async function readBounded(file: FileHandle, size: number): Promise<{ buffer: Buffer; length: number }> {
  const cap = MAX_SPEC_BYTES + 1;
  let buffer = Buffer.alloc(Math.min(size + 1, cap));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length === cap) break;
      const bigger = Buffer.alloc(Math.min(buffer.length * 2, cap));
      buffer.copy(bigger);
      buffer = bigger;
    }
    const { bytesRead: read } = await file.read(buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return { buffer, length };
}

function notRegular(stats: Stats): SpecFileRead {
  const what = stats.isDirectory()
    ? 'a directory'
    : stats.isFIFO()
      ? 'a FIFO'
      : stats.isSocket()
        ? 'a socket'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'a special file';
  return {
    kind: 'refused',
    reason: `not a regular file (${what}), so it was not read; a spec file is a plain YAML file`,
  };
}

function tooBig(what: string): SpecFileRead {
  return {
    kind: 'refused',
    reason: `${what}; a spec file may hold at most ${MAX_SPEC_SIZE} (${MAX_SPEC_BYTES} bytes), and a real one is a few KB, so it was not read`,
  };
}

function changedWhileRead(): SpecFileRead {
  return {
    kind: 'refused',
    reason:
      'was replaced by a symlink while it was read, so it was not read; the next spec tool call tries again',
  };
}
