#!/usr/bin/env bash
# Starts the cached moto server (see install-moto.sh) bound to 127.0.0.1, standing in for the AWS
# X-Ray API (PutTraceSegments, GetTraceSummaries, BatchGetTraces). It accepts any SigV4 signature,
# so the tests sign with dummy keys. State is in memory and gone when it stops.
#
# Usage: scripts/backends/start-moto.sh
#   MOTO_PORT  (5000)  every AWS API moto serves, X-Ray's REST paths among them (/TraceSegments, ...)
# Writes $OTEL_MCP_BACKENDS_RUN/moto/{pid,server.log,endpoints.json}; waits for /moto-api/ (60 s:
# moto imports every service's models at start, ~5 s on 2 busy cores). Stop with stop-moto.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin="$(moto_server_bin)"
[ -x "$bin" ] || die "moto is not installed: run scripts/backends/install-moto.sh"
port="${MOTO_PORT:-5000}"
dir="$BACKENDS_RUN/moto"
mkdir -p "$dir"
start_daemon moto "$bin" -H 127.0.0.1 -p "$port" || exit 0
cat >"$dir/endpoints.json" <<JSON
{"api":"http://127.0.0.1:$port"}
JSON
wait_http "http://127.0.0.1:$port/moto-api/" moto 60 "$dir/pid"
