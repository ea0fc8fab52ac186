#!/usr/bin/env bash
# Stops the moto server that start-moto.sh started (SIGTERM, then SIGKILL after 10 s).
# Usage: scripts/backends/stop-moto.sh   (same OTEL_MCP_BACKENDS_RUN as the start)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stop_daemon moto
