// Starts span-write-worker.ts from source (tests under vitest, `node --import tsx`): a worker thread
// does not inherit the parent's tsx loader, so it registers one before importing the entry. The built
// server starts dist's span-write-worker.js directly and never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
