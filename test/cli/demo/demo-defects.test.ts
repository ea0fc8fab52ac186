import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseDefects } from '../../../src/cli/demo/demo-defects.js';

const manifest = JSON.parse(
  readFileSync(new URL('../../../examples/checkout/checkout.json', import.meta.url), 'utf8'),
) as { defects: Record<string, string> };

describe('the defects the demo switches on', () => {
  it('leaves slow-payment out of all, because missing-call stops the call it would slow down', () => {
    const choice = chooseDefects(manifest.defects, 'all');
    expect(choice.value).toBe('missing-call,wrong-service,n-plus-one,swallowed-error');
    expect(choice.on.every((defect) => defect.hiddenBy === undefined)).toBe(true);
    expect(choice.leftOut).toEqual([
      {
        name: 'slow-payment',
        by: 'missing-call',
        why: expect.stringContaining('no longer calls payment-service'),
      },
    ]);
  });

  it('runs a list the user names as given, and marks the defect another one hides', () => {
    const choice = chooseDefects(manifest.defects, 'slow-payment, missing-call');
    expect(choice.value).toBe('slow-payment,missing-call');
    expect(choice.leftOut).toEqual([]);
    expect(choice.on.map((defect) => [defect.name, defect.hiddenBy?.by])).toEqual([
      ['slow-payment', 'missing-call'],
      ['missing-call', undefined],
    ]);
    expect(chooseDefects(manifest.defects, 'slow-payment').on[0]?.hiddenBy).toBeUndefined();
  });

  it('refuses a defect the example does not have, naming the ones it has', () => {
    expect(() => chooseDefects(manifest.defects, 'missing-call,slow-paymnet')).toThrow(
      /does not have: slow-paymnet/,
    );
    expect(() => chooseDefects(manifest.defects, ',')).toThrow(/names no defect/);
  });
});
