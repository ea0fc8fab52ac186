/**
 * What clients name (spans, services, headers) reaches log lines; it must not forge or restyle lines
 * on the developer's terminal.
 */
import { describe, expect, it } from 'vitest';
import { createStderrLogger } from '../../src/cli/stderr-logger.js';

function captured(): { lines: string[]; write: (line: string) => void } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

describe('the stderr logger', () => {
  it('keeps a message with a newline on one line, the newline shown as \\n', () => {
    const { lines, write } = captured();
    createStderrLogger('info', write).warn('span "GET /\notel-mcp error: database wiped" rejected');
    expect(lines).toEqual(['otel-mcp warn: span "GET /\\notel-mcp error: database wiped" rejected\n']);
  });

  it('shows ANSI escape codes and other control characters escaped instead of obeying them', () => {
    const { lines, write } = captured();
    createStderrLogger('info', write).info(
      'service \u001b[2K\u001b[31mpayments\r\t\u0000\u0085\u2028 in C:\\otel café ✓',
    );
    // Backslashes and printable non-ASCII stay as they are: only control characters are escaped.
    expect(lines).toEqual([
      'otel-mcp info: service \\x1b[2K\\x1b[31mpayments\\r\\t\\x00\\x85\\u2028 in C:\\otel café ✓\n',
    ]);
  });
});
