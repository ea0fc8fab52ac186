/** Suggestions: a short, prioritized, de-duplicated list of actions from a comparison. */
import { describe, expect, it } from 'vitest';
import { suggestImprovements } from '../../src/tracespec/index.js';
import { compare, specOf } from './compare-helpers.js';

const result = compare(
  specOf([
    {
      operation_name: 'root',
      children: [
        { operation_name: 'slow', expected_duration_ms: { max: 1 } },
        { operation_name: 'tagged', required_tags: { k: 'v' } },
        { operation_name: 'absent', service_name: 'inventory-service' },
        { operation_name: 'elsewhere', service_name: 'payment-service' },
      ],
    },
  ]),
  {
    name: 'root',
    children: [
      { name: 'slow', durationMs: 5 },
      { name: 'tagged', attributes: { k: 'x' } },
      { name: 'elsewhere', service: 'order-service' },
      { name: 'boom', status: 'error' },
    ],
  },
);

describe('suggestImprovements', () => {
  it('orders actions: errors, missing structure, placement, tags, performance', () => {
    expect(
      suggestImprovements(result).map((improvement) => [improvement.priority, improvement.category]),
    ).toEqual([
      // Priority 1 is lost telemetry (capture), which a comparison alone never reports.
      [2, 'error'],
      [3, 'structure'],
      [4, 'placement'],
      [5, 'tags'],
      [6, 'performance'],
    ]);
  });

  it('phrases actions in the agent’s terms, with the entry path and span', () => {
    const [, add, move] = suggestImprovements(result);
    expect(add).toEqual({
      priority: 3,
      category: 'structure',
      action: 'add a span `absent` in `inventory-service`, as a child of `root`',
      path: 'root > absent',
      source: 'spec_comparison',
    });
    expect(move?.action).toBe(
      'span `elsewhere` is in `order-service`; the spec expects it in `payment-service`: emit it from that service (or change service_name in the spec)',
    );
    expect(move?.span_id).toBe('0000000000000004');
  });

  it('accepts tagged sources and caps the list', () => {
    expect(
      suggestImprovements(
        [
          { type: 'spec_comparison', result },
          { type: 'spec_comparison', result },
        ],
        { max: 2 },
      ),
    ).toHaveLength(2);
    expect(suggestImprovements({ type: 'spec_comparison', result })).toHaveLength(5);
  });

  it('has nothing to suggest for a matching trace', () => {
    expect(suggestImprovements(compare(specOf([{ operation_name: 'a' }]), { name: 'a' }))).toEqual([]);
  });
});
