import { close, fdatasync, open } from 'node:fs';

/** Files with a sync started here and not finished, so a slow disk never gets a queue of them. */
const syncing = new Set<string>();

/**
 * Starts an fdatasync of the file at `path` on libuv's thread pool and returns at once: the OS writes
 * the file's dirty pages to disk while the caller goes on. Returns false, starting nothing, while an
 * earlier sync of the same path is still running.
 *
 * It opens a descriptor of its own, so the caller's are never synced or closed under it. A failure
 * (a file deleted meanwhile, an I/O error) only goes to `done`: on Linux a write error is reported
 * to every descriptor open when it happened, so the caller's own sync of the file still reports it.
 */
export function syncInBackground(path: string, done?: (error?: Error) => void): boolean {
  if (syncing.has(path)) return false;
  syncing.add(path);
  const finish = (error: Error | null) => {
    syncing.delete(path);
    done?.(error ?? undefined);
  };
  open(path, 'r', (openError, fd) => {
    if (openError) return finish(openError);
    fdatasync(fd, (syncError) => close(fd, (closeError) => finish(syncError ?? closeError)));
  });
  return true;
}
