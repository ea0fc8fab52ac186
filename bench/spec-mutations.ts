/**
 * Mutations of conforming traces for the accuracy benchmark: each breaks one rule of the spec
 * language (docs/spec-language.md) on a chosen span (and says which violation and culprit the
 * comparison must report), or perturbs the trace in a way the spec allows (a near miss that must
 * still pass).
 */
import type { SpanKind } from '../src/model/index.js';
import {
  listEntryPaths,
  normalizeCount,
  normalizeDuration,
  type TraceSpec,
  type ViolationKind,
} from '../src/tracespec/index.js';
import {
  allNodes,
  between,
  cloneSubtree,
  noiseSpan,
  pick,
  satisfyingValue,
  subtreeEnd,
  violatingValue,
  walk,
  type GenNode,
  type Generated,
  type Rng,
} from './spec-trace-generator.js';

export interface Label {
  mutation: string;
  pass: boolean;
  /** Any of these kinds reported counts as the expected kind. */
  kinds: ViolationKind[];
  /** The culprit: a violation must name one of these spans … */
  culpritSpanIds?: string[];
  /** … or report one of `kinds` at one of these paths. */
  culpritPaths?: string[];
}

/** Spans and scope instances an earlier mutation of a combined case touched. */
export interface Touched {
  ids: Set<string>;
  instances: Set<string>;
}

export type Mutation = (
  generated: Generated,
  spec: TraceSpec,
  rng: Rng,
  touched: Touched,
) => Label | undefined;

interface Site {
  node: GenNode;
  parent: GenNode | undefined;
}

function sites(generated: Generated, touched: Touched): Site[] {
  const blocked = new Set<string>();
  const parentOf = new Map<string, GenNode | undefined>();
  walk(generated.roots, (node, parent) => parentOf.set(node.id, parent));
  for (const id of touched.ids) {
    // Block the touched span, its ancestors and its descendants.
    let current: string | undefined = id;
    while (current !== undefined) {
      blocked.add(current);
      current = parentOf.get(current)?.id;
    }
    const node = allNodes(generated.roots).find((item) => item.node.id === id)?.node;
    if (node) walk([node], (item) => blocked.add(item.id));
  }
  return allNodes(generated.roots).filter(
    ({ node }) =>
      !blocked.has(node.id) && (node.instanceKey === undefined || !touched.instances.has(node.instanceKey)),
  );
}

function touch(touched: Touched, ...nodes: GenNode[]): void {
  for (const node of nodes) {
    touched.ids.add(node.id);
    if (node.instanceKey) touched.instances.add(node.instanceKey);
  }
}

const atMinimum = (site: Site): boolean => {
  const entry = site.node.entry;
  return (
    entry !== undefined &&
    normalizeCount(entry.count).min >= 1 &&
    site.node.instanceCount === normalizeCount(entry.count).min
  );
};

/** Paths of the entry and its same-named siblings: a deletion may legitimately surface as either. */
function twinPaths(spec: TraceSpec, path: string): string[] {
  const all = listEntryPaths(spec.expected_spans);
  const self = all.find((item) => item.path === path);
  if (!self) return [path];
  return all
    .filter(
      (item) =>
        item.parentPath === self.parentPath && item.entry.operation_name === self.entry.operation_name,
    )
    .map((item) => item.path);
}

function detach(generated: Generated, site: Site): void {
  if (site.parent) site.parent.children = site.parent.children.filter((child) => child !== site.node);
  else generated.roots = generated.roots.filter((root) => root !== site.node);
}

function typo(name: string): string {
  if (name.includes('.')) return name.replace('.', '_');
  if (name.includes(' ')) return name.replace(' ', '  ');
  return `${name}s`;
}

const KINDS: SpanKind[] = ['server', 'client', 'producer', 'consumer', 'internal'];

export const FAILING: Record<string, Mutation> = {
  delete(generated, spec, rng, touched) {
    const candidates = sites(generated, touched).filter((site) => site.parent && atMinimum(site));
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    detach(generated, site);
    touch(touched, site.node);
    if (site.parent) touch(touched, site.parent);
    return {
      mutation: 'delete',
      pass: false,
      kinds: ['missing', 'count_too_low'],
      culpritPaths: twinPaths(spec, site.node.entryPath ?? ''),
    };
  },
  rename(generated, spec, rng, touched) {
    const names = new Set(listEntryPaths(spec.expected_spans).map((item) => item.entry.operation_name));
    const candidates = sites(generated, touched).filter(
      (site) => atMinimum(site) && !names.has(typo(site.node.name)),
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.name = typo(site.node.name);
    touch(touched, site.node);
    return {
      mutation: 'rename',
      pass: false,
      kinds: ['missing', 'count_too_low'],
      culpritSpanIds: [site.node.id],
    };
  },
  wrong_service(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => atMinimum(site) && site.node.entry?.service_name !== undefined,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.service = 'legacy-monolith';
    touch(touched, site.node);
    return {
      mutation: 'wrong_service',
      pass: false,
      kinds: ['wrong_service'],
      culpritSpanIds: [site.node.id],
    };
  },
  move_out(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => site.parent && atMinimum(site) && site.node.ownerId !== undefined,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    detach(generated, site);
    const holder = noiseSpan({ rng, newId: generated.newId }, site.node.startMs - 0.1, 'batch-worker');
    holder.name = 'background.job';
    holder.children.push(site.node);
    generated.roots.push(holder);
    touch(touched, site.node, holder);
    return { mutation: 'move_out', pass: false, kinds: ['wrong_parent'], culpritSpanIds: [site.node.id] };
  },
  orphan(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => site.parent && atMinimum(site) && site.node.ownerId !== undefined,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    detach(generated, site);
    site.node.missingParentId = Math.floor(between(rng, 1, 2 ** 32))
      .toString(16)
      .padStart(16, 'c');
    generated.roots.push(site.node);
    touch(touched, site.node);
    return { mutation: 'orphan', pass: false, kinds: ['wrong_parent'], culpritSpanIds: [site.node.id] };
  },
  indirect(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => atMinimum(site) && site.node.entry?.direct === true && site.parent?.id === site.node.ownerId,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    const parent = site.parent as GenNode;
    const middle = noiseSpan({ rng, newId: generated.newId }, site.node.startMs - 0.05, parent.service);
    middle.durationMs = site.node.durationMs + 0.1;
    middle.children.push(site.node);
    parent.children = parent.children.map((child) => (child === site.node ? middle : child));
    touch(touched, site.node, middle);
    return { mutation: 'indirect', pass: false, kinds: ['wrong_parent'], culpritSpanIds: [site.node.id] };
  },
  wrong_kind(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => atMinimum(site) && site.node.entry?.kind !== undefined,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.kind = pick(
      rng,
      KINDS.filter((kind) => kind !== site.node.kind),
    );
    touch(touched, site.node);
    return { mutation: 'wrong_kind', pass: false, kinds: ['wrong_kind'], culpritSpanIds: [site.node.id] };
  },
  tag_mismatch(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).flatMap((site) =>
      atMinimum(site)
        ? Object.entries(site.node.entry?.required_tags ?? {}).flatMap(([key, expectation]) => {
            const bad = violatingValue(expectation);
            return bad === undefined ? [] : [{ site, key, bad }];
          })
        : [],
    );
    if (candidates.length === 0) return undefined;
    const { site, key, bad } = pick(rng, candidates);
    site.node.attributes[key] = bad;
    touch(touched, site.node);
    return { mutation: 'tag_mismatch', pass: false, kinds: ['tag_mismatch'], culpritSpanIds: [site.node.id] };
  },
  tag_missing(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).flatMap((site) =>
      atMinimum(site) ? Object.keys(site.node.entry?.required_tags ?? {}).map((key) => ({ site, key })) : [],
    );
    if (candidates.length === 0) return undefined;
    const { site, key } = pick(rng, candidates);
    delete site.node.attributes[key];
    touch(touched, site.node);
    return { mutation: 'tag_missing', pass: false, kinds: ['tag_missing'], culpritSpanIds: [site.node.id] };
  },
  optional_tag_mismatch(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).flatMap((site) =>
      Object.entries(site.node.entry?.optional_tags ?? {}).flatMap(([key, expectation]) => {
        const bad = violatingValue(expectation);
        return bad === undefined ? [] : [{ site, key, bad }];
      }),
    );
    if (candidates.length === 0) return undefined;
    const { site, key, bad } = pick(rng, candidates);
    site.node.attributes[key] = bad;
    touch(touched, site.node);
    return {
      mutation: 'optional_tag_mismatch',
      pass: false,
      kinds: ['optional_tag_mismatch'],
      culpritSpanIds: [site.node.id],
    };
  },
  too_slow(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter((site) =>
      Number.isFinite(normalizeDuration(site.node.entry?.expected_duration_ms)?.max ?? Infinity),
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    const max = normalizeDuration(site.node.entry?.expected_duration_ms)?.max ?? 0;
    site.node.durationMs = max * 1.5 + 1;
    touch(touched, site.node);
    return { mutation: 'too_slow', pass: false, kinds: ['duration'], culpritSpanIds: [site.node.id] };
  },
  too_fast(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => (normalizeDuration(site.node.entry?.expected_duration_ms)?.min ?? 0) > 0,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.durationMs = (normalizeDuration(site.node.entry?.expected_duration_ms)?.min ?? 0) / 2;
    touch(touched, site.node);
    return { mutation: 'too_fast', pass: false, kinds: ['duration'], culpritSpanIds: [site.node.id] };
  },
  too_many(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter((site) => {
      const count = normalizeCount(site.node.entry?.count);
      return (
        site.parent &&
        site.node.entry &&
        Number.isFinite(count.max) &&
        count.max > 0 &&
        site.node.instanceCount === count.max
      );
    });
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    // After the last span of the same scope: the comparison keeps the earliest spans on a tie.
    const last = allNodes(generated.roots).reduce(
      (end, { node }) => (node.instanceKey === site.node.instanceKey ? Math.max(end, subtreeEnd(node)) : end),
      0,
    );
    const copy = cloneSubtree(site.node, generated.newId, last + 0.3 - site.node.startMs);
    (site.parent as GenNode).children.push(copy);
    touch(touched, site.node, copy);
    return { mutation: 'too_many', pass: false, kinds: ['count_too_high'], culpritSpanIds: [copy.id] };
  },
  forbidden(generated, spec, rng, touched) {
    const forbidden = listEntryPaths(spec.expected_spans).filter(
      (item) => normalizeCount(item.entry.count).max === 0,
    );
    const options = forbidden.flatMap((item) => {
      const owners =
        item.parentPath === undefined
          ? generated.roots.slice(0, 1)
          : sites(generated, touched)
              .map((site) => site.node)
              .filter((node) => node.entryPath === item.parentPath);
      return owners.map((owner) => ({ item, owner }));
    });
    if (options.length === 0) return undefined;
    const { item, owner } = pick(rng, options);
    const span = noiseSpan(
      { rng, newId: generated.newId },
      owner.startMs + 0.2,
      item.entry.service_name ?? owner.service,
    );
    span.name = item.entry.operation_name;
    span.kind = item.entry.kind ?? 'internal';
    span.noise = false;
    for (const [key, expectation] of Object.entries(item.entry.required_tags ?? {}))
      span.attributes[key] = satisfyingValue(expectation, rng);
    owner.children.push(span);
    touch(touched, span, owner);
    return { mutation: 'forbidden', pass: false, kinds: ['forbidden_present'], culpritSpanIds: [span.id] };
  },
  order(generated, spec, rng, touched) {
    const paths = listEntryPaths(spec.expected_spans);
    const options = sites(generated, touched).flatMap(({ node }) => {
      if (!node.entry?.ordered) return [];
      const childPaths = paths.filter((item) => item.parentPath === node.entryPath).map((item) => item.path);
      const firsts = childPaths.flatMap((path) => {
        const matches = allNodes([node])
          .map((item) => item.node)
          .filter((item) => item.ownerId === node.id && item.entryPath === path)
          .sort((a, b) => a.startMs - b.startMs);
        return matches[0] ? [matches[0]] : [];
      });
      return firsts.slice(1).map((later, index) => ({ earlier: firsts[index] as GenNode, later }));
    });
    if (options.length === 0) return undefined;
    const { earlier, later } = pick(rng, options);
    later.startMs = earlier.startMs - 0.3;
    touch(touched, earlier, later);
    return { mutation: 'order', pass: false, kinds: ['order'], culpritSpanIds: [earlier.id, later.id] };
  },
  unexpected_error(generated, spec, rng, touched) {
    const conditions = spec.error_conditions ?? [];
    if (
      conditions.some(
        (c) => c.expect === 'allow_errors' && c.operation_name === undefined && c.service_name === undefined,
      )
    )
      return undefined;
    const covered = (node: GenNode): boolean =>
      conditions.some(
        (c) =>
          (c.operation_name !== undefined || c.service_name !== undefined) &&
          (c.operation_name === undefined || c.operation_name === node.name) &&
          (c.service_name === undefined || c.service_name === node.service),
      );
    const candidates = sites(generated, touched).filter(
      (site) => !covered(site.node) && site.node.status !== 'error',
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.status = 'error';
    site.node.events.push({
      name: 'exception',
      attributes: { 'exception.type': 'java.lang.IllegalStateException', 'exception.message': 'boom' },
    });
    touch(touched, site.node);
    return {
      mutation: 'unexpected_error',
      pass: false,
      kinds: ['unexpected_error'],
      culpritSpanIds: [site.node.id],
    };
  },
  expected_error_missing(generated, spec, rng, touched) {
    if (!(spec.error_conditions ?? []).some((c) => c.expect === 'error')) return undefined;
    const candidates = sites(generated, touched).filter((site) => site.node.status === 'error');
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.status = 'unset';
    site.node.events = [];
    touch(touched, site.node);
    // With no failure left, every span the condition names is an equally good culprit.
    const named = allNodes(generated.roots).filter(
      ({ node }) => node.name === site.node.name && node.service === site.node.service,
    );
    return {
      mutation: 'expected_error_missing',
      pass: false,
      kinds: ['expected_error_missing'],
      culpritSpanIds: named.map(({ node }) => node.id),
    };
  },
  wrong_exception(generated, spec, rng, touched) {
    if (!(spec.error_conditions ?? []).some((c) => c.expect === 'error' && c.exception_type !== undefined))
      return undefined;
    const candidates = sites(generated, touched).filter((site) => site.node.status === 'error');
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.events = [
      {
        name: 'exception',
        attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'gateway timeout' },
      },
    ];
    touch(touched, site.node);
    return {
      mutation: 'wrong_exception',
      pass: false,
      kinds: ['wrong_exception'],
      culpritSpanIds: [site.node.id],
    };
  },
  total_duration(generated, spec) {
    const limit = spec.performance_constraints?.max_total_duration_ms;
    const root = generated.roots[0];
    if (limit === undefined || !root) return undefined;
    root.durationMs = limit * 1.3;
    return { mutation: 'total_duration', pass: false, kinds: ['total_duration'], culpritPaths: ['(trace)'] };
  },
  span_count(generated, spec, rng) {
    const limit = spec.performance_constraints?.max_span_count;
    const root = generated.roots[0];
    if (limit === undefined || !root) return undefined;
    const count = allNodes(generated.roots).length;
    for (let i = 0; i < limit - count + 2; i += 1)
      root.children.push(noiseSpan({ rng, newId: generated.newId }, root.startMs + 0.1, root.service));
    return { mutation: 'span_count', pass: false, kinds: ['span_count'], culpritPaths: ['(trace)'] };
  },
  depth(generated, spec, rng) {
    const limit = spec.performance_constraints?.max_depth;
    const root = generated.roots[0];
    if (limit === undefined || !root) return undefined;
    let holder = root;
    for (let i = 0; i < limit; i += 1) {
      const next = noiseSpan({ rng, newId: generated.newId }, holder.startMs + 0.01, root.service);
      holder.children.push(next);
      holder = next;
    }
    return { mutation: 'depth', pass: false, kinds: ['depth'], culpritPaths: ['(trace)'] };
  },
  strict_extra(generated, spec, rng, touched) {
    if (!spec.strict) return undefined;
    const candidates = sites(generated, touched);
    if (candidates.length === 0) return undefined;
    const host = pick(rng, candidates).node;
    const span = noiseSpan({ rng, newId: generated.newId }, host.startMs + 0.1, host.service);
    host.children.push(span);
    touch(touched, span);
    return { mutation: 'strict_extra', pass: false, kinds: ['unexpected_span'], culpritSpanIds: [span.id] };
  },
  links_missing(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => site.node.links.length > 0 && site.node.entry?.links !== undefined,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.links = [];
    touch(touched, site.node);
    return { mutation: 'links_missing', pass: false, kinds: ['links'], culpritSpanIds: [site.node.id] };
  },
};

function noNameClash(spec: TraceSpec, name: string): boolean {
  return !listEntryPaths(spec.expected_spans).some(
    (item) => item.entry.operation_name === name && item.entry.service_name === undefined,
  );
}

export const NEAR_MISSES: Record<string, Mutation> = {
  noise(generated, spec, rng) {
    if (spec.strict) return undefined;
    const nodes = allNodes(generated.roots);
    for (let i = 0; i < 3; i += 1) {
      const host = pick(rng, nodes).node;
      host.children.push(noiseSpan({ rng, newId: generated.newId }, host.startMs + 0.2, host.service));
    }
    return { mutation: 'noise', pass: true, kinds: [] };
  },
  intermediate(generated, spec, rng, touched) {
    if (spec.strict) return undefined;
    const candidates = sites(generated, touched).filter(
      (site) =>
        site.node.ownerId !== undefined && !site.node.entry?.direct && site.parent?.id === site.node.ownerId,
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    const parent = site.parent as GenNode;
    const middle = noiseSpan({ rng, newId: generated.newId }, site.node.startMs - 0.05, parent.service);
    middle.children.push(site.node);
    parent.children = parent.children.map((child) => (child === site.node ? middle : child));
    return { mutation: 'intermediate', pass: true, kinds: [] };
  },
  coerce(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).flatMap((site) =>
      Object.keys(site.node.entry?.required_tags ?? {})
        .filter(
          (key) =>
            ['number', 'boolean'].includes(typeof site.node.attributes[key]) ||
            /^\d+$/.test(String(site.node.attributes[key])),
        )
        .map((key) => ({ site, key })),
    );
    if (candidates.length === 0) return undefined;
    const { site, key } = pick(rng, candidates);
    const value = site.node.attributes[key];
    site.node.attributes[key] =
      typeof value === 'boolean'
        ? value
          ? 'True'
          : 'false'
        : typeof value === 'number'
          ? String(value)
          : Number(value);
    return { mutation: 'coerce', pass: true, kinds: [] };
  },
  resource(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).flatMap((site) =>
      Object.keys(site.node.entry?.required_tags ?? {})
        .filter((key) => key in site.node.attributes)
        .map((key) => ({ site, key })),
    );
    if (candidates.length === 0) return undefined;
    const { site, key } = pick(rng, candidates);
    site.node.resourceAttributes[key] = site.node.attributes[key] ?? null;
    delete site.node.attributes[key];
    return { mutation: 'resource', pass: true, kinds: [] };
  },
  same_name_other_service(generated, spec, rng, touched) {
    if (spec.strict) return undefined;
    const candidates = sites(generated, touched).filter(
      (site) => site.node.entry?.service_name !== undefined && noNameClash(spec, site.node.name),
    );
    const root = generated.roots[0];
    if (candidates.length === 0 || !root) return undefined;
    const site = pick(rng, candidates);
    const shadow = noiseSpan({ rng, newId: generated.newId }, root.startMs + 0.4, 'shadow-service');
    shadow.name = site.node.name;
    shadow.kind = site.node.kind;
    shadow.attributes = structuredClone(site.node.attributes);
    root.children.push(shadow);
    return { mutation: 'same_name_other_service', pass: true, kinds: [] };
  },
  shuffle(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter(
      (site) => site.node.entry && !site.node.entry.ordered && site.node.children.length > 1,
    );
    if (candidates.length === 0) return undefined;
    const { node } = pick(rng, candidates);
    const starts = node.children.map((child) => child.startMs).sort(() => rng() - 0.5);
    node.children.forEach((child, index) => {
      const delta = (starts[index] as number) - child.startMs;
      walk([child], (item) => {
        item.startMs += delta;
      });
    });
    return { mutation: 'shuffle', pass: true, kinds: [] };
  },
  boundary(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter((site) =>
      Number.isFinite(normalizeDuration(site.node.entry?.expected_duration_ms)?.max ?? Infinity),
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.durationMs = normalizeDuration(site.node.entry?.expected_duration_ms)?.max ?? 0;
    return { mutation: 'boundary', pass: true, kinds: [] };
  },
  allowed_error(generated, spec, rng, touched) {
    const allows = (spec.error_conditions ?? []).filter((c) => c.expect === 'allow_errors');
    if (allows.length === 0) return undefined;
    const candidates = sites(generated, touched).filter((site) =>
      allows.some(
        (c) =>
          (c.operation_name === undefined || c.operation_name === site.node.name) &&
          (c.service_name === undefined || c.service_name === site.node.service),
      ),
    );
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    site.node.status = 'error';
    return { mutation: 'allowed_error', pass: true, kinds: [] };
  },
  delete_extra(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter((site) => {
      const count = normalizeCount(site.node.entry?.count);
      let hasError = false;
      walk([site.node], (item) => {
        hasError ||= item.status === 'error';
      });
      return site.parent && site.node.entry && (site.node.instanceCount ?? 0) > count.min && !hasError;
    });
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    detach(generated, site);
    return { mutation: 'delete_extra', pass: true, kinds: [] };
  },
  extra_within_max(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).filter((site) => {
      const count = normalizeCount(site.node.entry?.count);
      return site.parent && site.node.entry && (site.node.instanceCount ?? 0) < count.max;
    });
    if (candidates.length === 0) return undefined;
    const site = pick(rng, candidates);
    (site.parent as GenNode).children.push(
      cloneSubtree(site.node, generated.newId, subtreeEnd(site.node) + 0.2 - site.node.startMs),
    );
    return { mutation: 'extra_within_max', pass: true, kinds: [] };
  },
  optional_absent(generated, _spec, rng, touched) {
    const candidates = sites(generated, touched).flatMap((site) =>
      Object.keys(site.node.entry?.optional_tags ?? {})
        .filter((key) => key in site.node.attributes)
        .map((key) => ({ site, key })),
    );
    if (candidates.length === 0) return undefined;
    const { site, key } = pick(rng, candidates);
    delete site.node.attributes[key];
    return { mutation: 'optional_absent', pass: true, kinds: [] };
  },
};

/** Trace-wide limits are checked here, independently of the comparison, so labels stay exact. */
export function labelTraceLimits(generated: Generated, spec: TraceSpec, label: Label): Label {
  const constraints = spec.performance_constraints;
  if (!constraints) return label;
  const nodes = allNodes(generated.roots);
  const kinds = [...label.kinds];
  let pass = label.pass;
  if (constraints.max_span_count !== undefined && nodes.length > constraints.max_span_count) {
    pass = false;
    if (!kinds.includes('span_count')) kinds.push('span_count');
  }
  let depth = 0;
  const measure = (node: GenNode, level: number): void => {
    depth = Math.max(depth, level);
    for (const child of node.children) measure(child, level + 1);
  };
  for (const root of generated.roots) measure(root, 1);
  if (constraints.max_depth !== undefined && depth > constraints.max_depth) {
    pass = false;
    if (!kinds.includes('depth')) kinds.push('depth');
  }
  if (constraints.max_total_duration_ms !== undefined && nodes.length > 0) {
    const first = Math.min(...nodes.map(({ node }) => node.startMs));
    const last = Math.max(...nodes.map(({ node }) => node.startMs + node.durationMs));
    if (last - first > constraints.max_total_duration_ms + 1e-6) {
      pass = false;
      if (!kinds.includes('total_duration')) kinds.push('total_duration');
    }
  }
  if (pass === label.pass) return label;
  return {
    ...label,
    pass,
    kinds,
    ...(label.culpritSpanIds || label.culpritPaths ? {} : { culpritPaths: ['(trace)'] }),
  };
}
