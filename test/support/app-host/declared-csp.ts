/**
 * The Content-Security-Policy a host puts around an MCP App, built from what the app's resource
 * declares in `_meta.ui.csp` (the extension's McpUiResourceCsp): each list opens its directives to
 * those origins, and an empty or missing list opens nothing. The host of the tests enforces it, so
 * an app that reached for anything it did not declare would show a CSP violation in the page.
 */
export interface DeclaredCsp {
  connectDomains?: string[];
  resourceDomains?: string[];
  frameDomains?: string[];
  baseUriDomains?: string[];
}

const sources = (domains: string[] | undefined, fallback: string) =>
  domains && domains.length > 0 ? domains.join(' ') : fallback;

export function hostCspFor(declared: DeclaredCsp | undefined): string {
  const resources = declared?.resourceDomains ?? [];
  // The app arrives as one HTML text with nowhere else to load from, so inline code is its code.
  const withInline = ["'unsafe-inline'", ...resources].join(' ');
  return [
    "default-src 'none'",
    `script-src ${withInline}`,
    `style-src ${withInline}`,
    `img-src ${['data:', ...resources].join(' ')}`,
    `font-src ${sources(resources, "'none'")}`,
    `media-src ${sources(resources, "'none'")}`,
    `connect-src ${sources(declared?.connectDomains, "'none'")}`,
    `frame-src ${sources(declared?.frameDomains, "'none'")}`,
    `base-uri ${sources(declared?.baseUriDomains, "'self'")}`,
  ].join('; ');
}

/** The HTML with the policy as its first element in <head>, ahead of any script. */
export function withHostCsp(html: string, policy: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy.replace(/"/g, '&quot;')}">`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return `${meta}${html}`;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}${meta}${html.slice(at)}`;
}
