#!/usr/bin/env bash
# Validates the Kubernetes delivery offline: renders every kustomization with
# the kustomize that the pinned Argo CD bundles, checks every object against
# the Kubernetes API types or its vendored CRD, and the delivery policies.
# Needs only Go; builds kustomize once into the user cache. Called by
# ./dev test from the repository root; ends with "N passed, M failed".
set -euo pipefail

KUSTOMIZE_VERSION=5.8.1 # the version Argo CD 3.5.1 bundles

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export REPO_ROOT="$(cd "$here/../.." && pwd)"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/todo-platform/kustomize/$KUSTOMIZE_VERSION"
export KUSTOMIZE="$bin_dir/kustomize"
if ! [ -x "$KUSTOMIZE" ] || [ "$("$KUSTOMIZE" version 2>/dev/null)" != "v$KUSTOMIZE_VERSION" ]; then
  echo "building kustomize $KUSTOMIZE_VERSION into $bin_dir" >&2
  mkdir -p "$bin_dir"
  if ! (cd "$bin_dir" && GOBIN="$bin_dir" go install "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION"); then
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

cd "$here"
# --tools: only build kustomize and compile the checks (./dev test does it in the background
# while other tests run)
if [ "${1:-}" = --tools ]; then
  exec go test -count=1 -run '^$' ./... >/dev/null
fi
summary_dir="$(mktemp -d)"
trap 'rm -rf "$summary_dir"' EXIT
if ! go build -o "$summary_dir/testsummary" ./cmd/testsummary; then
  echo "0 passed, 1 failed"
  exit 1
fi
set +e
go test -json -count=1 ./... >"$summary_dir/events.json" 2>&1
go_test_status=$?
"$summary_dir/testsummary" -go-test-status "$go_test_status" <"$summary_dir/events.json"
