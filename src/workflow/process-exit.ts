/** How a process ended, and the words for it. Pure. */

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `code 1` or `signal SIGTERM`. */
export function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
