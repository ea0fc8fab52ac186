/**
 * Trace specs as the tools see them: validated specs with every version kept in the store, and a
 * YAML mirror in the specs dir that people may edit. `sync()` runs before every spec tool call:
 * a hand-edited valid file becomes a new version; an invalid one is reported with its problems and
 * never imported (the stored versions stay as they were, and the file is not overwritten).
 *
 * A scan reads and parses one file at a time, and reading the next is asynchronous, so other work
 * runs between two parses (a 1 MiB spec takes ~0.5 s): OTLP exports and other calls are never held
 * up by more than one file's parse. Scans and saves run one after the other, so a save never lands
 * between a scan's read and its import.
 */
import { basename } from 'node:path';
import { invalidArgument, OtelMcpError } from '../model/errors.js';
import {
  didYouMean,
  MAX_SPEC_BYTES,
  MAX_SPEC_SIZE,
  parseTraceSpec,
  serializeSpecFile,
  validateTraceSpec,
  type SpecProblem,
  type TraceSpec,
} from '../tracespec/index.js';
import { checkSpecName, isSpecName, SPEC_NAME_RULE } from '../model/spec-name.js';
import {
  specContentHash,
  type SpecRepository,
  type SpecVersionSource,
  type StoredSpecInfo,
  type StoredSpecVersion,
} from '../store/specs/spec-repository.js';
import { SpecFileMirror, textHash, type SpecFileText } from './spec-file-mirror.js';
import type { SkippedSpecFiles } from './specs-dir-limits.js';

export interface TraceSpecVersion extends Omit<StoredSpecVersion, 'spec'> {
  spec: TraceSpec;
}

export interface SpecImport {
  name: string;
  version: number;
  file: string;
}

export interface InvalidSpecFile {
  file: string;
  name: string;
  problems: SpecProblem[];
}

/** What a scan of the specs dir found: edits imported, files refused. */
export interface SpecSyncReport {
  imported: SpecImport[];
  invalid: InvalidSpecFile[];
  /** Files not read at all because the dir holds more than a scan reads (specs-dir-limits.ts). */
  skipped: SkippedSpecFiles[];
}

export interface SaveSpecResult {
  version: TraceSpecVersion;
  /** False when the content equalled the latest version (no new version). */
  created: boolean;
  /** The version it replaced as latest, when there was one. */
  previousVersion?: number;
  /** Where the YAML mirror is; absent when the file was left alone (it holds an invalid hand edit). */
  file?: string;
  /** Why the file was not written, when it was not. */
  fileSkipped?: string;
}

/** What the MCP tools need of the spec library (ToolDeps.specs). */
export interface SpecCatalog {
  readonly specsDir: string;
  sync(): Promise<SpecSyncReport>;
  save(spec: TraceSpec, source: SpecVersionSource, note?: string): Promise<SaveSpecResult>;
  /** The latest version, or the given one; NOT_FOUND naming the nearest spec or the versions that exist. */
  get(name: string, version?: number): TraceSpecVersion;
  history(name: string): TraceSpecVersion[];
  list(): StoredSpecInfo[];
  fileOf(name: string): string;
}

interface FileOutcome {
  textHash: string;
  invalid?: InvalidSpecFile;
}

export class SpecLibrary implements SpecCatalog {
  private readonly mirror: SpecFileMirror;
  /** The last outcome per file, by text hash: an unchanged file is not parsed again. */
  private readonly seen = new Map<string, FileOutcome>();
  /** The scan or save running now: the next one starts when it ends. */
  private running: Promise<unknown> = Promise.resolve();
  /** The skipped files last logged, so the same skip is logged once, not on every call. */
  private loggedSkips = '';

  constructor(
    private readonly repository: SpecRepository,
    readonly specsDir: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.mirror = new SpecFileMirror(specsDir);
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.running.then(work);
    this.running = turn.catch(() => undefined);
    return turn;
  }

  fileOf(name: string): string {
    return this.mirror.pathOf(name);
  }

  sync(): Promise<SpecSyncReport> {
    return this.inTurn(() => this.scan());
  }

  save(spec: TraceSpec, source: SpecVersionSource, note?: string): Promise<SaveSpecResult> {
    return this.inTurn(() => this.saveNow(spec, source, note));
  }

  private async scan(): Promise<SpecSyncReport> {
    const report: SpecSyncReport = { imported: [], invalid: [], skipped: [] };
    report.skipped = await this.mirror.readAll(async (file) => {
      const previous = this.seen.get(file.name);
      if (previous && previous.textHash === file.textHash) {
        if (previous.invalid) report.invalid.push(previous.invalid);
        return;
      }
      const outcome = this.importFile(file, report);
      this.seen.set(file.name, outcome);
      if (outcome.invalid) report.invalid.push(outcome.invalid);
    });
    this.logSkips(report.skipped);
    return report;
  }

  private logSkips(skipped: SkippedSpecFiles[]): void {
    const key = skipped.map((skip) => `${skip.reason}: ${skip.files.join(', ')}`).join('\n');
    if (key === this.loggedSkips) return;
    this.loggedSkips = key;
    for (const skip of skipped) {
      const shown = skip.files.slice(0, 3).join(', ');
      this.log(`specs dir: ${skip.reason} (${shown}${skip.files.length > 3 ? ', …' : ''})`);
    }
  }

  private async saveNow(spec: TraceSpec, source: SpecVersionSource, note?: string): Promise<SaveSpecResult> {
    checkSpecName(spec.name);
    const previous = this.repository.latest(spec.name);
    // A new version must have a file the specs dir reads back, or the reader would refuse the
    // server's own file on every call and leave later versions unmirrored: check before storing.
    let text: string | undefined;
    if (previous?.contentHash !== specContentHash(spec)) {
      const file = serializeSpecFile(spec);
      if (!file.ok) throw this.tooBigForFile(spec.name, file.bytes);
      text = file.text;
    }
    const appended = this.repository.append({
      name: spec.name,
      spec,
      source,
      ...(note !== undefined ? { note } : {}),
    });
    const result: SaveSpecResult = {
      version: toTraceSpecVersion(appended.version),
      created: appended.created,
      ...(previous ? { previousVersion: previous.version } : {}),
    };
    const current = await this.mirror.read(spec.name);
    const pending = current ? this.pendingInvalidEdit(current) : undefined;
    if (pending && current?.refused !== undefined) {
      result.fileSkipped = `${current.file} was left as it is: ${current.refused}. Remove it to mirror this version.`;
      return result;
    }
    if (pending) {
      result.fileSkipped = `${current?.file} holds a hand edit that is not valid (${pending.problems.length} problem(s)); it was left as it is. Fix or delete it to mirror this version.`;
      return result;
    }
    // An unchanged spec keeps its file as the person formatted it (comments included).
    if (appended.created || !current) {
      // An unchanged version stored before its size was checked may have no file that fits.
      if (text === undefined) {
        const file = serializeSpecFile(result.version.spec);
        if (!file.ok) {
          result.fileSkipped = `${this.mirror.pathOf(spec.name)} was not written: it would take ${file.bytes} bytes, and a spec file may hold at most ${MAX_SPEC_SIZE}.`;
          return result;
        }
        text = file.text;
      }
      this.mirror.write(spec.name, text);
      this.seen.set(spec.name, { textHash: textHash(text) });
    }
    result.file = this.mirror.pathOf(spec.name);
    return result;
  }

  private tooBigForFile(name: string, bytes: number): OtelMcpError {
    return invalidArgument(
      `spec '${name}' would take ${bytes} bytes in its file ${this.mirror.pathOf(name)}, even with each top-level entry on one line; a spec may hold at most ${MAX_SPEC_SIZE} (${MAX_SPEC_BYTES} bytes), so this version was not stored`,
      'store a smaller spec: a real one is a few KB (entries that repeat a YAML alias are written out in full, each time)',
    );
  }

  get(name: string, version?: number): TraceSpecVersion {
    const stored = version === undefined ? this.repository.latest(name) : this.repository.get(name, version);
    if (stored) return toTraceSpecVersion(stored);
    const latest = this.repository.latest(name);
    if (latest) {
      throw new OtelMcpError(
        'NOT_FOUND',
        `spec '${name}' has no version ${version}`,
        `versions 1 to ${latest.version} exist; omit version for the latest`,
      );
    }
    throw this.unknownSpec(name);
  }

  history(name: string): TraceSpecVersion[] {
    const versions = this.repository.history(name);
    if (versions.length === 0) throw this.unknownSpec(name);
    return versions.map(toTraceSpecVersion);
  }

  list(): StoredSpecInfo[] {
    return this.repository.list();
  }

  private unknownSpec(name: string): OtelMcpError {
    const names = this.repository.list().map((info) => info.name);
    if (names.length === 0) {
      return new OtelMcpError(
        'NOT_FOUND',
        `no spec named '${name}': no specs are defined yet`,
        'define one with define_trace_spec (list_spec_templates shows ready-made shapes)',
      );
    }
    return new OtelMcpError(
      'NOT_FOUND',
      `no spec named '${name}'; ${didYouMean(name, names)}`,
      'list_trace_specs shows every spec',
    );
  }

  /** A file whose latest content was refused (so writing over it would lose a person's work). */
  private pendingInvalidEdit(file: SpecFileText): InvalidSpecFile | undefined {
    const seen = this.seen.get(file.name);
    if (seen && seen.textHash === file.textHash) return seen.invalid;
    return this.check(file).invalid;
  }

  private importFile(file: SpecFileText, report: SpecSyncReport): FileOutcome {
    const checked = this.check(file);
    if (checked.invalid || !checked.spec) return { textHash: file.textHash, invalid: checked.invalid };
    const latest = this.repository.latest(file.name);
    if (latest?.contentHash === specContentHash(checked.spec)) return { textHash: file.textHash };
    const appended = this.repository.append({
      name: file.name,
      spec: checked.spec,
      source: 'file',
      note: `hand edit of ${basename(file.file)}`,
    });
    if (appended.created)
      report.imported.push({ name: file.name, version: appended.version.version, file: file.file });
    return { textHash: file.textHash };
  }

  private check(file: SpecFileText): { spec?: TraceSpec; invalid?: InvalidSpecFile } {
    const refuse = (problems: SpecProblem[]): { invalid: InvalidSpecFile } => ({
      invalid: { file: file.file, name: file.name, problems },
    });
    if (file.refused !== undefined) return refuse([{ path: 'file', message: file.refused }]);
    if (!isSpecName(file.name)) {
      return refuse([
        { path: 'file', message: `the file name is not a spec name; rename it to ${SPEC_NAME_RULE}` },
      ]);
    }
    const validation = validateTraceSpec(file.text);
    if (!validation.ok || !validation.spec) return refuse(validation.problems);
    if (validation.spec.name !== file.name) {
      return refuse([
        {
          path: 'name',
          message: `is ${JSON.stringify(validation.spec.name)} but the file is ${file.name}.yaml; make them equal`,
        },
      ]);
    }
    return { spec: validation.spec };
  }
}

function toTraceSpecVersion(stored: StoredSpecVersion): TraceSpecVersion {
  // Stored specs were validated when saved; parsing again gives the typed, normalized value.
  return { ...stored, spec: parseTraceSpec(stored.spec) };
}

export function createSpecLibrary(
  repository: SpecRepository,
  specsDir: string,
  log?: (line: string) => void,
): SpecLibrary {
  return new SpecLibrary(repository, specsDir, log);
}
