import type Database from 'better-sqlite3';
import type { InstrumentationScope, Resource } from '../../model/span.js';
import { decodeJson, type Encoding } from '../schema/json-codec.js';

/** Distinct resources or scopes remembered as text; a few thousand at a few hundred bytes each. */
const CACHE_LIMIT = 5_000;

interface StoredBody {
  body: string;
  encoding: Encoding;
}

/**
 * Reads resources and scopes by id. Their rows never change once written, so the JSON text is
 * cached; each read parses it afresh, so every span handed out owns its objects (a caller may
 * mutate a returned trace without touching another span or the next read).
 */
export class BodyCache {
  private readonly resources = new Map<number, StoredBody>();
  private readonly scopes = new Map<number, StoredBody>();
  private readonly resourceById;
  private readonly scopeById;

  constructor(db: Database.Database) {
    this.resourceById = db.prepare('SELECT body, encoding FROM resources WHERE id = ?');
    this.scopeById = db.prepare('SELECT body, encoding FROM scopes WHERE id = ?');
  }

  resource(id: number): Resource {
    return parse<Resource>(fetch(this.resources, this.resourceById, id, 'resource'));
  }

  scope(id: number): InstrumentationScope {
    return parse<InstrumentationScope>(fetch(this.scopes, this.scopeById, id, 'scope'));
  }
}

function fetch(
  cache: Map<number, StoredBody>,
  statement: Database.Statement,
  id: number,
  what: string,
): StoredBody {
  let stored = cache.get(id);
  if (!stored) {
    stored = statement.get(id) as StoredBody | undefined;
    // Rows are never deleted, so a span always finds its resource; this guards a damaged file.
    if (!stored) return { body: JSON.stringify(missing(what)), encoding: 0 };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(id, stored);
  }
  return stored;
}

function missing(what: string): Resource | InstrumentationScope {
  return what === 'scope'
    ? { name: '', attributes: {}, droppedAttributesCount: 0 }
    : { attributes: {}, droppedAttributesCount: 0 };
}

function parse<T>(stored: StoredBody): T {
  return decodeJson<T>(stored.body, stored.encoding);
}
