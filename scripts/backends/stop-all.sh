#!/usr/bin/env bash
# Stops every server the start-*.sh scripts started under $OTEL_MCP_BACKENDS_RUN.
# Usage: scripts/backends/stop-all.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for name in jaeger zipkin tempo moto; do stop_daemon "$name"; done
