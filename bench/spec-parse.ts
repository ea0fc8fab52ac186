/**
 * What reading a spec's text costs the thread that answers MCP, for the largest texts it accepts
 * (1 MiB): the spec reader (yaml, our linear duplicate-key walk, the flow-depth scan, toJS) against
 * the bare yaml parser with no duplicate-key check, same text in the same process. A ratio near 1
 * says the checks add little; yaml's own `uniqueKeys` check is shown at a smaller size because it
 * is quadratic in a mapping's keys (minutes at 1 MiB).
 *
 *   node --import tsx bench/spec-parse.ts
 */
import { parseAllDocuments } from 'yaml';
import { MAX_SPEC_BYTES, readSpecText } from '../src/tracespec/index.js';
import { deepFlowList, wideMapping } from '../test/support/hostile-spec-text.js';

const REPEATS = 3;

/** The largest text of `make(n)` within `bytes`. */
function largest(make: (n: number) => string, bytes: number): string {
  let low = 1;
  let high = 2;
  while (make(high).length <= bytes) high *= 2;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (make(middle).length <= bytes) low = middle;
    else high = middle;
  }
  return make(low);
}

function medianMs(run: () => void): number {
  const times: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
}

function bareYaml(text: string, uniqueKeys: boolean): void {
  const [document] = parseAllDocuments(text, { uniqueKeys }) as ReturnType<typeof parseAllDocuments> &
    unknown[];
  if (document && 'errors' in document && document.errors.length === 0) document.toJS();
}

const spanList = (n: number) =>
  `name: big\nexpected_spans:\n${Array.from({ length: n }, (_, i) => `  - operation_name: GET /items/${i}\n    required_tags: { http.route: /items/${i} }\n`).join('')}`;
const flowMaps = (n: number) => `{${Array.from({ length: n }, (_, i) => `k${i}: {a: 1}`).join(', ')}}`;

const CASES: [name: string, text: string][] = [
  ['a list of span entries', largest(spanList, MAX_SPEC_BYTES)],
  ['one mapping of many keys', largest(wideMapping, MAX_SPEC_BYTES)],
  ['one flow mapping of many keys', largest(flowMaps, MAX_SPEC_BYTES)],
  ['[ nested 1 MiB deep', '['.repeat(MAX_SPEC_BYTES)],
  [
    '[ nested 256 deep, then a list',
    `x: ${deepFlowList(256)}\n${largest(spanList, MAX_SPEC_BYTES - 600).slice(10)}`,
  ],
];

readSpecText(CASES[0]![1]); // warm up
console.log('1 MiB spec texts, median of 3 (ms):');
console.log('case | spec reader | bare yaml, no key check | ratio');
for (const [name, text] of CASES) {
  const reader = medianMs(() => readSpecText(text));
  const bare = medianMs(() => bareYaml(text, false));
  console.log(
    `${name} (${text.length} chars) | ${reader.toFixed(0)} | ${bare.toFixed(0)} | ${(reader / bare).toPrecision(2)}×`,
  );
}

const keys = 20_000;
const wide = wideMapping(keys);
const linear = medianMs(() => readSpecText(wide));
const quadratic = medianMs(() => bareYaml(wide, true));
console.log(
  `one mapping of ${keys} keys (${wide.length} chars): spec reader ${linear.toFixed(0)} ms, yaml's uniqueKeys check ${quadratic.toFixed(0)} ms (${(quadratic / linear).toFixed(1)}× the reader)`,
);
