/**
 * Parameterized specs for common shapes (docs/spec-language.md). Every parameter is declared
 * with a description, a type and a default, and is validated before the spec is built; the built
 * spec then goes through the same validation as any spec a user writes.
 */
import type { TagExpectation } from '../language/trace-spec.js';

export type TemplateValue = string | number | boolean;

export interface TemplateParameter {
  name: string;
  description: string;
  type: 'string' | 'number' | 'boolean';
  default: TemplateValue;
  /** For enumerations: the accepted values. */
  values?: readonly string[];
  /** For strings: whether "" is accepted (it then means "none"). */
  allowEmpty?: boolean;
  /** For numbers: inclusive bounds. */
  min?: number;
  max?: number;
}

/** What list_spec_templates shows: everything but the builder. */
export interface SpecTemplateInfo {
  name: string;
  title: string;
  description: string;
  parameters: TemplateParameter[];
}

export interface SpecTemplate extends SpecTemplateInfo {
  /** Builds the raw spec from complete, validated parameters. */
  build(params: Readonly<Record<string, TemplateValue>>): unknown;
}

/** Every template names its spec; the default is the template's name. */
export function specNameParameter(defaultName: string): TemplateParameter {
  return {
    name: 'spec_name',
    description: 'Name of the resulting spec (letters, digits, ".", "_", "-")',
    type: 'string',
    default: defaultName,
  };
}

export function dbSemconvParameter(): TemplateParameter {
  return {
    name: 'db_semconv',
    description:
      'Database conventions the instrumentation follows: "stable" (semconv ≥ 1.33: span `SELECT users`, db.system.name, db.operation.name) or "legacy" (span named by the statement\'s first word, `SELECT`, with db.system and db.statement, as Python\'s DB-API and sqlite3 instrumentations send). Attribute names of either generation match both.',
    type: 'string',
    default: 'stable',
    values: ['stable', 'legacy'],
  };
}

/** The name and required tags of one database call, in the chosen generation of the conventions. */
export function dbCall(
  semconv: TemplateValue,
  call: { system: TemplateValue; operation: string; collection: TemplateValue },
): { operation_name: string; required_tags: Record<string, TagExpectation> } {
  return semconv === 'legacy'
    ? {
        operation_name: call.operation,
        required_tags: { 'db.system': call.system, 'db.statement': { contains: String(call.collection) } },
      }
    : {
        operation_name: `${call.operation} ${String(call.collection)}`,
        required_tags: { 'db.system.name': call.system, 'db.operation.name': call.operation },
      };
}
