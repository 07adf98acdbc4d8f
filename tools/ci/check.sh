#!/usr/bin/env bash
# CI/CD checks, run by ./dev test: actionlint (with shellcheck on every run:
# step) over each workflow, the workflow policy, when release builds, and the
# promotion contract on a copy of this repository.
# Last line of output: "N passed, M failed"; exit status non-zero on failure.
set -uo pipefail

ACTIONLINT_VERSION=1.7.12
ACTIONLINT_MODULE=github.com/rhysd/actionlint/cmd/actionlint
TOOLS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/todo-platform"

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }

# actionlint checks the shell inside run: steps only through shellcheck;
# without it those scripts would go unchecked, so its absence is a failure.
ensure_shellcheck() {
  command -v shellcheck > /dev/null && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    echo "installing shellcheck (apt-get)" >&2
    { apt-get install -y -q shellcheck || { apt-get update -q && apt-get install -y -q shellcheck; }; } > /dev/null 2>&1
    command -v shellcheck > /dev/null && return 0
    echo "apt-get install shellcheck failed" >&2
  else
    echo "shellcheck is not installed and this is not root with apt-get: install it (Debian/Ubuntu: sudo apt-get install shellcheck)" >&2
  fi
  return 1
}

# actionlint is built once per version from its Go module and kept outside the repository.
ensure_actionlint() {
  local dir="$TOOLS_CACHE/actionlint/$ACTIONLINT_VERSION"
  ACTIONLINT="$dir/actionlint"
  if [ -x "$ACTIONLINT" ] && "$ACTIONLINT" -version 2> /dev/null | grep -qx "v\?$ACTIONLINT_VERSION"; then
    return 0
  fi
  if ! command -v go > /dev/null; then
    echo "go is not on PATH: needed once to build actionlint $ACTIONLINT_VERSION" >&2
    return 1
  fi
  echo "building actionlint $ACTIONLINT_VERSION (once; cached in $dir)" >&2
  local tmp
  mkdir -p "$dir" && tmp="$(mktemp -d "$dir.XXXXXX")" || return 1
  if GOTOOLCHAIN=local GOBIN="$tmp" GOFLAGS=-trimpath go install "$ACTIONLINT_MODULE@v$ACTIONLINT_VERSION" >&2 \
    && mv -f "$tmp/actionlint" "$ACTIONLINT"; then
    rm -rf "$tmp"
    return 0
  fi
  rm -rf "$tmp"
  echo "go install $ACTIONLINT_MODULE@v$ACTIONLINT_VERSION failed" >&2
  return 1
}

# Adds the "N passed, M failed" of a test script to the totals.
run_counted() {
  local name="$1" out last
  shift
  out="$("$@" 2>&1)"
  local status=$?
  printf '%s\n' "$out" | sed '$d'
  last="$(printf '%s\n' "$out" | tail -n 1)"
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    if [ "$status" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
      fail "$name" "exited $status"
    fi
  else
    printf '%s\n' "$last"
    fail "$name" "ended without a pass/fail count (exit $status)"
  fi
}

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob

# --tools: only obtain the tools (./dev test builds them in the background while other tests run)
if [ "${1:-}" = --tools ]; then
  ensure_shellcheck && ensure_actionlint
  exit
fi

have_shellcheck=true
if ! ensure_shellcheck; then
  have_shellcheck=false
  fail "shellcheck available" "cannot check the shell inside run: steps"
fi

if [ "${#workflows[@]}" -eq 0 ]; then
  fail "workflows present" "no .github/workflows/*.yml"
elif ! ensure_actionlint; then
  fail "actionlint $ACTIONLINT_VERSION available" "workflows not linted"
else
  for wf in "${workflows[@]}"; do
    if $have_shellcheck; then
      args=(-shellcheck "$(command -v shellcheck)")
    else
      args=(-shellcheck "")
    fi
    if out="$("$ACTIONLINT" -no-color -pyflakes "" "${args[@]}" "$wf" 2>&1)"; then
      pass "actionlint $wf"
    else
      printf '%s\n' "$out"
      fail "actionlint $wf"
    fi
  done
fi

run_counted "workflow policy" python3 tools/ci/test_workflows.py
if $have_shellcheck; then
  if out="$(shellcheck tools/ci/*.sh 2>&1)"; then
    pass "shellcheck tools/ci/*.sh"
  else
    printf '%s\n' "$out"
    fail "shellcheck tools/ci/*.sh"
  fi
fi

run_counted "release plan" python3 tools/ci/test_release_plan.py
run_counted "promotion contract" python3 tools/ci/test_promote.py

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
