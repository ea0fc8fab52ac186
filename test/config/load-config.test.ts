import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

const files = (map: Record<string, string>) => (path: string) => {
  const found = Object.entries(map).find(([name]) => path.endsWith(name));
  if (!found) throw new Error(`ENOENT: no such file ${path}`);
  return found[1];
};

describe('loadConfig', () => {
  it('gives working defaults with no file, environment or flags', () => {
    const { config } = loadConfig({ flags: {}, env: {}, cwd: '/project' });
    expect(config.data_dir).toBe('/project/.otel-mcp');
    expect(config.specs_dir).toBe('/project/trace-specs');
    expect(config.receiver).toMatchObject({ host: '127.0.0.1', http_port: 4318, grpc_port: 4317 });
    expect(config.mcp.output_budget_tokens).toBe(8000);
    expect(config.mcp.toolsets).toContain('query');
  });

  it('layers defaults < file < OTEL_MCP_* environment < flags', () => {
    const readFile = files({
      'otel.yaml':
        'data_dir: from-file\nreceiver: { http_port: 5000, grpc_port: 5001 }\nmcp: { output_budget_tokens: 4000 }\n',
    });
    const { config } = loadConfig({
      flags: { config: 'otel.yaml', otlpGrpcPort: 7001 },
      env: { OTEL_MCP_OTLP_HTTP_PORT: '6000', OTEL_MCP_DATA_DIR: 'from-env' },
      cwd: '/p',
      readFile,
    });
    expect(config.data_dir).toBe('/p/from-env');
    expect(config.receiver.http_port).toBe(6000);
    expect(config.receiver.grpc_port).toBe(7001);
    expect(config.mcp.output_budget_tokens).toBe(4000);
  });

  it('switches a listener off when its port is 0', () => {
    const { config } = loadConfig({
      flags: { otlpGrpcPort: 0 },
      env: { OTEL_MCP_OTLP_HTTP_PORT: '0' },
      cwd: '/p',
    });
    expect(config.receiver.grpc_port).toBeNull();
    expect(config.receiver.http_port).toBeNull();
  });

  it('expands ${VAR} from the environment in the plan-shaped backends block', () => {
    const readFile = files({
      'c.yaml':
        'backends:\n  jaeger: { endpoint: "http://localhost:16686", auth: "${JAEGER_TOKEN}" }\n  otlp:\n    endpoint: "http://localhost:4317"\n    headers: { authorization: "Bearer ${OTLP_TOKEN}" }\n',
    });
    const { config } = loadConfig({
      flags: { config: 'c.yaml' },
      env: { JAEGER_TOKEN: 'j-secret', OTLP_TOKEN: 'o-secret' },
      cwd: '/p',
      readFile,
    });
    expect(config.backends.jaeger).toMatchObject({ endpoint: 'http://localhost:16686', auth: 'j-secret' });
    expect(config.backends.otlp?.headers).toEqual({ authorization: 'Bearer o-secret' });
    expect(config.receiver.grpc_port).toBe(4317);
  });

  it('names an unset variable and where it is used instead of leaving a secret empty', () => {
    const readFile = files({
      'c.yaml': 'backends:\n  otlp: { headers: { authorization: "Bearer ${OTLP_TOKEN}" } }\n',
    });
    expect(() => loadConfig({ flags: { config: 'c.yaml' }, env: {}, cwd: '/p', readFile })).toThrow(
      /backends\.otlp\.headers\.authorization: environment variable OTLP_TOKEN is not set/,
    );
  });

  it('names a mistyped key and an invalid value with the allowed values', () => {
    const readFile = files({ 'c.yaml': 'recevier: {}\nmcp: { toolsets: [query, magic] }\n' });
    let message = '';
    try {
      loadConfig({ flags: { config: 'c.yaml' }, env: {}, cwd: '/p', readFile });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/unknown key 'recevier'/);
    expect(message).toMatch(
      /mcp\.toolsets\.1: .*allowed: "query", "specs", "analysis", "workflow", "advanced"/,
    );
  });

  it('lists the keys allowed beside an unknown one, with the nearest match when one is obvious', () => {
    const readFile = files({ 'c.yaml': 'recevier: {}\nretention: { max_age_hour: 2 }\nmcp: { zzz: 1 }\n' });
    let message = '';
    try {
      loadConfig({ flags: { config: 'c.yaml' }, env: {}, cwd: '/p', readFile });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /\(root\): unknown key 'recevier' \(did you mean 'receiver'\?\); allowed here: data_dir, specs_dir, log_level, receiver, retention, mcp, execution, analysis, backends/,
    );
    expect(message).toMatch(
      /retention: unknown key 'max_age_hour' \(did you mean 'max_age_hours'\?\); allowed here: max_spans, max_age_hours/,
    );
    // No guess when nothing is close: a far-fetched one would mislead.
    expect(message).toMatch(
      /mcp: unknown key 'zzz'; allowed here: http_port, host, auth_token, allowed_hosts, output_budget_tokens, toolsets/,
    );
  });

  it('defaults the receiver body limit to 32 MiB', () => {
    const { config } = loadConfig({ flags: {}, env: {}, cwd: '/p' });
    expect(config.receiver.max_body_bytes).toBe(33_554_432);
  });

  it('reads the browser origins the receiver allows from the file or OTEL_MCP_ALLOWED_ORIGINS, none by default', () => {
    expect(loadConfig({ flags: {}, env: {}, cwd: '/p' }).config.receiver.allowed_origins).toEqual([]);
    const readFile = files({ 'otel.yaml': 'receiver: { allowed_origins: ["http://localhost:5173"] }\n' });
    const fromFile = loadConfig({ flags: { config: 'otel.yaml' }, env: {}, cwd: '/p', readFile });
    expect(fromFile.config.receiver.allowed_origins).toEqual(['http://localhost:5173']);
    const fromEnv = loadConfig({
      flags: {},
      env: { OTEL_MCP_ALLOWED_ORIGINS: 'http://localhost:5173, https://app.example.com' },
      cwd: '/p',
    });
    expect(fromEnv.config.receiver.allowed_origins).toEqual([
      'http://localhost:5173',
      'https://app.example.com',
    ]);
  });

  it('refuses an allowed origin with a path or a trailing slash, showing the accepted form', () => {
    expect(() =>
      loadConfig({ flags: {}, env: { OTEL_MCP_ALLOWED_ORIGINS: 'http://localhost:5173/' }, cwd: '/p' }),
    ).toThrow(/receiver\.allowed_origins\.0.*scheme:\/\/host\[:port\] without a path/s);
  });

  it('reports a missing config file and invalid YAML clearly', () => {
    expect(() =>
      loadConfig({ flags: { config: 'missing.yaml' }, env: {}, cwd: '/p', readFile: files({}) }),
    ).toThrow(/cannot read config file \/p\/missing\.yaml/);
    expect(() =>
      loadConfig({
        flags: { config: 'bad.yaml' },
        env: {},
        cwd: '/p',
        readFile: files({ 'bad.yaml': 'a: [1,\n' }),
      }),
    ).toThrow(/not valid YAML/);
  });

  it('rejects a non-numeric port from the environment naming the variable', () => {
    expect(() => loadConfig({ flags: {}, env: { OTEL_MCP_OTLP_HTTP_PORT: 'abc' }, cwd: '/p' })).toThrow(
      /OTEL_MCP_OTLP_HTTP_PORT='abc' is not a whole number/,
    );
  });

  it('warns about, but does not fail on, an unknown OTEL_MCP_ variable', () => {
    const { warnings } = loadConfig({ flags: {}, env: { OTEL_MCP_TYPO: '1' }, cwd: '/p' });
    expect(warnings[0]).toMatch(/ignoring unknown environment variable OTEL_MCP_TYPO/);
  });
});
