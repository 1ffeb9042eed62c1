#!/usr/bin/env bash
# Start-up of the fast-jar, with and without the JDK 25 AOT cache: time from `java` being launched to
# the first served request (GET /.well-known/jwks.json answering 200), median of RUNS runs each, and
# the idle RSS. Starts its own redis-server on a free loopback port and stops everything it started.
#   bench/startup.sh            (builds the fast-jar first if target/quarkus-app is missing)
# Needs: JDK 25 (JAVA_HOME), redis-server on PATH (Debian: apt-get install redis-server), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null &
pids+=($!)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.05; done

export QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port"
export OTP_HMAC_SECRETS=$(head -c 32 /dev/urandom | base64 -w0)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
export OTP_TOKEN_SIGNING_KEY=$(cat "$work/key.pem")
export OTP_API_KEYS_BENCH_HASH=$(printf %s bench-key | sha256sum | cut -d' ' -f1)
export OTP_API_KEYS_BENCH_SCOPES=verify:send,verify:check,verify:read,verify:cancel,client-ip
export OTP_TEST_RECIPIENTS=+15005550006:123456
export QUARKUS_LOG_LEVEL=WARN

# one start: prints "<ms to first request> <idle RSS in MiB>"
start_once() {
  local port mport t0 t1 pid
  port=$(free_port); mport=$(free_port)
  t0=$(date +%s%N)
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport "$JAVA" "$@" -jar target/quarkus-app/quarkus-run.jar \
    >"$work/app.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/.well-known/jwks.json"; do sleep 0.01; done
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
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport "$JAVA" -XX:AOTCacheOutput="$work/app.aot" \
    -jar target/quarkus-app/quarkus-run.jar >"$work/train.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/.well-known/jwks.json"; do sleep 0.05; done
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
run_series "fast-jar" -Xmx128m
train
run_series "fast-jar + AOT cache" -Xmx128m -XX:AOTCache="$work/app.aot"
echo "AOT cache: $(du -m "$work/app.aot" | cut -f1) MiB"
