#!/usr/bin/env bash
# ./dev test: every test of the project, in the order that fails fastest.
#  1. unit tests of every module (Maven Surefire)
#  2. Kubernetes manifests rendered and validated offline; GitHub workflows linted
#  3. the platform (started here unless it already runs), then
#  4. Arquillian tests of each service on Liberty and the platform tests (Maven Failsafe),
#     against the real daprd, scheduler, Kafka, Redis and PostgreSQL
#  5. the platform is stopped again if this script started it
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

# MultiAppRunIT's `dapr` (README "Multi-App Run"): built from its Go module once (about 9 min on 2
# busy cores), then cached (under 1 s); the test finds it in DAPR_CLI_DIR.
dapr_cli() {
  DAPR_CLI_DIR="$("$ROOT/platform/lib/dapr-cli.sh")" && export DAPR_CLI_DIR
}

# shellcheck source=platform/lib/components.sh
. "$ROOT/platform/lib/components.sh"

cd "$ROOT" || exit 1
MVN=(mvn -B -ntp)

step "unit tests (mvn verify, no integration tests)" "${MVN[@]}" install -DskipITs
[ -x tools/manifests/check.sh ] && step "Kubernetes manifests (render + validate)" tools/manifests/check.sh
[ -x tools/ci/check.sh ] && step "GitHub workflows and promotion" tools/ci/check.sh

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
  step "Dapr CLI for MultiAppRunIT (platform/lib/dapr-cli.sh)" dapr_cli
  step "Arquillian and platform tests (mvn verify)" "${MVN[@]}" verify -DskipUnitTests=true -DskipITs=false -Dplatform.skip=false
  step "no Arquillian or platform test skipped itself" no_skipped_tests "$stamp"
  rm -f "$stamp"
fi

if [ -n "$started_here" ] && [ -z "${TODO_KEEP_PLATFORM:-}" ]; then
  "$ROOT/dev" down >/dev/null
fi

echo
say "summary ($((SECONDS - t0))s)"
printf '  %s\n' "${results[@]}"
passed=$(( ${#results[@]} - failed ))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
