import { describe, expect, it } from 'vitest';
import {
  axisTicks,
  MIN_WINDOW_MS,
  panWindow,
  spanWindow,
  wholeTrace,
  windowFromParam,
  windowLabel,
  windowOf,
  windowParam,
  zoomWindow,
} from '../../src/views/index.js';

describe('the zoom window of a waterfall', () => {
  it('labels the whole trace at round steps, from 0 to its end', () => {
    expect(axisTicks(wholeTrace(133)).map((tick) => tick.label)).toEqual([
      '0 ms',
      '20 ms',
      '40 ms',
      '60 ms',
      '80 ms',
      '100 ms',
      '120 ms',
    ]);
    const ticks = axisTicks(wholeTrace(133));
    expect(ticks[0]!.at).toBe(0);
    expect(ticks[1]!.at).toBeCloseTo(20 / 133);
    expect(axisTicks(wholeTrace(4_200)).map((tick) => tick.label)).toEqual([
      '0 s',
      '1 s',
      '2 s',
      '3 s',
      '4 s',
    ]);
  });

  it('gives a narrow window labels with the decimals its step needs, never two alike', () => {
    const labels = axisTicks({ fromMs: 40.1, toMs: 40.6 }).map((tick) => tick.label);
    expect(labels).toEqual(['40.1 ms', '40.2 ms', '40.3 ms', '40.4 ms', '40.5 ms', '40.6 ms']);
    const fine = axisTicks({ fromMs: 1_500.02, toMs: 1_500.07 }).map((tick) => tick.label);
    expect(new Set(fine).size).toBe(fine.length);
    expect(fine[0]).toBe('1.50002 s');
    expect(windowLabel({ fromMs: 40.1, toMs: 40.6 })).toBe('40.10 ms – 40.60 ms');
  });

  it('zooms about the centre, pans, and stays inside the trace and above a microsecond', () => {
    expect(zoomWindow(wholeTrace(100), 0.5, 100)).toEqual({ fromMs: 25, toMs: 75 });
    expect(zoomWindow({ fromMs: 0, toMs: 50 }, 4, 100)).toEqual({ fromMs: 0, toMs: 100 });
    expect(panWindow({ fromMs: 25, toMs: 75 }, 0.25, 100)).toEqual({ fromMs: 37.5, toMs: 87.5 });
    expect(panWindow({ fromMs: 60, toMs: 90 }, 1, 100)).toEqual({ fromMs: 70, toMs: 100 });
    expect(windowOf(80, 30, 100)).toEqual({ fromMs: 30, toMs: 80 });
    expect(spanWindow(40, 10, 100)).toEqual({ fromMs: 39, toMs: 51 });
    expect(spanWindow(0, 100, 100)).toEqual({ fromMs: 0, toMs: 100 });
    const tiny = windowOf(10, 10, 100);
    expect(tiny.toMs - tiny.fromMs).toBeCloseTo(MIN_WINDOW_MS);
  });

  it('keeps a zoom in the page address and reads it back, inside the trace; any other text shows the whole trace', () => {
    const zoomed = { fromMs: 12.5, toMs: 40.000001 };
    expect(windowParam(zoomed)).toBe('12.5-40.000001');
    expect(windowFromParam(windowParam(zoomed), 133)).toEqual(zoomed);
    expect(windowParam({ fromMs: 1 / 3, toMs: 2 / 3 })).toBe('0.333333-0.666667');
    // A window past the trace's end (the address of a longer trace) is moved inside this one.
    expect(windowFromParam('120-150', 133)).toEqual({ fromMs: 103, toMs: 133 });
    for (const text of [
      null,
      '',
      'abc',
      '5',
      '-5-10',
      '10-5',
      '7-7',
      'NaN-Infinity',
      '1e3-2e3',
      '0-133',
      '0-500',
    ])
      expect(windowFromParam(text, 133), String(text)).toBeUndefined();
  });
});
