#!/usr/bin/env bash
# Installs what examples/polyglot needs beyond Node, each piece cached under
# ${OTEL_MCP_EXAMPLES_CACHE:-~/.cache/otel-mcp-examples} at the path examples/polyglot/cache-path.sh
# names (the services' run.sh ask the same helper):
#   - loans-service: a Python virtual environment with the pins of loans-service/requirements.txt
#     (keyed by the Python version and a hash of that file);
#   - fees-service: the OpenTelemetry Java agent jar from Maven Central (keyed by its version) and
#     Fees.java compiled with javac (keyed by a hash of the source);
#   - notify-service: the Go binary (keyed by a hash of go.mod, go.sum and main.go).
# Idempotent: a finished piece is left as it is, so a second run takes about a second. Pieces are
# independent: every one is tried, and the exit status is 1 when any failed (each failure is named).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
example="$root/examples/polyglot"
paths="$example/cache-path.sh"
cache="${OTEL_MCP_EXAMPLES_CACHE:-${HOME:?HOME is not set}/.cache/otel-mcp-examples}"
failed=()

say() { echo "install-polyglot: $*"; }
problem() { echo "install-polyglot: $*" >&2; }

mkdir -p "$cache/polyglot"
# Two installs at once (parallel test workers) take turns instead of building over each other.
if command -v flock >/dev/null; then
  exec 9>"$cache/polyglot/.install.lock"
  flock 9
fi

install_python() {
  local venv
  venv="$(bash "$paths" venv)"
  if [[ -f "$venv/.installed" && -x "$venv/bin/opentelemetry-instrument" ]]; then
    say "loans-service: Python environment ready (cached) at $venv"
    return 0
  fi
  if ! command -v python3 >/dev/null; then
    problem "loans-service: python3 not found; install Python 3.9 or newer (3.11 is tested)"
    return 1
  fi
  # A half-made environment (an earlier install that failed) is made again from scratch; anything
  # else at that path is not ours to delete.
  if [[ -e "$venv" && ! -f "$venv/pyvenv.cfg" ]]; then
    problem "loans-service: $venv exists and is not a virtual environment; remove it or set OTEL_MCP_EXAMPLES_CACHE elsewhere"
    return 1
  fi
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv "$venv"; then
    problem "loans-service: 'python3 -m venv $venv' failed; on Debian install the python3-venv package"
    rm -rf "$venv"
    return 1
  fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$example/loans-service/requirements.txt"; then
    problem "loans-service: pip could not install loans-service/requirements.txt into $venv (see pip's message above: a registry that cannot be reached, or a pin that no longer exists)"
    rm -rf "$venv"
    return 1
  fi
  touch "$venv/.installed"
  say "loans-service: installed $(grep -c '^[a-z]' "$example/loans-service/requirements.txt") pinned packages into $venv"
}

install_javaagent() {
  local jar version scratch
  jar="$(bash "$paths" javaagent)"
  version="$(bash "$paths" javaagent-version)"
  if [[ -f "$jar" ]]; then
    say "fees-service: OpenTelemetry Java agent $version ready (cached) at $jar"
    return 0
  fi
  if ! command -v mvn >/dev/null; then
    problem "fees-service: mvn not found; install Maven 3 (it fetches io.opentelemetry.javaagent:opentelemetry-javaagent:$version from Maven Central)"
    return 1
  fi
  mkdir -p "$(dirname "$jar")"
  scratch="$(mktemp -d "$(dirname "$jar")/.fetch.XXXXXX")"
  # Run outside any Maven project, so no pom.xml nearby changes what is resolved.
  # Maven's log is shown only when the fetch fails.
  if ! (cd "$scratch" && mvn --batch-mode -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$version:jar" -DoutputDirectory="$scratch/out" >"$scratch/mvn.log" 2>&1) \
    || [[ ! -f "$scratch/out/opentelemetry-javaagent-$version.jar" ]]; then
    grep -E '^\[(ERROR|WARNING)\]' "$scratch/mvn.log" | head -20 >&2 || tail -20 "$scratch/mvn.log" >&2
    problem "fees-service: Maven could not fetch io.opentelemetry.javaagent:opentelemetry-javaagent:$version (see Maven's errors above: Maven Central unreachable, or a proxy/mirror in ~/.m2/settings.xml)"
    rm -rf "$scratch"
    return 1
  fi
  mv "$scratch/out/opentelemetry-javaagent-$version.jar" "$jar"
  rm -rf "$scratch"
  say "fees-service: fetched the OpenTelemetry Java agent $version to $jar"
}

install_fees_classes() {
  local classes scratch
  classes="$(bash "$paths" fees-classes)"
  if [[ -f "$classes/Fees.class" ]]; then
    say "fees-service: Fees.java compiled (cached) at $classes"
    return 0
  fi
  if ! command -v javac >/dev/null || ! command -v java >/dev/null; then
    problem "fees-service: javac/java not found; install a JDK 11 or newer (17 is tested; a JRE has no javac)"
    return 1
  fi
  mkdir -p "$(dirname "$classes")"
  scratch="$(mktemp -d "$(dirname "$classes")/.build.XXXXXX")"
  if ! javac -d "$scratch" "$example/fees-service/Fees.java"; then
    problem "fees-service: javac could not compile examples/polyglot/fees-service/Fees.java (see its message above)"
    rm -rf "$scratch"
    return 1
  fi
  # A rename: a run.sh never sees half the classes, and a parallel install that won is kept.
  mv -T "$scratch" "$classes" 2>/dev/null || rm -rf "$scratch"
  say "fees-service: compiled Fees.java to $classes"
}

install_notify() {
  local binary dir scratch
  binary="$(bash "$paths" notify-bin)"
  dir="$example/notify-service"
  if [[ -x "$binary" ]]; then
    say "notify-service: Go binary ready (cached) at $binary"
    return 0
  fi
  if ! command -v go >/dev/null; then
    problem "notify-service: go not found; install Go $(sed -n 's/^go //p' "$dir/go.mod") or newer"
    return 1
  fi
  mkdir -p "$(dirname "$binary")"
  scratch="$(mktemp "$(dirname "$binary")/.build.XXXXXX")"
  # GOTOOLCHAIN=local: build with the Go that is installed, never download another one.
  # -buildvcs=false: the binary does not depend on the state of the git work tree around it.
  if ! (cd "$dir" && GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" go build -o "$scratch" .); then
    problem "notify-service: 'go build' failed in examples/polyglot/notify-service (see its message above: the Go module proxy unreachable, or a Go older than go.mod's $(sed -n 's/^go //p' "$dir/go.mod"))"
    rm -f "$scratch"
    return 1
  fi
  mv "$scratch" "$binary"
  say "notify-service: built $binary"
}

install_python || failed+=("loans-service Python environment")
install_javaagent || failed+=("fees-service Java agent")
install_fees_classes || failed+=("fees-service classes")
install_notify || failed+=("notify-service Go binary")

if (( ${#failed[@]} > 0 )); then
  problem "not installed: $(IFS=,; echo "${failed[*]}" | sed 's/,/, /g'); the messages above say why"
  exit 1
fi
say "ready: every service of examples/polyglot is installed under $cache"
