#!/usr/bin/env bash
# ./dev chaos: faults under load, nothing lost (issue 17) -- platform-tests: it.platform.ChaosRun
# A steady mixed load on the running platform (creates with Idempotency-Key, updates, completes,
# reopens, deletes with If-Match; tasks with a reminder due during the run; recurring series whose
# occurrences are completed; one WebSocket per user on realtime-service that reconnects with
# `after`) while each part in turn is killed with SIGKILL (its whole process group) and started
# again with ./dev start, and Kafka is stopped with SIGSTOP for CHAOS_PAUSE seconds. Then it
# settles and accounts for everything from outside (the topics and their .dlq read with a Kafka
# client, the REST API, the WebSocket clients' frames) and prints one row per fault: downtime,
# requests refused during it, events lost, duplicated, unexpected, reminders late. Exits 1 when
# anything was lost or duplicated in effect. Every part is running again at the end, also when it
# fails. The platform must be up (./dev up); it is never started or stopped as a whole here.
# Knobs:
#   CHAOS_FAULTS    comma list of parts and kafka-pause (default: all 12 parts, then kafka-pause):
#                   task-service, daprd-task-service, notification-service, daprd-notification-service,
#                   recurring-service, daprd-recurring-service, realtime-service, daprd-realtime-service,
#                   scheduler, kafka, redis, postgres, kafka-pause
#   CHAOS_RATE      requests per second, all users together (4)
#   CHAOS_USERS     users (6; every third completes recurring series, the others change tasks)
#   CHAOS_DOWNTIME  seconds a killed part stays down before ./dev start (5)
#   CHAOS_PAUSE     seconds of the Kafka SIGSTOP (20)
#   CHAOS_GAP       seconds of load before the first fault and after each one is back (15):
#                   until 80 % of its requests at the rate were accepted, at most 3 gaps
#   CHAOS_SETTLE    seconds the accounting waits at most for everything to arrive (180)
#   CHAOS_LATE      a reminder fired more than this many seconds after its instant is late (10)
#   CHAOS_SEED      seed of the load's choices (default: the clock)
set -euo pipefail
# shellcheck source=platform/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=platform/lib/components.sh
. "$ROOT/platform/lib/components.sh"

status="$("$ROOT/dev" status 2>/dev/null)"
grep -q 'daprd-task-service.*running' <<<"$status" ||
  die "the platform is not running: ./dev up first"
load_tokens
cd "$ROOT"
mvn -B -q -o install -DskipTests -pl platform-tests -am >/dev/null 2>&1 ||
  mvn -B -q install -DskipTests -pl platform-tests -am >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -B -q -pl platform-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp" >/dev/null
# a copy: a concurrent build of platform-tests must not pull the classes away during the run
cp -r platform-tests/target/test-classes "$work/classes"

say "chaos: faults under load (${CHAOS_FAULTS:-every part, then kafka-pause})"
props=(-Dchaos.rate="${CHAOS_RATE:-4}" -Dchaos.users="${CHAOS_USERS:-6}"
  -Dchaos.downtime="${CHAOS_DOWNTIME:-5}" -Dchaos.pause="${CHAOS_PAUSE:-20}"
  -Dchaos.gap="${CHAOS_GAP:-15}" -Dchaos.settle="${CHAOS_SETTLE:-180}" -Dchaos.late="${CHAOS_LATE:-10}")
[ -n "${CHAOS_FAULTS:-}" ] && props+=(-Dchaos.faults="$CHAOS_FAULTS")
[ -n "${CHAOS_SEED:-}" ] && props+=(-Dchaos.seed="$CHAOS_SEED")
REPO_ROOT="$ROOT" DEV_DIR="$DEV" java "${props[@]}" -cp "$work/classes:$(cat "$work/cp")" it.platform.ChaosRun
