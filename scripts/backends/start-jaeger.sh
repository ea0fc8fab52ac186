#!/usr/bin/env bash
# Starts the cached Jaeger v2 (see install-jaeger.sh) on 127.0.0.1 with in-memory storage, from a
# config written here: nothing listens on Jaeger's default ports that otel-mcp (4317/4318) or
# Zipkin (9411) use, and the Jaeger/Zipkin receivers, sampling and self-telemetry are off.
#
# Usage: scripts/backends/start-jaeger.sh
#   JAEGER_OTLP_GRPC_PORT   (14317)  OTLP/gRPC receiver
#   JAEGER_OTLP_HTTP_PORT   (14318)  OTLP/HTTP receiver
#   JAEGER_QUERY_HTTP_PORT  (16686)  query HTTP: api_v3 under /api/v3, internal API under /api
#   JAEGER_QUERY_GRPC_PORT  (16685)  query gRPC: jaeger.api_v3.QueryService
# Writes $OTEL_MCP_BACKENDS_RUN/jaeger/{pid,server.log,config.yaml,endpoints.json}; waits until
# the query API answers (60 s). Stop with stop-jaeger.sh or stop-all.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin="$(jaeger_bin)"
[ -x "$bin" ] || die "jaeger is not installed: run scripts/backends/install-jaeger.sh"
otlp_grpc="${JAEGER_OTLP_GRPC_PORT:-14317}"
otlp_http="${JAEGER_OTLP_HTTP_PORT:-14318}"
query_http="${JAEGER_QUERY_HTTP_PORT:-16686}"
query_grpc="${JAEGER_QUERY_GRPC_PORT:-16685}"
dir="$BACKENDS_RUN/jaeger"
mkdir -p "$dir"
cat >"$dir/config.yaml" <<YAML
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:$query_http
    grpc:
      endpoint: 127.0.0.1:$query_grpc
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:$otlp_grpc
      http:
        endpoint: 127.0.0.1:$otlp_http
processors:
  batch:
    # A short batch delay lets tests read what they sent within a second.
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
YAML
start_daemon jaeger "$bin" --config "$dir/config.yaml" || exit 0
cat >"$dir/endpoints.json" <<JSON
{"query_http":"http://127.0.0.1:$query_http","query_grpc":"grpc://127.0.0.1:$query_grpc","otlp_http":"http://127.0.0.1:$otlp_http","otlp_grpc":"127.0.0.1:$otlp_grpc"}
JSON
wait_http "http://127.0.0.1:$query_http/api/services" jaeger 60 "$dir/pid"
