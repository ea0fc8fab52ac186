/**
 * The script of the serve --ui pages: the server puts the view model in a JSON data block (never
 * executed, so the CSP needs no 'unsafe-inline'), and this draws it.
 */
import type { ViewModel } from '../views/index.js';
import { renderView } from './render.js';

const data = document.getElementById('view-model');
const root = document.getElementById('app');
if (data && root) {
  const view = JSON.parse(data.textContent ?? '{}') as ViewModel;
  const started = performance.now();
  // From a session, a trace opens against the session's spec: what that iteration was judged by.
  const spec = view.kind === 'session' && view.specName ? `?spec=${encodeURIComponent(view.specName)}` : '';
  renderView(root, view, { traceLink: (traceId) => `/trace/${traceId}${spec}` });
  document.body.dataset.rendered = String(performance.now() - started);
}
