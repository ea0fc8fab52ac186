/**
 * Parameterized specs for common shapes (DESIGN.md §4, "Templates"). Every parameter is declared
 * with a description, a type and a default, and is validated before the spec is built; the built
 * spec then goes through the same validation as any spec a user writes.
 */
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
  return { name: 'spec_name', description: 'Name of the resulting spec (letters, digits, ".", "_", "-")', type: 'string', default: defaultName };
}

export function dbSemconvParameter(): TemplateParameter {
  return {
    name: 'db_semconv',
    description: 'Database attribute names: "stable" (db.system.name, db.operation.name, semconv ≥ 1.33) or "legacy" (db.system, db.operation)',
    type: 'string',
    default: 'stable',
    values: ['stable', 'legacy'],
  };
}

/** The attribute names of the chosen database semantic-convention generation. */
export function dbAttributes(semconv: TemplateValue): { system: string; operation: string; collection: string } {
  return semconv === 'legacy'
    ? { system: 'db.system', operation: 'db.operation', collection: 'db.sql.table' }
    : { system: 'db.system.name', operation: 'db.operation.name', collection: 'db.collection.name' };
}
