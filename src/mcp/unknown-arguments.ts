/**
 * Arguments a tool does not take, found by walking the call's arguments along its input JSON Schema.
 *
 * zod objects drop keys they do not know, so `search_traces {query: {service: "gateway"}}` (for
 * `service_name`) used to answer with every trace, as if the filter had matched, and
 * `time_range` given to a tool that takes `time_period` silently meant the default week. An agent
 * cannot tell an ignored argument from one that held, so each one is refused, with the name it was
 * probably meant to be. Only objects whose schema lists its properties and allows no others are
 * checked: a record (attribute maps, a spec given as an object) takes any key.
 */
import { didYouMean, nearestName } from '../model/did-you-mean.js';

type JsonSchema = { [key: string]: unknown };

export interface UnknownArgument {
  /** Where it is: ['query', 'service'], or ['services', '1', 'ready', 'url'] in a list. */
  path: string[];
  /** "did you mean service_name?" or the names accepted there. */
  hint: string;
}

/** At most this many are reported; arrays are checked in their first ITEMS_CHECKED items. */
const MAX_REPORTED = 5;
const ITEMS_CHECKED = 100;

/** Keys an argument that takes any keys expects, by argument (`updates`: a spec update's fields). */
export type InnerKeys = Readonly<Record<string, readonly string[]>>;

export function unknownArguments(
  schema: JsonSchema,
  value: unknown,
  innerKeys: InnerKeys = {},
): UnknownArgument[] {
  const found: UnknownArgument[] = [];
  walk(schema, value, [], found, innerKeys);
  return found.slice(0, MAX_REPORTED);
}

/**
 * The name a key was probably meant to be where it stands; failing that, for a key at the top, the
 * place inside an open argument it belongs (`strict` beside `updates`); else the names accepted.
 */
function hintFor(key: string, accepted: string[], innerKeys: InnerKeys): string {
  if (nearestName(key, accepted) === undefined)
    for (const [argument, keys] of Object.entries(innerKeys)) {
      if (keys.includes(key)) return `it belongs inside ${argument}: {${key}: …}`;
      const nearest = nearestName(key, keys);
      if (nearest !== undefined) return `did you mean ${argument}: {${nearest}: …}?`;
    }
  return didYouMean(key, accepted);
}

function walk(
  schema: JsonSchema,
  value: unknown,
  path: string[],
  found: UnknownArgument[],
  innerKeys: InnerKeys = {},
): void {
  if (found.length >= MAX_REPORTED || value === null || typeof value !== 'object') return;
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches)) {
    walkUnion(branches, value, path, found);
    return;
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    if (isSchema(items))
      value
        .slice(0, ITEMS_CHECKED)
        .forEach((item, index) => walk(items, item, [...path, String(index)], found));
    return;
  }
  const properties = schema.properties;
  if (!isSchema(properties)) return;
  const closed = schema.additionalProperties === undefined || schema.additionalProperties === false;
  const accepted = Object.keys(properties);
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    // Own keys only: `__proto__` or `constructor` must not find the prototype's.
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (isSchema(property)) walk(property, inner, [...path, key], found);
    else if (closed && found.length < MAX_REPORTED)
      found.push({
        path: [...path, key],
        hint: hintFor(key, accepted, { ...objectKeys(properties), ...(path.length === 0 ? innerKeys : {}) }),
      });
  }
}

/**
 * The keys of each argument here that is an object with named fields (`query` of search_traces),
 * so a field given beside it (`service_name` for `query: {service_name}`) is told where it goes.
 */
function objectKeys(properties: JsonSchema): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isSchema(property)) continue;
    const own = property.properties;
    if (isSchema(own) && Object.keys(own).length > 0) keys[name] = Object.keys(own);
  }
  return keys;
}

/** A value fits a union when one branch finds nothing unknown in it; else the first branch's finds count. */
function walkUnion(branches: JsonSchema[], value: object, path: string[], found: UnknownArgument[]): void {
  let first: UnknownArgument[] | undefined;
  for (const branch of branches) {
    if (!fitsShape(branch, value)) continue;
    const own: UnknownArgument[] = [];
    walk(branch, value, path, own);
    if (own.length === 0) return;
    first ??= own;
  }
  if (first) found.push(...first.slice(0, MAX_REPORTED - found.length));
}

/** Whether a branch could take the value at all: an object for an object, an array for an array. */
function fitsShape(branch: JsonSchema, value: object): boolean {
  const types = Array.isArray(branch.type) ? (branch.type as unknown[]) : [branch.type];
  if (branch.type === undefined) return true;
  return types.includes(Array.isArray(value) ? 'array' : 'object');
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
