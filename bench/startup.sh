#!/usr/bin/env bash
# Start-up of the fast-jar, with and without the JDK 25 AOT cache: time from `java` being launched to
# the first served request (GET /.well-known/jwks.json answering 200), median of RUNS runs each, and
# the idle RSS. Starts one redis-server for the whole series on a free loopback port and stops everything it started.
#   bench/startup.sh            (builds the fast-jar first if target/quarkus-app is missing)
# Needs: JDK 25 (JAVA_HOME), redis-server on PATH (Debian: apt-get install redis-server), curl.
RUNS=${RUNS:-5}
JVM_OPTS=${JVM_OPTS:--Xmx128m -Xms32m -XX:MarkStackSize=256k -XX:TrimNativeHeapInterval=3000}
source "$(dirname "$0")/lib.sh"
start_redis
service_env
export OTP_TEST_RECIPIENTS=+15005550006:123456

# one start: prints "<ms to first request> <idle RSS in MiB>"
start_once() {
  local port mport t0 t1 pid
  port=$(free_port); mport=$(free_port)
  t0=$(date +%s%N)
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport "$JAVA" "$@" -jar target/quarkus-app/quarkus-run.jar \
    >"$work/app.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/.well-known/jwks.json"; do
    kill -0 "$pid" 2>/dev/null || { echo "the service did not start:" >&2; tail -20 "$work/app.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  sleep 1
  local rss; rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_series() {
  local label=$1; shift
  local times=() rss=()
  for _ in $(seq "$RUNS"); do
    read -r t r < <(start_once "$@")
    times+=("$t"); rss+=("$r")
  done
  printf '%-28s %8s ms %8s MiB   (runs: %s)\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(printf '%s\n' "${rss[@]}" | median)" "${times[*]}"
}

# training run: start with -XX:AOTCacheOutput, serve some traffic, stop; the JVM writes the cache at exit
train() {
  local port mport pid
  port=$(free_port); mport=$(free_port)
  # shellcheck disable=SC2086
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport "$JAVA" $JVM_OPTS -XX:AOTCacheOutput="$work/app.aot" \
    -jar target/quarkus-app/quarkus-run.jar >"$work/train.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/.well-known/jwks.json"; do
    kill -0 "$pid" 2>/dev/null || { echo "the training run did not start:" >&2; tail -20 "$work/train.log" >&2; exit 1; }
    sleep 0.05
  done
  for i in $(seq 50); do
    id=$(curl -s -X POST "http://127.0.0.1:$port/v1/verifications" -H 'Authorization: Bearer bench-key' \
      -H 'Content-Type: application/json' -d "{\"to\":\"+15005550006\",\"session\":\"s$i\",\"clientIp\":\"10.0.0.$i\"}" \
      | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
    curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v1/verifications/$id/check" -H 'Authorization: Bearer bench-key' \
      -H 'Content-Type: application/json' -d '{"code":"123456"}'
    curl -s -o /dev/null "http://127.0.0.1:$mport/q/health/ready"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ -s "$work/app.aot" ] || { echo "no AOT cache was written; see $work/train.log" >&2; cat "$work/train.log" >&2; exit 1; }
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $("$JAVA" -version 2>&1 | head -1)"
export MALLOC_ARENA_MAX=2
# shellcheck disable=SC2086
run_series "fast-jar" $JVM_OPTS
train
# shellcheck disable=SC2086
run_series "fast-jar + AOT cache" $JVM_OPTS -XX:AOTCache="$work/app.aot"
echo "AOT cache: $(du -m "$work/app.aot" | cut -f1) MiB"
