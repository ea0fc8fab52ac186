#!/usr/bin/env bash
# Installs Jaeger, Zipkin, Tempo and moto (the X-Ray stand-in) into the cache (each a no-op when already cached).
# Usage: scripts/backends/install-all.sh
# First run ~25-30 min on 2 cores (two Go builds); cached runs take a second.
dir="$(dirname "${BASH_SOURCE[0]}")"
set -e
bash "$dir/install-zipkin.sh"
bash "$dir/install-jaeger.sh"
bash "$dir/install-tempo.sh"
bash "$dir/install-moto.sh"
