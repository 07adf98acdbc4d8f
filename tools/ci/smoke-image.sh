#!/usr/bin/env bash
# Smoke test of a service image, as Kubernetes runs it (kustomize/components/liberty-service):
# read-only root file system with the three writable paths Liberty needs as tmpfs (/tmp, /logs,
# the server's output), no capabilities, no privilege escalation, user 1001. Passes when
# /health/started and /health/live answer 200 (no sidecar or database needed for those).
# Usage: tools/ci/smoke-image.sh <image reference> [timeout seconds, default 180]
set -euo pipefail

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: $0 <image> [timeout-seconds]" >&2
  exit 2
fi
image="$1"
timeout="${2:-180}"
name="smoke-$$"

trap 'docker rm -f "$name" > /dev/null 2>&1 || true' EXIT

docker run -d --name "$name" \
  --read-only \
  --tmpfs /tmp:rw,size=64m \
  --tmpfs /logs:rw,size=64m \
  --tmpfs /opt/ol/wlp/output/defaultServer:rw,size=128m \
  --user 1001 --cap-drop ALL --security-opt no-new-privileges \
  --memory 512m \
  -e HTTP_PORT=9080 -e JAVA_TOOL_OPTIONS="-Xmx256m -XX:+ExitOnOutOfMemoryError" \
  -e DAPR_API_TOKEN=smoke -e APP_API_TOKEN=smoke \
  -p 127.0.0.1::9080 "$image" > /dev/null
port="$(docker port "$name" 9080/tcp | head -n 1 | sed 's/.*://')"

status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${port}$1" || true; }

deadline=$((SECONDS + timeout))
while [ "$SECONDS" -lt "$deadline" ]; do
  if [ "$(docker inspect -f '{{.State.Running}}' "$name")" != true ]; then
    echo "::error::${image}: the container exited ($(docker inspect -f '{{.State.ExitCode}}' "$name"))"
    docker logs "$name" 2>&1 | tail -n 100
    exit 1
  fi
  started="$(status /health/started)"
  live="$(status /health/live)"
  if [ "$started" = 200 ] && [ "$live" = 200 ]; then
    echo "${image}: /health/started and /health/live answer 200 after $((SECONDS - deadline + timeout)) s (read-only root)"
    exit 0
  fi
  sleep 2
done
echo "::error::${image}: /health/started ${started:-none}, /health/live ${live:-none} after ${timeout} s"
docker logs "$name" 2>&1 | tail -n 100
exit 1
