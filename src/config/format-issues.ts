import type * as z from 'zod';

/** Renders zod issues as `path: message` lines that name the bad key and what would be accepted. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    switch (issue.code) {
      case 'unrecognized_keys':
        return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
      case 'invalid_value':
        return `${path}: ${issue.message}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      default:
        return `${path}: ${issue.message}`;
    }
  });
}
