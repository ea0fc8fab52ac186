#!/usr/bin/env bash
# Stops the tempo server that start-tempo.sh started (SIGTERM, then SIGKILL after 10 s).
# Usage: scripts/backends/stop-tempo.sh   (same OTEL_MCP_BACKENDS_RUN as the start)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stop_daemon tempo
