/**
 * The loop an agent runs, end to end through a real MCP client on the real example application:
 * define the spec, start a session, run the five-service checkout with its defects on (red, each
 * culprit named with a fix), with one defect left (still red, but improving), then fixed (green),
 * and read the progression from the session metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExampleApp } from '../../src/cli/demo/example-app.js';
import { startCheckoutSession } from '../support/checkout-session.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';

interface ViolationOut {
  kind: string;
  path: string;
  fix: string;
  span?: { name: string; service: string };
}

describe('the trace-driven loop on the checkout example', () => {
  let harness: Harness;
  let example: ExampleApp;
  let sessionId: string;

  beforeAll(async () => {
    harness = await startHarness();
    ({ example, sessionId } = await startCheckoutSession(harness));
  });
  afterAll(async () => harness?.close());

  it('goes red with every defect named by its culprit, improves as defects are fixed, and ends green with the progression recorded', async () => {
    const red = await harness.call('execute_and_capture', {
      session_id: sessionId,
      env: { CHECKOUT_DEFECTS: 'all' },
    });
    expect(red.isError, red.text).toBe(false);
    expect(red.structured).toMatchObject({ verdict: 'fail', iteration: 1, command: { exit_code: 0 } });
    expect(red.structured.capture.complete).toBe(true);
    expect(red.structured.services.map((service: { name: string }) => service.name)).toEqual(
      example.services.map((service) => service.name),
    );
    const violations = red.structured.comparison.violations as ViolationOut[];
    const find = (kind: string, pathEnd: string) =>
      violations.find((item) => item.kind === kind && item.path.endsWith(pathEnd));
    // missing-call: order-service never calls payment-service (no client span targets its port).
    expect(find('missing', 'order.create > POST /payments')?.fix).toMatch(
      /^nothing called payment-service: `order\.create` \(order-service\) has no call to it; the spec expects `POST \/payments` beneath it/,
    );
    // n-plus-one: one inventory query per item.
    expect(find('count_too_high', 'SELECT inventory')?.span?.service).toBe('inventory-service');
    // wrong-service: the frontend calls inventory-service itself.
    expect(find('forbidden_present', 'checkout.process > POST')?.span?.service).toBe('frontend');
    // swallowed-error: inventory.reserve fails and the order is confirmed anyway.
    expect(
      violations.some((item) => item.kind === 'unexpected_error' && item.span?.name === 'inventory.reserve'),
    ).toBe(true);
    expect(violations.every((item) => item.fix.length > 10)).toBe(true);
    expect(red.structured.next_steps.length).toBeGreaterThan(0);

    // slow-payment alone: the payment is called again, and found too slow.
    const slow = await harness.call('execute_and_capture', {
      session_id: sessionId,
      env: { CHECKOUT_DEFECTS: 'slow-payment' },
    });
    expect(slow.structured).toMatchObject({ verdict: 'fail', iteration: 2 });
    const duration = (slow.structured.comparison.violations as ViolationOut[]).find(
      (item) => item.kind === 'duration',
    );
    expect(duration?.span).toMatchObject({ name: 'payment.process', service: 'payment-service' });
    expect(slow.structured.changes.fixed.length).toBeGreaterThanOrEqual(4);
    // 'all' had slow-payment on too, hidden: payment.process was not checked in iteration 1, whose
    // POST /payments never happened. Its duration is no regression, and nothing beneath POST /payments counts as fixed.
    expect(slow.structured.changes.introduced).toEqual([]);
    expect(slow.structured.changes.fixed).toContain(
      'missing POST /checkout > checkout.process > order.create > POST /payments',
    );
    expect(slow.structured.changes.fixed).not.toContainEqual(expect.stringMatching(/payment\.process/));
    expect(slow.structured.next_steps[0].category).toBe('performance');

    const green = await harness.call('execute_and_capture', { session_id: sessionId });
    expect(green.structured).toMatchObject({ verdict: 'pass', iteration: 3 });
    expect(green.structured.traces[0].services).toEqual([
      'cart-service',
      'frontend',
      'inventory-service',
      'order-service',
      'payment-service',
    ]);

    const metrics = await harness.call('get_session_metrics', { session_id: sessionId });
    expect(metrics.structured).toMatchObject({
      status: 'green',
      iteration_count: 3,
      first_green: { iteration: 3 },
    });
    // Newest first: reversed, the rows read in the order the runs happened.
    const rows = [...(metrics.structured.iterations as { verdict: string; score: number }[])].reverse();
    expect(rows.map((row) => row.verdict)).toEqual(['fail', 'fail', 'pass']);
    expect(rows[0]!.score).toBeLessThan(rows[1]!.score);
    expect(rows[2]!.score).toBe(1);
    // Three runs of five SDK-instrumented processes: ~30 s on a quiet 2-core machine, past 120 s at load 20.
  }, 900_000);
});
