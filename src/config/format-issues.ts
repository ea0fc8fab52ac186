import * as z from 'zod';
import { nearestName } from '../model/did-you-mean.js';

/**
 * Renders zod issues as `path: message` lines that name the bad key and what would be accepted.
 * Given the schema, an unknown key also lists the keys allowed at its level and the nearest one.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = '', schema?: z.ZodType): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    switch (issue.code) {
      case 'unrecognized_keys':
        return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${allowedKeysNote(issue.keys, schema && objectKeysAt(schema, issue.path))}`;
      case 'invalid_value':
        return `${path}: ${issue.message}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      default:
        return `${path}: ${issue.message}`;
    }
  });
}

function allowedKeysNote(unknown: readonly string[], allowed: string[] | undefined): string {
  if (!allowed || allowed.length === 0) return '';
  const guesses = unknown
    .map((key) => nearestName(key, allowed))
    .filter((guess): guess is string => guess !== undefined);
  const guess = guesses.length > 0 ? ` (did you mean ${guesses.map((k) => `'${k}'`).join(', ')}?)` : '';
  return `${guess}; allowed here: ${allowed.join(', ')}`;
}

/** The keys of the object schema found by walking `path` through wrappers (default, optional, ...), arrays and records. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (node instanceof z.ZodObject) {
      node =
        (node.shape as Record<string, z.ZodType>)[String(segment)] ??
        (node._zod.def.catchall as z.ZodType | undefined);
    } else if (node instanceof z.ZodArray) {
      node = node.element as z.ZodType;
    } else if (node instanceof z.ZodRecord) {
      node = node.valueType as z.ZodType;
    } else {
      return undefined;
    }
    node = node && unwrap(node);
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  // default, prefault, optional, nullable and catch all keep their inner schema here.
  while ('innerType' in node._zod.def) node = node._zod.def.innerType as z.ZodType;
  return node;
}
