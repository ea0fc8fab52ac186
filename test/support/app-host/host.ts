/**
 * The page side of a minimal MCP Apps host for the browser tests: the ext-apps package's own host
 * side (AppBridge over a PostMessageTransport) drives the app in a sandboxed iframe, as a
 * supporting chat client would. The host's MCP client lives outside the page (show-in-host.ts):
 * the resource reads the app asks for reach it through `hostReadResource`, which Playwright exposes.
 */
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { CallToolResult, ReadResourceRequest, ReadResourceResult } from '@modelcontextprotocol/client';

declare global {
  interface Window {
    hostReadResource(params: ReadResourceRequest['params']): Promise<ReadResourceResult>;
    showApp(html: string, toolArguments: Record<string, unknown>, result: CallToolResult): Promise<void>;
  }
}

/** Well above the app's first message (a few ms after its script runs), far below the test's limit. */
const HANDSHAKE_LIMIT_MS = 10_000;

window.showApp = async (html, toolArguments, result) => {
  // One app at a time, as a chat client replaces a tool's picture: the tests find it by its id.
  document.getElementById('app-frame')?.remove();
  const frame = document.createElement('iframe');
  frame.id = 'app-frame';
  // No allow-same-origin: the app runs with an opaque origin, cut off from the host page.
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.style.cssText = 'width: 1300px; height: 850px; border: 1px solid #ccc';
  // The iframe's window exists once it is in the document and stays the same object across the
  // navigation to srcdoc, so the bridge can listen to it before the app's script runs.
  document.body.append(frame);
  const target = frame.contentWindow as Window;
  const bridge = new AppBridge(
    null,
    { name: 'otel-mcp-test-host', version: '1.0.0' },
    { serverResources: {} },
  );
  bridge.onreadresource = (params) => window.hostReadResource(params);
  const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
  // Listen first, then load: the app sends ui/initialize as soon as its script runs, and a message
  // posted to a window with no listener yet is gone (the handshake then never completes).
  await bridge.connect(new PostMessageTransport(target, target));
  frame.srcdoc = html;
  await Promise.race([
    initialized,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the app never finished ui/initialize')), HANDSHAKE_LIMIT_MS),
    ),
  ]);
  // The order the extension requires: the complete arguments once, then the result.
  await bridge.sendToolInput({ arguments: toolArguments });
  await bridge.sendToolResult(result);
};
