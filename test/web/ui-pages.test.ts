/**
 * The pictures in a real browser, serve --ui and the MCP App: the real checkout example run red (its defects on) and then green
 * in a development session through a real MCP client, then the pages a person opens from the
 * answers' View: links, and the MCP App inside a minimal host (the ext-apps package's AppBridge),
 * drawn by headless Chromium. Screenshots go to test-artifacts/screenshots.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MCP_APP_MIME_TYPE, VIEWS_APP_URI } from '../../src/mcp/mcp-app.js';
import { serveUi, type UiServer } from '../../src/web/ui-server.js';
import { hostCspFor, type DeclaredCsp } from '../support/app-host/declared-csp.js';
import { callToolInHost } from '../support/app-host/show-in-host.js';
import { launchBrowser, pageProblems, screenshot, SKIP_BROWSER } from '../support/browser.js';
import { startCheckoutSession } from '../support/checkout-session.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { postSpanLog } from '../support/sdk-span-log.js';
import { waitFor } from '../support/wait-for.js';
import { generateRealisticTraceAtNow } from '../support/realistic-trace.js';
import { MAX_TRACE_LOGS } from '../../src/mcp/view-models.js';
import type { LogRecord } from '../../src/model/log-record.js';

/** The parts of an app frame's window the CSP probe uses. */
interface CspProbeWindow {
  violations: string[];
  document: {
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (event: { effectiveDirective: string; originalPolicy: string }) => void,
    ): void;
  };
  fetch(url: string): Promise<unknown>;
}

/** What order.create logs in the green run; the details panel of that span shows it. */
const ORDER_LOG = 'order stored, reserving stock';
const UI_DIR = join(import.meta.dirname, '..', '..', 'dist', 'ui');

describe.skipIf(SKIP_BROWSER)('the pictures in Chromium', () => {
  let harness: Harness;
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let redTrace: string;
  let greenTrace: string;
  let sessionId: string;
  let bigTrace: string;
  let chattyTrace: string;

  beforeAll(async () => {
    harness = await startHarness();
    ui = await serveUi(harness.app.toolDeps, { port: 0, uiDir: UI_DIR });
    harness.app.toolDeps.ui = { baseUrl: ui.url };
    ({ sessionId } = await startCheckoutSession(harness));
    const red = await harness.call('execute_and_capture', {
      session_id: sessionId,
      env: { CHECKOUT_DEFECTS: 'all' },
    });
    expect(red.structured.verdict, red.text).toBe('fail');
    redTrace = red.structured.comparison.trace_id as string;
    const green = await harness.call('execute_and_capture', {
      session_id: sessionId,
      env: { CHECKOUT_DEFECTS: '' },
    });
    expect(green.structured.verdict, green.text).toBe('pass');
    greenTrace = green.structured.traces[0].trace_id as string;
    // A line order-service logged inside order.create, sent as its logs SDK would send it.
    const orderCreate = harness.app.store
      .getTrace(greenTrace)
      ?.spans.find((span) => span.name === 'order.create');
    await postSpanLog(harness.otlpHttpUrl, {
      traceId: greenTrace,
      spanId: orderCreate!.spanId,
      service: 'order-service',
      body: ORDER_LOG,
      attributes: { 'order.lines': 2 },
      timeUnixNano: orderCreate!.startTimeUnixNano + 1_000_000n,
    });
    await waitFor('the order log in the store', () =>
      harness.app.store.getLogs({ traceId: greenTrace, limit: 10 }).length > 0 ? true : undefined,
    );
    const big = generateRealisticTraceAtNow(10_000);
    await harness.app.writeSpans(big.spans);
    bigTrace = big.traceId;
    // A root span that logs more lines in its first 2 ms than a picture reads for the whole trace.
    const chatty = generateRealisticTraceAtNow(60, 7);
    await harness.app.writeSpans(chatty.spans);
    chattyTrace = chatty.traceId;
    const root = chatty.spans.find((span) => span.parentSpanId === undefined)!;
    await harness.app.writeLogs(
      Array.from({ length: MAX_TRACE_LOGS + 1 }, (_, index): LogRecord => {
        const at = root.startTimeUnixNano + BigInt(index) * 1_000n;
        return {
          timeUnixNano: at,
          observedTimeUnixNano: at,
          severityNumber: 9,
          body: `line ${index}`,
          attributes: {},
          droppedAttributesCount: 0,
          traceId: chattyTrace,
          spanId: root.spanId,
          serviceName: root.serviceName,
          resource: root.resource,
          scope: { name: 'logger', attributes: {}, droppedAttributesCount: 0 },
        };
      }),
    );
    browser = await launchBrowser();
  }, 240_000);
  /** Pages a test opened, closed after it so a run holds one page at a time, not one per test. */
  const opened: Page[] = [];
  afterEach(async () => {
    for (const each of opened.splice(0)) await each.close();
  });
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await harness?.close();
  });

  const newPage = async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    opened.push(page);
    return page;
  };

  const open = async (path: string) => {
    await newPage();
    problems = pageProblems(page);
    const response = await page.goto(`${ui.url}${path}`);
    expect(response?.status()).toBe(200);
    return page;
  };

  it('answers that name a trace or session end with a View: link to its page', async () => {
    const trace = await harness.call('get_trace_by_id', { trace_id: greenTrace });
    expect(trace.text).toContain(`\nView: ${ui.url}/trace/${greenTrace}`);
    const metrics = await harness.call('get_session_metrics', { session_id: sessionId });
    expect(metrics.text).toContain(`View: ${ui.url}/session/${sessionId}`);
    const compared = await harness.call('compare_trace_to_spec', {
      trace_id: redTrace,
      spec_name: 'checkout_structure',
    });
    expect(compared.text).toContain(`View: ${ui.url}/trace/${redTrace}?spec=checkout_structure`);
  });

  it('lists services, recent traces, specs and sessions on the home page', async () => {
    await open('/');
    const text = await page.locator('#app').innerText();
    for (const expected of ['frontend', 'payment-service', 'checkout_structure', sessionId])
      expect(text).toContain(expected);
    await screenshot(page, 'home');
    expect(problems).toEqual([]);
  });

  it('draws the waterfall of the checkout example with every span', async () => {
    const view = (await (await fetch(`${ui.url}/api/view?trace=${greenTrace}`)).json()) as {
      spanCount: number;
      rows: { name: string }[];
    };
    await open(`/trace/${greenTrace}`);
    // Expand every ×N run, then every span has its row.
    for (let button = page.locator('button.repeat', { hasText: '+' }); (await button.count()) > 0;)
      await button.first().click();
    await expect.poll(() => page.locator('.row:not(.ghost)').count()).toBe(view.spanCount);
    const names = await page.locator('.row .name').allInnerTexts();
    expect(names.sort()).toEqual(view.rows.map((row) => row.name).sort());
    await page.locator('.row', { hasText: 'order.create' }).first().click();
    await expect.poll(() => page.locator('.details').innerText()).toContain('Attributes');
    const logs = page.locator('.details .logs');
    expect(await logs.innerText()).toMatch(
      new RegExp(`WARN at \\+[\\d.]+ ms\\s+body\\s+${ORDER_LOG}\\s+order.lines\\s+2`),
    );
    await screenshot(page, 'waterfall-checkout');
    expect(problems).toEqual([]);
  });

  it('walks the spans by keyboard: arrows move the current row, Enter shows its details, right and left open and close a ×N run', async () => {
    await open(`/trace/${greenTrace}`);
    const list = page.getByRole('listbox', { name: /^spans/ });
    const current = page.locator('.row[aria-selected="true"]');
    const firstName = await page.locator('.row .name').first().innerText();
    await list.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => current.locator('.name').innerText()).toBe(firstName);
    expect(await list.getAttribute('aria-activedescendant')).toBe(await current.getAttribute('id'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.details h2').innerText()).toBe(firstName);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const third = await current.locator('.name').innerText();
    expect(await page.locator('.details h2').innerText()).toBe(firstName);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.details h2').innerText()).toBe(third);
    // A ×N run (the checkout has none): clicked once to make it current, then opened and closed
    // from the keyboard.
    await open(`/trace/${chattyTrace}`);
    const currentRun = page.locator('.row[aria-selected="true"]');
    const run = page.locator('.row:has(button.repeat)').first();
    const runId = await run.getAttribute('data-id');
    const toggle = page.locator(`.row[data-id="${runId}"] button.repeat`);
    await run.locator('.name').click();
    // The list's full height (rows are drawn only in sight): a run opened makes it taller.
    const listHeight = () => page.locator('.spacer').evaluate((node) => node.getBoundingClientRect().height);
    const closedHeight = await listHeight();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => toggle.innerText()).toMatch(/^− ×\d+$/);
    expect(await listHeight()).toBeGreaterThan(closedHeight);
    expect(await currentRun.getAttribute('data-id')).toBe(runId);
    expect(await currentRun.locator('.sr-only').textContent()).toMatch(/^run of \d+, open: $/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => toggle.innerText()).toMatch(/^\+ ×\d+$/);
    expect(await listHeight()).toBe(closedHeight);
    expect(await currentRun.locator('.sr-only').textContent()).toMatch(/^run of \d+, closed: $/);
    // The mouse on the ×N button: the run opens and the list keeps the focus, so the keys go on working.
    await toggle.click();
    await expect.poll(() => toggle.innerText()).toMatch(/^− ×\d+$/);
    const focused = await page
      .getByRole('listbox', { name: /^spans/ })
      .evaluate((node) => node.ownerDocument.activeElement === node);
    expect(focused).toBe(true);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => currentRun.getAttribute('data-id')).not.toBe(runId);
    await screenshot(page, 'waterfall-keyboard');
    expect(problems).toEqual([]);
  });

  it('zooms the time axis to a dragged stretch, by keys, and back: a short span becomes a readable bar', async () => {
    const view = (await (await fetch(`${ui.url}/api/view?trace=${greenTrace}`)).json()) as {
      rows: { id: string; name: string; durationMs: number; repeatOf?: string }[];
    };
    await open(`/trace/${greenTrace}`);
    const shortest = view.rows
      .filter((row) => row.repeatOf === undefined && row.durationMs > 0)
      .reduce((a, b) => (b.durationMs < a.durationMs ? b : a));
    const bar = page.locator(`.row[data-id="${shortest.id}"] .bar`);
    const ticks = () => page.locator('.axis .tick').allInnerTexts();
    const wholeLabels = await ticks();
    const rowsBefore = await page.locator('.row').count();
    const before = (await bar.boundingBox())!;
    const axis = (await page.locator('.axis').boundingBox())!;
    // Drag across the axis over the short span's bar, 10 px either side.
    const y = axis.y + axis.height / 2;
    await page.mouse.move(Math.max(axis.x, before.x - 10), y);
    await page.mouse.down();
    await page.mouse.move(before.x + before.width / 2, y, { steps: 3 });
    await page.mouse.move(Math.min(axis.x + axis.width - 1, before.x + before.width + 10), y, { steps: 3 });
    await page.mouse.up();
    await expect.poll(async () => (await bar.boundingBox())!.width).toBeGreaterThan(before.width * 5);
    const zoomedLabels = await ticks();
    expect(zoomedLabels).not.toEqual(wholeLabels);
    expect(zoomedLabels.length).toBeGreaterThan(1);
    // Every row stays listed; bars outside the window are cut, not dropped.
    expect(await page.locator('.row').count()).toBe(rowsBefore);
    await screenshot(page, 'waterfall-zoomed');
    // The zoom is in the address: reloaded (or opened from a shared link), the page shows the same stretch.
    const zoomedAddress = page.url();
    expect(new URL(zoomedAddress).hash).toMatch(/^#t=\d+(\.\d+)?-\d+(\.\d+)?$/);
    const zoomedWindow = await page.locator('.zoom-window').innerText();
    await page.reload();
    await expect.poll(ticks).toEqual(zoomedLabels);
    expect(await page.locator('.zoom-window').innerText()).toBe(zoomedWindow);
    expect(page.url()).toBe(zoomedAddress);
    await page.getByRole('button', { name: 'show the whole trace' }).click();
    await expect.poll(ticks).toEqual(wholeLabels);
    expect(new URL(page.url()).hash).toBe('');
    // The keyboard does the same on the focused axis.
    await page.locator('.axis').focus();
    await page.keyboard.press('+');
    await expect.poll(ticks).not.toEqual(wholeLabels);
    await page.keyboard.press('0');
    await expect.poll(ticks).toEqual(wholeLabels);
    // From its details, a span zooms the axis to itself: its bar then spans most of the track.
    await page.locator(`.row[data-id="${shortest.id}"]`).click();
    await page.getByRole('button', { name: 'zoom to this span' }).click();
    const track = (await page.locator(`.row[data-id="${shortest.id}"] .track`).boundingBox())!;
    await expect.poll(async () => (await bar.boundingBox())!.width).toBeGreaterThan(track.width * 0.8);
    await screenshot(page, 'waterfall-zoomed-to-span');
    expect(problems).toEqual([]);
    // An address whose zoom does not parse shows the whole trace, without an error.
    await open(`/trace/${greenTrace}#t=soon-later`);
    await expect.poll(ticks).toEqual(wholeLabels);
    expect(problems).toEqual([]);
  });

  it('overlays a failing run on its spec: the missing call as a ghost row under its parent, with the fix', async () => {
    await open(`/trace/${redTrace}?spec=checkout_structure`);
    const ghost = page.locator('.row.ghost', { hasText: 'POST /payments' });
    await expect.poll(() => ghost.count()).toBe(1);
    expect(await ghost.getAttribute('data-entry')).toMatch(/order\.create > POST \/payments$/);
    const parentId = await ghost.getAttribute('data-parent');
    const parent = page.locator(`.row[data-id="${parentId}"]`);
    expect(await parent.locator('.name').innerText()).toBe('order.create');
    expect(await page.locator('.violations').innerText()).toMatch(
      /fix: add a span `POST \/payments` in `payment-service`/,
    );
    expect(await page.locator('.summary').first().innerText()).toMatch(/does not match/);
    // The ghost's own details: what was expected where, and the fix.
    await ghost.click();
    await expect.poll(() => page.locator('.details h2').innerText()).toBe('missing: POST /payments');
    expect(await page.locator('.details').innerText()).toMatch(/fix: add a span `POST \/payments`/);
    await screenshot(page, 'overlay-missing-call');
    expect(problems).toEqual([]);
  });

  it('shows the session as a strip, red then green, each linking to its trace against the spec', async () => {
    await open(`/session/${sessionId}`);
    const cells = page.locator('.cell');
    expect(await cells.count()).toBe(2);
    expect(await cells.nth(0).getAttribute('class')).toContain('red');
    expect(await cells.nth(1).getAttribute('class')).toContain('green');
    expect(await cells.nth(1).innerText()).toMatch(/score 100%/);
    await screenshot(page, 'session-strip');
    await cells.nth(0).locator('a.cell-trace').click();
    await page.waitForURL(new RegExp(`/trace/${redTrace}\\?spec=checkout_structure$`));
    await expect.poll(() => page.locator('.row.ghost').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.row').count()).toBeGreaterThan(3);
    expect(problems).toEqual([]);
  });

  it('says where the logs read for a picture stop, on the spans that run past it', async () => {
    const view = (await (await fetch(`${ui.url}/api/view?trace=${chattyTrace}`)).json()) as {
      logsCut?: { loaded: number; fromMs: number };
      rows: { id: string; name: string; startMs: number; details: { logs?: unknown } }[];
    };
    expect(view.logsCut?.loaded).toBe(MAX_TRACE_LOGS);
    await open(`/trace/${chattyTrace}`);
    // The root logged all of them: it shows its first lines, the count of the rest, and the cut.
    await page.locator('.row').first().click();
    const logs = page.locator('.details .logs');
    await expect.poll(() => logs.innerText()).toContain('and 1950 more');
    expect(await logs.innerText()).toMatch(/Logs after \+[\d.]+ ms not loaded: .* than the 2,000 read/);
    // A later span shows no lines of its own; the panel says why instead of implying it logged none.
    const later = view.rows.find((row) => row.startMs > view.logsCut!.fromMs && !row.details.logs)!;
    await page.locator(`.row[data-id="${later.id}"]`).click();
    await expect.poll(() => page.locator('.details h2').innerText()).toBe(later.name);
    expect(await logs.innerText()).toMatch(/^Logs\s+Logs after \+[\d.]+ ms not loaded/);
    await screenshot(page, 'waterfall-logs-cut');
    expect(problems).toEqual([]);
  });

  it('renders a 10,000-span trace and scrolls it to the end', async () => {
    await open(`/trace/${bigTrace}`);
    await expect.poll(() => page.locator('.row').count()).toBeGreaterThan(10);
    // Virtualised: a screenful of rows in the DOM, not ten thousand.
    expect(await page.locator('.row').count()).toBeLessThan(200);
    const rendered = Number(await page.locator('body').getAttribute('data-rendered'));
    expect(rendered).toBeLessThan(2_000);
    await page.locator('.scroller').evaluate((node) => (node.scrollTop = node.scrollHeight));
    await expect.poll(() => page.locator('.row').last().getAttribute('style')).toMatch(/top: [1-9]\d{4,}px/);
    // From the keyboard too: End makes the last span current, drawn and in sight.
    await page.locator('.scroller').evaluate((node) => (node.scrollTop = 0));
    await page.getByRole('listbox', { name: /^spans/ }).focus();
    await page.keyboard.press('End');
    const last = page.locator('.row[aria-selected="true"]');
    await expect.poll(() => last.getAttribute('style')).toMatch(/top: [1-9]\d{4,}px/);
    const box = (await last.boundingBox())!;
    const view = (await page.locator('.scroller').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(view.y);
    expect(box.y + box.height).toBeLessThanOrEqual(view.y + view.height);
    await screenshot(page, 'waterfall-10k-scrolled');
    expect(problems).toEqual([]);
  });

  it('refuses a request whose Host is not this server, as MCP over HTTP does', async () => {
    const url = new URL(ui.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/', headers: { host: 'evil.example:80' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const page = await fetch(`${ui.url}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
  });

  /**
   * The app of `tool`, shown by the minimal host as a chat client would, once it has drawn; in a new
   * host page, or with `again` in the current one, as the next answer of one chat.
   */
  const showInHost = async (tool: string, args: Record<string, unknown>, name: string, again = false) => {
    if (!again) {
      await newPage();
      problems = pageProblems(page);
    }
    const { frame } = await callToolInHost(harness.client, page, tool, args).catch((error: unknown) => {
      throw new Error(`${String(error)}; the page said: ${problems.join('; ')}`);
    });
    await expect
      .poll(() => frame.locator('body').getAttribute('data-rendered'), { timeout: 15_000 })
      .toBeTruthy()
      .catch(async (error) => {
        throw new Error(
          `${error}; app says ${await frame.locator('body').innerText()}; ${problems.join('; ')}`,
        );
      });
    await screenshot(page, name);
    return frame;
  };

  it('links the MCP App from the four tools that name a trace or session, and serves it with a strict CSP', async () => {
    const { tools } = await harness.client.listTools();
    const linked = tools.filter(
      (tool) => (tool._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri === VIEWS_APP_URI,
    );
    expect(linked.map((tool) => tool.name).sort()).toEqual([
      'compare_trace_to_spec',
      'execute_and_capture',
      'get_session_metrics',
      'get_trace_by_id',
    ]);
    const [content] = (await harness.client.readResource({ uri: VIEWS_APP_URI })).contents;
    expect(content?.mimeType).toBe(MCP_APP_MIME_TYPE);
    const text = (content as { text: string }).text;
    expect(text).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    // 414 KB when built; zod's 62 other message locales would bring it back to about 675 KB.
    expect(text.length).toBeLessThan(450_000);
  });

  it("runs the app under the host's CSP, which the frame enforces, and shows a second answer in the same host", async () => {
    await showInHost('get_trace_by_id', { trace_id: greenTrace }, 'app-csp-first');
    expect(problems).toEqual([]);
    const [content] = (await harness.client.readResource({ uri: VIEWS_APP_URI })).contents;
    const hostPolicy = hostCspFor((content?._meta?.ui as { csp?: DeclaredCsp } | undefined)?.csp);
    const app = page.frames().find((frame) => frame !== page.mainFrame())!;
    // A request both policies forbid: each policy that refuses it reports itself, so the host's
    // shows up only if the host really put it around the app (the app's own meta forbids it too).
    await app.evaluate((url) => {
      // The test's types have no DOM; this runs in the frame, where these are the window's own.
      const frameWindow = globalThis as unknown as CspProbeWindow;
      frameWindow.violations = [];
      frameWindow.document.addEventListener('securitypolicyviolation', (event) =>
        frameWindow.violations.push(`${event.effectiveDirective} | ${event.originalPolicy}`),
      );
      void frameWindow.fetch(url).catch(() => undefined);
    }, `${ui.url}/api/view?trace=${greenTrace}`);
    await expect
      .poll(() => app.evaluate(() => (globalThis as unknown as CspProbeWindow).violations))
      .toContain(`connect-src | ${hostPolicy}`);
    // The next answer's app replaces this one in the same page (the host side is set up once).
    const frame = await showInHost('get_session_metrics', { session_id: sessionId }, 'app-csp-second', true);
    expect(await frame.locator('.cell').count()).toBe(2);
    expect(await page.locator('iframe').count()).toBe(1);
  });

  it('draws the overlay of a failing run inside a host: the missing call as a ghost row under its parent, with the fix', async () => {
    const frame = await showInHost(
      'compare_trace_to_spec',
      { trace_id: redTrace, spec_name: 'checkout_structure' },
      'app-overlay',
    );
    const ghost = frame.locator('.row.ghost', { hasText: 'POST /payments' });
    await expect.poll(() => ghost.count()).toBe(1);
    const parentId = await ghost.getAttribute('data-parent');
    expect(await frame.locator(`.row[data-id="${parentId}"] .name`).innerText()).toBe('order.create');
    expect(await frame.locator('.violations').innerText()).toMatch(/fix: add a span `POST \/payments`/);
    expect(problems).toEqual([]);
  });

  it('draws the session strip inside a host, red then green, and opens an iteration against the spec', async () => {
    const frame = await showInHost('get_session_metrics', { session_id: sessionId }, 'app-session');
    const cells = frame.locator('.cell');
    expect(await cells.count()).toBe(2);
    expect(await cells.nth(0).getAttribute('class')).toContain('red');
    expect(await cells.nth(1).getAttribute('class')).toContain('green');
    await cells.nth(0).locator('a.cell-trace').click();
    // The iteration's trace, read through the host again, against the session's spec.
    await expect.poll(() => frame.locator('h1').innerText()).toContain(redTrace);
    expect(await frame.locator('h1').innerText()).toContain('against spec checkout_structure');
    await expect.poll(() => frame.locator('.row.ghost', { hasText: 'POST /payments' }).count()).toBe(1);
    await screenshot(page, 'app-session-iteration');
    expect(problems).toEqual([]);
  });

  it('draws the waterfall of get_trace_by_id inside a host', async () => {
    const view = (await (await fetch(`${ui.url}/api/view?trace=${greenTrace}`)).json()) as {
      spanCount: number;
      rows: { name: string }[];
    };
    const frame = await showInHost('get_trace_by_id', { trace_id: greenTrace }, 'app-waterfall');
    expect(await frame.locator('h1').innerText()).toContain(greenTrace);
    for (let button = frame.locator('button.repeat', { hasText: '+' }); (await button.count()) > 0;)
      await button.first().click();
    await expect.poll(() => frame.locator('.row:not(.ghost)').count()).toBe(view.spanCount);
    await frame.locator('.row', { hasText: 'order.create' }).first().click();
    await expect.poll(() => frame.locator('.details').innerText()).toContain('Attributes');
    expect(await frame.locator('.details .logs').innerText()).toContain(ORDER_LOG);
    // The same time axis zooms inside the host's frame.
    const ticks = () => frame.locator('.axis .tick').allInnerTexts();
    const wholeLabels = await ticks();
    await frame.getByRole('button', { name: 'zoom to this span' }).click();
    await expect.poll(ticks).not.toEqual(wholeLabels);
    await screenshot(page, 'app-waterfall-details');
    expect(problems).toEqual([]);
  });
});
