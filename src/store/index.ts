export * from './trace-store.js';
export {
  MIGRATIONS,
  applyMigrations,
  checkMigrated,
  userVersion,
  type Migration,
} from './schema/migrations.js';
export { DATABASE_FILE, type Durability } from './schema/sqlite-connection.js';
export type { SpansWritten } from './spans/span-writer.js';
export type { RetentionPolicy, RetentionResult } from './spans/retention.js';
export type { SearchPlan } from './spans/trace-search.js';
export { INDEXED_VALUE_MAX_LENGTH } from './attributes/attribute-values.js';
