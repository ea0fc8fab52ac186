import { describe, expect, it } from 'vitest';
import { shortPaths } from '../../../src/analysis/render/short-paths.js';

describe('shortPaths', () => {
  it('keeps the last two steps of a deep path, marks what was left out, and names a service only where it changes', () => {
    const path =
      'frontend:POST /checkout > frontend:checkout.process > order-service:POST /orders > inventory-service:POST /inventory/reserve > inventory-service:inventory.reserve';
    expect(shortPaths([path]).get(path)).toBe(
      '… > inventory-service:POST /inventory/reserve > inventory.reserve',
    );
  });

  it('shows a path of one or two steps whole', () => {
    const paths = ['frontend:POST /checkout', 'frontend:POST /checkout > payment-service:payment.charge'];
    expect([...shortPaths(paths).values()]).toEqual([
      'frontend:POST /checkout',
      'frontend:POST /checkout > payment-service:payment.charge',
    ]);
  });

  it('takes more steps for paths that would otherwise read alike, and only for those', () => {
    const viaCart = 'frontend:POST /checkout > cart-service:POST /cart > db:SELECT > db:fetch';
    const viaOrder = 'frontend:POST /checkout > order-service:POST /orders > db:SELECT > db:fetch';
    const other = 'frontend:POST /checkout > order-service:POST /orders > order-service:order.create';
    const shown = shortPaths([viaCart, viaOrder, other]);
    expect(shown.get(viaCart)).toBe('… > cart-service:POST /cart > db:SELECT > fetch');
    expect(shown.get(viaOrder)).toBe('… > order-service:POST /orders > db:SELECT > fetch');
    expect(shown.get(other)).toBe('… > order-service:POST /orders > order.create');
    expect(new Set(shown.values()).size).toBe(3);
  });

  it('tells apart a path from a longer one that ends in the same steps', () => {
    const short = 'db:SELECT > db:fetch';
    const long = 'api:GET > db:SELECT > db:fetch';
    const shown = shortPaths([short, long]);
    expect(shown.get(short)).toBe('db:SELECT > fetch');
    expect(shown.get(long)).toBe('… > db:SELECT > fetch');
  });
});
