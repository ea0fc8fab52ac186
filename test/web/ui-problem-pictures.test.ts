/**
 * What the pictures show of a problem beyond one span, in a real browser: a session whose run lost
 * spans to a crashed service (run for real through a real MCP client), drawn as lost spans and not
 * as a regression; and the spec overlay marking every span a violation is about. Screenshots go to
 * test-artifacts/screenshots.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveUi, type UiServer } from '../../src/web/ui-server.js';
import { launchBrowser, pageProblems, screenshot, SKIP_BROWSER } from '../support/browser.js';
import { freePort } from '../support/free-port.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow, repeated } from '../support/trace-builder.js';
import { CRASH_ONCE_SPEC } from '../support/crash-once-spec.js';

const UI_DIR = join(import.meta.dirname, '..', '..', 'dist', 'ui');
const SCRIPTS = fileURLToPath(new URL('../fixtures/run-scripts/', import.meta.url));
const NODE = JSON.stringify(process.execPath);

describe.skipIf(SKIP_BROWSER)('pictures of what a problem covers, in Chromium', () => {
  let harness: Harness;
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let lostSession: string;
  let checkoutTrace: string;

  beforeAll(async () => {
    harness = await startHarness();
    ui = await serveUi(harness.app.toolDeps, { port: 0, uiDir: UI_DIR });
    harness.app.toolDeps.ui = { baseUrl: ui.url };
    await harness.call('define_trace_spec', {
      name: 'crash_once',
      specification: CRASH_ONCE_SPEC,
    });
    const created = await harness.call('create_development_session', {
      project_name: 'crash-once',
      spec_name: 'crash_once',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
    });
    lostSession = created.structured.session_id as string;
    const iterate = async (path: string) => {
      const port = await freePort();
      return harness.call('execute_and_capture', {
        session_id: lostSession,
        command: `${NODE} emit-trace.cjs client-call --call http://127.0.0.1:${port}${path}`,
        services: [
          {
            name: 'worker',
            command: `${NODE} http-service.cjs`,
            ready: { port },
            env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' },
          },
        ],
      });
    };
    // Judged with work.step there (work.detail missing), then with the worker crashing on the call.
    const before = await iterate('/work');
    expect(before.structured.verdict, before.text).toBe('fail');
    // The crash loses work.step, and client-call fails on the call (a regression the text names);
    // the same crash again loses the spans and breaks nothing new.
    for (const _time of [1, 2]) {
      const crash = await iterate('/crash');
      expect(crash.structured.comparison.violations[0].kind, crash.text).toBe('telemetry_lost');
    }
    // A checkout whose failure started in SELECT orders and that selects its item 5 times, once expected.
    const checkout = movedToNow(
      buildTrace({
        name: 'POST /checkout',
        service: 'frontend',
        durationMs: 100,
        status: 'error',
        children: [
          {
            name: 'order.create',
            service: 'orders',
            startMs: 5,
            durationMs: 50,
            status: 'error',
            children: [{ name: 'SELECT orders', startMs: 10, durationMs: 5, status: 'error' }],
          },
          ...repeated(5, { name: 'SELECT item', service: 'inventory', durationMs: 4 }, 60, 1),
        ],
      }),
    );
    await harness.app.writeSpans(checkout.spans);
    checkoutTrace = checkout.traceId;
    await harness.call('define_trace_spec', {
      name: 'one_item',
      specification: {
        expected_spans: [
          {
            operation_name: 'POST /checkout',
            service_name: 'frontend',
            children: [
              { operation_name: 'order.create', service_name: 'orders' },
              { operation_name: 'SELECT item', service_name: 'inventory', count: 1 },
            ],
          },
        ],
      },
    });
    browser = await launchBrowser();
  }, 240_000);
  const opened: Page[] = [];
  afterEach(async () => {
    for (const each of opened.splice(0)) await each.close();
  });
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await harness?.close();
  });

  const open = async (path: string) => {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    opened.push(page);
    problems = pageProblems(page);
    const response = await page.goto(`${ui.url}${path}`);
    expect(response?.status()).toBe(200);
    return page;
  };

  it('draws a run that lost spans as lost, naming the service, and its losses never as a regression', async () => {
    const metrics = await harness.call('get_session_metrics', { session_id: lostSession });
    expect(metrics.structured.status, metrics.text).toBe('spans_lost');
    await open(`/session/${lostSession}`);
    const cells = page.locator('.cell');
    await expect.poll(() => cells.count()).toBe(3);
    const classes = async (index: number) => (await cells.nth(index).getAttribute('class'))?.split(' ');
    expect(await classes(0)).toEqual(['cell', 'red']);
    // The first crash also made client-call fail, which the text answer calls a regression: red, dashed.
    expect(await classes(1)).toEqual(['cell', 'red', 'spans-lost']);
    // The same crash again broke nothing new: amber and dashed, as the session's status spans_lost.
    expect(await classes(2)).toEqual(['cell', 'amber', 'spans-lost']);
    for (const index of [1, 2]) {
      const text = await cells.nth(index).innerText();
      expect(text).toContain('spans lost from worker, not a regression');
      expect(text).toMatch(
        /client-call > work\.step · worker's spans for this request never arrived: it exited during the run \(code 3\)/,
      );
      expect(text).toContain('2 spec entries not checked');
      expect(text).toMatch(/\d violations?(, 1 of them|:) spans lost/);
    }
    // What each iteration introduced is what the text answer calls regressed, the loss never.
    const regressedIn = (number: number): string[] => {
      const block = metrics.text.split(/\n(?= {2}#)/).find((part) => part.startsWith(`  #${number} `)) ?? '';
      return [...block.matchAll(/^ {6}regressed: (.+)$/gm)].map((match) => `introduced: ${match[1]}`);
    };
    for (const index of [1, 2]) {
      const introduced = await cells.nth(index).locator('.introduced').allInnerTexts();
      expect(introduced).toEqual(regressedIn(index + 1));
      expect(introduced.join('\n')).not.toContain('telemetry_lost');
    }
    expect(regressedIn(2)).not.toEqual([]);
    expect(regressedIn(3)).toEqual([]);
    expect(await page.locator('.summary .status').innerText()).toBe('spans lost, not a regression');
    await screenshot(page, 'session-strip-spans-lost');
    expect(problems).toEqual([]);
  });

  it('marks every span a violation is about: the surplus of a count, the origin of an error chain, each pointing at its violation', async () => {
    const answer = await harness.call('compare_trace_to_spec', {
      trace_id: checkoutTrace,
      spec_name: 'one_item',
    });
    await open(`/trace/${checkoutTrace}?spec=one_item`);
    const list = page.locator('.violations .violation');
    await expect.poll(() => list.count()).toBeGreaterThan(0);
    // The picture says what the answer says: the chain's fix is at its origin, SELECT orders.
    const messages = await page.locator('.violation-message').allInnerTexts();
    const passedOn = messages.filter((message) =>
      message.includes('passed on from `SELECT orders` (orders)'),
    );
    expect(passedOn).toHaveLength(2);
    // The answer's structured violations carry the same messages; its text folds the spans that
    // passed the failure on into the origin's line.
    const answered = (answer.structured.violations as { message: string }[]).map(
      (violation) => violation.message,
    );
    for (const message of passedOn) expect(answered).toContain(message.slice(message.indexOf(': ') + 2));
    expect(answer.text).toMatch(/\n {4}passed on to [^\n]*`?POST \/checkout/);
    const count = list.filter({ hasText: 'count_too_high' });
    expect(await count.locator('.covers').innerText()).toBe('marks 3 more spans (↳)');
    // The origin is marked as where the failure starts, beside its own violation.
    const origin = page.locator('.row', { hasText: 'SELECT orders' });
    expect(await origin.locator('.mark').innerText()).toBe('↳ failure starts here');
    // The five selects are folded as ×5, and the fold says what it hides.
    const fold = page.locator('.row', { has: page.locator('button.repeat') });
    expect(await fold.locator('.mark-inside').innerText()).toBe('⚠ in this run of 5');
    await fold.locator('button.repeat').click();
    const marked = page.locator('.row.marked', { hasText: 'SELECT item' });
    await expect.poll(() => marked.count()).toBe(3);
    expect(await page.locator('.row.violated', { hasText: 'SELECT item' }).count()).toBe(1);
    for (const chip of await marked.locator('.mark').allInnerTexts()) expect(chip).toBe('↳ one too many');
    await screenshot(page, 'overlay-marks');
    // A marked span's details point at the violation, and go to it.
    await marked.nth(1).click();
    const pointer = page.locator('.details .mark-detail');
    await expect
      .poll(() => pointer.innerText())
      .toMatch(/^↳ one too many: count_too_high · POST \/checkout > SELECT item/);
    expect(await page.locator('.details .violation').count()).toBe(0);
    await screenshot(page, 'overlay-mark-details');
    await pointer.locator('button.go-to-violation').click();
    await expect.poll(() => page.locator('.details .violation').innerText()).toMatch(/^count_too_high: /);
    expect(await page.locator('.row.current').getAttribute('class')).toContain('violated');
    expect(problems).toEqual([]);
  });
});
