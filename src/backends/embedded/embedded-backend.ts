import type { TraceStore } from '../../store/trace-store.js';
import type { BackendCapabilities, TraceBackend } from '../trace-backend.js';

/** The embedded store answers every query the interface can express: it was built for them. */
const EMBEDDED_CAPABILITIES: BackendCapabilities = {
  attributeFilters: true,
  attributeExistenceFilters: true,
  errorStatusFilter: true,
  durationFilters: true,
  statusFilter: true,
  searchWithoutService: true,
  operationKinds: true,
  logs: true,
  traceIdPrefixes: true,
  serviceStats: true,
  rollups: true,
  valueLookup: true,
  reverseLinks: true,
};

/**
 * The embedded SQLite store behind the common backend interface. The store is synchronous (better-sqlite3);
 * the interface is async because remote backends are. The store owns its lifetime, so `close` does nothing.
 */
export function createEmbeddedBackend(store: TraceStore, name = 'embedded'): TraceBackend {
  return {
    name,
    kind: 'embedded',
    capabilities: EMBEDDED_CAPABILITIES,
    async getTrace(traceId) {
      return store.getTrace(traceId);
    },
    async findTraces(query) {
      return store.findTraces(query);
    },
    async listServices() {
      return store.listServices().map((service) => service.name);
    },
    async listOperations(serviceName) {
      return store
        .listOperations(serviceName)
        .map((operation) => ({ name: operation.name, spanKind: operation.spanKind }));
    },
    async resolveTraceIdPrefix(prefix, limit) {
      return store.resolveTraceIdPrefix(prefix, limit);
    },
    async getLogs(query) {
      return store.getLogs(query);
    },
    async serviceStats() {
      return store.listServices();
    },
    async operationRollups(query) {
      return store.operationRollups(query);
    },
    async findAttributeValue(query) {
      return store.findAttributeValue(query);
    },
    async findLinksInto(traceId, limit) {
      return store.findLinksInto(traceId, limit);
    },
    async health() {
      try {
        store.stats();
        return { ok: true };
      } catch (error) {
        return { ok: false, message: `embedded store in ${store.dataDir}: ${(error as Error).message}` };
      }
    },
    async close() {},
  };
}
