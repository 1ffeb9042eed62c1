# Shared by the bench scripts: a scratch dir, a free port, a fresh redis-server, the service's config
# with throwaway secrets, and cleanup of everything started. Source it; it sets work, pids, JAVA.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAVA_HOME=$(.ci/java-home)
export JAVA_HOME
JAVA=$JAVA_HOME/bin/java
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
pids=()
# SIGCONT first: a process a failover bench stopped would not see the SIGTERM
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# starts redis-server on a free port; sets redis_port
start_redis() {
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null &
  pids+=($!)
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.05; done
}

# exports the service's configuration: this Redis, throwaway secrets, the API key 'bench-key'
service_env() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
  export QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port"
  export OTP_HMAC_SECRETS=$(head -c 32 /dev/urandom | base64 -w0)
  export OTP_TOKEN_SIGNING_KEY=$(cat "$work/key.pem")
  export OTP_API_KEYS_BENCH_HASH=$(printf %s bench-key | sha256sum | cut -d' ' -f1)
  export OTP_API_KEYS_BENCH_SCOPES=verify:send,verify:check,verify:read,verify:cancel,client-ip
  # the log stays at its production level: the request log writes a line per request, to $work/*.log
}

# The JVM flags of the image (JAVA_OPTS_BASE in src/main/docker/Dockerfile.jvm), its /deployments
# being target/quarkus-app here; the bench adds -Xmx128m. Also exports the image's MALLOC_ARENA_MAX.
image_java_opts() {
  local line
  line=$(sed -n 's/^ENV JAVA_OPTS_BASE="\([^"]*\)".*/\1/p' src/main/docker/Dockerfile.jvm)
  [ -n "$line" ] || { echo "no JAVA_OPTS_BASE in src/main/docker/Dockerfile.jvm" >&2; exit 1; }
  echo "${line//\/deployments/$PWD/target/quarkus-app}"
}
export MALLOC_ARENA_MAX=$(sed -n 's/^ *MALLOC_ARENA_MAX=\([0-9]*\).*/\1/p' src/main/docker/Dockerfile.jvm)

# A training run for the JDK AOT cache: starts jar $2 with -XX:AOTCacheOutput=$3 and the options after
# it, waits for $4 (a path) to answer, calls the function $5 with the base URL and management URL a few
# dozen times, stops it; the JVM writes the cache as it exits.
train_cache() {
  local name=$1 jar=$2 out=$3 probe=$4 traffic=$5; shift 5
  local port mport pid
  port=$(free_port); mport=$(free_port)
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport "$JAVA" "$@" -XX:AOTCacheOutput="$out" \
    -jar "$jar" >"$work/train-$name.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port$probe"; do
    kill -0 "$pid" 2>/dev/null || { echo "the training run did not start:" >&2; tail -20 "$work/train-$name.log" >&2; exit 1; }
    sleep 0.05
  done
  for i in $(seq 50); do "$traffic" "http://127.0.0.1:$port" "http://127.0.0.1:$mport" "$i"; done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ -s "$out" ] || { echo "no AOT cache was written; see $work/train-$name.log" >&2; exit 1; }
}

# one round of the service's training traffic: a create, its right check, readiness
otp_traffic() {
  local id
  id=$(curl -s -X POST "$1/v1/verifications" -H 'Authorization: Bearer bench-key' \
    -H 'Content-Type: application/json' -d "{\"to\":\"+15005550006\",\"session\":\"s$3\",\"clientIp\":\"10.0.0.$3\"}" \
    | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  curl -s -o /dev/null -X POST "$1/v1/verifications/$id/check" -H 'Authorization: Bearer bench-key' \
    -H 'Content-Type: application/json' -d '{"code":"123456"}'
  curl -s -o /dev/null "$2/q/health/ready"
}

# starts the packaged service with this config and 1000 test recipients load0..999@example.com (code 123456);
# extra arguments go to java before -jar. Sets port, base (its URL), management (its management URL),
# app (its pid) and app_log ($work/$APP_NAME.log, APP_NAME defaulting to app).
start_service() {
  port=$(free_port)
  local mport; mport=$(free_port)
  local recipients; recipients=$(for i in $(seq 0 999); do printf 'load%d@example.com:123456,' "$i"; done)
  app_log="$work/${APP_NAME:-app}.log"
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport OTP_TEST_RECIPIENTS="${recipients%,}" \
    "$JAVA" "$@" -jar target/quarkus-app/quarkus-run.jar >"$app_log" 2>&1 &
  app=$!
  pids+=($app)
  base="http://127.0.0.1:$port"
  management="http://127.0.0.1:$mport"
  until curl -fs -o /dev/null "$base/.well-known/jwks.json"; do
    kill -0 "$app" 2>/dev/null || { echo "the service did not start:" >&2; tail -20 "$app_log" >&2; exit 1; }
    sleep 0.05
  done
}

# Redis Cluster of 6 redis-server processes (3 masters, 3 replicas) on free ports whose bus ports
# (+10000) are free too; cluster-require-full-coverage no, as production should run. Sets
# cluster_ports (space-separated) and cluster_hosts (for QUARKUS_REDIS_HOSTS). NODE_TIMEOUT ms (2000).
start_cluster() {
  local base_port
  while :; do
    base_port=$((20000 + RANDOM % 30000))
    python3 -c "import socket,sys
for p in range($base_port, $base_port + 6):
    for q in (p, p + 10000):
        s = socket.socket(); s.bind(('127.0.0.1', q)); s.close()" 2>/dev/null && break
  done
  cluster_ports=$(seq -s ' ' "$base_port" $((base_port + 5)))
  local p
  for p in $cluster_ports; do
    mkdir -p "$work/node-$p"
    redis-server --port "$p" --bind 127.0.0.1 --dir "$work/node-$p" --save '' --appendonly no \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "${NODE_TIMEOUT:-2000}" \
      --cluster-require-full-coverage no >"$work/node-$p.log" 2>&1 &
    pids+=($!); disown $! # killed on purpose: no "Killed" line from the shell
  done
  for p in $cluster_ports; do until redis-cli -p "$p" ping >/dev/null 2>&1; do sleep 0.05; done; done
  # shellcheck disable=SC2046
  redis-cli --cluster create $(for p in $cluster_ports; do printf '127.0.0.1:%s ' "$p"; done) \
    --cluster-replicas 1 --cluster-yes >"$work/cluster-create.log" 2>&1
  until [ "$(for p in $cluster_ports; do redis-cli -p "$p" cluster info; done | grep -c 'cluster_state:ok')" = 6 ] \
    && [ "$(redis-cli -p "$base_port" cluster nodes | grep -c ' slave ')" = 3 ]; do sleep 0.1; done
  cluster_hosts=$(for p in $cluster_ports; do printf 'redis://127.0.0.1:%s,' "$p"; done); cluster_hosts=${cluster_hosts%,}
}

# A master with two replicas and three Sentinels (down-after DOWN_AFTER ms, 2000; quorum 2), master
# name 'otp'. Sets sentinel_ports and sentinel_hosts.
start_sentinels() {
  local master; master=$(free_port)
  redis-server --port "$master" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no >"$work/master.log" 2>&1 &
  pids+=($!); disown $! # killed on purpose: no "Killed" line from the shell
  until redis-cli -p "$master" ping >/dev/null 2>&1; do sleep 0.05; done
  local i p
  for i in 1 2; do
    p=$(free_port); mkdir -p "$work/replica-$p"
    redis-server --port "$p" --bind 127.0.0.1 --dir "$work/replica-$p" --save '' --appendonly no \
      --replicaof 127.0.0.1 "$master" >"$work/replica-$p.log" 2>&1 &
    pids+=($!); disown $!
  done
  sentinel_ports=""
  for i in 1 2 3; do
    p=$(free_port); mkdir -p "$work/sentinel-$p"
    printf 'port %s\nbind 127.0.0.1\ndir %s\nsentinel monitor otp 127.0.0.1 %s 2\nsentinel down-after-milliseconds otp %s\nsentinel failover-timeout otp 10000\n' \
      "$p" "$work/sentinel-$p" "$master" "${DOWN_AFTER:-2000}" >"$work/sentinel-$p/sentinel.conf"
    redis-server "$work/sentinel-$p/sentinel.conf" --sentinel >"$work/sentinel-$p.log" 2>&1 &
    pids+=($!); disown $!
    sentinel_ports="$sentinel_ports $p"
  done
  for p in $sentinel_ports; do
    until redis-cli -p "$p" sentinel master otp 2>/dev/null | paste - - | grep -q $'^num-other-sentinels\t2$' \
      && redis-cli -p "$p" sentinel master otp | paste - - | grep -q $'^num-slaves\t2$'; do sleep 0.1; done
  done
  sentinel_hosts=$(for p in $sentinel_ports; do printf 'redis://127.0.0.1:%s,' "$p"; done); sentinel_hosts=${sentinel_hosts%,}
}
