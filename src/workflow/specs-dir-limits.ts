/**
 * How much of the specs dir one scan reads. The dir comes with a cloned repo, and parsing a spec
 * costs ~1 s per MiB of YAML on one core, so without a bound a repo could make every spec tool call
 * parse for minutes. A real spec is a few KB (the biggest example is 3.7 KB): 500 of them fit in
 * 4 MiB, which a first scan parses in ~4 s, one file at a time with other work in between.
 */
import { MAX_SPEC_BYTES } from '../tracespec/index.js';

/** Spec files read per scan, the first in name order; the rest are skipped and reported. */
export const MAX_SPEC_FILES = 500;

/** Bytes of spec text read per scan, in name order; a file that does not fit is skipped and reported. */
export const MAX_SPECS_DIR_BYTES = 4 * MAX_SPEC_BYTES;
export const MAX_SPECS_DIR_SIZE = '4 MiB';

/** Files of the dir that a scan did not read, and why. */
export interface SkippedSpecFiles {
  /** Every skipped file's path, in name order. */
  files: string[];
  /** Why, in words that say what would be read instead. */
  reason: string;
}

export function tooManyFiles(total: number, files: string[]): SkippedSpecFiles {
  return {
    files,
    reason: `the specs dir holds ${total} spec files and at most ${MAX_SPEC_FILES} are read (the first in name order), so ${files.length} were skipped; keep the specs a project uses there and move the rest elsewhere`,
  };
}

export function overTotalSize(files: string[]): SkippedSpecFiles {
  return {
    files,
    reason: `the spec files read together may hold at most ${MAX_SPECS_DIR_SIZE} (${MAX_SPECS_DIR_BYTES} bytes), in name order, so ${files.length} that did not fit were skipped; a real spec is a few KB, so shrink or remove the big ones`,
  };
}
