import { describe, expect, it } from 'vitest';
import { SpecRepository } from '../../src/store/specs/spec-repository.js';
import { openTestStore } from './store-fixture.js';

const checkout = (max: number) => ({
  name: 'checkout',
  expected_spans: [{ operation_name: 'POST /checkout', expected_duration_ms: { max } }],
});

describe('spec repository', () => {
  it('keeps every version, numbered from 1, with its source and note', () => {
    const { store } = openTestStore();
    let clock = 1_000;
    const repository = new SpecRepository(store.connection(), () => clock++);
    expect(repository.append({ name: 'checkout', spec: checkout(100), source: 'tool' }).version.version).toBe(
      1,
    );
    const second = repository.append({
      name: 'checkout',
      spec: checkout(200),
      source: 'template',
      note: 'template rest_crud',
    });
    expect(second).toMatchObject({
      created: true,
      version: { version: 2, source: 'template', note: 'template rest_crud', createdAtMs: 1_001 },
    });
    expect(repository.get('checkout', 1)?.spec).toEqual(checkout(100));
    expect(repository.latest('checkout')?.spec).toEqual(checkout(200));
    expect(repository.history('checkout').map((version) => version.version)).toEqual([1, 2]);
    expect(repository.list()).toEqual([
      { name: 'checkout', latestVersion: 2, versionCount: 2, createdAtMs: 1_000, updatedAtMs: 1_001 },
    ]);
  });

  it('adds no version when the content equals the latest, whatever the key order', () => {
    const { store } = openTestStore();
    const repository = new SpecRepository(store.connection());
    repository.append({ name: 'checkout', spec: checkout(100), source: 'tool' });
    const reordered = {
      expected_spans: [{ expected_duration_ms: { max: 100 }, operation_name: 'POST /checkout' }],
      name: 'checkout',
    };
    const again = repository.append({ name: 'checkout', spec: reordered, source: 'tool' });
    expect(again).toMatchObject({ created: false, version: { version: 1 } });
    expect(repository.history('checkout')).toHaveLength(1);
  });

  it('refuses names that could leave the specs dir or collide on case-insensitive file systems', () => {
    const { store } = openTestStore();
    const repository = new SpecRepository(store.connection());
    for (const name of ['../x', 'a/b', 'a\\b', '.hidden', '..', 'Checkout', '', 'x'.repeat(65)]) {
      expect(() => repository.append({ name, spec: {}, source: 'tool' }), name).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          hint: expect.stringMatching(/lower-case letter or digit/),
        }),
      );
    }
    expect(repository.list()).toEqual([]);
  });

  it('keeps the versions across a reopen of the data dir', () => {
    const { store, open } = openTestStore();
    new SpecRepository(store.connection()).append({ name: 'checkout', spec: checkout(100), source: 'tool' });
    new SpecRepository(store.connection()).append({
      name: 'checkout',
      spec: checkout(300),
      source: 'update',
    });
    store.close();
    const reopened = new SpecRepository(open().connection());
    expect(reopened.history('checkout').map((version) => [version.version, version.source])).toEqual([
      [1, 'tool'],
      [2, 'update'],
    ]);
    expect(reopened.get('checkout', 2)?.spec).toEqual(checkout(300));
  });

  it('answers undefined for an unknown spec or version', () => {
    const { store } = openTestStore();
    const repository = new SpecRepository(store.connection());
    repository.append({ name: 'checkout', spec: checkout(100), source: 'tool' });
    expect(repository.latest('other')).toBeUndefined();
    expect(repository.get('checkout', 2)).toBeUndefined();
  });
});
