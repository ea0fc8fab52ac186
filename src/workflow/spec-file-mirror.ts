/**
 * The specs directory (`trace-specs/<name>.yaml` by default), where specs are mirrored so a project
 * can commit them and a person can edit them. Writes are atomic (temp file + rename in the same
 * directory), so a reader — an editor, git, our own scan — never sees half a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { OtelMcpError, errorMessage } from '../model/errors.js';
import { readSpecFile } from './spec-file-reader.js';
import {
  MAX_SPEC_FILES,
  MAX_SPECS_DIR_BYTES,
  overTotalSize,
  tooManyFiles,
  type SkippedSpecFiles,
} from './specs-dir-limits.js';

export const SPEC_FILE_SUFFIX = '.yaml';

export interface SpecFileText {
  /** The file name without `.yaml`. */
  name: string;
  /** The file's path, for messages. */
  file: string;
  text: string;
  /** sha256 of the text: a cheap "has it changed since last time?" */
  textHash: string;
  /** Why the file was not read (not a regular file, a symlink out of the dir, too big); text is then empty. */
  refused?: string;
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export class SpecFileMirror {
  constructor(readonly dir: string) {}

  pathOf(name: string): string {
    return join(this.dir, `${name}${SPEC_FILE_SUFFIX}`);
  }

  write(name: string, text: string): void {
    const target = this.pathOf(name);
    // A leading dot and a non-.yaml suffix: the scan never mistakes a temp file for a spec.
    const temp = join(this.dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temp, text, 'utf8');
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new OtelMcpError(
        'BACKEND_UNAVAILABLE',
        `cannot write ${target}: ${errorMessage(error)}`,
        'check that the specs dir is writable, or set specs_dir in the config (OTEL_MCP_SPECS_DIR)',
        { cause: error },
      );
    }
  }

  /**
   * Hands each of the dir's `*.yaml` files (none when the dir does not exist yet) to `each`, in name
   * order, one at a time (only one file's text is held at once), within the limits of
   * specs-dir-limits.ts; returns what did not fit, which is skipped and named, never read in part.
   */
  async readAll(each: (file: SpecFileText) => Promise<void>): Promise<SkippedSpecFiles[]> {
    let entries: string[];
    let realDir: string;
    try {
      entries = await readdir(this.dir);
      realDir = await realpath(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw unreadable(this.dir, error);
    }
    const names = entries
      .filter((entry) => entry.endsWith(SPEC_FILE_SUFFIX) && !entry.startsWith('.'))
      .sort()
      .map((entry) => entry.slice(0, -SPEC_FILE_SUFFIX.length));
    const skipped: SkippedSpecFiles[] = [];
    if (names.length > MAX_SPEC_FILES) {
      const rest = names.slice(MAX_SPEC_FILES).map((name) => this.pathOf(name));
      skipped.push(tooManyFiles(names.length, rest));
    }
    const overBudget: string[] = [];
    let bytes = 0;
    for (const name of names.slice(0, MAX_SPEC_FILES)) {
      const read = await this.readIn(realDir, name);
      if (!read) continue;
      // The text is at most 1 MiB (the reader's limit): reading it is cheap, parsing it is what the budget bounds.
      const size = Buffer.byteLength(read.text, 'utf8');
      if (bytes + size > MAX_SPECS_DIR_BYTES) {
        overBudget.push(read.file);
        continue;
      }
      bytes += size;
      await each(read);
    }
    if (overBudget.length > 0) skipped.push(overTotalSize(overBudget));
    return skipped;
  }

  /** One spec file, or undefined when it does not exist (or vanished between listing and reading). */
  async read(name: string): Promise<SpecFileText | undefined> {
    let realDir: string;
    try {
      realDir = await realpath(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unreadable(this.dir, error);
    }
    return this.readIn(realDir, name);
  }

  private async readIn(realDir: string, name: string): Promise<SpecFileText | undefined> {
    const path = this.pathOf(name);
    let read;
    try {
      read = await readSpecFile(realDir, path);
    } catch (error) {
      throw unreadable(path, error);
    }
    if (read.kind === 'missing') return undefined;
    // A refusal's hash is its reason: the same refusal is reported again without reading again.
    if (read.kind === 'refused')
      return { name, file: path, text: '', textHash: `refused: ${read.reason}`, refused: read.reason };
    return { name, file: path, text: read.text, textHash: textHash(read.text) };
  }
}

function unreadable(path: string, error: unknown): OtelMcpError {
  return new OtelMcpError(
    'BACKEND_UNAVAILABLE',
    `cannot read ${path}: ${errorMessage(error)}`,
    'check the permissions of the specs dir',
    {
      cause: error,
    },
  );
}
