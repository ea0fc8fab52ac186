import { describe, expect, it } from 'vitest';
import { buildSpanTree, criticalPath } from '../../src/analysis/index.js';
import { buildTrace } from '../support/trace-builder.js';
import type { SpanSketch } from '../support/trace-builder.js';

/** The path as `name start-end` in ms, in time order. */
function path(root: SpanSketch): string[] {
  const tree = buildSpanTree(buildTrace(root));
  return criticalPath(tree).map((s) => `${s.node.span.name} ${s.startNs / 1e6}-${s.endNs / 1e6}`);
}

describe('criticalPath', () => {
  it('is the whole span for a single-span trace', () => {
    expect(path({ name: 'only', durationMs: 42 })).toEqual(['only 0-42']);
  });

  it('walks sequential children and gives the gaps to the parent', () => {
    expect(
      path({
        name: 'root',
        durationMs: 100,
        children: [
          { name: 'a', startMs: 10, durationMs: 30 },
          { name: 'b', startMs: 50, durationMs: 40 },
        ],
      }),
    ).toEqual(['root 0-10', 'a 10-40', 'root 40-50', 'b 50-90', 'root 90-100']);
  });

  it('follows only the last-finishing branch of a parallel fan-out', () => {
    expect(
      path({
        name: 'root',
        durationMs: 100,
        children: [
          { name: 'a', startMs: 0, durationMs: 80 },
          { name: 'b', startMs: 0, durationMs: 50 },
          { name: 'c', startMs: 10, durationMs: 80, children: [{ name: 'c1', startMs: 20, durationMs: 30 }] },
        ],
      }),
    ).toEqual(['root 0-10', 'c 10-20', 'c1 20-50', 'c 50-90', 'root 90-100']);
  });

  it('then takes the child that finished latest before the current one started', () => {
    expect(
      path({
        name: 'root',
        durationMs: 100,
        children: [
          { name: 'early-long', startMs: 0, durationMs: 30 },
          { name: 'early-short', startMs: 0, durationMs: 20 },
          { name: 'overlapping', startMs: 25, durationMs: 50 },
          { name: 'last', startMs: 60, durationMs: 40 },
        ],
      }),
    ).toEqual(['early-long 0-30', 'root 30-60', 'last 60-100']);
  });

  it('clips children that overflow their parent', () => {
    expect(
      path({
        name: 'root',
        startMs: 10,
        durationMs: 100,
        children: [
          { name: 'starts-early', startMs: 0, durationMs: 30 },
          { name: 'ends-late', startMs: 80, durationMs: 100 },
        ],
      }),
    ).toEqual(['starts-early 10-30', 'root 30-80', 'ends-late 80-110']);
  });

  it('does not let a consumer under a producer extend the producer', () => {
    expect(
      path({
        name: 'root',
        durationMs: 100,
        children: [
          {
            name: 'publish',
            kind: 'producer',
            startMs: 10,
            durationMs: 40,
            children: [{ name: 'consume', kind: 'consumer', service: 'worker', startMs: 15, durationMs: 30 }],
          },
          { name: 'respond', startMs: 60, durationMs: 20 },
        ],
      }),
    ).toEqual(['root 0-10', 'publish 10-50', 'root 50-60', 'respond 60-80', 'root 80-100']);
  });

  it('keeps a call on the path that ends under 1 ms after the next call starts (whole-ms Node starts)', () => {
    // The checkout trace: inventory's POST ends at 462.2157 ms, the payment POST starts at 462.000
    // (a whole millisecond), and INSERT orders starts at 982.000 while the payment call ends at 982.54.
    expect(
      path({
        name: 'order.create',
        startMs: 330,
        durationMs: 670,
        children: [
          {
            name: 'POST inventory',
            startMs: 336,
            durationMs: 126.2157,
            children: [{ name: 'inventory.reserve', startMs: 338, durationMs: 122 }],
          },
          { name: 'POST payment', startMs: 462, durationMs: 520.54 },
          { name: 'INSERT orders', startMs: 982, durationMs: 15.4 },
        ],
      }),
    ).toEqual([
      // Offsets from the trace start (order.create at 330 ms).
      'order.create 0-6',
      'POST inventory 6-8',
      'inventory.reserve 8-130',
      'POST inventory 130-132',
      'POST payment 132-652',
      'INSERT orders 652-667.4',
      'order.create 667.4-670',
    ]);
  });

  it('still leaves out a sibling that ran alongside by 1 ms or more', () => {
    expect(
      path({
        name: 'root',
        durationMs: 100,
        children: [
          { name: 'a', startMs: 10, durationMs: 41 },
          { name: 'b', startMs: 50, durationMs: 40 },
        ],
      }),
    ).toEqual(['root 0-50', 'b 50-90', 'root 90-100']);
  });

  it('leaves out sub-millisecond siblings that overlap by half their length or more', () => {
    expect(
      path({
        name: 'root',
        durationMs: 2,
        children: [
          { name: 'a', startMs: 0.5, durationMs: 0.4 },
          { name: 'b', startMs: 0.7, durationMs: 0.4 },
        ],
      }),
    ).toEqual(['root 0-0.7', 'b 0.7-1.1', 'root 1.1-2']);
  });

  it('tiles the root exactly, whatever the shape', () => {
    const tree = buildSpanTree(
      buildTrace({
        name: 'root',
        durationMs: 300,
        children: [
          { name: 'x', startMs: 5, durationMs: 100, children: [{ name: 'y', startMs: 0, durationMs: 400 }] },
          { name: 'z', startMs: 90, durationMs: 150 },
          { name: 'w', startMs: 250, durationMs: 10 },
        ],
      }),
    );
    const segments = criticalPath(tree);
    const covered = segments.reduce((sum, s) => sum + s.endNs - s.startNs, 0);
    expect(covered).toBe(300e6);
    for (let i = 1; i < segments.length; i += 1) expect(segments[i]?.startNs).toBe(segments[i - 1]?.endNs);
  });

  it('survives a chain 20,000 spans deep', () => {
    // Level i runs from i µs to (2L + 1 − i) µs: each level owns 1 µs at either end of its child.
    const levels = 20_000;
    let sketch: SpanSketch = { name: 'leaf', startMs: levels / 1000, durationMs: 1 / 1000 };
    for (let i = levels - 1; i >= 0; i -= 1) {
      sketch = {
        name: `level${i}`,
        startMs: i / 1000,
        durationMs: (2 * levels + 1 - 2 * i) / 1000,
        children: [sketch],
      };
    }
    const tree = buildSpanTree(buildTraceIteratively(sketch));
    expect(tree.maxDepth).toBe(levels + 1);
    const segments = criticalPath(tree);
    expect(segments).toHaveLength(2 * levels + 1);
    expect(segments[levels]?.node.span.name).toBe('leaf');
  });
});

/** The shared builder recurses; flatten the chain by hand so the test exercises only our code. */
function buildTraceIteratively(root: SpanSketch): ReturnType<typeof buildTrace> {
  const flat: SpanSketch[] = [];
  let parentId: string | undefined;
  let index = 0;
  for (let node: SpanSketch | undefined = root; node !== undefined; node = node.children?.[0]) {
    index += 1;
    const spanId = index.toString(16).padStart(16, '0');
    flat.push({
      name: node.name,
      startMs: node.startMs,
      durationMs: node.durationMs,
      spanId,
      ...(parentId ? { missingParentId: parentId } : {}),
    });
    parentId = spanId;
  }
  return buildTrace(flat);
}
