# shellcheck shell=bash
# How each part of the local platform is obtained, started, checked and stopped. Sourced by ./dev.

# --- build -------------------------------------------------------------------
# The WARs are stale when any source of the reactor is newer than the oldest WAR.
wars_stale() {
  local svc war oldest=""
  for svc in "${SERVICES[@]}"; do
    war="$ROOT/liberty-apps/$svc/target/$svc.war"
    [ -f "$war" ] || return 0
    if [ -z "$oldest" ] || [ "$war" -ot "$oldest" ]; then oldest="$war"; fi
  done
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/liberty-apps" -newer "$oldest" -type f \
      -not -path '*/target/*' -print -quit)" ]
}

build_wars() {
  if [ -n "${TODO_NO_BUILD:-}" ]; then return 0; fi
  if wars_stale; then
    say "building the services (mvn package)"
    # clean: classes of deleted sources must not survive in the WARs
    (cd "$ROOT" && mvn -B -q clean package -DskipTests) || die "the build failed (mvn -B clean package -DskipTests shows why)"
  fi
}

# --- tools -------------------------------------------------------------------
require_tools() {
  local missing=()
  command -v java >/dev/null || missing+=("Java 17 (openjdk-17-jdk)")
  command -v mvn >/dev/null || missing+=("Maven (maven)")
  command -v curl >/dev/null || missing+=("curl")
  command -v openssl >/dev/null || missing+=("openssl")
  command -v unzip >/dev/null || missing+=("unzip")
  command -v ss >/dev/null || missing+=("ss (iproute2)")
  [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]}"
}

apt_install() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: $*"
    if [ ! -f "$DEV/.apt-updated" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
      mkdir -p "$DEV" && touch "$DEV/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    return 1
  fi
}

# --- browser for the page's tests (platform-tests' WebPageIT) ----------------
# Debian's chromium and chromium-driver, the same release (a browser download is not possible):
# installed with apt-get when missing; elsewhere install them yourself (or pass -Dweb.chromium=
# and -Dweb.chromedriver= to the platform tests).
CHROMIUM_BIN="${TODO_CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER_BIN="${TODO_CHROMEDRIVER:-/usr/bin/chromedriver}"
ensure_chromium() {
  if [ ! -x "$CHROMIUM_BIN" ] || [ ! -x "$CHROMEDRIVER_BIN" ]; then
    apt_install chromium chromium-driver || true
  fi
  if [ ! -x "$CHROMIUM_BIN" ] || [ ! -x "$CHROMEDRIVER_BIN" ]; then
    echo "chromium and chromium-driver are missing: install them (Debian/Ubuntu: apt-get install chromium chromium-driver)" >&2
    return 1
  fi
}

# --- Dapr runtime ------------------------------------------------------------
DAPR_BIN=""
ensure_dapr() {
  [ -n "$DAPR_BIN" ] && return 0
  DAPR_BIN="$(DAPR_VERSION="$DAPR_VERSION" "$ROOT/platform/lib/dapr-runtime.sh")" ||
    die "could not obtain Dapr $DAPR_VERSION (see the messages above)"
}

# --- Kafka -------------------------------------------------------------------
KAFKA_LIBS="$CACHE/kafka/$KAFKA_VERSION/libs"
TOPICS=(task-events reminder-events recurring-events)

ensure_kafka_libs() {
  [ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ] && return 0
  say "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central"
  mkdir -p "$KAFKA_LIBS.tmp"
  (cd "$ROOT" && mvn -B -q -f platform/kafka/pom.xml dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp") || die "could not fetch the Kafka jars"
  rm -rf "$KAFKA_LIBS" && mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
}

kafka_java() { java -Xms64m -Xmx256m -cp "$KAFKA_LIBS/*" "$@"; }

start_kafka() {
  is_running kafka && return 0
  require_free_port kafka "$KAFKA_PORT"
  require_free_port kafka "$KAFKA_CONTROLLER_PORT"
  ensure_kafka_libs
  local dir="$DEV/kafka"
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
num.network.threads=2
num.io.threads=2
background.threads=2
# the log cleaner compacts only the small internal topics here; its default 128 MiB dedupe buffer
# sits in the heap for the broker's life (docs/performance.md, "Memory")
log.cleaner.dedupe.buffer.size=8388608
EOF
  cat >"$dir/log4j2.properties" <<'EOF'
rootLogger.level=WARN
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.server.name=kafka.server.KafkaRaftServer
logger.server.level=INFO
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id
    id="$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null)"
    kafka_java -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool format \
      --standalone -t "$id" -c "$dir/server.properties" >>"$(logfile kafka)" 2>&1 ||
      { show_log_tail kafka; die "formatting the Kafka log directory failed"; }
  fi
  start_bg kafka env MALLOC_ARENA_MAX=2 java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties"
}

kafka_topics() { kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" "$@" 2>/dev/null; }

# The three topics and their dead-letter topics, 3 partitions each (the unit of consumer parallelism).
ensure_topics() {
  local existing t
  existing="$(kafka_topics --list)" || die "cannot list Kafka topics"
  for t in "${TOPICS[@]}"; do
    for name in "$t" "$t.dlq"; do
      grep -qx "$name" <<<"$existing" && continue
      kafka_topics --create --if-not-exists --topic "$name" --partitions 3 --replication-factor 1 >/dev/null ||
        die "cannot create Kafka topic $name"
    done
  done
}

# --- Redis -------------------------------------------------------------------
redis_ping() { exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG; }

start_redis() {
  is_running redis && return 0
  if port_open "$REDIS_PORT"; then
    redis_ping || die "port $REDIS_PORT is taken by something that does not answer as Redis: $(port_owner "$REDIS_PORT")"
    echo "reuse" >"$DEV/run/redis.reused"
    return 0
  fi
  command -v redis-server >/dev/null || apt_install redis-server ||
    die "Redis is not installed: install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)"
  mkdir -p "$DEV/redis"
  # Full memory evicts only keys that expire (consumed positions and processed-event records, the
  # ones closest to expiry first), never state without a TTL: they are an optimisation, and a full
  # Redis refusing writes stalled every subscriber (found by ./dev bench)
  start_bg redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DEV/redis" \
    --appendonly yes --save "" --daemonize no --maxmemory 256mb --maxmemory-policy volatile-ttl
}

# --- PostgreSQL --------------------------------------------------------------
PG_BIN=""
find_pg() {
  local d
  for d in "$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")")" /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && { PG_BIN="$d"; return 0; }
  done
  return 1
}

pg_login_ok() { PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -Atqc 'select 1' >/dev/null 2>&1; }

start_postgres() {
  is_running postgres && return 0
  if port_open "$PG_PORT"; then
    # A PostgreSQL already runs: use it when our role works, or create the role as its superuser.
    if ! pg_login_ok; then
      if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 &&
        runuser -u postgres -- psql -p "$PG_PORT" -Atqc 'select 1' >/dev/null 2>&1; then
        runuser -u postgres -- psql -p "$PG_PORT" -qc "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" >/dev/null 2>&1 || true
        runuser -u postgres -- psql -p "$PG_PORT" -qc "CREATE DATABASE $PG_DB OWNER $PG_USER" >/dev/null 2>&1 || true
      fi
      pg_login_ok || die "PostgreSQL on port $PG_PORT does not accept user '$PG_USER' (password '$PG_PASSWORD') on database '$PG_DB'.
       Create them (CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'; CREATE DATABASE $PG_DB OWNER $PG_USER;) or stop that server."
    fi
    echo "reuse" >"$DEV/run/postgres.reused"
    return 0
  fi
  if ! find_pg; then
    # Keep the package from creating and starting a cluster of its own on our port.
    if [ "$(id -u)" -eq 0 ] && [ ! -f /etc/postgresql-common/createcluster.conf ]; then
      mkdir -p /etc/postgresql-common && echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    apt_install postgresql postgresql-client && find_pg ||
      die "PostgreSQL is not installed: install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16)"
  fi
  command -v psql >/dev/null || apt_install postgresql-client || die "psql is missing (apt-get install postgresql-client)"
  local dir="$DEV/postgres"
  if [ "$(id -u)" -eq 0 ] && [ ! -e "$dir" ] && ! runuser -u postgres -- test -x "$DEV" 2>/dev/null; then
    # The postgres user cannot reach this checkout (a parent folder is private): keep the data
    # where it can, linked from .dev/postgres so that all state is still found under .dev/.
    local real
    real="/var/tmp/todo-platform-$(echo "$DEV" | md5sum | cut -c1-12)/postgres"
    mkdir -p "$real" && chmod 755 "$(dirname "$real")"
    ln -s "$real" "$dir"
  fi
  mkdir -p "$dir/run"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir/"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >>"$(logfile postgres)" 2>&1 ||
      { show_log_tail postgres; die "initdb failed"; }
  fi
  # TODO_POSTGRES_ARGS: extra server flags, e.g. "-c shared_preload_libraries=pg_stat_statements"
  local extra=()
  read -ra extra <<<"${TODO_POSTGRES_ARGS:-}"
  local cmd=("$PG_BIN/postgres" -D "$dir/data" -p "$PG_PORT" -k "$dir/run"
    -c listen_addresses=127.0.0.1 -c shared_buffers=64MB -c max_connections=60 "${extra[@]}")
  [ "$(id -u)" -eq 0 ] && cmd=(runuser -u postgres -- "${cmd[@]}")
  start_bg postgres "${cmd[@]}"
  wait_for postgres 30 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
  if ! pg_login_ok; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" >/dev/null
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $PG_DB OWNER $PG_USER" >/dev/null
  fi
}

# --- Dapr scheduler ----------------------------------------------------------
start_scheduler() {
  is_running scheduler && return 0
  require_free_port scheduler "$SCHEDULER_PORT"
  require_free_port scheduler "$SCHEDULER_ETCD_PORT"
  mkdir -p "$DEV/scheduler/data"
  start_bg scheduler "$DAPR_BIN/scheduler" --mode standalone \
    --listen-address 127.0.0.1 --port "$SCHEDULER_PORT" \
    --healthz-listen-address 127.0.0.1 --healthz-port "$SCHEDULER_HEALTH_PORT" \
    --metrics-port "$SCHEDULER_METRICS_PORT" \
    --etcd-data-dir "$DEV/scheduler/data" --etcd-client-port "$SCHEDULER_ETCD_PORT" \
    --etcd-initial-cluster "dapr-scheduler-server-0=http://127.0.0.1:$SCHEDULER_ETCD_PEER_PORT" \
    --etcd-client-listen-address 127.0.0.1 \
    --etcd-compaction-mode periodic --etcd-compaction-retention 10m \
    --etcd-snapshot-count 10000 --etcd-max-snapshots 2 --etcd-max-wals 2 \
    --etcd-experimental-bootstrap-defrag-threshold-megabytes 16
}
# Ready = healthz and its cron started (log since the last start). healthz answers before the cron:
# after a crash (SIGKILL) the new process's cron waits for the dead one's leadership lease in etcd
# to expire (20 s, a constant of go-etcd-cron v0.12.7 in Dapr 1.18.3), and no job fires meanwhile; after
# a clean stop the lease is revoked and the cron starts at once.
scheduler_ready() {
  http_ok "http://127.0.0.1:$SCHEDULER_HEALTH_PORT/healthz" &&
    awk '/^---- .* start: /{ready=0} /msg="Cron is ready"/{ready=1} END{exit !ready}' \
      "$(logfile scheduler)"
}

# --- secrets of the local platform ------------------------------------------
# Replaces FILE with stdin only when it differs: daprd reloads its components when a file of its
# resources paths changes, which would drop in-flight work for nothing.
write_if_changed() {
  local tmp; tmp="$(mktemp)"
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

# Generated on first run, never committed: the tokens between apps and sidecars, the dev JWT
# issuer's key pair, and the connection settings that Kubernetes keeps in Secrets.
ensure_secrets() {
  local s="$DEV/secrets"
  mkdir -p "$s"
  chmod 700 "$s"
  if [ ! -f "$s/tokens.env" ]; then
    printf 'DAPR_API_TOKEN=%s\nAPP_API_TOKEN=%s\n' "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" >"$s/tokens.env"
  fi
  if [ ! -f "$s/jwt-private.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$s/jwt-private.pem" 2>/dev/null
    openssl pkey -in "$s/jwt-private.pem" -pubout -out "$s/jwt-public.pem"
  fi
  chmod 600 "$s"/*
  # The same secret names and keys as the Kubernetes Secrets (see gitops/README.md).
  write_if_changed "$s/dapr-secrets.json" <<EOF
{
  "redis-connection": {"host": "127.0.0.1:$REDIS_PORT", "password": ""},
  "kafka-connection": {"brokers": "127.0.0.1:$KAFKA_PORT"}
}
EOF
  mkdir -p "$DEV/dapr"
  # Serves secretKeyRef lookups under the name the Kubernetes built-in store has.
  write_if_changed "$DEV/dapr/local-secretstore.yaml" <<EOF
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: kubernetes
spec:
  type: secretstores.local.file
  version: v1
  metadata:
    - name: secretsFile
      value: $s/dapr-secrets.json
    - name: multiValued
      value: "true"
EOF
}

load_tokens() {
  # shellcheck disable=SC1091
  set -a && . "$DEV/secrets/tokens.env" && set +a
}

JWT_ISSUER="https://dev.todo.local"

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# A JWT for USER from the local dev issuer, valid for 12 hours.
make_token() {
  local user="$1" now header payload sig
  [ -f "$DEV/secrets/jwt-private.pem" ] || ensure_secrets
  now="$(date +%s)"
  header="$(printf '{"alg":"RS256","typ":"JWT","kid":"dev"}' | b64url)"
  payload="$(printf '{"iss":"%s","aud":"todo-api","sub":"%s","upn":"%s","groups":["user"],"iat":%d,"exp":%d,"jti":"%s"}' \
    "$JWT_ISSUER" "$user" "$user" "$now" $((now + 43200)) "$(openssl rand -hex 12)" | b64url)"
  sig="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$DEV/secrets/jwt-private.pem" -binary | b64url)"
  printf '%s.%s.%s\n' "$header" "$payload" "$sig"
}

# --- Liberty and the sidecars ------------------------------------------------
WLP="$CACHE/openliberty/$LIBERTY_VERSION/wlp"
ensure_liberty() {
  [ -x "$WLP/bin/server" ] && return 0
  say "fetching the Open Liberty $LIBERTY_VERSION runtime from Maven Central"
  local tmp="$CACHE/openliberty/$LIBERTY_VERSION.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$ROOT" && mvn -B -q -N dependency:copy \
      -Dartifact="io.openliberty:openliberty-runtime:$LIBERTY_VERSION:zip" -DoutputDirectory="$tmp") ||
    die "could not fetch io.openliberty:openliberty-runtime:$LIBERTY_VERSION"
  unzip -q "$tmp/openliberty-runtime-$LIBERTY_VERSION.zip" -d "$tmp" && rm "$tmp"/*.zip
  rm -rf "$CACHE/openliberty/$LIBERTY_VERSION" && mkdir -p "$CACHE/openliberty" &&
    mv "$tmp" "$CACHE/openliberty/$LIBERTY_VERSION"
}

# Lays out .dev/liberty/servers/NAME (default: SVC) as the image's /config: the configuration every
# service shares (server-common, included by server.xml), then the service's own, then its WAR.
# NAME, APP_PORT and DAPR_HTTP_PORT other than the service's own: a second instance (start_replica).
prepare_server() {
  local svc="$1" name="${2:-$1}" dir="$DEV/liberty/servers/${2:-$1}"
  local http_port="${3:-$(app_port "$1")}" dapr_port="${4:-$(dapr_http_port "$1")}"
  mkdir -p "$dir/apps" "$dir/jdbc"
  cp "$ROOT/liberty-apps/server-common/common.xml" "$dir/"
  cp -r "$ROOT/liberty-apps/$svc/src/main/liberty/config/." "$dir/"
  cmp -s "$ROOT/liberty-apps/$svc/target/$svc.war" "$dir/apps/$svc.war" ||
    cp "$ROOT/liberty-apps/$svc/target/$svc.war" "$dir/apps/$svc.war"
  if [ -d "$ROOT/liberty-apps/$svc/target/jdbc" ]; then cp "$ROOT/liberty-apps/$svc/target/jdbc/"*.jar "$dir/jdbc/"; fi
  # Lean JVMs: 2 cores and one laptop run the whole platform (docs/performance.md).
  # task-service takes the request load, so it keeps C2 and a larger heap.
  local heap=128m jit="-XX:TieredStopAtLevel=1"
  [ "$svc" = task-service ] && heap=256m jit="-XX:CICompilerCount=2"
  cat >"$dir/jvm.options" <<EOF
-Xms32m
-Xmx${TODO_SERVICE_HEAP:-$heap}
-XX:+UseSerialGC
-XX:MaxMetaspaceSize=128m
-XX:ReservedCodeCacheSize=48m
-Xss512k
$jit
EOF
  # TODO_JVM_OPTIONS_<SVC> (dashes as underscores): more lines for one service's jvm.options, e.g.
  # a flight recording while a benchmark runs (docs/performance.md, "Profiling a service")
  local extra_var="TODO_JVM_OPTIONS_${svc//-/_}"
  if [ -n "${!extra_var:-}" ]; then printf '%s\n' "${!extra_var}" >>"$dir/jvm.options"; fi
  # The key inline (one line: Liberty's PEM parser drops the line breaks anyway), as in Kubernetes,
  # not mp.jwt.verify.publickey.location: with a key file and tokens that name a key (kid), Liberty
  # 26.0.0.3 reads and parses the file again at every token it has not cached and keeps each copy
  # for 10 minutes, scanning them all at the next: with more users than its token cache holds,
  # task-service's heap fills and it slows to a crawl (docs/performance.md, session 18).
  # mpTelemetry as in Kubernetes (kustomize/components/liberty-service), but nothing is exported:
  # every request, delivery and job callback has a span, so the events carry task-service's
  # traceparent and messages.log (JSON, as the containers' console) the span's ext_traceId; a
  # caller's sampling decision is kept. To see spans: TODO_SERVICE_ENV_EXTRA=OTEL_TRACES_EXPORTER=logging
  cat >"$dir/server.env" <<EOF
HTTP_PORT=$http_port
HTTP_HOST=127.0.0.1
DAPR_HTTP_PORT=$dapr_port
DAPR_API_TOKEN=$DAPR_API_TOKEN
APP_API_TOKEN=$APP_API_TOKEN
MP_JWT_VERIFY_ISSUER=$JWT_ISSUER
MP_JWT_VERIFY_PUBLICKEY=$(tr -d '\r\n' <"$DEV/secrets/jwt-public.pem")
DB_HOST=127.0.0.1
DB_PORT=$PG_PORT
DB_NAME=$PG_DB
DB_USER=$PG_USER
DB_PASSWORD=$PG_PASSWORD
MALLOC_ARENA_MAX=2
OTEL_SDK_DISABLED=false
OTEL_SERVICE_NAME=$svc
OTEL_TRACES_SAMPLER=parentbased_always_off
OTEL_TRACES_EXPORTER=none
OTEL_METRICS_EXPORTER=none
OTEL_LOGS_EXPORTER=none
WLP_LOGGING_MESSAGE_FORMAT=JSON
${TODO_SERVICE_ENV_EXTRA:-}
EOF
  # realtime-service consumes through the broadcast pub/sub: each instance keeps its own consumed
  # positions under its pod name, the name its sidecar's consumer group takes too (POD_NAME)
  if [ "$svc" = realtime-service ]; then echo "INBOX_CONSUMER=$(pod_name "$svc" "$name")" >>"$dir/server.env"; fi
}

start_service() {
  local svc="$1" war="$DEV/liberty/servers/$1/apps/$1.war"
  if is_running "$svc"; then
    # a running server redeploys a changed WAR by itself (Liberty's application monitor)
    if ! cmp -s "$ROOT/liberty-apps/$svc/target/$svc.war" "$war"; then
      echo "   $svc: deploying the new build"
      cp "$ROOT/liberty-apps/$svc/target/$svc.war" "$war"
    fi
    return 0
  fi
  require_free_port "$svc" "$(app_port "$svc")"
  prepare_server "$svc"
  start_bg "$svc" env WLP_USER_DIR="$DEV/liberty" "$WLP/bin/server" run "$svc"
}

start_sidecar() {
  local svc="$1"
  is_running "daprd-$svc" && return 0
  run_daprd "daprd-$svc" "$svc" "$(app_port "$svc")" "$(dapr_http_port "$svc")" "$(dapr_grpc_port "$svc")" \
    "$(dapr_internal_port "$svc")" "$(dapr_metrics_port "$svc")" "$(pod_name "$svc" "$svc")"
}

# The pod name an instance's sidecar and app go by, as a StatefulSet's pods in Kubernetes:
# <service>-0 for ./dev's instance, the instance's own name for another (start_replica).
pod_name() { if [ "$1" = "$2" ]; then echo "$1-0"; else echo "$2"; fi; }

# run_daprd NAME SERVICE APP_PORT HTTP_PORT GRPC_PORT INTERNAL_GRPC_PORT METRICS_PORT POD_NAME
run_daprd() {
  local name="$1" svc="$2" extra=()
  # TODO_DAPRD_ARGS: extra daprd flags, e.g. "--enable-profiling --profile-port 7777"
  read -ra extra <<<"${TODO_DAPRD_ARGS:-}"
  require_free_port "$name" "$4"
  require_free_port "$name" "$5"
  # The very files of dapr-config/ (resources and the in-cluster Kafka variant) plus the
  # local secret store: only connection settings differ from Kubernetes, and they are secrets.
  # POD_NAME is what the Kubernetes injector gives every sidecar ({podName} in pubsub-broadcast).
  start_bg "$name" env DAPR_API_TOKEN="$DAPR_API_TOKEN" APP_API_TOKEN="$APP_API_TOKEN" POD_NAME="$8" \
    "$DAPR_BIN/daprd" --mode standalone --app-id "$(app_id "$svc")" \
    --app-port "$3" --app-protocol http --app-channel-address 127.0.0.1 \
    --dapr-listen-addresses 127.0.0.1 \
    --dapr-http-port "$4" --dapr-grpc-port "$5" \
    --dapr-internal-grpc-port "$6" --dapr-internal-grpc-listen-address 127.0.0.1 \
    --metrics-port "$7" \
    --resources-path "$ROOT/dapr-config/resources" \
    --resources-path "$ROOT/dapr-config/kafka/in-cluster" \
    --resources-path "$DEV/dapr" \
    --config "$ROOT/dapr-config/resources/configuration.yaml" \
    --scheduler-host-address "127.0.0.1:$SCHEDULER_PORT" \
    --enable-app-health-check --app-health-check-path /health/ready \
    --app-health-probe-interval 3 --app-health-threshold 3 \
    --dapr-graceful-shutdown-seconds 5 --log-level "${TODO_DAPR_LOG_LEVEL:-info}" "${extra[@]}"
}

# A second instance of realtime-service (pod name realtime-service-1) for the platform tests of
# several replicas: the same WAR and configuration, each port realtime-service's plus one (free in
# platform/services.tsv), its own consumer group and consumed positions. Not part of ./dev up:
# `./dev start realtime-service-1` and `./dev start daprd-realtime-service-1`, `./dev stop` after.
REPLICA=realtime-service-1
replica_port() { echo $(($(service_field realtime-service "$1") + 1)); }
start_replica() {
  is_running "$REPLICA" && return 0
  require_free_port "$REPLICA" "$(replica_port 3)"
  prepare_server realtime-service "$REPLICA" "$(replica_port 3)" "$(replica_port 4)"
  start_bg "$REPLICA" env WLP_USER_DIR="$DEV/liberty" "$WLP/bin/server" run "$REPLICA"
}
start_replica_sidecar() {
  is_running "daprd-$REPLICA" && return 0
  run_daprd "daprd-$REPLICA" realtime-service "$(replica_port 3)" "$(replica_port 4)" "$(replica_port 5)" \
    "$(replica_port 6)" "$(replica_port 7)" "$REPLICA"
}
replica_ready() { http_ok "http://127.0.0.1:$(replica_port 3)/health/ready"; }
replica_sidecar_ready() { http_ok "http://127.0.0.1:$(replica_port 4)/v1.0/healthz/outbound"; }

# Whether Kafka consumer group $1 is Stable with a member: partitions assigned. realtime-service's
# broadcast group (pubsub-broadcast) starts at the newest offset when it is first assigned, so a
# change made before that would reach no client; ./dev up waits for it.
group_stable() {
  kafka_java org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --describe --group "$1" --state 2>/dev/null |
    awk '$1 == group && $(NF-1) == "Stable" && $NF > 0 { found = 1 } END { exit !found }' group="$1"
}

sidecar_ready() { http_ok "http://127.0.0.1:$(dapr_http_port "$1")/v1.0/healthz/outbound"; }
service_ready() { http_ok "http://127.0.0.1:$(app_port "$1")/health/ready"; }
# The sidecar delivers to its app only once its own health probe saw the app healthy (every 3 s):
# calling the app through the sidecar's app channel tells when that is.
sidecar_sees_app() {
  curl -fsS -o /dev/null --max-time 2 -H "dapr-api-token: $DAPR_API_TOKEN" \
    "http://127.0.0.1:$(dapr_http_port "$1")/v1.0/invoke/$(app_id "$1")/method/health/ready"
}
