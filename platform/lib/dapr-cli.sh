#!/usr/bin/env bash
# Obtains the Dapr CLI at the version pinned in platform/dapr-cli/go.mod and prints a directory
# that holds `dapr` and, in .dapr/bin, links to the daprd and scheduler of dapr-runtime.sh (the
# platform's pinned runtime). With it, `dapr run -f dapr.yaml` runs as the README says:
#   dir="$(platform/lib/dapr-cli.sh)"; export PATH="$dir:$PATH" DAPR_RUNTIME_PATH="$dir"
# (the CLI looks for daprd in $DAPR_RUNTIME_PATH/.dapr/bin, else ~/.dapr/bin.)
# Order: the per-version cache; else a build from the github.com/dapr/cli Go module (once, about
# 9 minutes on 2 busy cores; then a few milliseconds).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MOD="$ROOT/platform/dapr-cli"
CLI_VERSION="$(sed -n 's/^require github.com\/dapr\/cli v\([0-9.]*\)$/\1/p' "$MOD/go.mod")"
[ -n "$CLI_VERSION" ] || { echo "[dapr-cli] no 'require github.com/dapr/cli vX.Y.Z' line in $MOD/go.mod" >&2; exit 1; }
CACHE="${TODO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-platform}/dapr-cli/$CLI_VERSION"

log() { echo "[dapr-cli] $*" >&2; }

version_of() { "$1" version 2>/dev/null | sed -n 's/^CLI version: *\([^ ]*\).*/\1/p'; }

# daprd and scheduler where the CLI looks for them ($DAPR_RUNTIME_PATH/.dapr/bin)
link_runtime() {
  local runtime
  runtime="$("$ROOT/platform/lib/dapr-runtime.sh")" || { log "could not obtain the Dapr runtime"; exit 1; }
  mkdir -p "$1/.dapr/bin"
  ln -sfn "$runtime/daprd" "$1/.dapr/bin/daprd"
  ln -sfn "$runtime/scheduler" "$1/.dapr/bin/scheduler"
}

cached() {
  if [ -x "$CACHE/dapr" ] && [ "$(version_of "$CACHE/dapr")" = "$CLI_VERSION" ]; then
    link_runtime "$CACHE"
    echo "$CACHE"
    return 0
  fi
  return 1
}
cached && exit 0

# One build at a time (./dev test starts one in the background): a second caller waits for it.
mkdir -p "$(dirname "$CACHE")"
exec 9>"$CACHE.lock"
flock 9
cached && exit 0

command -v go >/dev/null || {
  log "the Dapr CLI $CLI_VERSION is not built yet and Go is missing to build it."
  log "Install Go >= 1.24.9 (https://go.dev/dl, or the golang package of your OS), or the Dapr CLI $CLI_VERSION (https://docs.dapr.io/getting-started/install-dapr-cli/)."
  exit 1
}

# GOGC=400: less of the compiler's time in its collector (dapr-runtime.sh)
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOFLAGS="-mod=readonly" GOGC="${GOGC:-400}"
mkdir -p "$CACHE.tmp"
trap 'rm -rf "$CACHE.tmp"' EXIT
start=$(date +%s)
log "building the Dapr CLI $CLI_VERSION from the Go module (first time only, several minutes)..."
(
  cd "$MOD"
  go build -trimpath -ldflags "-s -w -X main.version=$CLI_VERSION -X main.apiVersion=1.0" \
    -o "$CACHE.tmp/dapr" github.com/dapr/cli
) >&2
got="$(version_of "$CACHE.tmp/dapr")"
[ "$got" = "$CLI_VERSION" ] || { log "the built CLI reports version '$got', expected $CLI_VERSION"; exit 1; }
rm -rf "$CACHE" && mv "$CACHE.tmp" "$CACHE"
link_runtime "$CACHE"
log "built in $(( $(date +%s) - start ))s into $CACHE"
echo "$CACHE"
