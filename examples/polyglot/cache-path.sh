#!/usr/bin/env bash
# Prints where an installed artefact of the polyglot example lives, so that
# scripts/examples/install-polyglot.sh and each service's run.sh agree on it:
#
#   bash cache-path.sh venv          loans-service's Python virtual environment  (key: Python version, hash of requirements.txt)
#   bash cache-path.sh javaagent     the OpenTelemetry Java agent jar            (key: its version)
#   bash cache-path.sh fees-classes  fees-service's compiled classes             (key: hash of Fees.java)
#   bash cache-path.sh notify-bin    notify-service's Go binary                  (key: OS, arch, hash of go.mod, go.sum, main.go)
#   bash cache-path.sh javaagent-version
#
# Everything lives under $OTEL_MCP_EXAMPLES_CACHE, default ~/.cache/otel-mcp-examples.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${OTEL_MCP_EXAMPLES_CACHE:-${HOME:?HOME is not set}/.cache/otel-mcp-examples}"
JAVAAGENT_VERSION=2.31.1

hash_of() {
  cat "$@" | sha256sum | cut -c1-16
}

case "${1:-}" in
  venv)
    python_version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
    echo "$cache/polyglot/loans-venv/py${python_version}-$(hash_of "$here/loans-service/requirements.txt")"
    ;;
  javaagent)
    echo "$cache/opentelemetry-javaagent/$JAVAAGENT_VERSION/opentelemetry-javaagent-$JAVAAGENT_VERSION.jar"
    ;;
  javaagent-version)
    echo "$JAVAAGENT_VERSION"
    ;;
  fees-classes)
    echo "$cache/polyglot/fees-classes/$(hash_of "$here/fees-service/Fees.java")"
    ;;
  notify-bin)
    dir="$here/notify-service"
    echo "$cache/polyglot/notify-service/$(uname -s)-$(uname -m)-$(hash_of "$dir/go.mod" "$dir/go.sum" "$dir/main.go")/notify-service"
    ;;
  *)
    echo "cache-path.sh: say which artefact: venv, javaagent, javaagent-version, fees-classes or notify-bin" >&2
    exit 2
    ;;
esac
