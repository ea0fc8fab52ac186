import { OtelMcpError } from '../model/errors.js';

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces every `${VAR}` in the string values of a parsed config with the environment's value.
 * An unset variable is an error naming it and where it is used, so a secret is never silently empty.
 */
export function expandVariables(value: unknown, env: Record<string, string | undefined>, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new OtelMcpError(
          'INVALID_ARGUMENT',
          `config ${path || '(root)'}: environment variable ${name} is not set`,
          `set ${name} in the environment of otel-mcp, or write the value into the config file`,
        );
      }
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => expandVariables(item, env, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        expandVariables(item, env, path ? `${path}.${key}` : key),
      ]),
    );
  }
  return value;
}
