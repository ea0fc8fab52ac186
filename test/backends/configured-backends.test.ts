import { describe, expect, it } from 'vitest';
import { createConfiguredBackends } from '../../src/backends/configured-backends.js';

describe("building the configuration's backends block", () => {
  it('builds one backend per entry, leaving out the embedded receiver block', () => {
    const backends = createConfiguredBackends({
      otlp: { endpoint: 'http://localhost:4317' },
      jaeger: { endpoint: 'grpc://127.0.0.1:16685' },
      'prod-traces': { type: 'tempo', endpoint: 'https://user:secret@tempo.example.com/base?x=1' },
    });
    expect(backends.map((backend) => [backend.name, backend.kind, backend.endpoint])).toEqual([
      ['jaeger', 'jaeger', 'grpc://127.0.0.1:16685'],
      ['prod-traces', 'tempo', 'https://tempo.example.com/base'],
    ]);
  });

  it("refuses an entry named 'embedded', which is the store's own name", () => {
    expect(() =>
      createConfiguredBackends({ embedded: { type: 'zipkin', endpoint: 'http://127.0.0.1:9411' } }),
    ).toThrow(/backends\.embedded: the name 'embedded' is taken/);
  });

  it('refuses an entry of unknown kind, naming it', () => {
    expect(() => createConfiguredBackends({ traces: { endpoint: 'http://127.0.0.1:9411' } })).toThrow(
      /backends\.traces: cannot tell which kind/,
    );
  });
});
