/**
 * The lines of a crashed process's stderr that say what went wrong: the error line and the first
 * frames nearest to it, read the way each runtime prints an uncaught error. The end of the output
 * is the wrong end (Node's last line is its version, Java's the outermost frame), and the start
 * may be unrelated log lines. Pure.
 */

/** Frames kept after the error line: enough to name the file and function that threw. */
const FRAMES = 3;

/** The runtime's own frames say nothing about the program; they are skipped while others remain. */
const RUNTIME_FRAME = /\((node:internal|node:)|at node:|java\.base\/|at jdk\.|at sun\./;

function programFrames(frames: string[]): string[] {
  const own = frames.filter((frame) => !RUNTIME_FRAME.test(frame));
  return (own.length > 0 ? own : frames).slice(0, FRAMES);
}
const LINE_CHARS = 240;

export interface CrashExcerpt {
  /** `TypeError: Cannot read properties of undefined (reading 'id')`. */
  error: string;
  /** Innermost first, e.g. `at handler (/srv/gateway.cjs:42:17)`. */
  frames: string[];
}

export function crashExcerpt(stderr: string): CrashExcerpt | undefined {
  const lines = stderr.split('\n').map((line) => line.replace(/\r$/, ''));
  return python(lines) ?? goPanic(lines) ?? java(lines) ?? node(lines);
}

/** The excerpt as indented lines, or the last `fallbackLines` lines of stderr when nothing is recognized. */
export function describeCrash(stderr: string, fallbackLines = 3): string[] {
  const excerpt = crashExcerpt(stderr);
  if (excerpt) return [excerpt.error, ...excerpt.frames].map(clip);
  return stderr.trimEnd().split('\n').slice(-fallbackLines).map(clip);
}

function clip(line: string): string {
  const trimmed = line.trim();
  return trimmed.length > LINE_CHARS ? `${trimmed.slice(0, LINE_CHARS - 1)}…` : trimmed;
}

/** `Traceback (most recent call last):` … frames outermost first … `KeyError: 'x'`. */
function python(lines: string[]): CrashExcerpt | undefined {
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    if ((lines[i] as string).startsWith('Traceback (most recent call last):')) {
      start = i;
      break;
    }
  }
  if (start < 0) return undefined;
  let errorAt = -1;
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line !== '' && !/^\s/.test(line)) {
      errorAt = i;
      break;
    }
  }
  if (errorAt < 0) return undefined;
  const frames: string[] = [];
  for (let i = errorAt - 1; i > start && frames.length < FRAMES; i -= 1) {
    const line = (lines[i] as string).trim();
    if (line.startsWith('File "')) frames.push(line);
  }
  return { error: lines[errorAt] as string, frames };
}

/** `panic: …` or `fatal error: …`, then `goroutine N [running]:` and function / file line pairs. */
function goPanic(lines: string[]): CrashExcerpt | undefined {
  const errorAt = lines.findIndex((line) => /^(panic: |fatal error: )/.test(line));
  if (errorAt < 0) return undefined;
  const frames: string[] = [];
  for (let i = errorAt + 1; i + 1 < lines.length && frames.length < FRAMES; i += 1) {
    const fn = lines[i] as string;
    const file = lines[i + 1] as string;
    if (!/^\t/.test(file) || /^\s/.test(fn) || fn.startsWith('goroutine ')) continue;
    // The runtime's own frames (the panic machinery) say nothing about the program.
    if (!fn.startsWith('runtime.') && !fn.startsWith('panic('))
      frames.push(`${fn.trim()} at ${file.trim().replace(/ \+0x[0-9a-f]+$/, '')}`);
    i += 1;
  }
  return { error: lines[errorAt] as string, frames };
}

/** `Exception in thread "main" java.lang.X: msg` and `\tat …` frames; the deepest `Caused by:` wins. */
function java(lines: string[]): CrashExcerpt | undefined {
  const isFrame = (line: string): boolean => /^\s+at [\w$.<>/]+\(/.test(line);
  let errorAt = -1;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const next = lines[i + 1] ?? '';
    if (!isFrame(next)) continue;
    if (
      /^Exception in thread /.test(line) ||
      /^Caused by: /.test(line) ||
      /^[a-z][\w$]*(\.[\w$]+)+(Exception|Error)(: |$)/.test(line)
    )
      errorAt = i;
  }
  if (errorAt < 0) return undefined;
  const frames: string[] = [];
  for (let i = errorAt + 1; i < lines.length && isFrame(lines[i] as string); i += 1)
    frames.push((lines[i] as string).trim());
  return { error: lines[errorAt] as string, frames: programFrames(frames) };
}

/** `TypeError: …` (after the source line and caret Node prints first) and `    at …` frames. */
function node(lines: string[]): CrashExcerpt | undefined {
  const isFrame = (line: string): boolean => /^\s+at /.test(line);
  const errorAt = lines.findIndex(
    (line, i) =>
      /^(Uncaught )?[A-Z][\w$]*(Error|Exception)\b.*/.test(line) &&
      (isFrame(lines[i + 1] ?? '') || /^\w*Error: /.test(line)),
  );
  if (errorAt < 0) return undefined;
  const all: string[] = [];
  for (let i = errorAt + 1; i < lines.length && isFrame(lines[i] as string); i += 1)
    all.push((lines[i] as string).trim());
  const frames = programFrames(all);
  // Node prints the throwing line's location first (`/srv/gateway.cjs:42`): keep it when no frame says it.
  const location = lines.slice(0, errorAt).find((line) => /^\/.+:\d+$/.test(line));
  if (location && frames.length === 0) frames.push(`at ${location}`);
  return { error: lines[errorAt] as string, frames };
}
