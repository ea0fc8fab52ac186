/** Errors for answers a backend gave that the adapter cannot read, shared by every adapter. */
import { OtelMcpError, errorMessage } from '../model/errors.js';

/** The backend answered, but not in the format its API promises: likely the wrong endpoint or kind. */
export function unreadableAnswer(
  backendName: string,
  endpoint: string,
  what: string,
  error: unknown,
): OtelMcpError {
  return new OtelMcpError(
    'BACKEND_UNAVAILABLE',
    `${backendName} at ${endpoint}: ${what} gave an answer that could not be read: ${errorMessage(error)}`,
    `check that ${endpoint} is the ${backendName} query endpoint and that the configured type matches the server`,
    { cause: error },
  );
}

/** Parses a JSON body, turning a syntax error into `unreadableAnswer`. */
export function parseJsonAnswer(text: string, backendName: string, endpoint: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw unreadableAnswer(backendName, endpoint, what, error);
  }
}
