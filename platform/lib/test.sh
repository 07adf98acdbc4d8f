#!/usr/bin/env bash
# ./dev test: every test of the project.
#  1. unit tests of every module (Maven Surefire)
#  2. the platform (started here unless it already runs), then
#  3. Arquillian tests of each service on Liberty and the platform tests (Maven Failsafe),
#     against the real daprd, scheduler, Kafka, Redis and PostgreSQL
#  4. the platform is stopped again if this script started it
#  5. Kubernetes manifests rendered and validated offline; GitHub workflows linted (last: on a
#     fresh machine their tools are built in the background during 3)
set -uo pipefail

# shellcheck source=platform/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

t0=$SECONDS
results=()
failed=0
step() {
  local name="$1"; shift
  local s=$SECONDS
  say "$name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - s))s)")
  else
    results+=("FAIL  $name ($((SECONDS - s))s)")
    failed=$((failed + 1))
  fi
}

# A test that skipped itself (a failed assumption, e.g. a server ./dev did not start) proved
# nothing, so it fails the run: lists the skipped tests of the Failsafe reports newer than $1.
no_skipped_tests() {
  local skipped
  skipped=$(find . -path '*/target/failsafe-reports/TEST-*.xml' -newer "$1" -exec awk '
    /<testcase / { match($0, / name="[^"]*"/); test = substr($0, RSTART + 7, RLENGTH - 8)
                   match($0, / classname="[^"]*"/); class = substr($0, RSTART + 12, RLENGTH - 13) }
    /<skipped/   { why = match($0, /message="[^"]*"/) ? substr($0, RSTART + 9, RLENGTH - 10) : "no reason given"
                   print "  skipped: " class "." test ": " why }' {} +)
  [ -z "$skipped" ] && return 0
  printf '%s\n' "$skipped"
  return 1
}

# The Dapr runtime, MultiAppRunIT's `dapr` (README "Multi-App Run"), kustomize with the manifest
# checks, and actionlint are built from their Go modules once, then cached. On a fresh machine that
# is about 5, 9, 4 and 1 minutes of compiling on 2 cores, so they start in the background now:
# daprd while the unit tests run (./dev up waits for it), then the others at the lowest priority,
# on the CPU the platform tests leave idle. What needs them waits for them: MultiAppRunIT (through
# platform/lib/dapr-cli.sh, before it takes the platform lock), the manifests and the workflows
# (after the platform tests).
mkdir -p "$DEV/logs"
go_builds_log="$DEV/logs/go-builds.log"
# (a session of its own, so that the end of this script can stop all of it)
# (GOGC=400 for kustomize and actionlint too: dapr-runtime.sh)
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
GOGC="${GOGC:-400}" setsid bash -c '"$1/platform/lib/dapr-runtime.sh" >/dev/null &&
  nice -n 19 "$1/platform/lib/dapr-cli.sh" >/dev/null &&
  { [ ! -x "$1/tools/manifests/check.sh" ] || nice -n 19 "$1/tools/manifests/check.sh" --tools; } &&
  { [ ! -x "$1/tools/ci/check.sh" ] || nice -n 19 "$1/tools/ci/check.sh" --tools; }' _ "$ROOT" "$DEV" \
  </dev/null >/dev/null 2>"$go_builds_log" &
go_builds=$!
go_builds_done() {
  if ! wait "$go_builds"; then
    echo "building daprd, the Dapr CLI, kustomize or actionlint failed ($go_builds_log):" >&2
    tail -n 20 "$go_builds_log" >&2
    return 1
  fi
}

# shellcheck source=platform/lib/components.sh
. "$ROOT/platform/lib/components.sh"

cd "$ROOT" || exit 1
MVN=(mvn -B -ntp)

step "unit tests (mvn verify, no integration tests)" "${MVN[@]}" install -DskipITs

started_here=""
if ! "$ROOT/dev" status 2>/dev/null | grep -q 'daprd-task-service.*running'; then
  started_here=1
fi
if ! TODO_NO_BUILD=1 "$ROOT/dev" up; then
  results+=("FAIL  platform start (./dev up)")
  failed=$((failed + 1))
else
  # shellcheck disable=SC1091
  set -a && . "$DEV/secrets/tokens.env" && set +a
  DAPRD="$("$ROOT/platform/lib/dapr-runtime.sh")/daprd"
  export DEV_DIR="$DEV" REPO_ROOT="$ROOT" DAPRD
  stamp="$(mktemp)"
  step "browser for WebPageIT (Debian's chromium and chromium-driver)" ensure_chromium
  step "Arquillian and platform tests (mvn verify)" "${MVN[@]}" verify \
    -DskipUnitTests=true -DskipITs=false -Dplatform.skip=false
  step "Dapr CLI, kustomize, actionlint (built in the background)" go_builds_done
  step "no Arquillian or platform test skipped itself" no_skipped_tests "$stamp"
  rm -f "$stamp"
fi

kill -- "-$go_builds" 2>/dev/null # still building only when a step before it failed

# the offline checks, after the platform tests: their tools were built in the background meanwhile
[ -x tools/manifests/check.sh ] && step "Kubernetes manifests (render + validate)" tools/manifests/check.sh
[ -x tools/ci/check.sh ] && step "GitHub workflows and promotion" tools/ci/check.sh

if [ -n "$started_here" ] && [ -z "${TODO_KEEP_PLATFORM:-}" ]; then
  "$ROOT/dev" down >/dev/null
fi

echo
say "summary ($((SECONDS - t0))s)"
printf '  %s\n' "${results[@]}"
passed=$(( ${#results[@]} - failed ))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
