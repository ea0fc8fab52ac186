#!/usr/bin/env bash
# Starts loans-service: Flask under opentelemetry-instrument, from the virtual environment that
# scripts/examples/install-polyglot.sh installed (see ../cache-path.sh). Run with cwd = examples/polyglot.
# The service does not name itself: the runner sets OTEL_SERVICE_NAME (by hand: OTEL_SERVICE_NAME=loans-service).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(bash "$here/../cache-path.sh" venv)"
if [[ ! -f "$venv/.installed" || ! -x "$venv/bin/opentelemetry-instrument" ]]; then
  echo "loans-service: no Python environment at $venv; run: bash scripts/examples/install-polyglot.sh" >&2
  exit 1
fi

# Python's SDK defaults to gRPC; only the HTTP exporter is installed.
export OTEL_EXPORTER_OTLP_PROTOCOL="${OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf}"
export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-otlp}"
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
# Readiness probes are not part of any loan.
export OTEL_PYTHON_FLASK_EXCLUDED_URLS="${OTEL_PYTHON_FLASK_EXCLUDED_URLS:-health}"
exec "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$here/app.py"
