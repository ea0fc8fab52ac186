/** What is kept of a line over the limit: enough of each end to find its request id. */
const KEPT_END_BYTES = 4096;

/**
 * Collects one newline-delimited message from stdin chunks. Up to `maxBytes` the whole line is kept;
 * past it only its first and last KEPT_END_BYTES are, so a client that sends 100 MB (or never a
 * newline) costs 8 KiB of memory, not the whole message.
 */
export class BoundedLine {
  private parts: Buffer[] = [];
  private head: Buffer | undefined;
  private tail = Buffer.alloc(0);
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.size += bytes.length;
    if (this.head === undefined && this.size <= this.maxBytes) {
      this.parts.push(bytes);
      return;
    }
    if (this.head === undefined) {
      const whole = Buffer.concat([...this.parts, bytes]);
      this.head = whole.subarray(0, KEPT_END_BYTES);
      this.tail = whole.subarray(whole.length - KEPT_END_BYTES);
      this.parts = [];
      return;
    }
    const joined = Buffer.concat([this.tail, bytes]);
    this.tail = joined.subarray(Math.max(0, joined.length - KEPT_END_BYTES));
  }

  /** The finished line, or its ends and length when it went over the limit; then starts afresh. */
  take(): { text: string } | { oversized: { bytes: number; head: string; tail: string } } {
    const result =
      this.head === undefined
        ? { text: Buffer.concat(this.parts).toString('utf8').replace(/\r$/, '') }
        : {
            oversized: {
              bytes: this.size,
              head: this.head.toString('utf8'),
              tail: Buffer.from(this.tail).toString('utf8').replace(/\r$/, ''),
            },
          };
    this.parts = [];
    this.head = undefined;
    this.tail = Buffer.alloc(0);
    this.size = 0;
    return result;
  }
}
