import type { Span } from '../model/index.js';
import { clip } from './capped.js';

/** What an `exception` span event says (semantic conventions: exception.type / .message / .stacktrace). */
export interface ExceptionInfo {
  type?: string;
  message?: string;
  /** The frame that raised it, from `exception.stacktrace`. */
  frame?: string;
  /** `exception.escaped`: the exception left the span's scope. */
  escaped?: boolean;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The frame where the exception was raised. Java, .NET, JavaScript and Go print the innermost
 * frame first (`at …`); Python prints it last (`File "…", line N, in f`, after `Traceback`).
 */
export function firstStackFrame(stacktrace: string): string | undefined {
  const lines = stacktrace
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines[0]?.startsWith('Traceback')) {
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const line = lines[i] as string;
      if (line.startsWith('File ')) return clip(line, 160);
    }
    return undefined;
  }
  const frame = lines.find((line) => line.startsWith('at '));
  if (frame !== undefined) return clip(frame.slice(3), 160);
  // Go panics and other formats: the first line after the message is the best guess.
  return lines[1] === undefined ? undefined : clip(lines[1], 160);
}

export function exceptionsOf(span: Span): ExceptionInfo[] {
  const found: ExceptionInfo[] = [];
  for (const event of span.events) {
    if (event.name !== 'exception') continue;
    const info: ExceptionInfo = {};
    const type = text(event.attributes['exception.type']);
    const message = text(event.attributes['exception.message']);
    const stack = text(event.attributes['exception.stacktrace']);
    if (type !== undefined) info.type = clip(type, 120);
    if (message !== undefined) info.message = clip(message);
    if (stack !== undefined) {
      const frame = firstStackFrame(stack);
      if (frame !== undefined) info.frame = frame;
    }
    const escaped = event.attributes['exception.escaped'];
    if (typeof escaped === 'boolean') info.escaped = escaped;
    found.push(info);
  }
  return found;
}
