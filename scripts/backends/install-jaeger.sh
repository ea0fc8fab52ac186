#!/usr/bin/env bash
# Builds Jaeger v2 (cmd/jaeger) from the Go module proxy into
#   $OTEL_MCP_BACKENDS_CACHE/jaeger-<version>/jaeger   (default ~/.cache/otel-mcp-backends).
# Usage: scripts/backends/install-jaeger.sh      # no-op when the cached binary exists
# Measured: 39 min on 2 cores shared with other builds (load ~10), Go caches partly warm; alone on
# the machine expect less. `go install` is refused because the module's go.mod has a replace
# directive (sarama), hence the download-copy-build in lib.sh. v2.14.0+ (no replace) would allow
# `go install …@<commit>`, but the module proxy reachable here serves Jaeger only up to v1.76.0
# (= v2.13.0) and refuses commit queries (403), so v2.13.0 stays pinned (see lib.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin="$(jaeger_bin)"
if [ -x "$bin" ]; then log "jaeger $JAEGER_LABEL cached at $bin"; exit 0; fi
go_build_module github.com/jaegertracing/jaeger "$JAEGER_MODULE_VERSION" cmd/jaeger "$bin"
