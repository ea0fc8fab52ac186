import { describe, expect, it } from 'vitest';
import { envelopeSample } from '../../../src/tracespec/infer/duration-envelope.js';

const steady = [20, 21, 19, 22, 20, 23, 21, 20, 24, 19, 20, 21, 22, 20, 19, 21, 20, 22, 21];

describe('the sample a duration envelope is built on', () => {
  it('leaves out one far-out stall among 20 steady samples, saying which', () => {
    expect(envelopeSample([...steady, 1750])).toEqual({
      slowestMs: 24,
      stallsMs: [1750],
      fenceMs: expect.any(Number) as number,
    });
  });

  it('keeps the slowest sample of a genuinely long-tailed operation (more than 10% far out)', () => {
    expect(envelopeSample([...steady.slice(0, 16), 900, 1100, 1300, 1500]).slowestMs).toBe(1500);
  });

  it('keeps ordinary spread: nothing within twice the median is a stall', () => {
    expect(envelopeSample([...steady, 39]).slowestMs).toBe(39);
  });

  it('does not judge stalls from fewer than 8 samples', () => {
    expect(envelopeSample([20, 21, 22, 2000])).toEqual({ slowestMs: 2000, stallsMs: [] });
  });
});
