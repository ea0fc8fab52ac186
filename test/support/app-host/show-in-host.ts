/**
 * The client side of the minimal MCP Apps host: what a chat client does when the model calls a tool
 * whose description links an app. It calls the tool with its real MCP client, finds the app's
 * `ui://` resource in the tool's `_meta`, reads it from the server, wraps it in the CSP the resource
 * declares, and hands the HTML, the arguments and the result to the host page (host.ts), which runs
 * the app in a sandboxed iframe and answers the app's resource reads with the same client.
 */
import { join } from 'node:path';
import { getToolUiResourceUri } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { build } from 'esbuild';
import { hostCspFor, withHostCsp, type DeclaredCsp } from './declared-csp.js';
import type { FrameLocator, Page } from 'playwright-core';

/** What host.ts puts on the page's window. */
interface HostPage {
  showApp(html: string, toolArguments: Record<string, unknown>, result: CallToolResult): Promise<void>;
}

export interface ShownApp {
  page: Page;
  frame: FrameLocator;
  result: CallToolResult;
}

let hostScript: Promise<string> | undefined;
const bundleHostPage = () =>
  (hostScript ??= build({
    entryPoints: [join(import.meta.dirname, 'host.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
  }).then((output) => output.outputFiles[0]!.text));

/** Pages already made hosts: Playwright refuses a second exposeFunction of one name on a page. */
const hostPages = new WeakMap<Page, Client>();

/** Gives `page` the host side once; a later call on the same page shows another app in it. */
async function makeHostPage(client: Client, page: Page): Promise<void> {
  const known = hostPages.get(page);
  if (known === client) return;
  if (known) throw new Error('this page already hosts apps for another MCP client');
  hostPages.set(page, client);
  await page.exposeFunction('hostReadResource', (params: { uri: string }) => client.readResource(params));
  await page.addScriptTag({ content: await bundleHostPage() });
}

/** Calls `name` and shows the app its tool links; fails when the tool links none. */
export async function callToolInHost(
  client: Client,
  page: Page,
  name: string,
  toolArguments: Record<string, unknown>,
): Promise<ShownApp> {
  const { tools } = await client.listTools();
  const tool = tools.find((candidate) => candidate.name === name);
  const uri = tool && getToolUiResourceUri(tool);
  if (!uri) throw new Error(`the tool ${name} links no MCP App`);
  const [content] = (await client.readResource({ uri })).contents;
  if (!content || !('text' in content)) throw new Error(`the app ${uri} has no HTML text`);
  const declared = (content._meta?.ui as { csp?: DeclaredCsp } | undefined)?.csp;
  const html = withHostCsp(content.text, hostCspFor(declared));
  const result = (await client.callTool({ name, arguments: toolArguments })) as CallToolResult;
  await makeHostPage(client, page);
  await page.evaluate(
    ([html, args, toolResult]) => (globalThis as unknown as HostPage).showApp(html, args, toolResult),
    [html, toolArguments, result] as const,
  );
  return { page, frame: page.frameLocator('#app-frame'), result };
}
