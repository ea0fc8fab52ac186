import type { SpanSketch } from './trace-builder.js';

/**
 * One order reserving its stock with `queries` SELECTs of ~16 ms (±20%, from `rand`) one after
 * another under `inventory.reserve`: 1 is right, 5 is checkout's N+1. `resourceAttributes` go on
 * every span (a run id, say).
 */
export function inventoryReserveSketch(
  rand: () => number,
  queries: number,
  resourceAttributes: Record<string, string> = {},
): SpanSketch {
  const noisy = (ms: number): number => ms * (0.8 + rand() * 0.4);
  const own = queries * 16 + noisy(4);
  return {
    name: 'POST /orders',
    service: 'order-service',
    durationMs: own + 10,
    resourceAttributes,
    children: [
      {
        name: 'inventory.reserve',
        service: 'inventory-service',
        startMs: 1,
        durationMs: own,
        resourceAttributes,
        children: Array.from({ length: queries }, (_, i) => ({
          name: 'SELECT inventory',
          service: 'inventory-service',
          kind: 'client' as const,
          startMs: 2 + i * 16,
          durationMs: noisy(16),
          resourceAttributes,
        })),
      },
    ],
  };
}
