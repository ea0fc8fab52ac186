#!/usr/bin/env bash
# Stops the jaeger server that start-jaeger.sh started (SIGTERM, then SIGKILL after 10 s).
# Usage: scripts/backends/stop-jaeger.sh   (same OTEL_MCP_BACKENDS_RUN as the start)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stop_daemon jaeger
