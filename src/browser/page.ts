/**
 * The script of the serve --ui pages: the server puts the view model in a JSON data block (never
 * executed, so the CSP needs no 'unsafe-inline'), and this draws it.
 */
import { windowFromParam, windowParam, type ViewModel } from '../views/index.js';
import { renderView } from './render.js';

/** The zoom lives in the address's fragment (`#t=FROM-TO`): a reload or a shared link shows the same stretch. */
const ZOOM_KEY = 't';

const data = document.getElementById('view-model');
const root = document.getElementById('app');
if (data && root) {
  const view = JSON.parse(data.textContent ?? '{}') as ViewModel;
  const started = performance.now();
  // From a session, a trace opens against the session's spec: what that iteration was judged by.
  const spec = view.kind === 'session' && view.specName ? `?spec=${encodeURIComponent(view.specName)}` : '';
  const fragment = new URLSearchParams(location.hash.slice(1));
  renderView(root, view, {
    traceLink: (traceId) => `/trace/${traceId}${spec}`,
    ...(view.kind !== 'session' ? { window: windowFromParam(fragment.get(ZOOM_KEY), view.totalMs) } : {}),
    onWindowChange: (window) => {
      if (window) fragment.set(ZOOM_KEY, windowParam(window));
      else fragment.delete(ZOOM_KEY);
      const hash = fragment.toString();
      // replaceState: zooming is not a page of its own for the Back button to step through.
      history.replaceState(null, '', `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`);
    },
  });
  document.body.dataset.rendered = String(performance.now() - started);
}
