#!/usr/bin/env bash
# Starts payment-service: the Python (Flask) one under opentelemetry-instrument when its virtual
# environment is installed (scripts/examples/install-python.sh), otherwise the Node fallback.
# Run with cwd = examples/checkout, like every service of checkout.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(bash "$here/venv-path.sh")"

if [[ ! -f "$venv/.installed" || ! -x "$venv/bin/opentelemetry-instrument" ]]; then
  echo "payment-service: no Python environment at $venv (run scripts/examples/install-python.sh); starting the Node fallback" >&2
  exec node --require "$here/../otel/register.cjs" "$here/../services/payment-service.cjs"
fi

# The service names itself whatever the inherited environment says; OTEL_RESOURCE_ATTRIBUTES (and
# so the run id) is passed through untouched.
export OTEL_SERVICE_NAME=payment-service
# Python's SDK defaults to gRPC; only the HTTP exporter is installed.
export OTEL_EXPORTER_OTLP_PROTOCOL="${OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf}"
export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-otlp}"
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
# Readiness probes are not part of any checkout.
export OTEL_PYTHON_FLASK_EXCLUDED_URLS="${OTEL_PYTHON_FLASK_EXCLUDED_URLS:-health}"
exec "$venv/bin/opentelemetry-instrument" "$venv/bin/python" "$here/app.py"
