/**
 * A partial update of a spec (`update_trace_spec(name, updates)`). Semantics:
 * - `description`, `strict`: replace; `null` removes.
 * - `expected_spans`, `error_conditions`: replace the whole list; `null` removes error_conditions.
 * - `performance_constraints`: merged key by key; a key set to `null` is removed, and `null` for
 *   the whole object removes every constraint.
 * - `name`: may be repeated but not changed (it identifies the spec and its stored versions).
 * - `span_updates` (extension): edits of single entries by path, applied in order after the
 *   replacements above:
 *     { path: "checkout > payment.process", set: { count: { min: 1, max: 3 } } }  fields replace
 *       (a field set to null is removed; `children`, if given, replaces the children);
 *     { path: "checkout > legacy.audit", remove: true };
 *     { parent: "checkout", add: { operation_name: fraud.check, ... } }  appended as a child
 *       (`parent: ""` or absent adds a top-level entry).
 * The result is validated whole; any problem refuses the update, listing every problem by path.
 */
import { OtelMcpError } from '../../model/index.js';
import { didYouMean } from '../../model/did-you-mean.js';
import { listEntryPaths, nearestEntryPath } from './spec-paths.js';
import { readSpecText } from './spec-text.js';
import { formatProblems, isPlainObject, joinPath, showValue, type SpecProblem } from './spec-problems.js';
import { SPAN_SPEC_KEYS, type SpanSpec, type TraceSpec } from './trace-spec.js';
import { validateTraceSpec } from './validate-spec.js';

/** The keys an update takes. */
export const SPEC_UPDATE_KEYS: readonly string[] = [
  'name',
  'description',
  'strict',
  'expected_spans',
  'performance_constraints',
  'error_conditions',
  'span_updates',
];

type Loose = Record<string, unknown>;

export function mergeSpecUpdate(spec: TraceSpec, updates: unknown): TraceSpec {
  let value = updates;
  if (typeof updates === 'string') {
    const read = readSpecText(updates);
    if (!read.ok) refuse([{ path: 'updates', message: read.message }]);
    value = read.value;
  }
  if (!isPlainObject(value))
    refuse([
      { path: 'updates', message: `expected an object of fields to change (got ${showValue(value)})` },
    ]);
  const problems: SpecProblem[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  for (const key of Object.keys(value)) {
    if (!SPEC_UPDATE_KEYS.includes(key))
      report(joinPath('updates', key), `unknown key; ${didYouMean(key, SPEC_UPDATE_KEYS)}`);
  }
  const merged = structuredClone(spec) as unknown as Loose;
  if (value.name !== undefined && value.name !== spec.name) {
    report(
      'updates.name',
      `a spec keeps its name (${JSON.stringify(spec.name)}); define a new spec to use another name`,
    );
  }
  for (const key of ['description', 'strict', 'expected_spans', 'error_conditions'] as const) {
    if (!(key in value)) continue;
    if (value[key] === null) {
      if (key === 'expected_spans')
        report('updates.expected_spans', 'cannot be removed; send [] for a spec without expected spans');
      else delete merged[key];
    } else merged[key] = structuredClone(value[key]);
  }
  if ('performance_constraints' in value) mergeConstraints(merged, value.performance_constraints, report);
  const unknownPath =
    value.span_updates !== undefined && applySpanUpdates(merged, value.span_updates, report);
  // The parts that did apply are validated too, so one refusal lists every problem at once.
  const validation = validateTraceSpec(merged);
  if (problems.length > 0 || !validation.ok || !validation.spec)
    refuse(
      [...problems, ...validation.problems],
      unknownPath
        ? `give each span_updates path exactly as the spec names it (the one suggested above, or another from get_trace_spec {"name": ${JSON.stringify(spec.name)}}, which lists every entry path)${problems.length + validation.problems.length > 1 ? ', and correct the other problems listed' : ''}.`
        : undefined,
    );
  return validation.spec;
}

function refuse(problems: SpecProblem[], hint?: string): never {
  throw new OtelMcpError(
    'INVALID_ARGUMENT',
    `the spec update was not applied (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    hint ??
      'Fields replace, performance_constraints merge by key, span_updates edit entries by path; null removes.',
  );
}

function mergeConstraints(
  merged: Loose,
  update: unknown,
  report: (path: string, message: string) => void,
): void {
  if (update === null) {
    delete merged.performance_constraints;
    return;
  }
  if (!isPlainObject(update)) {
    report(
      'updates.performance_constraints',
      `expected an object of constraints to change, or null (got ${showValue(update)})`,
    );
    return;
  }
  const current = { ...((merged.performance_constraints as Loose | undefined) ?? {}) };
  for (const [key, item] of Object.entries(update)) {
    if (item === null) delete current[key];
    else current[key] = item;
  }
  if (Object.keys(current).length === 0) delete merged.performance_constraints;
  else merged.performance_constraints = current;
}

/** Returns whether an update named an entry path the spec does not have. */
function applySpanUpdates(
  merged: Loose,
  updates: unknown,
  report: (path: string, message: string) => void,
): boolean {
  let unknownPath = false;
  if (!Array.isArray(updates)) {
    report(
      'updates.span_updates',
      `expected a list of { path, set | remove } or { parent, add } (got ${showValue(updates)})`,
    );
    return false;
  }
  updates.forEach((update, position) => {
    const where = joinPath('updates.span_updates', position);
    if (!isPlainObject(update)) {
      report(where, `expected { path, set | remove } or { parent, add } (got ${showValue(update)})`);
      return;
    }
    for (const key of Object.keys(update)) {
      if (!['path', 'set', 'remove', 'parent', 'add'].includes(key))
        report(
          joinPath(where, key),
          `unknown key; ${didYouMean(key, ['path', 'set', 'remove', 'parent', 'add'])}`,
        );
    }
    const list = merged.expected_spans;
    if (!Array.isArray(list)) return;
    const paths = listEntryPaths(list as SpanSpec[]);
    const find = (path: unknown, key: string): SpanSpec | undefined => {
      const found = paths.find((item) => item.path === path)?.entry;
      if (!found) {
        const nearest = nearestEntryPath(
          String(path),
          paths.map((item) => item.path),
        );
        report(
          joinPath(where, key),
          `no entry at ${showValue(path)}; ${nearest !== undefined ? `did you mean ${nearest}?` : `accepted: ${paths.map((item) => item.path).join('; ')}`}`,
        );
        unknownPath = true;
      }
      return found;
    };
    if (update.add !== undefined) {
      if (!isPlainObject(update.add)) {
        report(
          joinPath(where, 'add'),
          `expected a span entry with operation_name (got ${showValue(update.add)})`,
        );
        return;
      }
      if (update.parent === undefined || update.parent === '') {
        list.push(structuredClone(update.add));
        return;
      }
      const parent = find(update.parent, 'parent');
      if (parent)
        parent.children = [...(parent.children ?? []), structuredClone(update.add) as unknown as SpanSpec];
      return;
    }
    if (update.path === undefined) {
      report(where, 'expected path with set or remove, or parent with add');
      return;
    }
    const target = find(update.path, 'path');
    if (!target) return;
    if (update.remove === true) {
      removeEntry(list as SpanSpec[], target);
      return;
    }
    if (!isPlainObject(update.set)) {
      report(
        joinPath(where, 'set'),
        `expected an object of entry fields to change (got ${showValue(update.set)}), or remove: true`,
      );
      return;
    }
    const fields = target as unknown as Loose;
    for (const [key, item] of Object.entries(update.set)) {
      if (!(SPAN_SPEC_KEYS as readonly string[]).includes(key)) {
        report(joinPath(joinPath(where, 'set'), key), `unknown key; ${didYouMean(key, SPAN_SPEC_KEYS)}`);
      } else if (item === null) delete fields[key];
      else fields[key] = structuredClone(item);
    }
  });
  return unknownPath;
}

function removeEntry(list: SpanSpec[], target: SpanSpec): boolean {
  const position = list.indexOf(target);
  if (position >= 0) {
    list.splice(position, 1);
    return true;
  }
  return list.some((entry) => entry.children !== undefined && removeEntry(entry.children, target));
}
