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

  beforeAll(async () => {
    harness = await startHarness();
    ui = await serveUi(harness.app.toolDeps, { port: 0, uiDir: UI_DIR });
    harness.app.toolDeps.ui = { baseUrl: ui.url };
    await harness.call('define_trace_spec', {
      name: 'crash_once',
      specification: {
        expected_spans: [
          {
            operation_name: 'client-call',
            service_name: 'client',
            children: [
              {
                operation_name: 'work.step',
                service_name: 'worker',
                children: [{ operation_name: 'work.detail', service_name: 'worker' }],
              },
            ],
          },
        ],
      },
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
});
