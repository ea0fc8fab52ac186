/**
 * The end of a process's output, bounded: a command that prints gigabytes costs at most
 * `maxBytes` of memory, and the answer shows its last lines and says how much came before.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - (this.chunks[0]?.length ?? 0) >= this.maxBytes) {
      this.kept -= (this.chunks.shift() as Buffer).length;
    }
  }

  get totalBytes(): number {
    return this.total;
  }

  /** The last `maxLines` lines within `maxChars`, and whether earlier output was left out. */
  tail(maxLines: number, maxChars: number): { text: string; truncated: boolean } {
    const all = Buffer.concat(this.chunks).toString('utf8');
    let text = all.endsWith('\n') ? all.slice(0, -1) : all;
    const lines = text.split('\n');
    let truncated = this.total > this.kept;
    if (lines.length > maxLines) {
      text = lines.slice(-maxLines).join('\n');
      truncated = true;
    }
    if (text.length > maxChars) {
      text = text.slice(-maxChars);
      truncated = true;
    }
    return { text, truncated };
  }

  /** Everything kept, for pattern matching (readiness by log line). */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
