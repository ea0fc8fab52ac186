#!/usr/bin/env bash
# Starts the cached Tempo (see install-tempo.sh) as one process (-target=all) with local storage in
# the run dir: every path away from /var/tempo, every listener on 127.0.0.1, rings in memory,
# usage reporting off. Traces become searchable about 2 s after they arrive (trace_idle_period
# and flush_check_period of 1 s move them from live traces into the searchable head block).
#
# Usage: scripts/backends/start-tempo.sh
#   TEMPO_HTTP_PORT        (3200)   query API: /api/traces, /api/search, /api/v2/search/tags
#   TEMPO_GRPC_PORT        (9095)   internal gRPC (querier ↔ query-frontend)
#   TEMPO_OTLP_GRPC_PORT   (24317)  OTLP/gRPC receiver
#   TEMPO_OTLP_HTTP_PORT   (24318)  OTLP/HTTP receiver
#   TEMPO_MEMBERLIST_PORT  (27946)  memberlist gossip (bound, though the rings live in memory)
# Writes $OTEL_MCP_BACKENDS_RUN/tempo/{pid,server.log,config.yaml,endpoints.json,data/}; waits for
# /ready (120 s). Stop with stop-tempo.sh or stop-all.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin="$(tempo_bin)"
[ -x "$bin" ] || die "tempo is not installed: run scripts/backends/install-tempo.sh"
http="${TEMPO_HTTP_PORT:-3200}"
grpc="${TEMPO_GRPC_PORT:-9095}"
otlp_grpc="${TEMPO_OTLP_GRPC_PORT:-24317}"
otlp_http="${TEMPO_OTLP_HTTP_PORT:-24318}"
memberlist="${TEMPO_MEMBERLIST_PORT:-27946}"
dir="$BACKENDS_RUN/tempo"
data="$dir/data"
mkdir -p "$data"
cat >"$dir/config.yaml" <<YAML
target: all
stream_over_http_enabled: true
usage_report:
  reporting_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: $http
  grpc_listen_address: 127.0.0.1
  grpc_listen_port: $grpc
  log_level: warn
memberlist:
  bind_addr: [127.0.0.1]
  bind_port: $memberlist
  advertise_addr: 127.0.0.1
  advertise_port: $memberlist
distributor:
  ring:
    instance_addr: 127.0.0.1
    kvstore:
      store: inmemory
  receivers:
    otlp:
      protocols:
        grpc:
          endpoint: 127.0.0.1:$otlp_grpc
        http:
          endpoint: 127.0.0.1:$otlp_http
ingester:
  lifecycler:
    address: 127.0.0.1
    ring:
      kvstore:
        store: inmemory
      replication_factor: 1
    final_sleep: 0s
    min_ready_duration: 1s
  trace_idle_period: 1s
  flush_check_period: 1s
  max_block_duration: 5m
compactor:
  ring:
    instance_addr: 127.0.0.1
    kvstore:
      store: inmemory
metrics_generator:
  ring:
    instance_addr: 127.0.0.1
    kvstore:
      store: inmemory
  storage:
    path: $data/generator/wal
  traces_storage:
    path: $data/generator/traces
block_builder:
  wal:
    path: $data/block-builder/wal
storage:
  trace:
    backend: local
    local:
      path: $data/blocks
    wal:
      path: $data/wal
    pool:
      max_workers: 10
      queue_depth: 1000
    blocklist_poll: 5s
YAML
start_daemon tempo "$bin" -config.file="$dir/config.yaml" || exit 0
cat >"$dir/endpoints.json" <<JSON
{"api":"http://127.0.0.1:$http","otlp_http":"http://127.0.0.1:$otlp_http","otlp_grpc":"127.0.0.1:$otlp_grpc"}
JSON
wait_http "http://127.0.0.1:$http/ready" tempo 120 "$dir/pid"
