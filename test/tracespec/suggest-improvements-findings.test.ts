/** Suggestions from analysis findings (detectors, error root causes, orphans), alone and beside a comparison. */
import { describe, expect, it } from 'vitest';
import { suggestImprovements, type AnalysisFindingInput } from '../../src/tracespec/index.js';
import { compare, specOf } from './compare-helpers.js';

const finding = (
  kind: string,
  severity: AnalysisFindingInput['severity'],
  fix: string,
): AnalysisFindingInput => ({ kind, severity, summary: `${kind} seen`, fix });

describe('suggestImprovements with analysis findings', () => {
  it('puts error root causes first, a high-severity slowdown before a low one, lint as tags', () => {
    const actions = suggestImprovements({
      type: 'analysis_findings',
      findings: [
        finding('sequential_calls', 'low', 'run the calls in parallel'),
        finding('semconv_lint', 'medium', 'set db.system.name'),
        finding('n_plus_one_db', 'high', 'batch the queries'),
        finding('error_root_cause', 'high', 'fix the card check'),
      ],
    });
    expect(actions.map((action) => [action.category, action.priority, action.action.split(' (')[0]])).toEqual(
      [
        ['error', 2, 'fix the card check'],
        ['performance', 4, 'batch the queries'],
        ['tags', 5, 'set db.system.name'],
        ['performance', 6, 'run the calls in parallel'],
      ],
    );
    expect(actions.every((action) => action.source === 'analysis_findings')).toBe(true);
  });

  it('merges findings with a comparison, keeping the comparison structure ahead of slow spans', () => {
    const result = compare(specOf([{ operation_name: 'root', children: [{ operation_name: 'absent' }] }]), {
      name: 'root',
    });
    const actions = suggestImprovements([
      { type: 'analysis_findings', findings: [finding('slow_db_query', 'medium', 'add an index')] },
      { type: 'spec_comparison', result },
    ]);
    expect(actions.map((action) => action.source)).toEqual(['spec_comparison', 'analysis_findings']);
    expect(actions[0]?.category).toBe('structure');
  });
});
