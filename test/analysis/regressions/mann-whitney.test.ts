import { describe, expect, it } from 'vitest';
import { erfc, mannWhitneyU, median } from '../../../src/analysis/index.js';

/** U by its definition: pairs in which the first sample's value is larger, ties counting ½. */
function pairCountU(first: number[], second: number[]): number {
  let u = 0;
  for (const x of first) for (const y of second) u += x > y ? 1 : x === y ? 0.5 : 0;
  return u;
}

/** Mean and variance of U over every split of the pooled values (the exact permutation null). */
function permutationMoments(first: number[], second: number[]): { mean: number; variance: number } {
  const pooled = [...first, ...second];
  const values: number[] = [];
  const choose = (start: number, picked: number[]): void => {
    if (picked.length === first.length) {
      const chosen = new Set(picked);
      values.push(
        pairCountU(
          picked.map((index) => pooled[index] as number),
          pooled.filter((_, index) => !chosen.has(index)),
        ),
      );
      return;
    }
    for (let index = start; index < pooled.length; index += 1) choose(index + 1, [...picked, index]);
  };
  choose(0, []);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, variance };
}

describe('mannWhitneyU', () => {
  it('matches the textbook example (males vs females: U = 17, asymptotic p ≈ 0.1113)', () => {
    // SciPy's documented example, from Conover's textbook; asymptotic p with continuity correction 0.11134688653314041.
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(result.u1).toBe(17);
    expect(result.u2).toBe(3);
    expect(result.pValue).toBeCloseTo(0.11134688653314041, 6);
  });

  it('counts U as the pairs in which the first sample is larger, ties as one half', () => {
    const first = [3, 5, 5, 8, 1, 9, 2];
    const second = [5, 4, 7, 2, 2, 6];
    expect(mannWhitneyU(first, second).u1).toBe(pairCountU(first, second));
  });

  it('uses the tie-corrected variance of the exact permutation distribution', () => {
    const first = [1, 2, 2, 3, 5];
    const second = [2, 3, 3, 4, 6, 6];
    const { mean, variance } = permutationMoments(first, second);
    const result = mannWhitneyU(first, second);
    const deviation = result.u1 - mean;
    const expectedZ = (Math.sign(deviation) * Math.max(0, Math.abs(deviation) - 0.5)) / Math.sqrt(variance);
    expect(result.z).toBeCloseTo(expectedZ, 10);
    expect(result.pValue).toBeCloseTo(erfc(Math.abs(expectedZ) / Math.SQRT2), 10);
  });

  it('gives p = 1 when every value ties, and for an empty sample', () => {
    expect(mannWhitneyU([4, 4, 4], [4, 4]).pValue).toBe(1);
    expect(mannWhitneyU([], [1, 2]).pValue).toBe(1);
  });

  it('computes erfc to 1e-7 at known points', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 7);
    expect(erfc(1.959963984540054 / Math.SQRT2)).toBeCloseTo(0.05, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 7);
  });

  it('takes the median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
