/** A validated spec turned into the form the comparison walks: numbered entries, ranges, compiled tags. */
import { PATH_SEPARATOR, siblingSegments } from '../language/spec-paths.js';
import { compileTags, type CompiledTag } from './tag-matcher.js';
import {
  normalizeCount,
  normalizeDuration,
  normalizeLinks,
  type NormalizedRange,
  type SpanSpec,
  type SpecSpanKind,
  type TraceSpec,
} from '../language/trace-spec.js';

export interface CompiledEntry {
  id: number;
  spec: SpanSpec;
  path: string;
  name: string;
  service?: string;
  kind?: SpecSpanKind;
  count: NormalizedRange;
  duration?: NormalizedRange;
  links?: NormalizedRange;
  requiredTags: CompiledTag[];
  optionalTags: CompiledTag[];
  direct: boolean;
  ordered: boolean;
  parent?: CompiledEntry;
  children: CompiledEntry[];
  /** 0 for top-level entries. */
  depth: number;
  /** Checks one instance of this entry contributes by itself, and with all its descendants. */
  ownChecks: number;
  subtreeChecks: number;
}

export interface CompiledSpec {
  spec: TraceSpec;
  /** Every entry, indexed by id, parents before children. */
  entries: CompiledEntry[];
  topLevel: CompiledEntry[];
  /** The entries of each operation name, in id order. */
  byName: ReadonlyMap<string, readonly CompiledEntry[]>;
}

export function compileSpec(spec: TraceSpec): CompiledSpec {
  const entries: CompiledEntry[] = [];
  const compileList = (list: readonly SpanSpec[], parent: CompiledEntry | undefined): CompiledEntry[] => {
    const segments = siblingSegments(list);
    return list.map((item, position) => {
      const segment = segments[position] as string;
      const count = normalizeCount(item.count);
      const entry: CompiledEntry = {
        id: entries.length,
        spec: item,
        path: parent ? `${parent.path}${PATH_SEPARATOR}${segment}` : segment,
        name: item.operation_name,
        service: item.service_name,
        kind: item.kind,
        count,
        duration: normalizeDuration(item.expected_duration_ms),
        links: normalizeLinks(item.links),
        requiredTags: compileTags(item.required_tags),
        optionalTags: compileTags(item.optional_tags),
        direct: item.direct === true,
        ordered: item.ordered === true,
        parent,
        children: [],
        depth: parent ? parent.depth + 1 : 0,
        ownChecks: 0,
        subtreeChecks: 0,
      };
      entries.push(entry);
      entry.children = compileList(item.children ?? [], entry);
      entry.ownChecks =
        (count.min > 0 ? 1 : 0) +
        (Number.isFinite(count.max) ? 1 : 0) +
        (entry.duration ? 1 : 0) +
        (entry.optionalTags.length > 0 ? 1 : 0) +
        (entry.links ? 1 : 0) +
        (entry.ordered && entry.children.length > 1 ? 1 : 0);
      entry.subtreeChecks =
        entry.ownChecks + entry.children.reduce((sum, child) => sum + child.subtreeChecks, 0);
      return entry;
    });
  };
  const topLevel = compileList(spec.expected_spans, undefined);
  const byName = new Map<string, CompiledEntry[]>();
  for (const entry of entries) {
    const named = byName.get(entry.name);
    if (named) named.push(entry);
    else byName.set(entry.name, [entry]);
  }
  return { spec, entries, topLevel, byName };
}
