/**
 * Cost of a spec's regex matcher on the linear-time engine (re2js, RE2 in pure JavaScript) against
 * Node's built-in RegExp, same patterns and values in the same process. Typical tag patterns on
 * typical values; printed as nanoseconds per match and the ratio re2js / RegExp. The ratio says what
 * the safety costs a comparison: a 2,000-span trace with one regex per span does 2,000 matches.
 *
 *   node --import tsx bench/regex-matching.ts
 */
import os from 'node:os';
import { compileLinearRegex } from '../src/tracespec/index.js';

const CASES: [pattern: string, values: string[]][] = [
  ['^/api/', ['/api/users/42', '/web/index.html', '/api/orders']],
  ['FROM carts', ['SELECT id, total FROM carts WHERE user_id = $1', 'SELECT * FROM orders']],
  ['^(GET|HEAD)$', ['GET', 'POST', 'HEAD']],
  ['^/(users|orders)/[0-9]+$', ['/users/123', '/orders/9x', '/products/1']],
  ['\\bcheckout\\b', ['POST /checkout', 'checkouts.list']],
];
const ROUNDS = 20_000;
const REPEATS = 7;

function nsPerMatch(test: (pattern: number, value: string) => boolean): number {
  const times: number[] = [];
  let matched = 0;
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const start = process.hrtime.bigint();
    for (let round = 0; round < ROUNDS; round += 1)
      CASES.forEach(([, values], index) => {
        for (const value of values) if (test(index, value)) matched += 1;
      });
    times.push(Number(process.hrtime.bigint() - start));
  }
  if (matched === 0) throw new Error('nothing matched: the benchmark measures nothing');
  const matches = ROUNDS * CASES.reduce((sum, [, values]) => sum + values.length, 0);
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]! / matches;
}

const native = CASES.map(([pattern]) => new RegExp(pattern));
const linear = CASES.map(([pattern]) => {
  const compiled = compileLinearRegex(pattern);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.regex;
});
for (const [index, [, values]] of CASES.entries())
  for (const value of values)
    if (native[index]!.test(value) !== linear[index]!.test(value))
      throw new Error(`engines disagree on ${value}`);

// Warm both up before measuring, so neither pays for JIT compilation in its figure.
nsPerMatch((index, value) => native[index]!.test(value));
nsPerMatch((index, value) => linear[index]!.test(value));
const nativeNs = nsPerMatch((index, value) => native[index]!.test(value));
const linearNs = nsPerMatch((index, value) => linear[index]!.test(value));

const compileRounds = 2_000;
const compileStart = process.hrtime.bigint();
for (let round = 0; round < compileRounds; round += 1)
  for (const [pattern] of CASES) compileLinearRegex(`${pattern}|x${round}`); // distinct: no cache hit
const compileUs = Number(process.hrtime.bigint() - compileStart) / 1000 / (compileRounds * CASES.length);

console.log(`${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.log(`${CASES.length} tag patterns, ${ROUNDS} rounds over their values, median of ${REPEATS} runs`);
console.log(`RegExp (backtracking): ${nativeNs.toFixed(0)} ns per match`);
console.log(`re2js (linear time):   ${linearNs.toFixed(0)} ns per match`);
console.log(`ratio re2js / RegExp:  ${(linearNs / nativeNs).toFixed(1)}x`);
console.log(`re2js compile:         ${compileUs.toFixed(1)} µs per pattern (once per pattern: cached)`);
