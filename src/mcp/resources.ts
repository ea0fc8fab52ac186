/**
 * What an agent (or its user) can read without a tool call: the spec language reference, every
 * stored spec and each of its versions as YAML, the spec templates, and each development session
 * with its iterations. Names in the URIs complete from what is stored.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import { invalidArgument } from '../model/errors.js';
import { listSpecTemplates, serializeSpecYaml } from '../tracespec/index.js';
import { sessionProgress } from '../workflow/session-progress.js';
import type { ToolDeps } from './tool-deps.js';

export const SPEC_LANGUAGE_URI = 'otel-mcp://docs/spec-language';
/** Completions offered at most, as the protocol allows (100). */
const MAX_COMPLETIONS = 100;
/** Sessions listed: the newest; older ones are read by id. */
const SESSIONS_LISTED = 50;

/** Completers of a resource template's variables, by template URI and variable name. */
export type Completions = Record<
  string,
  Record<string, (typed: string | undefined, args?: Record<string, string>) => Promise<string[]>>
>;

/** Registers the resources; returns the completers of their URI templates' variables. */
export function registerResources(server: McpServer, deps: ToolDeps): Completions {
  const texts = resourceTexts(deps);
  server.registerResource(
    'spec-language',
    SPEC_LANGUAGE_URI,
    {
      title: 'The trace spec language',
      description:
        'Every field, matcher and rule of a trace spec, with an example, and what a comparison reports',
      mimeType: 'text/markdown',
    },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/markdown', text: texts.specLanguage() }],
    }),
  );

  const specNames = async (): Promise<string[]> => {
    await deps.specs.sync();
    return deps.specs.list().map((spec) => spec.name);
  };
  server.registerResource(
    'spec',
    new ResourceTemplate('otel-mcp://specs/{name}', {
      list: async () => ({
        resources: (await deps.specs.sync(), deps.specs.list()).map((spec) => ({
          uri: `otel-mcp://specs/${spec.name}`,
          name: spec.name,
          title: `Spec ${spec.name} (v${spec.latestVersion}, ${spec.versionCount} version${spec.versionCount === 1 ? '' : 's'})`,
          mimeType: 'application/yaml',
        })),
      }),
    }),
    { title: 'A stored trace spec (latest version)', mimeType: 'application/yaml' },
    async (uri, variables) => ({
      contents: [
        { uri: uri.href, mimeType: 'application/yaml', text: texts.spec(single(variables.name, 'name')) },
      ],
    }),
  );
  server.registerResource(
    'spec-version',
    new ResourceTemplate('otel-mcp://specs/{name}/versions/{version}', {
      list: undefined,
    }),
    { title: 'One version of a stored trace spec', mimeType: 'application/yaml' },
    async (uri, variables) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/yaml',
          text: texts.specVersion(single(variables.name, 'name'), single(variables.version, 'version')),
        },
      ],
    }),
  );

  const templates = listSpecTemplates();
  server.registerResource(
    'spec-template',
    new ResourceTemplate('otel-mcp://templates/{name}', {
      list: async () => ({
        resources: templates.map((template) => ({
          uri: `otel-mcp://templates/${template.name}`,
          name: template.name,
          title: template.title,
          mimeType: 'application/json',
        })),
      }),
      complete: {
        name: async (value) =>
          startingWith(
            templates.map((template) => template.name),
            value,
          ),
      },
    }),
    { title: 'A spec template with its parameters', mimeType: 'application/json' },
    async (uri, variables) => ({
      contents: [
        { uri: uri.href, mimeType: 'application/json', text: texts.template(single(variables.name, 'name')) },
      ],
    }),
  );

  const sessionIds = (): string[] =>
    deps.workflow.sessions.recent(SESSIONS_LISTED).map((session) => session.id);
  server.registerResource(
    'session',
    new ResourceTemplate('otel-mcp://sessions/{session_id}', {
      list: async () => ({
        resources: deps.workflow.sessions.recent(SESSIONS_LISTED).map((session) => ({
          uri: `otel-mcp://sessions/${session.id}`,
          name: session.id,
          title: `Session ${session.projectName} (${session.iterationCount} iteration${session.iterationCount === 1 ? '' : 's'})`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: 'A development session and every iteration', mimeType: 'application/json' },
    async (uri, variables) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: texts.session(single(variables.session_id, 'session_id')),
        },
      ],
    }),
  );
  const specName = async (typed: string | undefined): Promise<string[]> =>
    startingWith(await specNames(), typed);
  return {
    'otel-mcp://specs/{name}': { name: specName },
    'otel-mcp://specs/{name}/versions/{version}': {
      name: specName,
      version: async (typed, args) => {
        try {
          return startingWith(
            deps.specs.history(args?.name ?? '').map((version) => String(version.version)),
            typed,
          );
        } catch {
          return [];
        }
      },
    },
    'otel-mcp://templates/{name}': {
      name: async (typed) =>
        startingWith(
          templates.map((template) => template.name),
          typed,
        ),
    },
    'otel-mcp://sessions/{session_id}': { session_id: async (typed) => startingWith(sessionIds(), typed) },
  };
}

/**
 * The text of each kind of resource; registration and change checks read through the same code.
 * Every text passes the redactor, as tool answers do: a spec's description or a session's project
 * name is whatever an agent wrote, and it may have copied a configured token there.
 */
function resourceTexts(deps: ToolDeps) {
  const texts = unredactedTexts(deps);
  const redacted =
    <A extends unknown[]>(text: (...args: A) => string) =>
    (...args: A): string =>
      deps.redact.text(text(...args));
  return {
    specLanguage: redacted(texts.specLanguage),
    spec: redacted(texts.spec),
    specVersion: redacted(texts.specVersion),
    template: redacted(texts.template),
    session: redacted(texts.session),
  };
}

function unredactedTexts(deps: ToolDeps) {
  const templates = listSpecTemplates();
  return {
    specLanguage: () => deps.specLanguageDoc(),
    spec: (name: string) => {
      const spec = deps.specs.get(name);
      return `# version ${spec.version}\n${serializeSpecYaml(spec.spec)}`;
    },
    specVersion: (name: string, versionText: string) => {
      const version = Number(versionText);
      if (!Number.isInteger(version) || version < 1)
        throw invalidArgument(`version '${versionText}' is not a version number`, 'use 1, 2, …');
      return serializeSpecYaml(deps.specs.get(name, version).spec);
    },
    template: (name: string) => {
      const template = templates.find((item) => item.name === name);
      if (!template)
        throw invalidArgument(
          `no spec template '${name}'`,
          `templates: ${templates.map((item) => item.name).join(', ')}`,
        );
      return JSON.stringify(template, null, 2);
    },
    session: (id: string) => {
      const session = deps.workflow.sessions.get(id);
      return JSON.stringify(sessionProgress(session, deps.workflow.sessions.iterations(session.id)), null, 2);
    },
  };
}

/**
 * Reads any otel-mcp resource by URI (for change checks of subscribed resources); throws, as
 * resources/read does, for a URI that names nothing.
 */
export function resourceTextReader(deps: ToolDeps): (uri: string) => Promise<string> {
  const texts = resourceTexts(deps);
  return async (uri) => {
    if (uri === SPEC_LANGUAGE_URI) return texts.specLanguage();
    const [, kind, name, ...rest] =
      /^otel-mcp:\/\/(specs|templates|sessions)\/([^/]+)(?:\/versions\/([^/]+))?$/.exec(uri) ?? [];
    const decoded = name === undefined ? '' : decodeURIComponent(name);
    if (kind === 'specs') {
      // A spec file may have been edited by hand in the specs dir since the last look.
      await deps.specs.sync();
      return rest[0] === undefined
        ? texts.spec(decoded)
        : texts.specVersion(decoded, decodeURIComponent(rest[0]));
    }
    if (kind === 'templates') return texts.template(decoded);
    if (kind === 'sessions') return texts.session(decoded);
    throw invalidArgument(`no otel-mcp resource at '${uri}'`, 'resources/list names them');
  };
}

/** Known values that start with what was typed (case-insensitive), at most 100, as completions. */
export function startingWith(values: readonly string[], typed: string | undefined): string[] {
  const prefix = (typed ?? '').toLowerCase();
  return values.filter((value) => value.toLowerCase().startsWith(prefix)).slice(0, MAX_COMPLETIONS);
}

function single(value: string | string[] | undefined, name: string): string {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') throw invalidArgument(`the resource URI has no ${name}`);
  return decodeURIComponent(text);
}
