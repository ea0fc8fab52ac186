#!/usr/bin/env bash
# Starts Jaeger, Zipkin, Tempo and moto on their default test ports (see each start-*.sh); the contract
# suite finds them through $OTEL_MCP_BACKENDS_RUN/<name>/endpoints.json.
# Usage: scripts/backends/start-all.sh     (then scripts/backends/stop-all.sh)
dir="$(dirname "${BASH_SOURCE[0]}")"
set -e
bash "$dir/start-jaeger.sh"
bash "$dir/start-zipkin.sh"
bash "$dir/start-tempo.sh"
bash "$dir/start-moto.sh"
