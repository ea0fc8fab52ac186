#!/usr/bin/env bash
# Fetches the Zipkin server executable jar from Maven Central into
#   $OTEL_MCP_BACKENDS_CACHE/zipkin-<version>/zipkin-server-<version>-exec.jar
# Usage: scripts/backends/install-zipkin.sh      # no-op when the cached jar exists
# Needs Java 17+ to run and Maven to fetch (about 80 MB).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
jar="$(zipkin_jar)"
if [ -f "$jar" ]; then log "zipkin $ZIPKIN_VERSION cached at $jar"; exit 0; fi
command -v mvn >/dev/null || die "mvn is not installed (needed to fetch zipkin-server)"
dir="$(dirname "$jar")"
mkdir -p "$dir"
mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
  "-Dartifact=io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" "-DoutputDirectory=$dir" >&2
[ -f "$jar" ] || die "maven finished but $jar is missing"
log "zipkin $ZIPKIN_VERSION cached at $jar"
