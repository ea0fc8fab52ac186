/**
 * Sets `target[key] = value` as an own, enumerable property whatever the key. A plain assignment
 * with the key `__proto__` replaces the object's prototype instead, and the key is lost; OTLP
 * attribute keys are arbitrary strings, so every copy of an attribute map goes through here.
 */
export function setOwnProperty(target: object, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else (target as Record<string, unknown>)[key] = value;
}
