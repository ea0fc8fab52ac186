import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncInBackground } from '../../src/store/background-sync.js';
import { tempDirForTest } from '../support/temp-dir.js';

const synced = (path: string) =>
  new Promise<Error | undefined>((resolve) => {
    expect(syncInBackground(path, resolve)).toBe(true);
  });

describe('syncing a file in the background', () => {
  it('syncs the file and says so once it is done', async () => {
    const path = join(tempDirForTest('otel-mcp-background-sync-'), 'file');
    writeFileSync(path, 'bytes to write back');
    await expect(synced(path)).resolves.toBeUndefined();
  });

  it('starts no second sync of a file while the first runs, and starts one once it has finished', async () => {
    const path = join(tempDirForTest('otel-mcp-background-sync-'), 'file');
    writeFileSync(path, 'bytes');
    const first = synced(path);
    expect(syncInBackground(path)).toBe(false);
    await first;
    await expect(synced(path)).resolves.toBeUndefined();
  });

  it('gives a missing file’s error to its callback instead of throwing, and lets the path be synced later', async () => {
    const dir = tempDirForTest('otel-mcp-background-sync-');
    const path = join(dir, 'not-yet');
    const error = await synced(path);
    expect(error).toMatchObject({ code: 'ENOENT' });
    writeFileSync(path, 'bytes');
    await expect(synced(path)).resolves.toBeUndefined();
  });
});
