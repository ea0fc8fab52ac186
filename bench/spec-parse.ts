/**
 * What reading a spec's text costs the thread that answers MCP, for the largest texts it accepts
 * (1 MiB): the spec reader (yaml, our linear duplicate-key walk, the nesting-depth scan, toJS) against
 * the bare yaml parser with no duplicate-key check, same text in the same process. A ratio near 1
 * says the checks add little; yaml's own `uniqueKeys` check is shown at a smaller size because it
 * is quadratic in a mapping's keys (minutes at 1 MiB).
 *
 * Then what defining and using a valid 1 MiB spec costs that thread, step by step (read and
 * validate, the YAML mirror, the entry paths, the diff from the previous version, comparing a
 * three-span trace), for a long list, trees of deep children, and one entry with a long list of
 * children. Given the path of a checkout of an older commit (`git worktree add --detach ../base
 * main`, with node_modules linked), only this part runs, its spec functions alternating with
 * these in the same process, and each step is also shown as a ratio new/old.
 *
 *   node --import tsx bench/spec-parse.ts [baseline checkout]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import * as current from '../src/tracespec/index.js';
import { MAX_SPEC_BYTES, readSpecText } from '../src/tracespec/index.js';
import { deepFlowList, wideMapping } from '../test/support/hostile-spec-text.js';
import { deepFan, deepTrees, largestText } from '../test/support/large-spec-text.js';
import { buildTrace } from '../test/support/trace-builder.js';

const REPEATS = 3;

function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(times: number[]): number {
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

function medianMs(run: () => void): number {
  return median(Array.from({ length: REPEATS }, () => timeMs(run)));
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
  ['a list of span entries', largestText(spanList, MAX_SPEC_BYTES)],
  ['one mapping of many keys', largestText(wideMapping, MAX_SPEC_BYTES)],
  ['one flow mapping of many keys', largestText(flowMaps, MAX_SPEC_BYTES)],
  ['[ nested 1 MiB deep', '['.repeat(MAX_SPEC_BYTES)],
  [
    '[ nested 256 deep, then a list',
    `x: ${deepFlowList(256)}\n${largestText(spanList, MAX_SPEC_BYTES - 600).slice(10)}`,
  ],
];

const baselineDir = process.argv[2];
if (baselineDir === undefined) {
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
}

type SpecFunctions = Pick<
  typeof current,
  'validateTraceSpec' | 'serializeSpecYaml' | 'listEntryPaths' | 'diffSpecs' | 'prepareSpecComparison'
>;

/** A span of a top-level entry of each shape, and two that some entries expect beneath it. */
const SMALL_TRACE = buildTrace({ name: 'level.0', children: [{ name: 'op.1' }, { name: 'op.2' }] });

/**
 * The steps of define_trace_spec and compare_trace_to_spec that grow with the spec. The previous
 * version names the last entry differently (one letter, so the text stays within 1 MiB): the diff
 * walks every entry and the order of that entry's siblings.
 */
function defineSteps(spec: SpecFunctions, text: string): [step: string, run: () => void][] {
  const defined = spec.validateTraceSpec(text).spec;
  const last = text.lastIndexOf('operation_name: ') + 'operation_name: '.length;
  const previous = spec.validateTraceSpec(`${text.slice(0, last)}X${text.slice(last + 1)}`).spec;
  if (!defined || !previous) throw new Error('the benchmark spec is not valid');
  return [
    ['read and validate', () => spec.validateTraceSpec(text)],
    ['YAML mirror', () => spec.serializeSpecYaml(defined)],
    ['entry paths', () => spec.listEntryPaths(defined.expected_spans)],
    ['diff from the previous version', () => spec.diffSpecs(previous, defined)],
    ['compare a three-span trace', () => spec.prepareSpecComparison(defined)(SMALL_TRACE)],
  ];
}

const baseline = baselineDir
  ? ((await import(pathToFileURL(resolve(baselineDir, 'src/tracespec/index.ts')).href)) as SpecFunctions)
  : undefined;
const SHAPES: [name: string, text: string][] = [
  ['a list of span entries', largestText(spanList, MAX_SPEC_BYTES)],
  ['trees of children 31 deep', largestText(deepTrees(31), MAX_SPEC_BYTES)],
  ['trees of children 8 deep', largestText(deepTrees(8), MAX_SPEC_BYTES)],
  ['one entry 31 deep with many children', largestText(deepFan(31), MAX_SPEC_BYTES)],
  ['one top-level entry with many children', largestText(deepFan(1), MAX_SPEC_BYTES)],
];

console.log(
  `\ndefining and using a valid 1 MiB spec, median of ${REPEATS} (ms)${baseline ? `, runs alternating with the baseline in ${baselineDir}` : ''}:`,
);
console.log(`shape | step | this tree${baseline ? ' | baseline | ratio' : ''}`);
for (const [shape, text] of SHAPES) {
  const steps = defineSteps(current, text);
  const oldSteps = baseline ? defineSteps(baseline, text) : undefined;
  let total = 0;
  let oldTotal = 0;
  steps.forEach(([step, run], index) => {
    const times: number[] = [];
    const oldTimes: number[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      times.push(timeMs(run));
      const old = oldSteps?.[index]?.[1];
      if (old) oldTimes.push(timeMs(old));
    }
    const ms = median(times);
    total += ms;
    const row = [`${shape} (${text.length} chars)`, step, ms.toFixed(0)];
    if (oldTimes.length > 0) {
      const oldMs = median(oldTimes);
      oldTotal += oldMs;
      row.push(oldMs.toFixed(0), `${(ms / oldMs).toPrecision(2)}×`);
    }
    console.log(row.join(' | '));
  });
  const row = [shape, 'all steps', total.toFixed(0)];
  if (baseline) row.push(oldTotal.toFixed(0), `${(total / oldTotal).toPrecision(2)}×`);
  console.log(row.join(' | '));
}
