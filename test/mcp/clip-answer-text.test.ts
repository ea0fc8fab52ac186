import { describe, expect, it } from 'vitest';
import { clipAnswerText } from '../../src/mcp/output-budget.js';

describe("the registry's last-resort cut of an answer's text", () => {
  const closing = [
    'Cut for size: 3 rows. The rest: call t again with the same arguments and cursor="t.abc.1.0-1-abcdefgh".',
    'Next: open a span.',
  ];

  it('leaves a text within the budget as it is', () => {
    const text = ['short', ...closing].join('\n');
    expect(clipAnswerText(text, 1000)).toBe(text);
  });

  it('cuts the middle, says how much, and keeps the closing lines with the cursor whole', () => {
    const text = ['head line', 'x'.repeat(5000), ...closing].join('\n');
    const clipped = clipAnswerText(text, 1000);
    expect(clipped.length).toBeLessThanOrEqual(1000);
    expect(clipped.startsWith('head line\nxxx')).toBe(true);
    expect(clipped).toMatch(/… \[answer cut to fit budget_tokens: \d+ more chars\]\n/);
    expect(clipped.endsWith(closing.join('\n'))).toBe(true);
  });

  it('cuts like any text when the closing lines alone fill the budget, never making it longer', () => {
    const text = ['head', 'y'.repeat(400), `Next: ${'z'.repeat(300)}`].join('\n');
    const clipped = clipAnswerText(text, 250);
    expect(clipped.length).toBeLessThan(text.length);
    expect(clipped.startsWith('head\nyyy')).toBe(true);
  });
});
