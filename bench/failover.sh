#!/usr/bin/env bash
# Redis failovers under load, figures of issue #13: per second, by shard, served and 503 answers.
#   bench/failover.sh              all three: cluster kill -9, cluster SIGSTOP, Sentinel kill -9
#   bench/failover.sh cluster-kill | cluster-stop | sentinel-kill
# Each run: a fresh topology on free loopback ports (cluster-node-timeout / down-after 2 s,
# cluster-require-full-coverage no), the service on it (otp.redis.timeout 1 s), 10 s of warm-up load,
# then the fault on the master of slot 0, never undone while measured (bench/Failover.java).
# Env: WORKERS per shard (8), NODE_TIMEOUT / DOWN_AFTER (2000 ms), REDIS_TIMEOUT (1s).
# Needs: JDK 25 (JAVA_HOME), redis-server and redis-cli (Debian: redis-server, redis-tools), curl,
# openssl, python3. About 1 minute per run.
source "$(dirname "$0")/lib.sh"
JVM_OPTS=${JVM_OPTS:--Xmx256m}
runs=${1:-all}
[ "$runs" = all ] && runs="cluster-kill cluster-stop sentinel-kill"

run() { # topology fault
  local topology=$1 fault=$2 ports
  if [ "$topology" = cluster ]; then
    start_cluster
    ports=$cluster_ports
    export QUARKUS_REDIS_CLIENT_TYPE=cluster QUARKUS_REDIS_HOSTS=$cluster_hosts
  else
    start_sentinels
    ports=$sentinel_ports
    export QUARKUS_REDIS_CLIENT_TYPE=sentinel QUARKUS_REDIS_HOSTS=$sentinel_hosts QUARKUS_REDIS_MASTER_NAME=otp
  fi
  export OTP_REDIS_TIMEOUT=${REDIS_TIMEOUT:-1s} QUARKUS_LOG_CATEGORY__OTP_REDIS__LEVEL=INFO
  APP_NAME="app-$topology-$fault"
  # shellcheck disable=SC2086
  start_service $JVM_OPTS
  echo "=== $topology, $fault ==="
  # shellcheck disable=SC2086
  "$JAVA" bench/Failover.java "$topology" "$fault" "$base" "$management/q/metrics" "$app_log" $ports
  kill "$app"; wait "$app" 2>/dev/null || true
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -9 "$p" 2>/dev/null || true; done
  pids=()
  echo
}

redis_port=0 service_env
for r in $runs; do
  run "${r%-*}" "${r#*-}"
done
