import { describe, expect, it } from 'vitest';
import { buildSpanTree, descendantCounts } from '../../src/analysis/index.js';
import { buildTrace } from '../support/trace-builder.js';

describe('buildSpanTree', () => {
  it('indexes children by parent in start order and measures depth', () => {
    const trace = buildTrace({
      name: 'root',
      durationMs: 100,
      children: [
        { name: 'b', startMs: 50, durationMs: 10 },
        { name: 'a', startMs: 10, durationMs: 10, children: [{ name: 'a1', startMs: 12, durationMs: 2 }] },
      ],
    });
    const tree = buildSpanTree(trace);
    expect(tree.roots.map((n) => n.span.name)).toEqual(['root']);
    expect(tree.roots[0]?.children.map((n) => n.span.name)).toEqual(['a', 'b']);
    expect(tree.maxDepth).toBe(3);
    expect(tree.preorder.map((n) => n.span.name)).toEqual(['root', 'a', 'a1', 'b']);
    expect(tree.endNs).toBe(100e6);
    expect(descendantCounts(tree)[tree.roots[0]?.index ?? -1]).toBe(3);
  });

  it('gives a single-span trace depth 1', () => {
    const tree = buildSpanTree(buildTrace({ name: 'only' }));
    expect(tree.maxDepth).toBe(1);
    expect(tree.tops).toHaveLength(1);
  });

  it('reports a span whose parent never arrived as an orphan heading its own fragment', () => {
    const trace = buildTrace([
      { name: 'root', durationMs: 50 },
      {
        name: 'lost',
        service: 'billing',
        missingParentId: 'feedfacefeedface',
        children: [{ name: 'below' }],
      },
    ]);
    const tree = buildSpanTree(trace);
    expect(tree.orphans.map((n) => n.span.name)).toEqual(['lost']);
    expect(tree.tops.map((n) => n.span.name)).toEqual(['root', 'lost']);
    expect(tree.orphans[0]?.children.map((n) => n.span.name)).toEqual(['below']);
  });

  it('cuts a parent loop instead of walking it forever', () => {
    const trace = buildTrace([
      { name: 'a', spanId: 'aaaaaaaaaaaaaaaa', missingParentId: 'bbbbbbbbbbbbbbbb', startMs: 0 },
      { name: 'b', spanId: 'bbbbbbbbbbbbbbbb', missingParentId: 'aaaaaaaaaaaaaaaa', startMs: 1 },
      { name: 'self', spanId: 'cccccccccccccccc', missingParentId: 'cccccccccccccccc', startMs: 2 },
    ]);
    const tree = buildSpanTree(trace);
    expect(tree.preorder).toHaveLength(3);
    expect(tree.cyclic.map((n) => n.span.name)).toEqual(['a', 'self']);
    expect(tree.byId.get('bbbbbbbbbbbbbbbb')?.parent?.span.name).toBe('a');
  });

  it('counts repeated span ids and attaches children to the first', () => {
    const trace = buildTrace([
      { name: 'first', spanId: '1111111111111111', startMs: 0, durationMs: 20 },
      { name: 'again', spanId: '1111111111111111', startMs: 5 },
      { name: 'child', missingParentId: '1111111111111111', startMs: 6 },
    ]);
    const tree = buildSpanTree(trace);
    expect(tree.duplicateIdCount).toBe(1);
    expect(tree.byId.get('1111111111111111')?.span.name).toBe('first');
    expect(tree.byId.get('1111111111111111')?.children.map((n) => n.span.name)).toEqual(['child']);
  });
});
