/**
 * Tool output uses snake_case keys (the project plan's names: `trace_id`, `span_id`), while the pure
 * parts below use camelCase. This converts the keys of plain data recursively, once, at the edge.
 * Only for results of our own parts: user data (attribute maps) must not pass through it.
 */
export type SnakeKeys<T> = T extends readonly (infer Item)[]
  ? SnakeKeys<Item>[]
  : T extends object
    ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: SnakeKeys<T[K]> }
    : T;

type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Uppercase<Head> ? (Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`) : Head}${SnakeCase<Tail>}`
  : S;

export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export function snakeKeys<T>(value: T): SnakeKeys<T> {
  if (Array.isArray(value)) return value.map((item: unknown) => snakeKeys(item)) as SnakeKeys<T>;
  if (value === null || typeof value !== 'object') return value as SnakeKeys<T>;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    if (item !== undefined) out[snakeCase(key)] = snakeKeys(item);
  return out as SnakeKeys<T>;
}
