/** Checks template parameters against their declarations and fills in defaults. */
import { OtelMcpError } from '../../model/index.js';
import { didYouMean } from '../../model/did-you-mean.js';
import { showValue } from '../language/spec-problems.js';
import type { SpecTemplate, TemplateValue } from './spec-template.js';

export function resolveParameters(
  template: SpecTemplate,
  given: Readonly<Record<string, unknown>>,
): Record<string, TemplateValue> {
  const problems: string[] = [];
  const names = template.parameters.map((parameter) => parameter.name);
  for (const key of Object.keys(given)) {
    if (!names.includes(key))
      problems.push(`${key}: unknown parameter of ${template.name}; ${didYouMean(key, names)}`);
  }
  const resolved: Record<string, TemplateValue> = {};
  for (const parameter of template.parameters) {
    const value = given[parameter.name];
    if (value === undefined) {
      resolved[parameter.name] = parameter.default;
      continue;
    }
    if (typeof value !== parameter.type) {
      problems.push(
        `${parameter.name}: expected a ${parameter.type} (got ${showValue(value)}); ${parameter.description}`,
      );
      continue;
    }
    if (parameter.type === 'string' && !parameter.allowEmpty && (value as string).trim() === '') {
      problems.push(`${parameter.name}: expected a non-empty string; ${parameter.description}`);
      continue;
    }
    if (parameter.values && !parameter.values.includes(value as string)) {
      problems.push(
        `${parameter.name}: expected one of ${parameter.values.join(', ')} (got ${showValue(value)})`,
      );
      continue;
    }
    if (typeof value === 'number') {
      const tooLow = parameter.min !== undefined && value < parameter.min;
      const tooHigh = parameter.max !== undefined && value > parameter.max;
      if (!Number.isFinite(value) || tooLow || tooHigh) {
        problems.push(
          `${parameter.name}: expected a number from ${parameter.min ?? '-∞'} to ${parameter.max ?? '∞'} (got ${value})`,
        );
        continue;
      }
    }
    resolved[parameter.name] = value as TemplateValue;
  }
  if (problems.length > 0) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `invalid parameters for template ${template.name}:\n${problems.join('\n')}`,
      `Parameters of ${template.name}: ${template.parameters.map((parameter) => `${parameter.name} (default ${JSON.stringify(parameter.default)})`).join(', ')}`,
    );
  }
  return resolved;
}
