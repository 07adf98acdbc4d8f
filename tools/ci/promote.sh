#!/usr/bin/env bash
# Promote: pin <env> (default cloud) to <commit> (default: HEAD, the commit of main that Minikube
# runs when the promote workflow checks it out). Changes only the two pinned-revision lines of
# gitops/releases/<env>/root.yaml; the commit brings its configuration and its image digests
# (gitops/images) with it, nothing is rebuilt. Rollback: the same with the earlier commit.
set -euo pipefail
if [ "$#" -gt 2 ]; then
  echo "usage: $0 [<env> [<commit>]]   (default: cloud HEAD)" >&2
  exit 2
fi
env="${1:-cloud}"
ref="${2:-HEAD}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! sha="$(git -C "$root" rev-parse --verify --quiet "${ref}^{commit}")"; then
  echo "promote: ${ref} is not a commit of this repository" >&2
  exit 1
fi
exec python3 "$root/tools/ci/release_pin.py" set "$env" "$sha"
