/**
 * Group commit on the writer thread's side (merged-writes.ts): which waiting writes join a
 * transaction, and how each is answered when it fails. The writer thread itself is exercised in
 * writer-thread.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { OtelMcpError } from '../../src/model/index.js';
import { gatherWrites, storeTogether } from '../../src/store/merged-writes.js';

type Message = { kind: 'write'; id: number; items: number } | { kind: 'close' };
type Write = Extract<Message, { kind: 'write' }>;
const isWrite = (message: Message): message is Write => message.kind === 'write';
const write = (id: number, items: number): Write => ({ kind: 'write', id, items });

function port(messages: Message[]) {
  const waiting = [...messages];
  const putBack: Message[] = [];
  return {
    next: () => waiting.shift(),
    putBack: (message: Message) => putBack.push(message),
    waiting,
    putBackMessages: putBack,
  };
}

describe('gathering the writes that wait for the writer', () => {
  it('takes the waiting writes in order while they fit the limit, and gives back the first that does not', () => {
    const waiting = port([write(2, 100), write(3, 200), write(4, 300), write(5, 1)]);
    const writes = gatherWrites(write(1, 100), waiting.next, waiting.putBack, isWrite, (w) => w.items, 500);
    expect(writes.map((w) => w.id)).toEqual([1, 2, 3]);
    expect(waiting.putBackMessages).toEqual([write(4, 300)]);
    expect(waiting.waiting).toEqual([write(5, 1)]);
  });

  it('stops at a message that is not a write, so it is handled after them, in order', () => {
    const waiting = port([write(2, 1), { kind: 'close' }, write(3, 1)]);
    const writes = gatherWrites(write(1, 1), waiting.next, waiting.putBack, isWrite, (w) => w.items, 500);
    expect(writes.map((w) => w.id)).toEqual([1, 2]);
    expect(waiting.putBackMessages).toEqual([{ kind: 'close' }]);
  });

  it('takes nothing more once the first write fills the limit on its own', () => {
    const waiting = port([write(2, 1)]);
    const writes = gatherWrites(write(1, 900), waiting.next, waiting.putBack, isWrite, (w) => w.items, 500);
    expect(writes.map((w) => w.id)).toEqual([1]);
    expect(waiting.waiting).toEqual([write(2, 1)]);
    expect(waiting.putBackMessages).toEqual([]);
  });
});

describe('storing gathered writes together', () => {
  /** A store that commits all or nothing and refuses any transaction holding a write id in `refuse`. */
  function store(refuse: { ids: number[]; error: () => Error }) {
    const transactions: number[][] = [];
    const committed: number[] = [];
    const run = (writes: Write[]) => {
      transactions.push(writes.map((w) => w.id));
      if (writes.some((w) => refuse.ids.includes(w.id))) throw refuse.error();
      committed.push(...writes.map((w) => w.id));
    };
    return { run, transactions, committed };
  }
  const answers = () => {
    const got: { id: number; index: number; error?: string }[] = [];
    const answer = (w: Write, index: number, error?: unknown) =>
      got.push({ id: w.id, index, ...(error === undefined ? {} : { error: (error as Error).message }) });
    return { got, answer };
  };

  it('commits them in one transaction and answers each, the first as the transaction’s first', () => {
    const sink = store({ ids: [], error: () => new Error('unused') });
    const { got, answer } = answers();
    storeTogether([write(1, 1), write(2, 1), write(3, 1)], sink.run, answer);
    expect(sink.transactions).toEqual([[1, 2, 3]]);
    expect(got).toEqual([
      { id: 1, index: 0 },
      { id: 2, index: 1 },
      { id: 3, index: 2 },
    ]);
  });

  it('refuses only the write whose data was refused, storing the others alone', () => {
    const sink = store({
      ids: [2],
      error: () => new OtelMcpError('INVALID_ARGUMENT', 'span #0 ends before it starts'),
    });
    const { got, answer } = answers();
    storeTogether([write(1, 1), write(2, 1), write(3, 1)], sink.run, answer);
    expect(sink.transactions).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(sink.committed).toEqual([1, 3]);
    expect(got).toEqual([
      { id: 1, index: 0 },
      { id: 2, index: 0, error: 'span #0 ends before it starts' },
      { id: 3, index: 0 },
    ]);
  });

  it('fails every write of a transaction that failed for another reason, without trying them again', () => {
    const sink = store({ ids: [2], error: () => new Error('disk I/O error') });
    const { got, answer } = answers();
    storeTogether([write(1, 1), write(2, 1)], sink.run, answer);
    expect(sink.transactions).toEqual([[1, 2]]);
    expect(sink.committed).toEqual([]);
    expect(got).toEqual([
      { id: 1, index: 0, error: 'disk I/O error' },
      { id: 2, index: 1, error: 'disk I/O error' },
    ]);
  });
});
