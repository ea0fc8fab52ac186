#!/usr/bin/env bash
# Starts fees-service: the compiled Fees class under the OpenTelemetry Java agent, both from the
# cache that scripts/examples/install-polyglot.sh filled (see ../cache-path.sh). Run with
# cwd = examples/polyglot. The service does not name itself: the runner sets OTEL_SERVICE_NAME
# (by hand: OTEL_SERVICE_NAME=fees-service). OTEL_EXPORTER_OTLP_PROTOCOL is left as given (the
# agent's default is http/protobuf).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
agent="$(bash "$here/../cache-path.sh" javaagent)"
classes="$(bash "$here/../cache-path.sh" fees-classes)"
if [[ ! -f "$agent" ]]; then
  echo "fees-service: no OpenTelemetry Java agent at $agent; run: bash scripts/examples/install-polyglot.sh" >&2
  exit 1
fi
if [[ ! -f "$classes/Fees.class" ]]; then
  echo "fees-service: Fees.java is not compiled at $classes; run: bash scripts/examples/install-polyglot.sh" >&2
  exit 1
fi

# The example is about traces: without these the agent would also push metrics and logs.
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
exec java -javaagent:"$agent" -cp "$classes" Fees
