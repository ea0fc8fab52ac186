import { McpServer } from '@modelcontextprotocol/server';
import { registerCompletions } from './completions.js';
import { registerViewsApp } from './mcp-app.js';
import { registerPrompts } from './prompts.js';
import { registerSubscriptions } from './resource-subscriptions.js';
import { registerResources, resourceTextReader } from './resources.js';
import { serverInstructions } from './server-instructions.js';
import { enabledTools, registerTools, type AnyTool } from './tool-registry.js';
import type { ToolDeps } from './tool-deps.js';
import { allTools } from './tools/all-tools.js';

export const SERVER_NAME = 'otel-mcp';

export interface ServerFactoryOptions {
  version: string;
  deps: ToolDeps;
  /** Defaults to every tool otel-mcp has; tests may pass a subset. */
  tools?: readonly AnyTool[];
  /** The built MCP App page (dist/ui/views.html); without it the app resource says it is not built. */
  appHtmlFile?: string;
}

/**
 * Builds the factory the SDK entry points call: one `McpServer` per stdio connection, or per request
 * over stateless Streamable HTTP. Registration is cheap (no I/O), so building per request is fine.
 */
export function createServerFactory(options: ServerFactoryOptions): () => McpServer {
  const tools = enabledTools(options.tools ?? allTools, options.deps.config.mcp.toolsets);
  const aliases = options.deps.config.mcp.toolsets.includes('aliases');
  const instructions = serverInstructions(
    new Set(tools.flatMap((tool) => [tool.name, ...(aliases ? (tool.synonyms ?? []) : [])])),
  );
  return () => {
    // logging: logging/setLevel, and log notifications while long tools work.
    const server = new McpServer(
      { name: SERVER_NAME, version: options.version },
      { instructions, capabilities: { logging: {} } },
    );
    const subscriptions = registerSubscriptions(server, resourceTextReader(options.deps));
    // A tool that stores a spec or a session changes what resources/list answers, and perhaps a
    // subscribed resource.
    registerTools(server, tools, options.deps, () => {
      server.sendResourceListChanged();
      subscriptions.check();
    });
    registerViewsApp(server, options.deps, options.appHtmlFile);
    registerCompletions(
      server,
      registerPrompts(server, options.deps),
      registerResources(server, options.deps),
    );
    return server;
  };
}
