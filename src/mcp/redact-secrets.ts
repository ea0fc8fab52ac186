/** What a configured secret becomes wherever it would have been shown. */
export const REDACTED = '[redacted]';

/** Replaces configured secret values in text and in every string of a JSON value. */
export interface Redactor {
  text(text: string): string;
  value<T>(value: T): T;
}

/**
 * The one redaction step (secrets from secretValuesOf, longest first). A backend's error body may
 * echo the request's headers and a run's output may print its environment, so every answer, error
 * and log line passes through here rather than each place that might quote one.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const text = (input: string) => {
    let output = input;
    for (const secret of secrets) if (output.includes(secret)) output = output.split(secret).join(REDACTED);
    return output;
  };
  const value = (input: unknown): unknown => {
    if (typeof input === 'string') return text(input);
    if (Array.isArray(input)) return input.map(value);
    if (input !== null && typeof input === 'object')
      return Object.fromEntries(Object.entries(input).map(([key, item]) => [text(key), value(item)]));
    return input;
  };
  return secrets.length === 0
    ? { text: (input) => input, value: (input) => input }
    : { text, value: <T>(input: T) => value(input) as T };
}
