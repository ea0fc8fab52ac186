import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MIGRATIONS, applyMigrations, userVersion, type Migration } from '../../src/store/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { openTestStore } from './store-fixture.js';

function database(): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-migrations-'));
  const db = new Database(join(dir, 'test.sqlite'));
  onTestFinished(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

const notes: Migration = {
  version: 1,
  name: 'notes',
  up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)',
};
const tags: Migration = {
  version: 2,
  name: 'tags',
  up: (db) => db.exec('CREATE TABLE tags (name TEXT PRIMARY KEY)'),
};

describe('migrations', () => {
  it('applies the list in order and records the version in user_version', () => {
    const db = database();
    expect(applyMigrations(db, [notes, tags])).toBe(2);
    expect(userVersion(db)).toBe(2);
    db.prepare('INSERT INTO tags VALUES (?)').run('x');
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'notes' },
      { version: 2, name: 'tags' },
    ]);
  });

  it('runs only the steps a database has not seen', () => {
    const db = database();
    applyMigrations(db, [notes]);
    db.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    let ran = 0;
    const counted: Migration = {
      ...tags,
      up: (inner) => {
        ran += 1;
        inner.exec('CREATE TABLE tags (name TEXT PRIMARY KEY)');
      },
    };
    applyMigrations(db, [notes, counted]);
    applyMigrations(db, [notes, counted]);
    expect(ran).toBe(1);
    expect(db.prepare('SELECT text FROM notes').pluck().all()).toEqual(['kept']);
  });

  it('rolls a failing step back whole and leaves the version before it', () => {
    const db = database();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: 'CREATE TABLE half (x); CREATE TABLE notes (y)',
    };
    expect(() => applyMigrations(db, [notes, broken])).toThrow(/already exists/);
    expect(userVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
  });

  it('refuses a data dir migrated by a build whose step has another name there', () => {
    const db = database();
    applyMigrations(db, [notes, tags]);
    const other: Migration = { version: 2, name: 'sessions', up: 'CREATE TABLE sessions (id)' };
    expect(() => applyMigrations(db, [notes, other])).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/'tags'.*'sessions'/) }),
    );
  });

  it('refuses a data dir with a newer schema than it knows', () => {
    const db = database();
    applyMigrations(db, [notes, tags]);
    expect(() => applyMigrations(db, [notes])).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/newer/) }),
    );
  });

  it('refuses a list whose versions are not 1, 2, 3 … in order', () => {
    const db = database();
    expect(() => applyMigrations(db, [tags])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => applyMigrations(db, [notes, { ...tags, name: 'notes' }])).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
  });

  it('lets a later repository add its tables and share the store connection', () => {
    const specs: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'specs',
      up: 'CREATE TABLE spec_versions (name TEXT, version INTEGER, body TEXT, PRIMARY KEY (name, version))',
    };
    const { store, open } = openTestStore({ migrations: [...MIGRATIONS, specs] });
    store
      .connection()
      .prepare('INSERT INTO spec_versions VALUES (?, ?, ?)')
      .run('checkout', 1, 'name: checkout');
    store.writeSpans(buildTrace({ name: 'op' }).spans);
    store.close();
    const reopened = open({ migrations: [...MIGRATIONS, specs] });
    expect(reopened.connection().prepare('SELECT body FROM spec_versions').pluck().get()).toBe(
      'name: checkout',
    );
    expect(userVersion(reopened.connection())).toBe(MIGRATIONS.length + 1);
  });

  it('tells a read-only process to let the writer migrate first', () => {
    const { open } = openTestStore();
    const later: Migration = { version: MIGRATIONS.length + 1, name: 'later', up: 'CREATE TABLE later (x)' };
    expect(() => open({ readOnly: true, migrations: [...MIGRATIONS, later] })).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        message: expect.stringMatching(
          new RegExp(`schema version ${MIGRATIONS.length}, this otel-mcp needs ${MIGRATIONS.length + 1}`),
        ),
      }),
    );
  });
});
