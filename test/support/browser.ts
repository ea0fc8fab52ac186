/**
 * Headless Chromium for the picture tests, driven with playwright-core. Debian's chromium is used
 * where it is (/usr/bin/chromium, or OTEL_MCP_CHROMIUM); without one the tests skip saying so,
 * except under CI=true, where a missing browser fails them (.ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.OTEL_MCP_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
export const NO_BROWSER_REASON = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set OTEL_MCP_CHROMIUM)`;
/** Skip without a browser, except under CI where its absence is a failure. */
export const SKIP_BROWSER = !HAVE_BROWSER && process.env.CI !== 'true';
if (SKIP_BROWSER) console.warn(`browser tests skipped: ${NO_BROWSER_REASON}`);

/** Screenshots land here (gitignored), one file per picture a test checked. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!HAVE_BROWSER) throw new Error(`browser tests need Chromium under CI: ${NO_BROWSER_REASON}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Collects the page's console errors and CSP violations, which a test expects to stay empty. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}
