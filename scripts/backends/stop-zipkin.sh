#!/usr/bin/env bash
# Stops the zipkin server that start-zipkin.sh started (SIGTERM, then SIGKILL after 10 s).
# Usage: scripts/backends/stop-zipkin.sh   (same OTEL_MCP_BACKENDS_RUN as the start)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stop_daemon zipkin
