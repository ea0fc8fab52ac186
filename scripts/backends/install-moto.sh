#!/usr/bin/env bash
# Installs moto (a local stand-in for AWS APIs, X-Ray among them) from PyPI into a virtualenv at
#   $OTEL_MCP_BACKENDS_CACHE/moto-<version>/  (moto_server in its bin/)
# Usage: scripts/backends/install-moto.sh      # no-op when the cached venv exists
# Needs Python 3.9+ with venv; about 60 MB. AWS offers no X-Ray server to run locally, so the X-Ray
# adapter's real-server suite runs against moto's implementation of the X-Ray REST API.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bin="$(moto_server_bin)"
if [ -x "$bin" ]; then log "moto $MOTO_VERSION cached at $bin"; exit 0; fi
command -v python3 >/dev/null || die "python3 is not installed (needed for moto)"
dir="$BACKENDS_CACHE/moto-$MOTO_VERSION"
# Built beside the cache and moved in whole, so a failed install never looks cached.
rm -rf "$dir.tmp"
python3 -m venv "$dir.tmp" || die "python3 -m venv failed (install the python3-venv package)"
"$dir.tmp/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
rm -rf "$dir"
mv "$dir.tmp" "$dir"
# A venv's scripts name their interpreter by absolute path: recreate the entry point after the move.
"$dir/bin/python" -m venv --upgrade "$dir" >/dev/null 2>&1 || true
sed -i "1s|^#!.*|#!$dir/bin/python|" "$dir/bin/moto_server"
[ -x "$bin" ] || die "pip finished but $bin is missing"
log "moto $MOTO_VERSION cached at $bin"
