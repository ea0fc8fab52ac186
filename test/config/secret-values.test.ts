import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { secretValuesOf } from '../../src/config/secret-values.js';

describe('secretValuesOf', () => {
  it('collects tokens, passwords, the basic pair as sent, credential headers, receiver headers and the MCP HTTP token, not other values', () => {
    const config = configSchema.parse({
      mcp: { auth_token: 'mcp-http-token-0123456789' },
      backends: {
        otlp: { headers: { 'x-export-key': 'receiver=key' } },
        jaeger: { endpoint: 'http://127.0.0.1:16686', auth: { bearer_token: 'jaeger-token' } },
        tempo: {
          endpoint: 'http://user:url-pass@127.0.0.1:3200',
          auth: { username: 'ann', password: 'hunter22' },
          headers: { 'x-api-key': 'Token api-key-value', 'x-extra': 'visible' },
        },
      },
    });
    const secrets = secretValuesOf(config);
    for (const value of [
      'receiver=key',
      'receiver%3Dkey',
      'jaeger-token',
      'hunter22',
      'url-pass',
      'api-key-value',
      'mcp-http-token-0123456789',
    ])
      expect(secrets).toContain(value);
    expect(secrets).toContain(Buffer.from('ann:hunter22').toString('base64'));
    expect(secrets).not.toContain('visible');
    expect(secrets).not.toContain('ann');
  });
});
