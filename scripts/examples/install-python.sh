#!/usr/bin/env bash
# Installs the Python payment-service of examples/checkout: a virtual environment with the pinned
# packages of examples/checkout/payment-service/requirements.txt, where run.sh looks for it
# ($OTEL_MCP_PYTHON_VENV, else ~/.cache/otel-mcp-python/py<version>-<hash of the pins>).
# Idempotent: an environment that finished installing is left as it is. Exit 0 when ready.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
service="$root/examples/checkout/payment-service"
venv="$(bash "$service/venv-path.sh")"

if [[ -f "$venv/.installed" && -x "$venv/bin/opentelemetry-instrument" ]]; then
  echo "install-python: $venv is ready"
  exit 0
fi
if ! command -v python3 >/dev/null; then
  echo "install-python: python3 not found; install Python 3.9 or newer (3.11 is tested), or leave it: payment-service then runs its Node fallback" >&2
  exit 1
fi

# A half-made environment (an earlier install that failed) is made again from scratch; anything
# else at that path is not ours to delete.
if [[ -e "$venv" && ! -f "$venv/pyvenv.cfg" ]]; then
  echo "install-python: $venv exists and is not a virtual environment; remove it or point OTEL_MCP_PYTHON_VENV elsewhere" >&2
  exit 1
fi
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
if ! python3 -m venv "$venv"; then
  echo "install-python: 'python3 -m venv $venv' failed; on Debian install the python3-venv package" >&2
  exit 1
fi
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$service/requirements.txt"; then
  echo "install-python: pip could not install $service/requirements.txt into $venv (see pip's message above: a registry that cannot be reached, or a pin that no longer exists)" >&2
  rm -rf "$venv"
  exit 1
fi
touch "$venv/.installed"
echo "install-python: installed $(grep -c "^[^#]" "$service/requirements.txt") pinned packages into $venv"
