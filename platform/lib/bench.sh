#!/usr/bin/env bash
# ./dev bench [creates|realtime|reminders|recurring]: the numbers of the README, measured on the
# running platform (started first if a part is not running), in one report:
#   .dev/bench/<UTC timestamp>/report.md with PNG plots beside it (JFreeChart), its path printed at
#   the end; a progress line every few seconds (phase, elapsed, live rate). Without an argument
#   every phase runs, one after the other (sized for ~10 minutes on a quiet 2-core machine), each after the
#   subscribing services caught up with the previous one and with fresh users; with one, only that
#   phase. Either way followed by the raw Kafka producer as the physical reference, and the memory
#   (PSS and RSS) of every part of ./dev status sampled each second: idle before the first phase,
#   the peak during each.                                  -- platform-tests: it.platform.BenchReport
#  creates:   POST /api/v1/tasks: a warm-up at full speed that is not a result, a fixed 100/s, then
#             full speed: creates/s, latency p50/p99, commit->Kafka lag p50/p99, how far the
#             subscribing services were behind when the load stopped and how long until they caught
#             up, and at full speed the CPU per create of each process (from /proc)
#                                                                    -- it.platform.CreateBenchmark
#  realtime:  BENCH_USERS (100) users x BENCH_PER_USER (10) WebSockets on realtime-service, creates
#             at BENCH_RATE (100/s) for BENCH_SECONDS: commit (event time) -> frame p50/p99/max,
#             frames missing, RSS and live heap per connection      -- it.platform.RealtimeBenchmark
#  reminders: tasks with 10 reminders each, BENCH_REMINDERS (10000) due spread over BENCH_WINDOW (60)
#             seconds that start BENCH_LEAD (60) seconds after the first create: scheduling rate,
#             lateness p50/p99/max and histogram, early/lost/twice  -- it.platform.ReminderBenchmark
#  recurring: BENCH_SERIES (100) daily series of BENCH_USERS (10) users, BENCH_COMPLETIONS (1000)
#             completions, each series completed again as soon as its next occurrence is generated,
#             at most BENCH_RATE (0 = as fast as it goes) completions/s: occurrences/s, completion ->
#             task-generated p50/p99/max                           -- it.platform.RecurringBenchmark
#  reference: Kafka's own ProducerPerformance on the same broker, 1 KiB records, acks=1, topic
#             bench-raw: BENCH_RAW_RECORDS (300000) at full speed (throughput), then BENCH_RAW_RATE
#             (100)/s for BENCH_RAW_SECONDS (10) (send->ack latency); the report gives each figure
#             also as a ratio to these where that makes sense       -- it.platform.BenchRawKafka
# Knobs (environment; unset = the phase's own default, in brackets above and here):
#   BENCH_SECONDS (20): each measured creates phase, and realtime's load
#   BENCH_WARMUP (120 for `creates` alone, 60 in the full run; 0 = none): creates warm-up seconds
#   BENCH_THREADS (16): clients at full speed; BENCH_USERS: users per phase (creates 64, realtime
#   100, reminders 100, recurring 10); BENCH_RATE: realtime creates/s (100), recurring completions/s
#   (0); BENCH_PER_USER, BENCH_REMINDERS, BENCH_WINDOW, BENCH_LEAD, BENCH_SERIES, BENCH_COMPLETIONS,
#   BENCH_RAW_RECORDS, BENCH_RAW_RATE, BENCH_RAW_SECONDS: above
#   BENCH_CATCH_UP (180): at most this many seconds for the subscribers to catch up between phases,
#   BENCH_STALL (30): and no longer than this without progress (one not consuming at all: the wait
#   gives up, the report says so); BENCH_PAUSE (3): seconds of quiet after that; BENCH_IDLE (5): idle memory samples;
#   BENCH_PROGRESS (5): seconds between progress lines
#   BENCH_CONSUMERS=0: stops the three subscribing services and their sidecars first: what the
#   producing path alone sustains (with `creates`; the next ./dev up starts them again)
# A short run of every phase, e.g.: BENCH_WARMUP=0 BENCH_SECONDS=5 BENCH_USERS=5 BENCH_REMINDERS=300
#   BENCH_WINDOW=10 BENCH_LEAD=15 BENCH_SERIES=10 BENCH_COMPLETIONS=50 BENCH_RAW_RECORDS=20000
#   BENCH_RAW_SECONDS=3 ./dev bench
set -euo pipefail
# shellcheck source=platform/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=platform/lib/components.sh
. "$ROOT/platform/lib/components.sh"

case "${1:-}" in
  ""|creates|realtime|reminders|recurring) ;;
  *) die "./dev bench [creates|realtime|reminders|recurring] (none: every phase)" ;;
esac
# a running platform is measured as it is (./dev up would rebuild what changed)
if "$ROOT/dev" status 2>/dev/null | grep -q 'stopped'; then "$ROOT/dev" up >/dev/null; fi
if [ "${BENCH_CONSUMERS:-1}" = 0 ]; then
  for svc in notification-service recurring-service realtime-service; do
    "$ROOT/dev" stop "daprd-$svc" >/dev/null
    "$ROOT/dev" stop "$svc" >/dev/null
  done
fi
load_tokens
cd "$ROOT"
mvn -B -q install -DskipTests -pl platform-tests -am >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -B -q -pl platform-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp" >/dev/null
# a copy: a build of platform-tests during the run (./dev test, another engineer) recompiles them
cp -r platform-tests/target/test-classes "$work/classes"
[ -f "$work/classes/it/platform/BenchReport.class" ] && [ -f "$work/classes/it/platform/Platform.class" ] ||
  die "platform-tests was being rebuilt while its classes were copied (another build): run again"

# every knob that is set becomes the system property the benchmarks read
props=(-Djava.awt.headless=true -Dbench.kafka-libs="$KAFKA_LIBS")
[ "${BENCH_CONSUMERS:-1}" = 0 ] && props+=(-Dbench.consumers=false)
for knob in SECONDS WARMUP THREADS USERS RATE PER_USER REMINDERS WINDOW LEAD SERIES COMPLETIONS \
  RAW_RECORDS RAW_RATE RAW_SECONDS CATCH_UP STALL PAUSE IDLE PROGRESS; do
  var="BENCH_$knob"
  if [ -n "${!var:-}" ]; then
    name="$(tr 'A-Z_' 'a-z-' <<<"$knob")"
    props+=("-Dbench.$name=${!var}")
  fi
done

say "benchmark: ${1:-every phase}, report in .dev/bench/"
# The load generator shares the 2 cores with what it measures: C1 only (a fresh JVM's C2 compiles
# took about a third of its CPU in a 20 s phase), the serial collector, a bounded heap.
# BENCH_JVM_OPTIONS replaces these.
read -r -a jvm <<<"${BENCH_JVM_OPTIONS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms256m -Xmx1g}"
REPO_ROOT="$ROOT" DEV_DIR="$DEV" java "${jvm[@]}" "${props[@]}" \
  -cp "$work/classes:$(cat "$work/cp")" it.platform.BenchReport "$@"
