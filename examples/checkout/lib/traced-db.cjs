// SQLite (better-sqlite3, in memory) with CLIENT spans that follow the database semantic
// conventions, made by hand since no official instrumentation exists for better-sqlite3.
'use strict';
const { setTimeout: sleep } = require('node:timers/promises');
const Database = require('better-sqlite3');
const { SpanKind, SpanStatusCode, trace } = require('@opentelemetry/api');

// An in-memory database answers in microseconds; a real database server is a network round trip
// away. 15 ms per query makes a query loop cost what it costs in production: five of them take
// 75 ms, past the 50 ms an N+1 detector needs, while one batched query stays cheap.
const ROUND_TRIP_MS = 15;

function openDatabase(schemaSql) {
  const db = new Database(':memory:');
  db.exec(schemaSql);
  return db;
}

/**
 * Runs `statement` inside a CLIENT span named `<OPERATION> <table>` (the semantic conventions'
 * `{db.operation.name} {db.collection.name}`), returning its rows for a SELECT.
 */
async function tracedQuery(db, statement, params = []) {
  const operation = (/^\s*(\w+)/.exec(statement)?.[1] ?? 'QUERY').toUpperCase();
  const table = /\b(?:FROM|INTO|UPDATE)\s+(\w+)/i.exec(statement)?.[1] ?? 'main';
  const tracer = trace.getTracer('checkout-sqlite', '1.0.0');
  return tracer.startActiveSpan(
    `${operation} ${table}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'sqlite',
        'db.namespace': 'main',
        'db.operation.name': operation,
        'db.collection.name': table,
        'db.query.text': statement,
      },
    },
    async (span) => {
      try {
        await sleep(ROUND_TRIP_MS);
        const prepared = db.prepare(statement);
        return prepared.reader ? prepared.all(...params) : prepared.run(...params);
      } catch (error) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

module.exports = { openDatabase, tracedQuery };
