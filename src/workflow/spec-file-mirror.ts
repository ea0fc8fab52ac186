/**
 * The specs directory (`trace-specs/<name>.yaml` by default), where specs are mirrored so a project
 * can commit them and a person can edit them. Writes are atomic (temp file + rename in the same
 * directory), so a reader — an editor, git, our own scan — never sees half a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OtelMcpError, errorMessage } from '../model/errors.js';
import { readSpecFile } from './spec-file-reader.js';

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

  /** Every `*.yaml` file of the dir (none when the dir does not exist yet), sorted by name. */
  readAll(): SpecFileText[] {
    let entries: string[];
    let realDir: string;
    try {
      entries = readdirSync(this.dir);
      realDir = realpathSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw unreadable(this.dir, error);
    }
    const files: SpecFileText[] = [];
    for (const entry of entries.sort()) {
      if (!entry.endsWith(SPEC_FILE_SUFFIX) || entry.startsWith('.')) continue;
      const read = this.readIn(realDir, entry.slice(0, -SPEC_FILE_SUFFIX.length));
      if (read) files.push(read);
    }
    return files;
  }

  /** One spec file, or undefined when it does not exist (or vanished between listing and reading). */
  read(name: string): SpecFileText | undefined {
    let realDir: string;
    try {
      realDir = realpathSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unreadable(this.dir, error);
    }
    return this.readIn(realDir, name);
  }

  private readIn(realDir: string, name: string): SpecFileText | undefined {
    const path = this.pathOf(name);
    let read;
    try {
      read = readSpecFile(realDir, path);
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
