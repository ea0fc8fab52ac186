#!/usr/bin/env bash
# Runs the official MCP conformance scenarios (the @modelcontextprotocol/conformance package from the
# npm registry) against the built server's Streamable HTTP transport, `serve --http`, on loopback.
#
# Usage: scripts/conformance/run.sh [REPORT_JSON]   (after npm ci && npm run build)
# Each scenario counts as one test; REPORT_JSON gets {"numPassedTests": N, "numFailedTests": N}.
# The package is cached under $OTEL_MCP_CONFORMANCE_CACHE (default ~/.cache/otel-mcp-conformance)
# by version. It needs Node 22 or newer (fs.globSync), taken from scripts/node-versions/fetch-node.sh.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
report="${1:-}"
# Pinned: what the registry served on 2026-12-04.
version="0.1.16"
node_version="22.23.5"
# The scenarios that test a server generally; the rest call the tools, prompts and resources of the
# reference test server (test_simple_text, …) that otel-mcp does not have.
scenarios=(server-initialize ping tools-list resources-list resources-subscribe resources-unsubscribe prompts-list
  completion-complete logging-set-level dns-rebinding-protection)
cache="${OTEL_MCP_CONFORMANCE_CACHE:-$HOME/.cache/otel-mcp-conformance}/$version"
log() { echo "[conformance] $*"; }

write_report() {
  [[ -n "$report" ]] && echo "{\"numPassedTests\": $1, \"numFailedTests\": $2}" > "$report"
  log "$1 passed, $2 failed"
}

if [[ ! -f "$cache/node_modules/@modelcontextprotocol/conformance/dist/index.js" ]]; then
  log "installing @modelcontextprotocol/conformance@$version into $cache"
  mkdir -p "$cache"
  (cd "$cache" && npm install --no-audit --no-fund --prefix . "@modelcontextprotocol/conformance@$version" >/dev/null) \
    || { log "FAILED: the conformance package could not be installed"; write_report 0 "${#scenarios[@]}"; exit 1; }
fi
node22="$(bash "$root/scripts/node-versions/fetch-node.sh" "$node_version")/bin/node" \
  || { log "FAILED: Node $node_version could not be fetched"; write_report 0 "${#scenarios[@]}"; exit 1; }

work="$(mktemp -d)"
server_pid=""
proxy_pid=""
cleanup() {
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Free loopback ports, the server on one with its own data, no OTLP listeners and a token, and on
# the other a proxy that adds the token (the runner cannot send one).
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
server_port="$(free_port)"
port="$(free_port)"
token="conformance-$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')"
OTEL_MCP_AUTH_TOKEN="$token" node "$root/dist/cli/main.js" serve --http "$server_port" --data-dir "$work/data" \
  --specs-dir "$work/specs" --otlp-http-port 0 --otlp-grpc-port 0 >"$work/server.log" 2>&1 &
server_pid=$!
node "$root/scripts/conformance/auth-proxy.mjs" "$port" "$server_port" "$token" &
proxy_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null -H "authorization: Bearer $token" "http://127.0.0.1:$server_port/mcp" \
    && curl -s -o /dev/null "http://127.0.0.1:$port/mcp" && break
  sleep 0.1
done

passed=0
failed=0
for scenario in "${scenarios[@]}"; do
  output="$("$node22" "$cache/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
    --url "http://127.0.0.1:$port/mcp" --scenario "$scenario" -o "$work/results" 2>&1)"
  status=$?
  # A scenario passes when the runner exits 0 and reports no failed check.
  if [[ $status -eq 0 ]] && grep -q ", 0 failed" <<<"$output"; then
    passed=$((passed + 1))
    log "PASS $scenario"
  else
    failed=$((failed + 1))
    log "FAIL $scenario"
    echo "$output" | tail -25
  fi
done
if [[ $failed -gt 0 ]]; then
  log "server log:"
  tail -20 "$work/server.log"
fi
write_report "$passed" "$failed"
[[ $failed -eq 0 ]]
