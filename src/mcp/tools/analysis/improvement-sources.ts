/**
 * Recognizes what an agent passes to generate_improvement_suggestions — the answer of
 * compare_trace_to_spec, detect_performance_issues or analyze_trace, as returned (snake_case) —
 * and turns it into the spec part's improvement sources. Unknown shapes are refused with the list
 * of accepted ones; malformed items inside a known shape are skipped and counted.
 */
import { invalidArgument } from '../../../model/errors.js';
import type {
  AnalysisFindingInput,
  ComparisonResult,
  ImprovementSource,
  ViolationKind,
} from '../../../tracespec/index.js';

/** Exhaustive on purpose: a new violation kind fails to compile here until it is listed. */
const VIOLATION_KINDS: Record<ViolationKind, true> = {
  missing: true,
  count_too_low: true,
  count_too_high: true,
  forbidden_present: true,
  wrong_parent: true,
  wrong_service: true,
  wrong_kind: true,
  tag_mismatch: true,
  tag_missing: true,
  optional_tag_mismatch: true,
  order: true,
  duration: true,
  links: true,
  unexpected_error: true,
  expected_error_missing: true,
  wrong_exception: true,
  total_duration: true,
  span_count: true,
  depth: true,
  unexpected_span: true,
  telemetry_lost: true,
};

type Loose = Record<string, unknown>;

export interface RecognizedSources {
  sources: ImprovementSource[];
  /** What each input was taken for: `spec_comparison`, `performance_findings`, `trace_analysis`. */
  recognized: string[];
  /** Items inside a recognized input that lacked the fields a suggestion needs. */
  skipped: number;
}

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const items = (value: unknown): unknown[] =>
  isObject(value) && Array.isArray(value.items) ? value.items : Array.isArray(value) ? value : [];

function spanLabel(span: unknown): { label: string; id?: string } {
  if (!isObject(span)) return { label: 'a span' };
  const id = text(span.span_id);
  return { label: `${text(span.service) ?? '?'}: ${text(span.name) ?? '?'}`, ...(id ? { id } : {}) };
}

/** A root cause's chain, top first, when every span of it is named: the comparison's errors on it are one action. */
function chainOf(value: unknown): { chain?: { span_id: string; name: string; service: string }[] } {
  const chain: { span_id: string; name: string; service: string }[] = [];
  for (const span of Array.isArray(value) ? value : []) {
    if (!isObject(span) || !text(span.span_id) || !text(span.name) || !text(span.service)) return {};
    chain.push({
      span_id: span.span_id as string,
      name: span.name as string,
      service: span.service as string,
    });
  }
  return chain.length > 1 ? { chain } : {};
}

export function recognizeSources(input: unknown): RecognizedSources {
  const list = Array.isArray(input) ? input : [input];
  const out: RecognizedSources = { sources: [], recognized: [], skipped: 0 };
  for (const [position, value] of list.entries()) {
    if (!isObject(value))
      throw refuse(`analysis_result${Array.isArray(input) ? `[${position}]` : ''} is not an object`);
    if (typeof value.matches_specification === 'boolean' && Array.isArray(value.violations))
      fromComparison(value, out);
    else if (Array.isArray(value.findings)) fromFindings(value.findings, out);
    else if (isObject(value.errors) || isObject(value.structure)) fromAnalysis(value, out);
    else
      throw refuse(
        `analysis_result${Array.isArray(input) ? `[${position}]` : ''} has none of the fields of a known result (keys: ${Object.keys(value).slice(0, 8).join(', ') || 'none'})`,
      );
  }
  return out;
}

function refuse(message: string) {
  return invalidArgument(
    message,
    'pass the structured result of compare_trace_to_spec (matches_specification, violations), detect_performance_issues (findings) or analyze_trace (errors, structure), or a list of them',
  );
}

function fromComparison(value: Loose, out: RecognizedSources): void {
  const violations = (value.violations as unknown[]).filter((item): item is Loose => {
    const ok =
      isObject(item) &&
      typeof item.kind === 'string' &&
      item.kind in VIOLATION_KINDS &&
      text(item.fix) !== undefined &&
      typeof item.path === 'string';
    if (!ok) out.skipped += 1;
    return ok;
  });
  // suggestImprovements reads only the violations of a comparison.
  const result = { ...value, violations } as unknown as ComparisonResult;
  out.sources.push({ type: 'spec_comparison', result });
  out.recognized.push('spec_comparison');
}

function fromFindings(findings: unknown[], out: RecognizedSources): void {
  const kept: AnalysisFindingInput[] = [];
  for (const finding of findings) {
    const severity = isObject(finding) ? finding.severity : undefined;
    if (
      !isObject(finding) ||
      !text(finding.kind) ||
      !text(finding.fix) ||
      (severity !== 'high' && severity !== 'medium' && severity !== 'low')
    ) {
      out.skipped += 1;
      continue;
    }
    const first = items(finding.spans)[0];
    const span = spanLabel(first);
    kept.push({
      kind: finding.kind as string,
      severity,
      summary: text(finding.summary) ?? (finding.kind as string),
      fix: finding.fix as string,
      ...(span.id ? { span_id: span.id } : {}),
    });
  }
  out.sources.push({ type: 'analysis_findings', findings: kept });
  out.recognized.push('performance_findings');
}

function fromAnalysis(value: Loose, out: RecognizedSources): void {
  const findings: AnalysisFindingInput[] = [];
  const errors = isObject(value.errors) ? value.errors : {};
  const structure = isObject(value.structure) ? value.structure : {};
  // analyze_trace answers its lists at top level; earlier answers nested them (`errors.root_causes.items`).
  const listed = (key: string, nested: unknown): unknown[] =>
    Array.isArray(value[key]) ? (value[key] as unknown[]) : items(nested);
  for (const cause of listed('root_causes', errors.root_causes)) {
    if (!isObject(cause)) continue;
    const span = spanLabel(cause.span);
    const exception = isObject(cause.exception)
      ? [text(cause.exception.type), text(cause.exception.message)].filter(Boolean).join(': ')
      : '';
    const reason = text(cause.reason) ?? 'status ERROR';
    findings.push({
      kind: 'error_root_cause',
      severity: 'high',
      summary: `${span.label} failed: ${reason}`,
      fix: `fix the root cause in ${span.label}${exception ? ` (${exception})` : ''}, or declare the failure in the spec's error_conditions if it is expected`,
      ...(span.id ? { span_id: span.id } : {}),
      ...chainOf(cause.chain),
    });
  }
  for (const orphan of listed('orphans', structure.orphans)) {
    if (!isObject(orphan)) continue;
    const span = spanLabel(orphan.span);
    findings.push({
      kind: 'orphan_span',
      severity: 'medium',
      summary: `${span.label} has a parent (${text(orphan.missing_parent_id) ?? '?'}) that never arrived`,
      fix: `propagate the trace context into ${span.label} (inject/extract traceparent across the call), or make sure the calling service exports its spans`,
      ...(span.id ? { span_id: span.id } : {}),
    });
  }
  for (const failure of listed('unmarked_failures', errors.unmarked_failures)) {
    if (!isObject(failure)) continue;
    const span = spanLabel(failure.span);
    findings.push({
      kind: 'unmarked_failure',
      severity: 'medium',
      summary: `${span.label}: ${text(failure.reason) ?? 'failure code'} without status ERROR`,
      fix: `set the span status to ERROR on ${span.label} when the call fails`,
      ...(span.id ? { span_id: span.id } : {}),
    });
  }
  out.sources.push({ type: 'analysis_findings', findings });
  out.recognized.push('trace_analysis');
}
