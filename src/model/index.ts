export * from './span.js';
export * from './time.js';
export * from './ids.js';
export * from './errors.js';
export * from './query.js';
export * from './log-record.js';
export * from './transaction-keys.js';
