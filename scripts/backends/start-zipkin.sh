#!/usr/bin/env bash
# Starts the cached Zipkin server (see install-zipkin.sh) with in-memory storage, bound to
# 127.0.0.1 only (Armeria's port list is replaced: QUERY_PORT alone would listen on every
# interface), with its Kafka/RabbitMQ/ActiveMQ/Pulsar collectors and Eureka left unconfigured.
#
# Usage: scripts/backends/start-zipkin.sh
#   ZIPKIN_PORT  (9411)  API (/api/v2), span intake (POST /api/v2/spans) and /health
# Writes $OTEL_MCP_BACKENDS_RUN/zipkin/{pid,server.log,endpoints.json}; waits for /health (180 s:
# the JVM takes ~10-20 s on 2 busy cores). Stop with stop-zipkin.sh or stop-all.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
jar="$(zipkin_jar)"
[ -f "$jar" ] || die "zipkin is not installed: run scripts/backends/install-zipkin.sh"
command -v java >/dev/null || die "java is not installed (Zipkin needs Java 17+)"
port="${ZIPKIN_PORT:-9411}"
dir="$BACKENDS_RUN/zipkin"
mkdir -p "$dir"
# 512 MB heap holds the default 500,000 in-memory spans.
start_daemon zipkin java -Xms64m -Xmx512m -XX:TieredStopAtLevel=1 -jar "$jar" \
  "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$port" "--armeria.ports[0].protocols[0]=http" \
  --zipkin.storage.type=mem --zipkin.self-tracing.enabled=false || exit 0
cat >"$dir/endpoints.json" <<JSON
{"api":"http://127.0.0.1:$port"}
JSON
wait_http "http://127.0.0.1:$port/health" zipkin 180 "$dir/pid"
