#!/usr/bin/env bash
# Starts notify-service: the Go binary that scripts/examples/install-polyglot.sh built from this
# directory (see ../cache-path.sh). Run with cwd = examples/polyglot. The service does not name
# itself: the runner sets OTEL_SERVICE_NAME (by hand: OTEL_SERVICE_NAME=notify-service).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="$(bash "$here/../cache-path.sh" notify-bin)"
if [[ ! -x "$binary" ]]; then
  echo "notify-service: no binary at $binary for this main.go/go.mod/go.sum; run: bash scripts/examples/install-polyglot.sh" >&2
  exit 1
fi
exec "$binary"
