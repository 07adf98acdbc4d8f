#!/usr/bin/env bash
# ./dev bench: the numbers of the README, measured on the running platform (started if needed).
#  1. POST /api/v1/tasks: creates/s, latency p50/p99, commit->Kafka lag p50/p99
#     (a warm-up at full speed that is not a result, 100/s fixed rate, then full speed), and
#     how far the subscribing services were behind when the load stopped and how long until
#     they caught up, and at full speed the CPU per create of each process (from /proc)
#                                               -- platform-tests: it.platform.CreateBenchmark
#  2. raw Kafka producer throughput on the same machine, the physical reference
#     (Kafka's own ProducerPerformance, 1 KiB records, acks=1)
# ./dev bench reminders: instead of 1., tasks with 10 reminders each, BENCH_REMINDERS (10000) due
#     spread over BENCH_WINDOW (60) seconds that start BENCH_LEAD (60) seconds after the first
#     create: scheduling rate, lateness p50/p99/max, early/lost/twice -- it.platform.ReminderBenchmark
# ./dev bench realtime: instead of 1., BENCH_USERS (100) users x BENCH_PER_USER (10) WebSockets on
#     realtime-service, creates at BENCH_RATE (100/s) for BENCH_SECONDS: commit (event time) -> frame
#     p50/p99/max, frames missing, RSS and live heap per connection -- it.platform.RealtimeBenchmark
# ./dev bench recurring: instead of 1., BENCH_SERIES (100) daily series of BENCH_USERS (10) users,
#     BENCH_COMPLETIONS (1000) completions, each series completed again as soon as its next
#     occurrence is generated, at most BENCH_RATE (0 = as fast as it goes) completions/s:
#     occurrences/s, completion -> task-generated p50/p99/max -- it.platform.RecurringBenchmark
# Options: BENCH_SECONDS (20), BENCH_WARMUP (120, seconds; 0 = none), BENCH_THREADS (16), BENCH_USERS (64),
# BENCH_CONSUMERS=0 (stops the three subscribing services and their sidecars first: what the
# producing path alone sustains; the next ./dev up starts them again).
set -euo pipefail
# shellcheck source=platform/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=platform/lib/components.sh
. "$ROOT/platform/lib/components.sh"

"$ROOT/dev" up >/dev/null
consumers=true
if [ "${BENCH_CONSUMERS:-1}" = 0 ]; then
  consumers=false
  for svc in notification-service recurring-service realtime-service; do
    "$ROOT/dev" stop "daprd-$svc" >/dev/null
    "$ROOT/dev" stop "$svc" >/dev/null
  done
fi
load_tokens
cd "$ROOT"
mvn -B -q install -DskipTests -pl platform-tests -am >/dev/null
cp_file="$(mktemp)"
mvn -B -q -pl platform-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null

if [ "${1:-}" = realtime ]; then
  say "realtime-service WebSockets (${BENCH_USERS:-100} users x ${BENCH_PER_USER:-10}, ${BENCH_RATE:-100} creates/s)"
  REPO_ROOT="$ROOT" DEV_DIR="$DEV" java -Dbench.users="${BENCH_USERS:-100}" -Dbench.per-user="${BENCH_PER_USER:-10}" \
    -Dbench.rate="${BENCH_RATE:-100}" -Dbench.seconds="${BENCH_SECONDS:-20}" \
    -cp "platform-tests/target/test-classes:$(cat "$cp_file")" it.platform.RealtimeBenchmark
elif [ "${1:-}" = recurring ]; then
  say "recurring series (${BENCH_COMPLETIONS:-1000} completions of ${BENCH_SERIES:-100} series)"
  REPO_ROOT="$ROOT" DEV_DIR="$DEV" java -Dbench.series="${BENCH_SERIES:-100}" -Dbench.users="${BENCH_USERS:-10}" \
    -Dbench.completions="${BENCH_COMPLETIONS:-1000}" -Dbench.rate="${BENCH_RATE:-0}" \
    -cp "platform-tests/target/test-classes:$(cat "$cp_file")" it.platform.RecurringBenchmark
elif [ "${1:-}" = reminders ]; then
  say "reminders (${BENCH_REMINDERS:-10000} due within ${BENCH_WINDOW:-60}s)"
  REPO_ROOT="$ROOT" DEV_DIR="$DEV" java -Dbench.reminders="${BENCH_REMINDERS:-10000}" -Dbench.window="${BENCH_WINDOW:-60}" \
    -Dbench.lead="${BENCH_LEAD:-60}" -Dbench.users="${BENCH_USERS:-100}" \
    -cp "platform-tests/target/test-classes:$(cat "$cp_file")" it.platform.ReminderBenchmark
else
say "task-service creates (${BENCH_SECONDS:-20}s per phase)"
REPO_ROOT="$ROOT" DEV_DIR="$DEV" java -Dbench.consumers="$consumers" -Dbench.seconds="${BENCH_SECONDS:-20}" -Dbench.warmup="${BENCH_WARMUP:-120}" -Dbench.threads="${BENCH_THREADS:-16}" -Dbench.users="${BENCH_USERS:-64}" \
  -cp "platform-tests/target/test-classes:$(cat "$cp_file")" it.platform.CreateBenchmark
fi

say "raw Kafka producer (reference)"
kafka_topics --create --if-not-exists --topic bench-raw --partitions 3 --replication-factor 1 >/dev/null
kafka_java org.apache.kafka.tools.ProducerPerformance --topic bench-raw --num-records 300000 \
  --record-size 1024 --throughput -1 --producer-props bootstrap.servers="127.0.0.1:$KAFKA_PORT" acks=1 2>/dev/null | tail -n 1
rm -f "$cp_file"
