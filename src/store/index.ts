export * from './trace-store.js';
export { MIGRATIONS, applyMigrations, checkMigrated, userVersion, type Migration } from './migrations.js';
export { DATABASE_FILE, type Durability } from './sqlite-connection.js';
export type { SpansWritten } from './span-writer.js';
export type { RetentionPolicy, RetentionResult } from './retention.js';
export type { LogQuery } from './log-store.js';
export type { SearchPlan } from './trace-search.js';
export { INDEXED_VALUE_MAX_LENGTH } from './attribute-values.js';
export type { LinkInto, ValueMatch, ValueMatches, ValueQuery } from './transaction-lookup.js';
