/**
 * resources/subscribe: a client that subscribed to a spec or a session hears
 * notifications/resources/updated when its text changes — after a tool stored a new spec version
 * or a run, and when a spec file in the specs dir is edited by hand (checked every few seconds while
 * anything is subscribed). Change is judged by the text itself, so a tool call that changed nothing
 * sends nothing.
 */
import { createHash } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/server';

/** How often subscribed resources are re-read for changes made outside a tool call (spec files). */
const POLL_MS = 2_000;

export interface ResourceSubscriptions {
  /** Re-reads every subscribed resource and notifies the client of each that changed. */
  check(): Promise<void>;
}

export function registerSubscriptions(
  server: McpServer,
  read: (uri: string) => Promise<string>,
): ResourceSubscriptions {
  /** Subscribed URI → fingerprint of the text the client was last told about (undefined: unreadable). */
  const subscribed = new Map<string, string | undefined>();
  let timer: NodeJS.Timeout | undefined;
  const fingerprint = async (uri: string): Promise<string | undefined> => {
    try {
      return createHash('sha256')
        .update(await read(uri))
        .digest('base64url');
    } catch {
      // A session or spec that does not exist yet (or any more) is a state too: its creation is a change.
      return undefined;
    }
  };
  /** The check running now: a poll that comes while one runs (a slow specs dir) waits for it instead of piling up. */
  let checking: Promise<void> | undefined;
  const checkAll = async () => {
    for (const [uri, seen] of subscribed) {
      const now = await fingerprint(uri);
      if (now === seen || !subscribed.has(uri)) continue;
      subscribed.set(uri, now);
      server.server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  };
  const check = async () => {
    if (checking) await checking;
    checking ??= checkAll().finally(() => (checking = undefined));
    return checking;
  };

  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler('resources/subscribe', async (request) => {
    subscribed.set(request.params.uri, await fingerprint(request.params.uri));
    timer ??= setInterval(() => void check(), POLL_MS).unref();
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', async (request) => {
    subscribed.delete(request.params.uri);
    if (subscribed.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    return {};
  });
  const previousOnClose = server.server.onclose;
  server.server.onclose = () => {
    if (timer) clearInterval(timer);
    previousOnClose?.();
  };
  return { check };
}
