/**
 * Reads one spec text from stdin in a process of its own and prints readSpecText's answer as JSON
 * (run with `node --import tsx`): a fresh process, with nothing warmed up, is where a text that
 * made yaml recurse too deep once crashed instead of being refused.
 */
import { readSpecText } from '../../src/tracespec/index.js';

const chunks: Buffer[] = [];
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify(readSpecText(Buffer.concat(chunks).toString('utf8')))}\n`);
});
