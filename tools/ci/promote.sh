#!/usr/bin/env bash
# Promote: copy the image digests that <from-env> runs into <to-env>
# (default minikube -> cloud). Changes only digest: (and differing newName:)
# lines of gitops/overlays/<to-env>/kustomization.yaml; no image is rebuilt.
set -euo pipefail
if [ "$#" -gt 2 ]; then
  echo "usage: $0 [<from-env> [<to-env>]]   (default: minikube cloud)" >&2
  exit 2
fi
exec python3 "$(dirname "${BASH_SOURCE[0]}")/overlay_images.py" promote "${1:-minikube}" "${2:-cloud}"
