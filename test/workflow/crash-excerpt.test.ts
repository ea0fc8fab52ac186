import { describe, expect, it } from 'vitest';
import { crashExcerpt, describeCrash } from '../../src/workflow/crash-excerpt.js';

// What each runtime printed for an uncaught error (Node 20, CPython 3.11, OpenJDK 17, Go 1.26), verbatim.
const NODE = [
  '/tmp/crash/gw.cjs:3',
  '  return body.loan.id;',
  '                   ^',
  '',
  "TypeError: Cannot read properties of undefined (reading 'id')",
  '    at handle (/tmp/crash/gw.cjs:3:20)',
  '    at Timeout._onTimeout (/tmp/crash/gw.cjs:5:20)',
  '    at listOnTimeout (node:internal/timers:581:17)',
  '    at process.processTimers (node:internal/timers:519:7)',
  '',
  'Node.js v20.20.2',
].join('\n');
const PYTHON = [
  'Traceback (most recent call last):',
  '  File "/tmp/crash/app.py", line 6, in <module>',
  '    main()',
  '  File "/tmp/crash/app.py", line 5, in main',
  '    create_loan({})',
  '  File "/tmp/crash/app.py", line 3, in create_loan',
  '    return body["member"]["code"]',
  '           ~~~~^^^^^^^^^^',
  "KeyError: 'member'",
].join('\n');
const JAVA = [
  'fees: starting',
  'Exception in thread "main" java.lang.NumberFormatException: For input string: "five"',
  '\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)',
  '\tat java.base/java.lang.Integer.parseInt(Integer.java:668)',
  '\tat java.base/java.lang.Integer.parseInt(Integer.java:786)',
  '\tat Fees.quote(Fees.java:2)',
  '\tat Fees.main(Fees.java:3)',
].join('\n');
const GO = [
  'panic: runtime error: invalid memory address or nil pointer dereference',
  '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x49e188]',
  '',
  'goroutine 1 [running]:',
  'main.send(...)',
  '\t/tmp/crash/gocrash/main.go:7',
  'main.main()',
  '\t/tmp/crash/gocrash/main.go:11 +0x48',
].join('\n');

describe("the crash excerpt of a service's stderr", () => {
  it("keeps Node's error line and the program's frames, not its version line or internal frames", () => {
    expect(crashExcerpt(NODE)).toEqual({
      error: "TypeError: Cannot read properties of undefined (reading 'id')",
      frames: ['at handle (/tmp/crash/gw.cjs:3:20)', 'at Timeout._onTimeout (/tmp/crash/gw.cjs:5:20)'],
    });
  });

  it("keeps Python's exception line and the innermost frames first", () => {
    expect(crashExcerpt(PYTHON)).toEqual({
      error: "KeyError: 'member'",
      frames: [
        'File "/tmp/crash/app.py", line 3, in create_loan',
        'File "/tmp/crash/app.py", line 5, in main',
        'File "/tmp/crash/app.py", line 6, in <module>',
      ],
    });
  });

  it("keeps Java's exception line and the application's frames, skipping java.base", () => {
    expect(crashExcerpt(JAVA)).toEqual({
      error: 'Exception in thread "main" java.lang.NumberFormatException: For input string: "five"',
      frames: ['at Fees.quote(Fees.java:2)', 'at Fees.main(Fees.java:3)'],
    });
  });

  it("keeps Go's panic line and the program's function and file pairs", () => {
    expect(crashExcerpt(GO)).toEqual({
      error: 'panic: runtime error: invalid memory address or nil pointer dereference',
      frames: [
        'main.send(...) at /tmp/crash/gocrash/main.go:7',
        'main.main() at /tmp/crash/gocrash/main.go:11',
      ],
    });
  });

  it("falls back to the last lines when no runtime's error shape is found", () => {
    expect(crashExcerpt('starting\nfatal: crashing in the middle of /crash')).toBeUndefined();
    expect(describeCrash('a\nb\nstarting\nfatal: crashing in the middle of /crash\n', 2)).toEqual([
      'starting',
      'fatal: crashing in the middle of /crash',
    ]);
  });

  it('prefers the last traceback when a Python process printed several', () => {
    const twice = `${PYTHON}\nretrying\nTraceback (most recent call last):\n  File "/srv/app.py", line 9, in retry\nValueError: again`;
    expect(crashExcerpt(twice)?.error).toBe('ValueError: again');
  });
});
