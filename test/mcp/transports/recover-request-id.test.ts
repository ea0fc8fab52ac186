import { describe, expect, it } from 'vitest';
import { recoverRequestId } from '../../../src/mcp/transports/recover-request-id.js';

describe('recoverRequestId', () => {
  it('reads a top-level id written first, and skips an id inside the params', () => {
    expect(
      recoverRequestId(
        '{"jsonrpc":"2.0","params":{"id":99,"x":"a\\"id\\":5"},"id":"req-1","method":"tools/call","par',
        '',
      ),
    ).toBe('req-1');
    expect(recoverRequestId('{"id":12,"method":"tools/call","params":{"arguments":{"note":"xxxx', '')).toBe(
      12,
    );
  });

  it('reads an id written last, as the MCP SDK client does, but not one that closes a nested object', () => {
    expect(
      recoverRequestId('{"method":"tools/call","params":{"argu', 'xxxx"}}},"jsonrpc":"2.0","id":7}'),
    ).toBe(7);
    expect(
      recoverRequestId('{"method":"tools/call","params":{"argu', 'xxxx","id":7}},"jsonrpc":"2.0"}'),
    ).toBeUndefined();
  });
});
