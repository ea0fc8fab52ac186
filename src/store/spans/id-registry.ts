import type Database from 'better-sqlite3';
import type { InstrumentationScope, Resource } from '../../model/span.js';
import { encodeResource, encodeScope, type EncodedResource, type EncodedScope } from './encoded-spans.js';

/**
 * A cache bound: past it a map is cleared and refilled from the tables. 50,000 entries is far more
 * resources, scopes, operations or attribute keys than a development store sees, and a few MB.
 */
const CACHE_LIMIT = 50_000;

/**
 * Gives the values every span repeats (resources, scopes, operations, attribute keys) their row
 * ids: looked up in memory, then in the table, inserted on first sight. Rows here are never
 * updated or deleted by id, so a cached id stays valid; after a rolled-back write the caller
 * calls `forget()`, since ids handed out inside it no longer exist.
 */
export class IdRegistry {
  private readonly resources = new Map<string, number>();
  private readonly scopes = new Map<string, number>();
  private readonly operations = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      resourceByHash: db.prepare('SELECT id FROM resources WHERE hash = ?').pluck(),
      insertResource: db.prepare('INSERT INTO resources (hash, body, encoding) VALUES (?, ?, ?)'),
      insertResourceAttribute: db.prepare(
        'INSERT OR IGNORE INTO resource_attributes (key_id, value, resource_id) VALUES (?, ?, ?)',
      ),
      scopeByHash: db.prepare('SELECT id FROM scopes WHERE hash = ?').pluck(),
      insertScope: db.prepare('INSERT INTO scopes (hash, body, encoding) VALUES (?, ?, ?)'),
      operation: db.prepare('SELECT id FROM operations WHERE service = ? AND name = ? AND kind = ?').pluck(),
      insertOperation: db.prepare('INSERT INTO operations (service, name, kind) VALUES (?, ?, ?)'),
      key: db.prepare('SELECT id FROM attribute_keys WHERE key = ?').pluck(),
      insertKey: db.prepare('INSERT INTO attribute_keys (key) VALUES (?)'),
    };
  }

  resourceId(resource: Resource): number {
    return this.encodedResourceId(encodeResource(resource));
  }

  /** The id of a resource encoded where the batch was (encoded-spans.ts), inserted when new. */
  encodedResourceId(resource: EncodedResource): number {
    const cached = this.resources.get(resource.hash);
    if (cached !== undefined) return cached;
    let id = this.statements.resourceByHash.get(resource.hash) as number | undefined;
    if (id === undefined) {
      id = Number(
        this.statements.insertResource.run(resource.hash, resource.body, resource.encoding).lastInsertRowid,
      );
      resource.attributeKeys.forEach((key, index) => {
        this.statements.insertResourceAttribute.run(this.keyId(key), resource.attributeValues[index], id);
      });
    }
    return remember(this.resources, resource.hash, id);
  }

  scopeId(scope: InstrumentationScope): number {
    return this.encodedScopeId(encodeScope(scope));
  }

  encodedScopeId(scope: EncodedScope): number {
    const cached = this.scopes.get(scope.hash);
    if (cached !== undefined) return cached;
    const id =
      (this.statements.scopeByHash.get(scope.hash) as number | undefined) ??
      Number(this.statements.insertScope.run(scope.hash, scope.body, scope.encoding).lastInsertRowid);
    return remember(this.scopes, scope.hash, id);
  }

  operationId(service: string, name: string, kind: number): number {
    const cacheKey = `${kind}\u0000${service}\u0000${name}`;
    const cached = this.operations.get(cacheKey);
    if (cached !== undefined) return cached;
    const id =
      (this.statements.operation.get(service, name, kind) as number | undefined) ??
      Number(this.statements.insertOperation.run(service, name, kind).lastInsertRowid);
    return remember(this.operations, cacheKey, id);
  }

  /** The id of an attribute key, inserted when new. */
  keyId(key: string): number {
    return (
      this.findKeyId(key) ??
      remember(this.keys, key, Number(this.statements.insertKey.run(key).lastInsertRowid))
    );
  }

  /** The id of an attribute key some span or resource has had, without inserting it. */
  findKeyId(key: string): number | undefined {
    const cached = this.keys.get(key);
    if (cached !== undefined) return cached;
    const id = this.statements.key.get(key) as number | undefined;
    return id === undefined ? undefined : remember(this.keys, key, id);
  }

  forget(): void {
    this.resources.clear();
    this.scopes.clear();
    this.operations.clear();
    this.keys.clear();
  }
}

function remember(map: Map<string, number>, key: string, id: number): number {
  if (map.size >= CACHE_LIMIT) map.clear();
  map.set(key, id);
  return id;
}
