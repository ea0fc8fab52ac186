import { describe, expect, it } from 'vitest';
import { maxWeightAssignment, type WeightedEdge } from '../../src/tracespec/compare/max-weight-assignment.js';

describe('maxWeightAssignment', () => {
  it('finishes with interchangeable items at tiered weights of millions, where rounding makes zero-cost cycles look negative', () => {
    // The shape of two sibling entries over five interchangeable spans: required slots worth
    // 3·10^6 and 10^6 (children satisfied beneath), extras worth ~1-3, tie-breaks of 10^-4.
    const edges: WeightedEdge[] = [];
    for (let item = 0; item < 5; item += 1) {
      const tieBreak = (5 - item) * 1.92e-4;
      edges.push({ group: 0, item, weight: 3_000_002 + tieBreak }, { group: 1, item, weight: 3 + tieBreak });
      edges.push({ group: 2, item, weight: 1_000_000 + tieBreak }, { group: 3, item, weight: 1 + tieBreak });
    }
    const used = maxWeightAssignment([1, 5, 2, 5], 5, edges);
    const perGroup = [0, 0, 0, 0];
    const perItem = [0, 0, 0, 0, 0];
    used.forEach((isUsed, position) => {
      if (!isUsed) return;
      const edge = edges[position] as WeightedEdge;
      perGroup[edge.group] = (perGroup[edge.group] ?? 0) + 1;
      perItem[edge.item] = (perItem[edge.item] ?? 0) + 1;
    });
    expect(perGroup[0]).toBe(1);
    expect(perGroup[2]).toBe(2);
    expect(perItem).toEqual([1, 1, 1, 1, 1]);
    // The two spare items go to the better extras.
    expect(perGroup[1]).toBe(2);
  });

  it('prefers the earlier item on a tie-break worth 10^-7 below weights of a million', () => {
    const edges: WeightedEdge[] = [
      { group: 0, item: 0, weight: 1_000_000 + 1e-7 },
      { group: 0, item: 1, weight: 1_000_000 + 2e-7 },
    ];
    expect(maxWeightAssignment([1], 2, edges)).toEqual([false, true]);
  });
});
