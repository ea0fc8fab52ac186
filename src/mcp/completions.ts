/**
 * completion/complete for the prompts' arguments and the resource templates' variables. A reference
 * otel-mcp does not know (another server's prompt name, a stale template) gets an empty list rather
 * than an error: a completion is a typing hint, and an empty one lets the user keep typing (the MCP
 * conformance suite asks exactly that of a server).
 */
import type { McpServer } from '@modelcontextprotocol/server';
import type { Completions } from './resources.js';

export function registerCompletions(server: McpServer, prompts: Completions, resources: Completions): void {
  server.server.registerCapabilities({ completions: {} });
  server.server.setRequestHandler('completion/complete', async (request) => {
    const { ref, argument, context } = request.params;
    const table =
      ref.type === 'ref/prompt'
        ? prompts[ref.name]
        : ref.type === 'ref/resource'
          ? resources[ref.uri]
          : undefined;
    const complete = table?.[argument.name];
    const values = complete ? await complete(argument.value, context?.arguments) : [];
    return { completion: { values, total: values.length, hasMore: false } };
  });
}
