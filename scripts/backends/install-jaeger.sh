#!/usr/bin/env bash
# Builds Jaeger v2 (cmd/jaeger) from the Go module proxy into
#   $OTEL_MCP_BACKENDS_CACHE/jaeger-<version>/jaeger   (default ~/.cache/otel-mcp-backends).
# Usage: scripts/backends/install-jaeger.sh      # no-op when the cached binary exists
# Takes ~10 min on 2 cores the first time. `go install` is refused because the module's go.mod
# has a replace directive (sarama), hence the download-copy-build in lib.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin="$(jaeger_bin)"
if [ -x "$bin" ]; then log "jaeger $JAEGER_LABEL cached at $bin"; exit 0; fi
go_build_module github.com/jaegertracing/jaeger "$JAEGER_MODULE_VERSION" cmd/jaeger "$bin"
