/**
 * Refuses a search a backend cannot answer exactly (never narrowed silently), with a
 * message that names the filter and what the backend does support.
 */
import { OtelMcpError } from '../model/errors.js';
import type { TraceQuery } from '../model/query.js';
import type { BackendCapabilities } from './trace-backend.js';

export function assertQuerySupported(
  backendName: string,
  capabilities: BackendCapabilities,
  query: TraceQuery,
): void {
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `limit must be a positive integer, got ${query.limit}`,
      'pass limit ≥ 1',
    );
  }
  const refuse = (what: string): never => {
    throw new OtelMcpError(
      'UNSUPPORTED',
      `${backendName} cannot ${what}`,
      `${backendName} can search by ${supportedFilters(capabilities).join(', ')}`,
    );
  };
  if (query.serviceName === undefined && !capabilities.searchWithoutService)
    refuse('search traces without a service name');
  const attributes = query.attributes ?? [];
  if (attributes.some((filter) => filter.value !== undefined) && !capabilities.attributeFilters) {
    refuse('filter traces by attribute value');
  }
  const existence = attributes.find((filter) => filter.value === undefined);
  if (existence && !capabilities.attributeExistenceFilters) {
    refuse(`filter traces by the mere presence of an attribute ('${existence.key}' without a value)`);
  }
  if (
    (query.minDurationMs !== undefined || query.maxDurationMs !== undefined) &&
    !capabilities.durationFilters
  ) {
    refuse('filter traces by span duration');
  }
  if (query.status === 'ok' && !capabilities.statusFilter) refuse("filter traces by status 'ok'");
  if (query.status === 'error' && !capabilities.statusFilter && !capabilities.errorStatusFilter) {
    refuse("filter traces by status 'error'");
  }
}

/** The filters a backend honours, in words. */
export function supportedFilters(capabilities: BackendCapabilities): string[] {
  const filters = [
    capabilities.searchWithoutService ? 'service (optional)' : 'service (required)',
    'operation',
  ];
  if (capabilities.attributeFilters)
    filters.push(
      capabilities.attributeExistenceFilters ? 'attributes (value or presence)' : 'attributes (key=value)',
    );
  if (capabilities.durationFilters) filters.push('span duration');
  if (capabilities.statusFilter) filters.push("status 'error' or 'ok'");
  else if (capabilities.errorStatusFilter) filters.push("status 'error'");
  filters.push('time window');
  return filters;
}
