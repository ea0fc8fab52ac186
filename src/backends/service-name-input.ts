/** Checks the service name given to `listOperations` before it is put into a request. */
import { OtelMcpError } from '../model/errors.js';

export function requireServiceName(serviceName: string): void {
  if (serviceName.trim() === '')
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      'listOperations needs a service name',
      'call listServices for the names',
    );
}
