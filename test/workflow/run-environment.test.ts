import { describe, expect, it } from 'vitest';
import { runEnvironment, withRunId } from '../../src/workflow/run-environment.js';

const endpoint = { protocol: 'http/protobuf' as const, url: 'http://127.0.0.1:4318' };

describe('the environment of a captured run', () => {
  it('adds the run id to the resource attributes the user set, keeping every one of them', () => {
    expect(withRunId('service.version=1.2,deployment.environment=dev', 'run_1')).toBe(
      'service.version=1.2,deployment.environment=dev,otel_mcp.run_id=run_1',
    );
    expect(withRunId(undefined, 'run_1')).toBe('otel_mcp.run_id=run_1');
  });

  it('replaces only an earlier run id, which is otel-mcp’s own', () => {
    expect(withRunId('otel_mcp.run_id=run_old, team=core', 'run_new')).toBe(
      'team=core,otel_mcp.run_id=run_new',
    );
  });

  it('points both the generic and the traces endpoint at the receiver, so a traces endpoint exported for another collector cannot divert the run', () => {
    const env = runEnvironment({
      base: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://vendor.example/v1/traces', PATH: '/bin' },
      endpoint,
      runId: 'run_1',
    });
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4318');
    expect(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBe('http://127.0.0.1:4318/v1/traces');
    expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    expect(env.OTEL_TRACES_EXPORTER).toBe('otlp');
    expect(env.PATH).toBe('/bin');
    expect(env.OTEL_MCP_RUN_ID).toBe('run_1');
  });

  it('uses the bare gRPC address for the traces endpoint over gRPC', () => {
    const env = runEnvironment({
      base: {},
      endpoint: { protocol: 'grpc', url: 'http://127.0.0.1:4317' },
      runId: 'run_1',
    });
    expect(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBe('http://127.0.0.1:4317');
    expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('grpc');
  });

  it('shortens the batch delay unless the user chose one, and passes the caller’s variables through', () => {
    expect(runEnvironment({ base: {}, endpoint, runId: 'r' }).OTEL_BSP_SCHEDULE_DELAY).toBe('50');
    expect(
      runEnvironment({ base: { OTEL_BSP_SCHEDULE_DELAY: '2000' }, endpoint, runId: 'r' })
        .OTEL_BSP_SCHEDULE_DELAY,
    ).toBe('2000');
    expect(
      runEnvironment({ base: {}, extra: { OTEL_SERVICE_NAME: 'cart' }, endpoint, runId: 'r' })
        .OTEL_SERVICE_NAME,
    ).toBe('cart');
  });

  it('sends the headers the receiver requires, URL-encoded as the SDKs expect', () => {
    const env = runEnvironment({
      base: {},
      endpoint,
      runId: 'r',
      exportHeaders: { authorization: 'Bearer a b' },
    });
    expect(env.OTEL_EXPORTER_OTLP_HEADERS).toBe('authorization=Bearer%20a%20b');
  });

  it('names a started service after its services[] entry when neither OTEL_SERVICE_NAME nor a service.name attribute is set', () => {
    expect(
      runEnvironment({ base: {}, endpoint, runId: 'r', service: 'loans-service' }).OTEL_SERVICE_NAME,
    ).toBe('loans-service');
    expect(
      runEnvironment({ base: { OTEL_SERVICE_NAME: 'loans' }, endpoint, runId: 'r', service: 'loans-service' })
        .OTEL_SERVICE_NAME,
    ).toBe('loans');
    const named = runEnvironment({
      base: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=loans' },
      endpoint,
      runId: 'r',
      service: 'loans-service',
    });
    expect(named.OTEL_SERVICE_NAME).toBeUndefined();
    // The command is no service: it gets no name.
    expect(runEnvironment({ base: {}, endpoint, runId: 'r' }).OTEL_SERVICE_NAME).toBeUndefined();
  });

  it('tags a started service’s spans with its services[] name, so the run knows which process sent what', () => {
    expect(withRunId('team=core', 'run_1', 'notify service')).toBe(
      'team=core,otel_mcp.run_id=run_1,otel_mcp.process=notify%20service',
    );
    expect(withRunId('otel_mcp.process=old', 'run_1')).toBe('otel_mcp.run_id=run_1');
  });
});
