/** Small sketch makers for the analysis tests: a DB query, an HTTP client call, a server span. */
import type { Attributes } from '../../src/model/index.js';
import type { SpanSketch } from './trace-builder.js';

export function dbQuery(
  statement: string,
  startMs: number,
  durationMs: number,
  extra: Partial<SpanSketch> = {},
): SpanSketch {
  return {
    name: `SELECT`,
    kind: 'client',
    startMs,
    durationMs,
    attributes: { 'db.system.name': 'postgresql', 'db.query.text': statement },
    ...extra,
  };
}

export function httpClient(
  method: string,
  url: string,
  startMs: number,
  durationMs: number,
  status = 200,
  extra: Partial<SpanSketch> = {},
): SpanSketch {
  return {
    name: method,
    kind: 'client',
    startMs,
    durationMs,
    attributes: { 'http.request.method': method, 'url.full': url, 'http.response.status_code': status },
    ...extra,
  };
}

export function httpServer(
  route: string,
  startMs: number,
  durationMs: number,
  extra: Partial<SpanSketch> = {},
): SpanSketch {
  const attributes: Attributes = {
    'http.request.method': 'GET',
    'http.route': route,
    'http.response.status_code': 200,
  };
  return { name: `GET ${route}`, kind: 'server', startMs, durationMs, attributes, ...extra };
}

/** `count` sketches made by `make(i, startMs)`, one after another from `startMs`, each `stepMs` apart. */
export function series(
  count: number,
  startMs: number,
  stepMs: number,
  make: (i: number, startMs: number) => SpanSketch,
): SpanSketch[] {
  return Array.from({ length: count }, (_, i) => make(i, startMs + i * stepMs));
}
