import type { Config } from './config-schema.js';

/** Header names whose values are credentials, whatever the backend. */
const SECRET_HEADER = /authorization|token|password|passwd|secret|api[-_]?key|cookie/i;
/** `Bearer abc`: the credential alone is secret too (it may be echoed, or encoded, on its own). */
const SCHEME_AND_CREDENTIAL = /^(?:bearer|basic|token|apikey)\s+(\S+)$/i;
/**
 * Values shorter than four characters are not collected: replacing every `1` or `ab` in every answer
 * would garble all output and protect nothing, since so short a secret is guessed in a moment.
 */
const MIN_SECRET_CHARS = 4;

/**
 * Every credential the configuration holds, in each form it may come back in: backend tokens,
 * passwords (and the basic-auth pair as sent), credential-like backend headers, every header the
 * receiver requires (they are its auth), the password in an endpoint URL; each also URL-encoded, as
 * OTEL_EXPORTER_OTLP_HEADERS carries it. Longest first, so a value is replaced before any part of it.
 */
export function secretValuesOf(config: Config): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (value === undefined) return;
    const credential = SCHEME_AND_CREDENTIAL.exec(value.trim())?.[1];
    for (const form of [value, credential]) {
      if (form === undefined || form.length < MIN_SECRET_CHARS) continue;
      found.add(form);
      found.add(encodeURIComponent(form));
    }
  };
  add(config.mcp.auth_token ?? undefined);
  const { otlp, ...backends } = config.backends;
  for (const value of Object.values(otlp?.headers ?? {})) add(value);
  for (const entry of Object.values(backends)) {
    if (typeof entry.auth === 'string') add(entry.auth);
    else if (entry.auth && 'bearer_token' in entry.auth) add(entry.auth.bearer_token);
    else if (entry.auth) {
      add(entry.auth.password);
      add(basicCredential(entry.auth.username, entry.auth.password));
    }
    for (const [name, value] of Object.entries(entry.headers ?? {})) if (SECRET_HEADER.test(name)) add(value);
    const url = entry.endpoint && URL.canParse(entry.endpoint) ? new URL(entry.endpoint) : undefined;
    if (url?.password) {
      add(decodeURIComponent(url.password));
      add(basicCredential(decodeURIComponent(url.username), decodeURIComponent(url.password)));
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

function basicCredential(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}
