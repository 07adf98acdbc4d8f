#!/usr/bin/env bash
# Does <source-sha> need a release? Prints "release=true|false" and a reason.
#
# A release builds images only when their inputs (IMAGE_INPUTS below) changed
# since the source commit of the last digest commit release made (trailer
# "Release-Source: <sha>"). So a merged promotion (a pin move), a docs or GitOps change and
# a revert of a digest commit (the rollback) do not rebuild, and do not put
# newer images back onto Minikube behind the operator's back.
# Usage (in a full clone, on the branch release commits to):
#   tools/ci/release-plan.sh <source-sha>
set -euo pipefail

IMAGE_INPUTS=(pom.xml .mvn liberty-apps)
IMAGES=gitops/images

if [ "$#" -ne 1 ]; then
  echo "usage: $0 <source-sha>" >&2
  exit 2
fi
source_sha="$(git rev-parse --verify "$1^{commit}")"

last="$(git log -1 --author='github-actions\[bot\]' --grep='^Release-Source: ' \
  --format='%(trailers:key=Release-Source,valueonly)' -- "$IMAGES" | tr -d '[:space:]')"

if [ -z "$last" ]; then
  echo "release=true"
  echo "no earlier release found: building ${source_sha::12}" >&2
elif ! git cat-file -e "${last}^{commit}" 2> /dev/null || ! git merge-base --is-ancestor "$last" "$source_sha"; then
  echo "release=true"
  echo "last release ${last::12} is not an ancestor of ${source_sha::12}: building" >&2
elif git diff --quiet "$last" "$source_sha" -- "${IMAGE_INPUTS[@]}"; then
  echo "release=false"
  echo "no image input (${IMAGE_INPUTS[*]}) changed since release of ${last::12}: nothing to build" >&2
else
  echo "release=true"
  echo "image inputs changed since release of ${last::12}: building ${source_sha::12}" >&2
fi
