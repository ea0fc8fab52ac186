/**
 * A spec as YAML for people and version control (`trace-specs/<name>.yaml`): keys in a fixed,
 * readable order, small ranges and matchers on one line (`count: { min: 1, max: 3 }`).
 * parseTraceSpec(serializeSpecYaml(spec)) gives back an equal spec.
 */
import { Document, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { MAX_SPEC_BYTES, MAX_SPEC_SIZE, utf8Length } from './spec-limits.js';
import { forEachCollection } from './yaml-collections.js';
import {
  ERROR_CONDITION_KEYS,
  PERFORMANCE_CONSTRAINT_KEYS,
  SPAN_SPEC_KEYS,
  TRACE_SPEC_KEYS,
  type ErrorCondition,
  type SpanSpec,
  type TraceSpec,
} from './trace-spec.js';

function ordered<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function orderSpan(span: SpanSpec): Record<string, unknown> {
  const result = ordered(span, SPAN_SPEC_KEYS);
  if (span.children) result.children = span.children.map(orderSpan);
  return result;
}

/** A spec with its keys in the canonical order (also used before diffing and storing). */
export function canonicalSpec(spec: TraceSpec): Record<string, unknown> {
  const result = ordered(spec, TRACE_SPEC_KEYS);
  result.expected_spans = spec.expected_spans.map(orderSpan);
  if (spec.performance_constraints)
    result.performance_constraints = ordered(spec.performance_constraints, PERFORMANCE_CONSTRAINT_KEYS);
  if (spec.error_conditions) {
    result.error_conditions = spec.error_conditions.map((condition: ErrorCondition) =>
      ordered(condition, ERROR_CONDITION_KEYS),
    );
  }
  return result;
}

const ONE_LINE_KEYS = new Set(['count', 'expected_duration_ms', 'links']);
const TAG_KEYS = new Set(['required_tags', 'optional_tags']);

/**
 * How much of the spec is written on one line an entry: none (`block`), the entries without
 * children, or each top-level entry with all it holds.
 */
type EntryLayout = 'block' | 'leaves' | 'entries';

/** The spec as YAML in the block layout people read: one key a line. */
export function serializeSpecYaml(spec: TraceSpec): string {
  return specDocument(spec, 'block').toString(TO_STRING);
}

export type SpecFileYaml = { ok: true; text: string } | { ok: false; bytes: number };

/**
 * The spec as the text of its file, which the specs-dir reader must read back: within MAX_SPEC_BYTES,
 * like any spec file. The block layout indents each level of children 4 more spaces and puts every
 * key on a line of its own, so a spec given in 1 MiB of compact YAML can take more: 1.39 MB for
 * trees of children 31 deep, 1.12 MB for one entry with 19,000 children. Such a spec is written
 * with more of its entries on one line each (a comment at the top says why); a spec too big even
 * so (a 1 MiB spec written with aliases, or grown by updates) is `{ ok: false }` with its size.
 */
export function serializeSpecFile(spec: TraceSpec): SpecFileYaml {
  const block = serializeSpecYaml(spec);
  const blockBytes = utf8Length(block);
  if (blockBytes <= MAX_SPEC_BYTES) return { ok: true, text: block };
  let bytes = blockBytes;
  for (const layout of ['leaves', 'entries'] as const) {
    const which =
      layout === 'leaves'
        ? 'Entries without children are written on one line each'
        : 'Each top-level entry is written on one line';
    const why = `# ${which}: one key a line would take ${blockBytes} bytes, and a spec file may hold ${MAX_SPEC_SIZE}.\n`;
    const text = `${why}${specDocument(spec, layout).toString(TO_STRING)}`;
    bytes = utf8Length(text);
    if (bytes <= MAX_SPEC_BYTES) return { ok: true, text };
  }
  return { ok: false, bytes };
}

const TO_STRING = { lineWidth: 0, flowCollectionPadding: true } as const;

function specDocument(spec: TraceSpec, layout: EntryLayout): Document {
  // A value used twice (an entry given with a YAML alias) is written out twice, as in the stored spec.
  const document = new Document(canonicalSpec(spec), { aliasDuplicateObjects: false });
  forEachCollection(document.contents, (map) => {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (ONE_LINE_KEYS.has(key) && isMap(pair.value)) pair.value.flow = true;
      if (TAG_KEYS.has(key) && isMap(pair.value)) {
        for (const tag of pair.value.items) {
          if (isMap(tag.value) || isSeq(tag.value)) tag.value.flow = true;
        }
      }
    }
  });
  if (layout !== 'block') {
    const entries = document.get('expected_spans', true);
    if (isSeq(entries)) for (const entry of entries.items) if (isMap(entry)) oneLine(entry, layout);
  }
  return document;
}

/** Writes the entry on one line (`entries`), or those of its descendants that have no children (`leaves`). */
function oneLine(entry: YAMLMap, layout: Exclude<EntryLayout, 'block'>): void {
  const pending = [entry];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const children = next.get('children', true);
    if (layout === 'entries' || !isSeq(children) || children.items.length === 0) {
      next.flow = true;
      continue;
    }
    for (const child of children.items) if (isMap(child)) pending.push(child);
  }
}
