# shellcheck shell=bash
# Shared helpers of ./dev: layout, ports, processes, waiting. Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEV="${TODO_DEV_DIR:-$ROOT/.dev}"                       # all runtime state (gitignored)
CACHE="${TODO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-platform}"  # downloaded/built runtimes

# One value from the root POM's <properties>: the single place where versions are pinned.
pom_prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n1; }

DAPR_VERSION="$(pom_prop dapr.runtime.version)"
KAFKA_VERSION="$(pom_prop kafka.version)"
LIBERTY_VERSION="$(pom_prop openliberty.version)"

# The services, their app ids and ports: one row each in platform/services.tsv, written nowhere else.
SERVICES_TABLE="$ROOT/platform/services.tsv"
mapfile -t SERVICES < <(awk -F '\t' '!/^#/ && NF { print $1 }' "$SERVICES_TABLE")

# Ports (override with the environment variable named on each line).
KAFKA_PORT="${TODO_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${TODO_KAFKA_CONTROLLER_PORT:-9093}"
REDIS_PORT="${TODO_REDIS_PORT:-6379}"
PG_PORT="${TODO_PG_PORT:-5432}"
SCHEDULER_PORT="${TODO_SCHEDULER_PORT:-3530}"
SCHEDULER_HEALTH_PORT="${TODO_SCHEDULER_HEALTH_PORT:-3531}"
SCHEDULER_METRICS_PORT="${TODO_SCHEDULER_METRICS_PORT:-3532}"
SCHEDULER_ETCD_PORT="${TODO_SCHEDULER_ETCD_PORT:-2379}"
SCHEDULER_ETCD_PEER_PORT="${TODO_SCHEDULER_ETCD_PEER_PORT:-2380}"

# service_field SERVICE COLUMN: one cell of the service's row (columns as in the table's header).
service_field() {
  awk -F '\t' -v s="$1" -v c="$2" '!/^#/ && $1 == s { print $c; found = 1; exit } END { exit !found }' \
    "$SERVICES_TABLE" || { echo "no service '$1' in $SERVICES_TABLE" >&2; return 1; }
}
svc_index() { local i; for i in "${!SERVICES[@]}"; do [ "${SERVICES[$i]}" = "$1" ] && { echo "$i"; return; }; done; return 1; }
app_id() { service_field "$1" 2; }
app_port() { service_field "$1" 3; }
dapr_http_port() { service_field "$1" 4; }
dapr_grpc_port() { service_field "$1" 5; }
dapr_internal_port() { service_field "$1" 6; }
dapr_metrics_port() { service_field "$1" 7; }

PG_DB=todo PG_USER=todo PG_PASSWORD=todo

if [ -t 1 ]; then B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' Y=$'\e[33m' N=$'\e[0m'; else B='' G='' R='' Y='' N=''; fi
say() { echo "${B}==>${N} $*"; }
warn() { echo "${Y}warning:${N} $*" >&2; }
die() { echo "${R}error:${N} $*" >&2; exit 1; }

# --- processes ---------------------------------------------------------------
pidfile() { echo "$DEV/run/$1.pid"; }
logfile() { echo "$DEV/logs/$1.log"; }

is_running() {
  local f; f="$(pidfile "$1")"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

# start_bg NAME CMD... : runs CMD in its own session (so stop can end the whole group), logs to .dev/logs/NAME.log
start_bg() {
  local name="$1"; shift
  mkdir -p "$DEV/run" "$DEV/logs"
  echo "---- $(date -u +%FT%TZ) start: $*" | sed -E 's/(TOKEN=)[^ ]+/\1***/g' >>"$(logfile "$name")"
  setsid "$@" >>"$(logfile "$name")" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

stop_bg() {
  local name="$1" f pid i
  f="$(pidfile "$name")"
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$name did not stop within 20 s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$f"
}

# --- ports -------------------------------------------------------------------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Who listens on a port (for error messages).
port_owner() { ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\))).*/\1/p' | head -n1; }

# Refuse to start NAME on PORT when something that is not NAME already listens there.
require_free_port() {
  local name="$1" port="$2"
  if port_open "$port"; then
    die "port $port, needed by $name, is taken by another process: $(port_owner "$port" || echo unknown).
       Stop it, or give $name another port (see platform/lib/common.sh for the variable)."
  fi
}

# --- waiting -----------------------------------------------------------------
# wait_for NAME TIMEOUT_S CHECK_CMD... : polls CHECK_CMD until it succeeds; shows progress;
# on timeout, or when NAME's process died, shows the end of its log and fails.
wait_for() {
  local name="$1" timeout="$2"; shift 2
  local start=$SECONDS
  while ! "$@" >/dev/null 2>&1; do
    if [ -f "$(pidfile "$name")" ] && ! is_running "$name"; then
      echo; show_log_tail "$name"; die "$name exited during start-up (log: $(logfile "$name"))"
    fi
    if (( SECONDS - start >= timeout )); then
      echo; show_log_tail "$name"; die "$name was not ready after ${timeout}s (log: $(logfile "$name"))"
    fi
    printf '.'
    sleep 0.5
  done
}

show_log_tail() {
  local f; f="$(logfile "$1")"
  [ -f "$f" ] || return 0
  echo "---- last lines of $f" >&2
  tail -n 25 "$f" >&2
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# Runs "$@" as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
