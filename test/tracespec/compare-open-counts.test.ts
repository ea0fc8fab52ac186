/**
 * Open-ended counts (the default `{ min: 1 }`) with many candidates, the shape where the assignment
 * used to be slow or never finish: twins sharing every candidate, children under a repeated parent,
 * a top-level entry overlapping a child entry, and a count max judged after other entries are served.
 */
import { describe, expect, it } from 'vitest';
import type { SpanSketch } from '../support/trace-builder.js';
import { compare, kinds, specOf } from './compare-helpers.js';

function spans(count: number, sketch: (n: number) => SpanSketch): SpanSketch[] {
  return Array.from({ length: count }, (_, n) => sketch(n));
}

describe('open-ended counts with many candidates', () => {
  it('satisfies two open-ended twins that share 300 candidates and assigns every span', () => {
    const spec = specOf([
      {
        operation_name: 'root',
        children: [
          { operation_name: 'SELECT' },
          { operation_name: 'SELECT', required_tags: { 'db.op': 'read' } },
        ],
      },
    ]);
    const result = compare(spec, {
      name: 'root',
      children: spans(300, (n) => ({ name: 'SELECT', startMs: n * 0.01, attributes: { 'db.op': 'read' } })),
    });
    expect(result.violations).toEqual([]);
    const [, plain, tagged] = result.entries;
    expect(plain?.found).toBeGreaterThanOrEqual(1);
    expect(tagged?.found).toBeGreaterThanOrEqual(1);
    expect((plain?.found ?? 0) + (tagged?.found ?? 0)).toBe(300);
    expect(result.unexpected_span_count).toBe(0);
  });

  it('checks nested children under each of 40 repeated parents whose twins share every candidate', () => {
    const spec = specOf([
      {
        operation_name: 'root',
        children: [
          {
            operation_name: 'item',
            children: [{ operation_name: 'SELECT' }, { operation_name: 'SELECT', required_tags: { k: 1 } }],
          },
          { operation_name: 'item', required_tags: { k: 1 }, count: { min: 2 } },
        ],
      },
    ]);
    const items = spans(40, (n) => ({
      name: 'item',
      startMs: n,
      attributes: { k: 1 },
      children: spans(4, (m) => ({ name: 'SELECT', startMs: n + m * 0.1, attributes: { k: 1 } })),
    }));
    const result = compare(spec, { name: 'root', children: items });
    expect(result.violations).toEqual([]);
    const found = Object.fromEntries(result.entries.map((entry) => [entry.path, entry.found]));
    expect(found['root > item[2]']).toBe(2);
    expect(found['root > item[1]']).toBe(38);
    // Each of the 38 parents serves both children from its own four SELECTs.
    expect((found['root > item[1] > SELECT[1]'] ?? 0) + (found['root > item[1] > SELECT[2]'] ?? 0)).toBe(
      38 * 4,
    );
    expect(found['root > item[1] > SELECT[2]']).toBeGreaterThanOrEqual(38);
  });

  it('reports the one parent of 30 whose tagged child is missing, under that parent', () => {
    const spec = specOf([
      {
        operation_name: 'root',
        children: [
          {
            operation_name: 'item',
            count: 30,
            children: [{ operation_name: 'SELECT' }, { operation_name: 'SELECT', required_tags: { k: 1 } }],
          },
        ],
      },
    ]);
    const items = spans(30, (n) => ({
      name: 'item',
      startMs: n,
      children: spans(3, (m) => ({
        name: 'SELECT',
        startMs: n + m * 0.1,
        attributes: n === 17 ? { k: 0 } : { k: 1 },
      })),
    }));
    const result = compare(spec, { name: 'root', children: items });
    expect(result.matches_specification).toBe(false);
    // Its SELECTs (k=0) all serve the open-ended SELECT entry: evidence, not a culprit.
    expect(kinds(result)).toEqual(['missing']);
    expect(result.violations[0]?.path).toBe('root > item > SELECT[2]');
    // The 18th item (span ids count from the root: root 1, item n at 2 + 4n).
    expect(result.violations[0]?.under?.span_id).toBe((2 + 4 * 17).toString(16).padStart(16, '0'));
  });

  it('keeps a top-level open-ended entry satisfied when a child entry could take all 200 of its candidates', () => {
    const spec = specOf([
      { operation_name: 'root', children: [{ operation_name: 'SELECT', count: { min: 3 } }] },
      { operation_name: 'SELECT' },
    ]);
    const result = compare(spec, {
      name: 'root',
      children: spans(200, (n) => ({ name: 'SELECT', startMs: n * 0.01 })),
    });
    expect(result.violations).toEqual([]);
    const found = result.entries.map((entry) => entry.found);
    expect(found[1]).toBeGreaterThanOrEqual(3);
    expect(found[2]).toBeGreaterThanOrEqual(1);
    expect((found[1] ?? 0) + (found[2] ?? 0)).toBe(200);
  });
});

describe('count max judged after the other entries are served', () => {
  const spec = specOf([
    {
      operation_name: 'root',
      children: [
        { operation_name: 'X', count: { min: 1, max: 2 } },
        { operation_name: 'X', required_tags: { k: 1 }, count: { min: 3 } },
      ],
    },
  ]);
  const trace = (tagged: number, plain: number): SpanSketch => ({
    name: 'root',
    children: [
      ...spans(tagged, (n) => ({ name: 'X', startMs: n, attributes: { k: 1 } })),
      ...spans(plain, (n) => ({ name: 'X', startMs: 50 + n })),
    ],
  });

  it('does not call the untagged entry too many when the tagged entry needs the spans that match both', () => {
    // Five spans match the first entry (max 2), but three of them fill the tagged entry's min.
    expect(compare(spec, trace(3, 2)).violations).toEqual([]);
  });

  it('names a surplus untagged span once the tagged entry has what it needs', () => {
    const result = compare(spec, trace(3, 3));
    expect(kinds(result)).toEqual(['count_too_high']);
    expect(result.violations[0]?.path).toBe('root > X[1]');
    // Spans: root 1, tagged 2..4, untagged 5..7; the latest untagged one is the surplus.
    expect(result.violations[0]?.span?.span_id).toBe('0000000000000007');
  });
});
