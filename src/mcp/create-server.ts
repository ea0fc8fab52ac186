import { McpServer } from '@modelcontextprotocol/server';
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
}

/**
 * Builds the factory the SDK entry points call: one `McpServer` per stdio connection, or per request
 * over stateless Streamable HTTP. Registration is cheap (no I/O), so building per request is fine.
 */
export function createServerFactory(options: ServerFactoryOptions): () => McpServer {
  const tools = enabledTools(options.tools ?? allTools, options.deps.config.mcp.toolsets);
  const instructions = serverInstructions(
    new Set(tools.flatMap((tool) => [tool.name, ...(tool.synonyms ?? [])])),
  );
  return () => {
    const server = new McpServer({ name: SERVER_NAME, version: options.version }, { instructions });
    registerTools(server, tools, options.deps);
    return server;
  };
}
