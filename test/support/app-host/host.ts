/**
 * A minimal MCP Apps host for the browser tests: the ext-apps package's own host side (AppBridge)
 * drives the app in a sandboxed iframe, as a supporting chat client would. Resource reads the app
 * asks for go to the test's real MCP client through `hostReadResource` (exposed by Playwright).
 */
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { CallToolResult, ReadResourceRequest, ReadResourceResult } from '@modelcontextprotocol/client';

declare global {
  interface Window {
    hostReadResource(params: ReadResourceRequest['params']): Promise<ReadResourceResult>;
    showApp(html: string, result: CallToolResult): Promise<void>;
  }
}

window.showApp = async (html, result) => {
  const frame = document.createElement('iframe');
  frame.id = 'app-frame';
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.style.cssText = 'width: 1300px; height: 850px; border: 1px solid #ccc';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.srcdoc = html;
  document.body.append(frame);
  await loaded;
  const target = frame.contentWindow as Window;
  const bridge = new AppBridge(
    null,
    { name: 'otel-mcp-test-host', version: '1.0.0' },
    { serverResources: {} },
  );
  bridge.onreadresource = (params) => window.hostReadResource(params);
  const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
  await bridge.connect(new PostMessageTransport(target, target));
  await Promise.race([
    initialized,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the app never finished ui/initialize')), 10_000),
    ),
  ]);
  await bridge.sendToolResult(result);
};
