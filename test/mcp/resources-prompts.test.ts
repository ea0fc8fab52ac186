/**
 * What a client reads without a tool call, through a real MCP client: the spec language reference,
 * stored specs and their versions, templates and sessions as resources; the prompts; completions
 * from what is stored and traced; logging while a run goes on.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';

const SCRIPTS = fileURLToPath(new URL('../fixtures/run-scripts/', import.meta.url));
const NODE = JSON.stringify(process.execPath);
const SPEC = `name: checkout_flow
expected_spans:
  - operation_name: checkout
    service_name: shop
    children:
      - operation_name: reserve
`;

describe('resources, prompts, completions and logging', () => {
  let harness: Harness;
  let sessionId: string;

  beforeAll(async () => {
    // The 2025-era handshake: logging/setLevel is deprecated in 2026-07-28 and only a 2025 client sends it.
    harness = await startHarness({ era: 'legacy' });
    for (const text of [
      SPEC,
      SPEC.replace(
        '      - operation_name: reserve\n',
        '      - operation_name: reserve\n      - operation_name: pay\n',
      ),
    ]) {
      const defined = await harness.call('define_trace_spec', { name: 'checkout_flow', specification: text });
      expect(defined.isError, defined.text).toBe(false);
    }
    const session = await harness.call('create_development_session', {
      project_name: 'shop',
      spec_name: 'checkout_flow',
    });
    sessionId = session.structured.session_id as string;
    const run = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: `${NODE} emit-trace.cjs checkout reserve pay`,
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    expect(run.isError, run.text).toBe(false);
  });
  afterAll(async () => harness?.close());

  it('lists the spec language, every stored spec, the templates and the sessions as resources', async () => {
    const uris = (await harness.client.listResources()).resources.map((resource) => resource.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'otel-mcp://docs/spec-language',
        'otel-mcp://specs/checkout_flow',
        'otel-mcp://templates/http_service_with_database',
        `otel-mcp://sessions/${sessionId}`,
      ]),
    );
    const templates = (await harness.client.listResourceTemplates()).resourceTemplates.map(
      (template) => template.uriTemplate,
    );
    expect(templates).toEqual(expect.arrayContaining(['otel-mcp://specs/{name}/versions/{version}']));
  });

  it('reads the spec language reference, a spec, an older version of it, a template and a session', async () => {
    const read = async (uri: string): Promise<string> => {
      const [content] = (await harness.client.readResource({ uri })).contents;
      return content && 'text' in content ? content.text : '';
    };
    expect(await read('otel-mcp://docs/spec-language')).toMatch(/^# The trace spec language/);
    expect(await read('otel-mcp://specs/checkout_flow')).toMatch(/^# version 2\n[\s\S]*operation_name: pay/);
    expect(await read('otel-mcp://specs/checkout_flow/versions/1')).not.toContain('pay');
    expect(JSON.parse(await read('otel-mcp://templates/rest_crud'))).toMatchObject({
      name: 'rest_crud',
      parameters: expect.any(Array),
    });
    expect(JSON.parse(await read(`otel-mcp://sessions/${sessionId}`))).toMatchObject({
      sessionId,
      iterations: [{ number: 1, verdict: 'pass' }],
    });
    await expect(harness.client.readResource({ uri: 'otel-mcp://specs/no_such_spec' })).rejects.toThrow(
      /no_such_spec/,
    );
  });

  it('offers the three prompts and fills them with the arguments', async () => {
    const names = (await harness.client.listPrompts()).prompts.map((prompt) => prompt.name).sort();
    expect(names).toEqual(['check_instrumentation', 'investigate_request', 'trace_driven_loop']);
    const loop = await harness.client.getPrompt({
      name: 'trace_driven_loop',
      arguments: { feature: 'checkout pays by card', spec_name: 'checkout_flow' },
    });
    const text = loop.messages[0]?.content.type === 'text' ? loop.messages[0].content.text : '';
    expect(text).toContain('Build this trace-first: checkout pays by card.');
    expect(text).toContain('start from spec checkout_flow');
    expect(text).toMatch(/execute_and_capture/);
    const slow = await harness.client.getPrompt({
      name: 'investigate_request',
      arguments: { service_name: 'shop', problem: 'failing' },
    });
    expect(slow.messages[0]?.content.type === 'text' ? slow.messages[0].content.text : '').toContain(
      'status: "error"',
    );
  });

  it('completes spec names, template names, session ids, services and operations from what is stored', async () => {
    const complete = async (
      ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string },
      name: string,
      value: string,
      args?: Record<string, string>,
    ) =>
      (
        await harness.client.complete({
          ref,
          argument: { name, value },
          ...(args ? { context: { arguments: args } } : {}),
        })
      ).completion.values;
    expect(await complete({ type: 'ref/resource', uri: 'otel-mcp://specs/{name}' }, 'name', 'check')).toEqual(
      ['checkout_flow'],
    );
    expect(
      await complete(
        { type: 'ref/resource', uri: 'otel-mcp://specs/{name}/versions/{version}' },
        'version',
        '',
        { name: 'checkout_flow' },
      ),
    ).toEqual(['1', '2']);
    expect(
      await complete({ type: 'ref/resource', uri: 'otel-mcp://templates/{name}' }, 'name', 'cache'),
    ).toEqual(['cache_aside']);
    expect(
      await complete({ type: 'ref/resource', uri: 'otel-mcp://sessions/{session_id}' }, 'session_id', ''),
    ).toContain(sessionId);
    expect(await complete({ type: 'ref/prompt', name: 'investigate_request' }, 'service_name', 'sh')).toEqual(
      ['shop'],
    );
    expect(
      await complete({ type: 'ref/prompt', name: 'investigate_request' }, 'operation', 'ch', {
        service_name: 'shop',
      }),
    ).toEqual(['checkout']);
    // Another server's prompt name: no error, nothing to offer.
    expect(
      await complete({ type: 'ref/prompt', name: 'test_prompt_with_arguments' }, 'arg1', 'test'),
    ).toEqual([]);
  });

  it('sends what a run is doing as log messages at the level the client asked for', async () => {
    const logs: { level: string; data: unknown }[] = [];
    harness.client.setNotificationHandler('notifications/message', (notification) => {
      logs.push({ level: notification.params.level, data: notification.params.data });
    });
    await harness.client.setLoggingLevel('info');
    const run = await harness.call('execute_and_capture', {
      command: `${NODE} emit-trace.cjs checkout`,
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    expect(run.isError, run.text).toBe(false);
    expect(logs.map((log) => String(log.data))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^running /),
        expect.stringMatching(/^command exited with code 0/),
      ]),
    );
    logs.length = 0;
    await harness.client.setLoggingLevel('error');
    await harness.call('execute_and_capture', {
      command: `${NODE} emit-trace.cjs checkout`,
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    expect(logs).toEqual([]);
  });

  it('tells the client the resource list changed when a spec is stored', async () => {
    let changed = 0;
    harness.client.setNotificationHandler('notifications/resources/list_changed', () => {
      changed += 1;
    });
    await harness.call('define_trace_spec', {
      name: 'refund_flow',
      specification: SPEC.replace('checkout_flow', 'refund_flow'),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changed).toBeGreaterThan(0);
    expect((await harness.client.listResources()).resources.map((resource) => resource.uri)).toContain(
      'otel-mcp://specs/refund_flow',
    );
  });
  it("tells a subscriber when its session gains a run or its spec's file is edited by hand, and nothing for an unchanged resource", async () => {
    const updated: string[] = [];
    harness.client.setNotificationHandler('notifications/resources/updated', (notification) => {
      updated.push(notification.params.uri);
    });
    const sessionUri = `otel-mcp://sessions/${sessionId}`;
    await harness.client.subscribeResource({ uri: sessionUri });
    await harness.client.subscribeResource({ uri: 'otel-mcp://specs/checkout_flow' });
    await harness.client.subscribeResource({ uri: 'otel-mcp://templates/rest_crud' });
    const run = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: `${NODE} emit-trace.cjs checkout reserve pay`,
      working_dir: SCRIPTS,
    });
    expect(run.isError, run.text).toBe(false);
    await vi.waitFor(() => expect(updated).toContain(sessionUri));
    expect(updated).not.toContain('otel-mcp://specs/checkout_flow');

    const file = join(harness.dataDir, 'trace-specs', 'checkout_flow.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('operation_name: pay', 'operation_name: charge'));
    await vi.waitFor(() => expect(updated).toContain('otel-mcp://specs/checkout_flow'), { timeout: 8_000 });
    expect(updated).not.toContain('otel-mcp://templates/rest_crud');
    await harness.client.unsubscribeResource({ uri: sessionUri });
    await harness.client.unsubscribeResource({ uri: 'otel-mcp://specs/checkout_flow' });
    await harness.client.unsubscribeResource({ uri: 'otel-mcp://templates/rest_crud' });
  });
});

describe('resources over the 2026-07-28 protocol', () => {
  it('lists and reads the spec language reference', async () => {
    const harness = await startHarness();
    try {
      const uris = (await harness.client.listResources()).resources.map((resource) => resource.uri);
      expect(uris).toContain('otel-mcp://docs/spec-language');
      const [content] = (await harness.client.readResource({ uri: 'otel-mcp://docs/spec-language' }))
        .contents;
      expect(content && 'text' in content ? content.text : '').toContain('## Tags');
    } finally {
      await harness.close();
    }
  });
});
