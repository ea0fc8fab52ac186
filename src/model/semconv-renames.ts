/**
 * Attributes the OpenTelemetry semantic conventions renamed, old name → current name, from the
 * migration guides of open-telemetry/semantic-conventions (docs/non-normative/http-migration.md,
 * db-migration.md, code-attrs-migration.md, rpc-migration.md). Only one-to-one renames whose value
 * keeps its meaning are listed: a split (`http.target` → `url.path` + `url.query`) or a change of
 * type (`rpc.grpc.status_code`, an int, → `rpc.status_code`, a string) is not the same attribute.
 * Instrumentations still emit the old names (Flask and sqlite3 0.66b1: `http.method`,
 * `http.status_code`, `db.statement`), so a spec written in either generation matches both.
 */

export type ConventionFamily = 'HTTP' | 'database' | 'code' | 'RPC';

interface Rename {
  old: string;
  current: string;
  family: ConventionFamily;
}

const RENAMES: readonly Rename[] = [
  // HTTP (stable since v1.23.0)
  { old: 'http.method', current: 'http.request.method', family: 'HTTP' },
  { old: 'http.status_code', current: 'http.response.status_code', family: 'HTTP' },
  { old: 'http.url', current: 'url.full', family: 'HTTP' },
  { old: 'http.scheme', current: 'url.scheme', family: 'HTTP' },
  { old: 'http.user_agent', current: 'user_agent.original', family: 'HTTP' },
  { old: 'http.client_ip', current: 'client.address', family: 'HTTP' },
  { old: 'http.resend_count', current: 'http.request.resend_count', family: 'HTTP' },
  { old: 'http.request_content_length', current: 'http.request.body.size', family: 'HTTP' },
  { old: 'http.response_content_length', current: 'http.response.body.size', family: 'HTTP' },
  { old: 'net.peer.name', current: 'server.address', family: 'HTTP' },
  { old: 'net.peer.port', current: 'server.port', family: 'HTTP' },
  { old: 'net.host.name', current: 'server.address', family: 'HTTP' },
  { old: 'net.host.port', current: 'server.port', family: 'HTTP' },
  { old: 'net.protocol.name', current: 'network.protocol.name', family: 'HTTP' },
  { old: 'net.protocol.version', current: 'network.protocol.version', family: 'HTTP' },
  { old: 'net.sock.peer.addr', current: 'network.peer.address', family: 'HTTP' },
  { old: 'net.sock.peer.port', current: 'network.peer.port', family: 'HTTP' },
  { old: 'net.sock.host.addr', current: 'network.local.address', family: 'HTTP' },
  { old: 'net.sock.host.port', current: 'network.local.port', family: 'HTTP' },
  // Database (stable since v1.33.0)
  { old: 'db.system', current: 'db.system.name', family: 'database' },
  { old: 'db.statement', current: 'db.query.text', family: 'database' },
  { old: 'db.operation', current: 'db.operation.name', family: 'database' },
  { old: 'db.name', current: 'db.namespace', family: 'database' },
  { old: 'db.sql.table', current: 'db.collection.name', family: 'database' },
  { old: 'db.cassandra.table', current: 'db.collection.name', family: 'database' },
  { old: 'db.mongodb.collection', current: 'db.collection.name', family: 'database' },
  { old: 'db.cosmosdb.container', current: 'db.collection.name', family: 'database' },
  // Code
  { old: 'code.filepath', current: 'code.file.path', family: 'code' },
  { old: 'code.lineno', current: 'code.line.number', family: 'code' },
  { old: 'code.column', current: 'code.column.number', family: 'code' },
  { old: 'code.function', current: 'code.function.name', family: 'code' },
  // RPC
  { old: 'rpc.system', current: 'rpc.system.name', family: 'RPC' },
];

export interface AttributeAlias {
  name: string;
  /** `older` when `name` is the old spelling of the key asked for, `newer` when it is the new one. */
  generation: 'older' | 'newer';
  family: ConventionFamily;
}

const ALIASES = new Map<string, AttributeAlias[]>();
for (const rename of RENAMES) {
  const add = (key: string, alias: AttributeAlias): void => {
    const list = ALIASES.get(key) ?? [];
    list.push(alias);
    ALIASES.set(key, list);
  };
  add(rename.current, { name: rename.old, generation: 'older', family: rename.family });
  add(rename.old, { name: rename.current, generation: 'newer', family: rename.family });
}

/** The other names of the same attribute in another generation of the conventions (none for most keys). */
export function attributeAliases(key: string): readonly AttributeAlias[] {
  return ALIASES.get(key) ?? [];
}
