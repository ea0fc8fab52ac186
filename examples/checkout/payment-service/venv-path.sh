#!/usr/bin/env bash
# Prints where the Python payment-service's virtual environment lives:
# $OTEL_MCP_PYTHON_VENV, else ~/.cache/otel-mcp-python/py<version>-<hash of requirements.txt>.
set -euo pipefail
if [[ -n "${OTEL_MCP_PYTHON_VENV:-}" ]]; then
  echo "$OTEL_MCP_PYTHON_VENV"
  exit 0
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python_version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
pins="$(sha256sum "$here/requirements.txt" | cut -c1-12)"
echo "${HOME}/.cache/otel-mcp-python/py${python_version}-${pins}"
