import * as z from 'zod';
import { DEFAULT_THRESHOLDS, resolveThresholds, type DetectorThresholds } from '../../../analysis/index.js';
import { OtelMcpError } from '../../../model/errors.js';
import { snakeCase } from '../../snake-keys.js';

/** snake_case name (as in config and tool input) → the analysis part's camelCase name. */
const BY_SNAKE_NAME = new Map(
  Object.keys(DEFAULT_THRESHOLDS).map((name) => [snakeCase(name), name as keyof DetectorThresholds]),
);

export const THRESHOLD_NAMES = [...BY_SNAKE_NAME.keys()];

export const thresholdsInput = z
  .record(z.string(), z.number().nonnegative())
  .optional()
  .describe(
    'Detector thresholds for this call, by name (n_plus_one_db_min_count, slow_db_query_ms, …: the README lists all)',
  );

/**
 * The thresholds for one call: defaults < config `analysis.thresholds` < the call's overrides.
 * An unknown name is refused with the list of known ones rather than silently ignored.
 */
export function thresholdsFor(
  configured: Record<string, number>,
  overrides: Record<string, number> = {},
  where = 'thresholds',
): DetectorThresholds {
  const merged: Partial<DetectorThresholds> = {};
  for (const [source, values] of [
    ['analysis.thresholds', configured],
    [where, overrides],
  ] as const) {
    for (const [name, value] of Object.entries(values)) {
      const key = BY_SNAKE_NAME.get(name);
      if (!key) {
        throw new OtelMcpError(
          'INVALID_ARGUMENT',
          `unknown detector threshold '${name}' in ${source}`,
          `known thresholds: ${THRESHOLD_NAMES.join(', ')}`,
        );
      }
      merged[key] = value;
    }
  }
  return resolveThresholds(merged);
}
