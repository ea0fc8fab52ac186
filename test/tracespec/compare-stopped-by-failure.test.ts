/** A span missing beneath a failing parent is put down to the failure only where the parent failed. */
import { describe, expect, it } from 'vitest';
import { compareTraceToSpec, parseTraceSpec } from '../../src/tracespec/index.js';
import { errorOriginsOf } from '../../src/workflow/error-origins.js';
import { buildTrace } from '../support/trace-builder.js';

const spec = parseTraceSpec({
  name: 'loop',
  expected_spans: [
    {
      operation_name: 'job',
      service_name: 'w',
      children: [
        {
          operation_name: 'process',
          service_name: 'w',
          children: [{ operation_name: 'INSERT', service_name: 'w' }],
        },
      ],
    },
  ],
});

describe('a span missing beneath repeated parents', () => {
  it('is put down to the failure beneath the parent that failed, and missing in its own right beneath the ones that passed', () => {
    const trace = buildTrace({
      name: 'job',
      service: 'w',
      durationMs: 200,
      children: [
        { name: 'process', durationMs: 50, status: 'error', statusMessage: 'boom' },
        { name: 'process', startMs: 60, durationMs: 50 },
        { name: 'process', startMs: 120, durationMs: 50 },
      ],
    });
    const result = compareTraceToSpec(trace, spec, { errorOrigins: errorOriginsOf(trace) });
    const missing = result.violations.filter((violation) => violation.kind === 'missing');
    const stopped = missing.filter((violation) => violation.caused_by !== undefined);
    const own = missing.filter((violation) => violation.caused_by === undefined);
    expect(
      stopped.map((violation) => violation.occurrences ?? 1),
      JSON.stringify(missing),
    ).toEqual([1]);
    expect(own.map((violation) => violation.occurrences ?? 1)).toEqual([2]);
    expect(own[0]?.fix).not.toContain('fix the failure');
  });

  it('is put down to the failure when the only parent failed', () => {
    const trace = buildTrace({
      name: 'job',
      service: 'w',
      durationMs: 200,
      children: [{ name: 'process', durationMs: 50, status: 'error', statusMessage: 'boom' }],
    });
    const result = compareTraceToSpec(trace, spec, { errorOrigins: errorOriginsOf(trace) });
    expect(result.violations.find((violation) => violation.kind === 'missing')).toMatchObject({
      caused_by: { name: 'process' },
    });
  });
});
