import { OtelMcpError } from '../model/errors.js';
import type { TraceBackend } from '../backends/trace-backend.js';

export const EMBEDDED_BACKEND = 'embedded';

/** The configured backends by name; tools take an optional `backend` and default to the embedded store. */
export interface BackendSelection {
  get(name?: string): TraceBackend;
  names(): string[];
  all(): TraceBackend[];
}

export function createBackendSelection(backends: TraceBackend[]): BackendSelection {
  const byName = new Map(backends.map((backend) => [backend.name, backend]));
  return {
    get(name = EMBEDDED_BACKEND) {
      const backend = byName.get(name);
      if (!backend) {
        throw new OtelMcpError(
          'NOT_FOUND',
          `no backend named '${name}' is configured`,
          `use one of: ${[...byName.keys()].join(', ')} (add others under 'backends:' in the config file)`,
        );
      }
      return backend;
    },
    names: () => [...byName.keys()],
    all: () => [...byName.values()],
  };
}
