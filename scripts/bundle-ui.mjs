// Bundles the browser code (src/browser) into dist/ui at build time: the pages of serve --ui load
// page.js and views.css from the server itself, and the MCP App is one self-contained HTML file
// (views.html) with its script and style inlined, since a host shows it in a sandbox with no
// origin to load from; its CSP allows that inline code and nothing else. No CDN, nothing fetched at
// run time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'ui');
mkdirSync(out, { recursive: true });
const common = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  legalComments: 'none',
};
await build({ ...common, entryPoints: [join(root, 'src/browser/page.ts')], outfile: join(out, 'page.js') });
const css = readFileSync(join(root, 'src/browser/views.css'), 'utf8');
writeFileSync(join(out, 'views.css'), css);
const app = await build({ ...common, entryPoints: [join(root, 'src/browser/app.ts')], write: false });
const script = app.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
writeFileSync(
  join(out, 'views.html'),
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"><title>otel-mcp views</title><style>${css}</style></head><body><div id="app"><p class="hint">Waiting for the tool result…</p></div><script>${script}</script></body></html>\n`,
);
