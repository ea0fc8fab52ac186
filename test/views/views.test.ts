import { describe, expect, it } from 'vitest';
import { compareTraceToSpec, parseTraceSpec } from '../../src/tracespec/index.js';
import {
  COLLAPSE_FROM,
  MAX_LOGS_PER_SPAN,
  sessionStripView,
  specOverlayView,
  waterfallView,
  type GhostRow,
  type OverlayRow,
} from '../../src/views/index.js';
import type { LogRecord } from '../../src/model/log-record.js';
import type { Trace } from '../../src/model/span.js';
import { errorOriginsOf } from '../../src/workflow/error-origins.js';
import { buildTrace, repeated, TRACE_START_NANOS } from '../support/trace-builder.js';

const checkout = () =>
  buildTrace({
    name: 'POST /checkout',
    service: 'frontend',
    durationMs: 100,
    children: [
      {
        name: 'order.create',
        service: 'orders',
        startMs: 5,
        durationMs: 60,
        children: [{ name: 'SELECT orders', startMs: 10, durationMs: 5 }],
      },
      ...repeated(5, { name: 'SELECT item', service: 'inventory', durationMs: 4 }, 70, 1),
      {
        name: 'notify',
        service: 'mailer',
        startMs: 95,
        durationMs: 5,
        status: 'error',
        events: [{ name: 'exception', atMs: 2, attributes: { 'exception.type': 'SmtpError' } }],
      },
    ],
  });

/** Log records on the checkout's order.create span, `atMs` into the trace unless overridden. */
const orderLogs =
  (trace: Trace) =>
  (atMs: number, overrides: Partial<LogRecord> = {}): LogRecord => ({
    timeUnixNano: TRACE_START_NANOS + BigInt(atMs * 1e6),
    observedTimeUnixNano: TRACE_START_NANOS + BigInt(atMs * 1e6),
    severityNumber: 9,
    body: `at ${atMs}`,
    attributes: {},
    droppedAttributesCount: 0,
    traceId: trace.traceId,
    spanId: trace.spans.find((span) => span.name === 'order.create')!.spanId,
    serviceName: 'orders',
    resource: { attributes: {}, droppedAttributesCount: 0 },
    scope: { name: 'logger', attributes: {}, droppedAttributesCount: 0 },
    ...overrides,
  });

describe('the waterfall view', () => {
  it('has one row per span in tree order, with offsets, durations and a colour per service', () => {
    const view = waterfallView(checkout());
    expect(view.rows).toHaveLength(view.spanCount);
    expect(view.rows.map((row) => row.name).slice(0, 3)).toEqual([
      'POST /checkout',
      'order.create',
      'SELECT orders',
    ]);
    expect(view.totalMs).toBe(100);
    const order = view.rows[1]!;
    expect(order).toMatchObject({ depth: 1, startMs: 5, durationMs: 60, service: 'orders' });
    expect(view.services.map((service) => service.name)).toEqual([
      'frontend',
      'orders',
      'inventory',
      'mailer',
    ]);
    expect(new Set(view.services.map((service) => service.colour)).size).toBe(4);
  });

  it('marks errors with their events, and the critical path', () => {
    const view = waterfallView(checkout());
    const notify = view.rows.find((row) => row.name === 'notify')!;
    expect(notify.error).toBe(true);
    expect(notify.details.events[0]).toMatchObject({
      name: 'exception',
      atMs: 97,
      attributes: [['exception.type', 'SmtpError']],
    });
    expect(view.rows[0]!.critical).toBe(true);
    expect(notify.critical).toBe(true);
  });

  it(`collapses a run of ${COLLAPSE_FROM} or more repeated siblings into one ×N row whose members name it`, () => {
    const view = waterfallView(checkout());
    const items = view.rows.filter((row) => row.name === 'SELECT item');
    expect(items).toHaveLength(5);
    expect(items[0]!.repeat).toBe(5);
    expect(items.slice(1).every((row) => row.repeatOf === items[0]!.id)).toBe(true);
  });

  it('does not collapse calls of one name that lead to different operations', () => {
    const view = waterfallView(
      buildTrace({
        name: 'root',
        children: ['cart', 'inventory', 'orders'].map((service, index) => ({
          name: 'POST',
          kind: 'client' as const,
          startMs: index * 10,
          children: [{ name: `${service}.handle`, service }],
        })),
      }),
    );
    expect(view.rows.some((row) => row.repeat !== undefined || row.repeatOf !== undefined)).toBe(false);
  });

  it('draws a 10,000-level chain without overflowing the stack', () => {
    let sketch = { name: 'leaf', durationMs: 1 } as Parameters<typeof buildTrace>[0] & {
      children?: unknown[];
    };
    for (let level = 0; level < 3_000; level += 1)
      sketch = { name: `level-${level}`, durationMs: 1, children: [sketch] } as typeof sketch;
    expect(waterfallView(buildTrace(sketch)).rows).toHaveLength(3_001);
  });

  it('puts each log record on its span, oldest first at its offset, and says how many more a chatty span had', () => {
    const trace = checkout();
    const log = orderLogs(trace);
    const view = waterfallView(trace, [
      log(30, { severityNumber: 17, attributes: { 'order.id': 'o-17' } }),
      log(20, { severityText: 'Warning', body: { reason: 'slow' } }),
      log(25, { spanId: undefined }),
    ]);
    const logs = view.rows.find((row) => row.name === 'order.create')!.details.logs!;
    expect(logs.logs).toEqual([
      { atMs: 20, severity: 'Warning', body: '{"reason":"slow"}', attributes: [] },
      { atMs: 30, severity: 'ERROR', body: 'at 30', attributes: [['order.id', 'o-17']] },
    ]);
    expect(logs.omitted).toBe(0);
    expect(view.rows.find((row) => row.name === 'notify')!.details.logs).toBeUndefined();
    const chatty = waterfallView(
      trace,
      Array.from({ length: MAX_LOGS_PER_SPAN + 7 }, (_, index) => log(index)),
    );
    const chattyLogs = chatty.rows.find((row) => row.name === 'order.create')!.details.logs!;
    expect(chattyLogs.logs).toHaveLength(MAX_LOGS_PER_SPAN);
    expect(chattyLogs.omitted).toBe(7);
  });

  it('says where the reading stopped when the trace had more log records than were read', () => {
    const trace = checkout();
    const log = orderLogs(trace);
    // The oldest records by event time, as the store reads them; one without a time sorts first.
    const first = [log(3, { timeUnixNano: 0n }), log(12), log(17.5)];
    expect(waterfallView(trace, first).logsCut).toBeUndefined();
    expect(waterfallView(trace, first, { truncated: true }).logsCut).toEqual({ loaded: 3, fromMs: 17.5 });
    const spec = parseTraceSpec({
      name: 'root_only',
      expected_spans: [{ operation_name: 'POST /checkout' }],
    });
    const result = compareTraceToSpec(trace, spec);
    expect(specOverlayView(trace, result, first, { truncated: true }).logsCut).toEqual({
      loaded: 3,
      fromMs: 17.5,
    });
    expect(specOverlayView(trace, result, first).logsCut).toBeUndefined();
  });
});

describe('the spec overlay', () => {
  const spec = parseTraceSpec({
    name: 'checkout_flow',
    expected_spans: [
      {
        operation_name: 'POST /checkout',
        service_name: 'frontend',
        children: [
          {
            operation_name: 'order.create',
            children: [{ operation_name: 'POST /payments', service_name: 'payments' }],
          },
        ],
      },
    ],
  });

  it('labels matched spans with their entry and puts the missing entry as a ghost row under its parent, with its fix', () => {
    const trace = checkout();
    const result = compareTraceToSpec(trace, spec);
    const view = specOverlayView(trace, result);
    expect(view.matches).toBe(false);
    const order = view.rows.find((row) => row.name === 'order.create')!;
    expect('entry' in order && order.entry).toBe('POST /checkout > order.create');
    const ghostIndex = view.rows.findIndex((row) => 'ghost' in row);
    const ghost = view.rows[ghostIndex] as GhostRow;
    expect(ghost).toMatchObject({
      name: 'POST /payments',
      service: 'payments',
      parentId: order.id,
      depth: order.depth + 1,
    });
    // Right after the parent's subtree (order.create, SELECT orders).
    expect(view.rows[ghostIndex - 1]!.name).toBe('SELECT orders');
    expect(ghost.violations[0]!.fix).toMatch(/POST \/payments/);
  });

  it('labels a span found beneath the near miss of its parent with its entry, not as unexpected', () => {
    const trace = checkout();
    // order.create must carry a tag it does not: it is a near miss, and SELECT orders beneath it is there.
    const tagged = parseTraceSpec({
      name: 'tagged_order',
      expected_spans: [
        {
          operation_name: 'POST /checkout',
          service_name: 'frontend',
          children: [
            {
              operation_name: 'order.create',
              required_tags: { 'order.kind': 'web' },
              children: [{ operation_name: 'SELECT orders' }],
            },
          ],
        },
      ],
    });
    const view = specOverlayView(trace, compareTraceToSpec(trace, tagged));
    const select = view.rows.find((row) => row.name === 'SELECT orders')!;
    expect('entry' in select && select.entry).toBe('POST /checkout > order.create > SELECT orders');
    expect('unexpected' in select && select.unexpected).toBeFalsy();
  });

  it('marks the spans no entry expected', () => {
    const trace = checkout();
    const view = specOverlayView(trace, compareTraceToSpec(trace, spec));
    const notify = view.rows.find((row) => row.name === 'notify')!;
    expect('unexpected' in notify && notify.unexpected).toBe(true);
  });
});

describe('the spec overlay marks every span a violation is about', () => {
  const rowsNamed = (view: ReturnType<typeof specOverlayView>, name: string) =>
    view.rows.filter((row) => row.name === name && !('ghost' in row)) as OverlayRow[];

  it('marks each span a count violation calls too many, pointing at the violation instead of repeating it', () => {
    const trace = buildTrace({
      name: 'POST /checkout',
      service: 'frontend',
      children: repeated(5, { name: 'SELECT item', service: 'inventory', durationMs: 4 }, 70, 1),
    });
    const once = parseTraceSpec({
      name: 'one_select',
      expected_spans: [
        {
          operation_name: 'POST /checkout',
          service_name: 'frontend',
          children: [{ operation_name: 'SELECT item', count: 1 }],
        },
      ],
    });
    const view = specOverlayView(trace, compareTraceToSpec(trace, once));
    const selects = rowsNamed(view, 'SELECT item');
    // 5 found (expected 1): 1 matched, 4 too many; the violation beside one of the 4, the other 3 marked.
    const [matched, flagged, ...surplus] = selects;
    expect(matched!.marks).toBeUndefined();
    expect(matched!.violations).toBeUndefined();
    expect(flagged!.violations?.map((violation) => violation.kind)).toEqual(['count_too_high']);
    expect(surplus).toHaveLength(3);
    for (const row of surplus) {
      expect(row.violations).toBeUndefined();
      expect(row.marks).toEqual([
        { role: 'surplus', kind: 'count_too_high', path: 'POST /checkout > SELECT item', at: flagged!.id },
      ]);
    }
  });

  it('marks where an error chain started, whose fix it is, pointing at each span that only passed it on', () => {
    const trace = buildTrace({
      name: 'POST /checkout',
      service: 'frontend',
      status: 'error',
      children: [
        {
          name: 'order.create',
          service: 'orders',
          status: 'error',
          children: [{ name: 'SELECT orders', status: 'error' }],
        },
      ],
    });
    const ordering = parseTraceSpec({
      name: 'ordering',
      expected_spans: [
        {
          operation_name: 'POST /checkout',
          service_name: 'frontend',
          children: [{ operation_name: 'order.create' }],
        },
      ],
    });
    const result = compareTraceToSpec(trace, ordering, { errorOrigins: errorOriginsOf(trace) });
    const view = specOverlayView(trace, result);
    const [front] = rowsNamed(view, 'POST /checkout');
    const [order] = rowsNamed(view, 'order.create');
    const [select] = rowsNamed(view, 'SELECT orders');
    expect(select!.marks).toEqual([
      { role: 'error_origin', kind: 'unexpected_error', path: 'POST /checkout', at: front!.id },
      {
        role: 'error_origin',
        kind: 'unexpected_error',
        path: 'POST /checkout > order.create',
        at: order!.id,
      },
    ]);
    // The spans that passed the failure on carry their own violation, and no mark of it again.
    expect(front!.marks).toBeUndefined();
    expect(order!.marks).toBeUndefined();
  });

  it('marks the spans found beneath lost spans, pointing at the missing entry above them', () => {
    // order-service's part arrived without the frontend span it ran under.
    const trace = buildTrace({
      name: 'order.create',
      service: 'orders',
      missingParentId: 'ffffffffffffffff',
      children: [{ name: 'SELECT orders' }],
    });
    const placed = parseTraceSpec({
      name: 'placed_order',
      expected_spans: [
        {
          operation_name: 'POST /checkout',
          service_name: 'frontend',
          children: [
            {
              operation_name: 'order.create',
              service_name: 'orders',
              children: [{ operation_name: 'SELECT orders' }],
            },
          ],
        },
      ],
    });
    const result = compareTraceToSpec(trace, placed);
    expect(result.entries[1]!.near_miss?.parent_lost).toBe(true);
    const view = specOverlayView(trace, result);
    const ghost = view.rows.find((row): row is GhostRow => 'ghost' in row && row.entry === 'POST /checkout')!;
    for (const name of ['order.create', 'SELECT orders'])
      expect(rowsNamed(view, name)[0]!.marks).toEqual([
        { role: 'beneath_lost', kind: 'missing', path: 'POST /checkout', at: ghost.id },
      ]);
  });

  it('marks the span a missing entry names as its nearest candidate', () => {
    const trace = buildTrace({
      name: 'POST /checkout',
      service: 'frontend',
      children: [{ name: 'order.create', service: 'orders' }],
    });
    const renamed = parseTraceSpec({
      name: 'renamed',
      expected_spans: [
        {
          operation_name: 'POST /checkout',
          service_name: 'frontend',
          children: [{ operation_name: 'order.created' }],
        },
      ],
    });
    const view = specOverlayView(trace, compareTraceToSpec(trace, renamed));
    const ghost = view.rows.find((row): row is GhostRow => 'ghost' in row)!;
    expect(rowsNamed(view, 'order.create')[0]!.marks).toEqual([
      { role: 'nearest', kind: 'missing', path: 'POST /checkout > order.created', at: ghost.id },
    ]);
  });
});

describe('the session strip', () => {
  it('shows iterations oldest first, red then green, with score, fixes and each trace', () => {
    const view = sessionStripView(
      {
        sessionId: 's1',
        projectName: 'shop',
        specName: 'checkout_flow',
        status: 'green',
        iterations: [
          {
            number: 1,
            verdict: 'fail',
            score: 0.5,
            violationCount: 2,
            fixed: [],
            introduced: ['missing a > b'],
            lost: [],
            notEvaluated: [],
            finishedAtMs: 0,
          },
          {
            number: 2,
            verdict: 'pass',
            score: 1,
            violationCount: 0,
            fixed: ['missing a > b'],
            introduced: [],
            lost: [],
            notEvaluated: [],
            finishedAtMs: 1000,
          },
        ],
      },
      new Map([[1, 'f'.repeat(32)]]),
    );
    expect(view.cells.map((cell) => cell.colour)).toEqual(['red', 'green']);
    expect(view.cells[0]).toMatchObject({ score: 0.5, traceId: 'f'.repeat(32) });
    expect(view.cells[1]!.fixed).toEqual(['missing a > b']);
    expect(view.cells[1]!.traceId).toBeUndefined();
  });

  it('shows a run that lost spans as lost, whose service, what it left unchecked, and never as a regression', () => {
    const why =
      "worker's spans for this request never arrived: it exited during the run (code 3) before its SDK sent them";
    const crashed = {
      number: 2,
      verdict: 'fail',
      score: 0.5,
      violationCount: 2,
      fixed: [],
      introduced: [],
      lost: [{ path: 'client-call > work.step', why, service: 'worker' }],
      notEvaluated: ['client-call > work.step', 'client-call > work.step > work.detail'],
      finishedAtMs: 1000,
    };
    const failing = { ...crashed, number: 1, lost: [], notEvaluated: [], finishedAtMs: 0 };
    const view = sessionStripView(
      { sessionId: 's1', projectName: 'shop', status: 'spans_lost', iterations: [failing, crashed] },
      new Map(),
    );
    expect(view.status).toBe('spans_lost');
    expect(view.cells.map((cell) => cell.colour)).toEqual(['red', 'amber']);
    expect(view.cells[1]).toMatchObject({
      lost: [{ path: 'client-call > work.step', why, service: 'worker' }],
      notEvaluated: 2,
      introduced: [],
    });
    // Lost spans beside a regression the run also made: the regression keeps the cell red.
    const regressed = sessionStripView(
      {
        sessionId: 's1',
        projectName: 'shop',
        status: 'regressed',
        iterations: [failing, { ...crashed, introduced: ['unexpected_error (trace)'] }],
      },
      new Map(),
    );
    expect(regressed.cells[1]!.colour).toBe('red');
    expect(regressed.cells[1]!.lost).toHaveLength(1);
  });
});
