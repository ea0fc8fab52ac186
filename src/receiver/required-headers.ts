/**
 * The optional shared-secret check on incoming exports (config `backends.otlp.headers`). Values are
 * compared as SHA-256 digests with `timingSafeEqual`, so neither the length nor a prefix of the
 * secret leaks through timing; the secret itself is never put in a message or a log line.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type HeaderLookup = (name: string) => string | undefined;

export interface HeaderCheck {
  /** Undefined when every required header matches; else the names of the ones missing or wrong. */
  failure(lookup: HeaderLookup): string | undefined;
}

export function requiredHeaderCheck(required: Record<string, string> | undefined): HeaderCheck {
  const expected = Object.entries(required ?? {}).map(([name, value]) => ({
    name: name.toLowerCase(),
    digest: digest(value),
  }));
  return {
    failure(lookup) {
      const failing: string[] = [];
      for (const { name, digest: wanted } of expected) {
        const actual = lookup(name);
        // Always compare, even when absent, so a missing header costs the same time as a wrong one.
        const same = timingSafeEqual(digest(actual ?? ''), wanted);
        if (actual === undefined || !same) failing.push(name);
      }
      if (failing.length === 0) return undefined;
      return `missing or wrong ${failing.map((name) => `"${name}"`).join(', ')} header${failing.length > 1 ? 's' : ''}: this receiver requires the configured credentials on every export`;
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
