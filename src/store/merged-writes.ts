/**
 * Group commit on the writer thread's side (span-write-worker.ts): the span writes waiting when the
 * writer turns to one are stored with it in one transaction, up to a size. The main thread hands each
 * export over as soon as it is encoded, so the writer always has the next one at hand; a writer that
 * falls behind commits what piled up together instead of paying a commit for each.
 */
import { isOtelMcpError } from '../model/index.js';

/**
 * Spans in one transaction at most: ~50 ms of writing, so the main connection's own writes
 * (retention, specs, sessions) never wait long for the lock.
 */
export const MERGED_TRANSACTION_SPANS = 4_096;

/**
 * `first` and the writes after it that `next` gives while they are mergeable and fit in `limit`
 * items together. The first message that does not is given back through `putBack`, to be handled
 * next, in order.
 */
export function gatherWrites<M, W extends M>(
  first: W,
  next: () => M | undefined,
  putBack: (message: M) => void,
  mergeable: (message: M) => message is W,
  size: (write: W) => number,
  limit: number,
): W[] {
  const writes = [first];
  let items = size(first);
  while (items < limit) {
    const waiting = next();
    if (waiting === undefined) break;
    if (!mergeable(waiting) || items + size(waiting) > limit) {
      putBack(waiting);
      break;
    }
    writes.push(waiting);
    items += size(waiting);
  }
  return writes;
}

/**
 * Stores `writes` in one transaction (`store` commits them all or nothing) and answers each: a
 * failed transaction fails exactly the writes in it. When the data was refused (INVALID_ARGUMENT),
 * each is stored again alone, so only the write that carried it is refused and the others are kept.
 */
export function storeTogether<W>(
  writes: W[],
  store: (writes: W[]) => void,
  answer: (write: W, index: number, error?: unknown) => void,
): void {
  try {
    store(writes);
  } catch (error) {
    if (writes.length > 1 && isOtelMcpError(error) && error.code === 'INVALID_ARGUMENT') {
      for (const write of writes) storeTogether([write], store, answer);
    } else {
      writes.forEach((write, index) => answer(write, index, error));
    }
    return;
  }
  writes.forEach((write, index) => answer(write, index));
}
