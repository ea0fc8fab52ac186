#!/usr/bin/env bash
# Shared helpers for the scripts in scripts/backends/ (sourced, never run).
#
#   OTEL_MCP_BACKENDS_CACHE  where built servers are kept, one folder per name and version
#                            (default $HOME/.cache/otel-mcp-backends); outside the repository
#                            on purpose: fetched or built code is never committed.
#   OTEL_MCP_BACKENDS_RUN    pid files, logs and data of running servers
#                            (default ${TMPDIR:-/tmp}/otel-mcp-backends).

set -euo pipefail

BACKENDS_CACHE="${OTEL_MCP_BACKENDS_CACHE:-$HOME/.cache/otel-mcp-backends}"
BACKENDS_RUN="${OTEL_MCP_BACKENDS_RUN:-${TMPDIR:-/tmp}/otel-mcp-backends}"
BACKENDS_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[otel-mcp-backends] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Pinned versions. The Go module proxy serves these modules only at the versions below:
# Jaeger's module has no /v2 suffix, so v2 releases are reachable only through the v1 tag cut
# from the same commit (v1.76.0 = v2.13.0); Tempo's has no /v2 suffix either, and the newest
# pseudo-version the proxy serves is the May 2025 commit 87c2dc380cec (between v2.7 and v2.8).
JAEGER_MODULE_VERSION="v1.76.0"
JAEGER_LABEL="v2.13.0"
TEMPO_MODULE_VERSION="v1.5.1-0.20250529124718-87c2dc380cec"
TEMPO_LABEL="2.8-dev-87c2dc380cec"
ZIPKIN_VERSION="3.6.1"
# moto stands in for AWS X-Ray (no local X-Ray server exists); pinned from PyPI.
MOTO_VERSION="5.1.18"

jaeger_bin() { echo "$BACKENDS_CACHE/jaeger-$JAEGER_LABEL/jaeger"; }
tempo_bin() { echo "$BACKENDS_CACHE/tempo-$TEMPO_LABEL/tempo"; }
moto_server_bin() { echo "$BACKENDS_CACHE/moto-$MOTO_VERSION/bin/moto_server"; }
zipkin_jar() { echo "$BACKENDS_CACHE/zipkin-$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar"; }

# Builds a Go main package from a module downloaded through the module proxy. The module zip
# is read-only and (for modules with replace directives) cannot be `go install`ed, so it is
# copied, made writable and built in place. $1 module, $2 version, $3 package, $4 output.
go_build_module() {
  local module="$1" version="$2" pkg="$3" out="$4"
  local dir work
  command -v go >/dev/null || die "go is not installed (needed to build $module)"
  dir="$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$module@$version" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir" ] || die "go mod download $module@$version gave no directory"
  work="$(mktemp -d "${TMPDIR:-/tmp}/otel-mcp-build.XXXXXX")"
  # A failed build must not leave a ~500 MB copy behind (one per attempt).
  # shellcheck disable=SC2064 # expanded now: $work is local and gone when the trap runs
  trap "rm -rf -- '$work'" EXIT
  cp -R "$dir/." "$work/"
  chmod -R u+w "$work"
  mkdir -p "$(dirname "$out")"
  log "building $module@$version ./$pkg (several minutes on 2 cores)"
  local started=$SECONDS
  # -p bounds parallel package builds: the 2-core machines are shared (OTEL_MCP_GO_BUILD_P).
  (cd "$work" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod nice -n 10 \
    go build -p "${OTEL_MCP_GO_BUILD_P:-2}" -trimpath -o "$out.tmp" "./$pkg")
  mv "$out.tmp" "$out"
  rm -rf "$work"
  trap - EXIT
  log "built $out in $((SECONDS - started)) s"
}

# Waits until an HTTP URL answers 2xx; $1 url, $2 name, $3 seconds (default 120), $4 pid file.
wait_http() {
  local url="$1" name="$2" limit="${3:-120}" pidfile="${4:-}"
  local deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS -o /dev/null --max-time 10 "$url" 2>/dev/null; then
      log "$name ready at $url"
      return 0
    fi
    if [ -n "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      die "$name exited before it was ready; see its log in $BACKENDS_RUN/$name/"
    fi
    sleep 0.5
  done
  die "$name not ready at $url after ${limit}s; see its log in $BACKENDS_RUN/$name/"
}

# Starts a command in the background with its log and pid file under $BACKENDS_RUN/$1.
start_daemon() {
  local name="$1"; shift
  local dir="$BACKENDS_RUN/$name"
  mkdir -p "$dir"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    log "$name already running (pid $(cat "$dir/pid"))"
    return 1
  fi
  nohup "$@" >"$dir/server.log" 2>&1 &
  echo $! >"$dir/pid"
  log "$name started (pid $!, log $dir/server.log)"
}

# Stops what start_daemon started: SIGTERM, then SIGKILL after 10 s.
stop_daemon() {
  local name="$1" pidfile="$BACKENDS_RUN/$1/pid" pid
  [ -f "$pidfile" ] || { log "$name is not running"; return 0; }
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    log "$name stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}
