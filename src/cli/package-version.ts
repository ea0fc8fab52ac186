import { ownPackage } from './package-root.js';

/** The version in otel-mcp's package.json. */
export function packageVersion(): string {
  return ownPackage().version;
}
