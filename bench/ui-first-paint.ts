/**
 * First paint of the serve --ui trace page in headless Chromium: from navigation start to the first
 * frame after the waterfall's rows are drawn, for traces of 10, 1,000 and 10,000 spans (the view
 * model inlined as the server sends it). Median of 5 loads each, printed as ratios against the
 * 10-span baseline of the same run. Targets: 1,000 spans under 500 ms, 10,000 under 2 s.
 *
 *   npm run build && node --import tsx bench/ui-first-paint.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { waterfallView } from '../src/views/index.js';
import { generateRealisticTrace } from '../test/support/realistic-trace.js';

const CHROMIUM = process.env.OTEL_MCP_CHROMIUM ?? '/usr/bin/chromium';
const UI = join(import.meta.dirname, '..', 'dist', 'ui');
const SIZES = [10, 1_000, 10_000];
const LOADS = 5;

if (!existsSync(CHROMIUM) || !existsSync(join(UI, 'page.js'))) {
  console.log(`skipped: needs ${CHROMIUM} and a build (npm run build)`);
  process.exit(0);
}
const pages = new Map<number, string>();
for (const size of SIZES) {
  const json = JSON.stringify(waterfallView(generateRealisticTrace(size))).replace(/</g, '\\u003c');
  pages.set(
    size,
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/ui/views.css"></head><body><div id="app"></div><script type="application/json" id="view-model">${json}</script><script src="/ui/page.js"></script></body></html>`,
  );
}
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/ui/page.js') {
    res.end(readFileSync(join(UI, 'page.js')));
  } else if (url === '/ui/views.css') {
    res.setHeader('content-type', 'text/css');
    res.end(readFileSync(join(UI, 'views.css')));
  } else {
    res.setHeader('content-type', 'text/html');
    res.end(pages.get(Number(url.slice(1))) ?? '');
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
const results: { size: number; ms: number; rows: number }[] = [];
for (const size of SIZES) {
  const times: number[] = [];
  let rows = 0;
  for (let load = 0; load < LOADS; load += 1) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${base}/${size}`);
    await page.waitForSelector('.row');
    // The frame after the rows: they are on screen.
    times.push(
      await page.evaluate(
        () =>
          new Promise<number>((resolve) =>
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            (globalThis as any).requestAnimationFrame(() => resolve(performance.now())),
          ),
      ),
    );
    rows = await page.locator('.row').count();
    await page.close();
  }
  times.sort((a, b) => a - b);
  results.push({ size, ms: times[Math.floor(LOADS / 2)] as number, rows });
}
await browser.close();
server.close();
const baseline = results[0]?.ms ?? 1;
for (const { size, ms, rows } of results)
  console.log(
    `${String(size).padStart(6)} spans: first paint ${ms.toFixed(0).padStart(5)} ms  ×${(ms / baseline).toFixed(2)} of 10 spans  (${rows} rows in the DOM)`,
  );
