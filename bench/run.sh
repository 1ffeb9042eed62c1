#!/usr/bin/env bash
# Throughput and latency on loopback, as ratios measured in one run (the machine is shared):
# a trivial endpoint of the same server (the HTTP ceiling), creates for varied test recipients,
# creates hammering one recipient (the 429 path), wrong checks, and redis-benchmark running the
# service's own limit script by SHA (the Redis ceiling). Prints a table and the server's RSS.
#   bench/run.sh            DURATION=10s CONNECTIONS=50 to change the load
# Needs: JDK 25 (JAVA_HOME), redis-server, redis-cli, redis-benchmark and wrk (Debian packages
# redis-server, redis-tools, wrk), curl, openssl. Starts everything on free loopback ports and stops it.
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
source "$(dirname "$0")/lib.sh"
start_redis
service_env

port=$(free_port); mport=$(free_port)
recipients=$(for i in $(seq 0 999); do printf 'load%d@example.com:123456,' "$i"; done)
QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport OTP_TEST_RECIPIENTS="${recipients%,}" \
  "$JAVA" -Xmx128m -jar target/quarkus-app/quarkus-run.jar >"$work/app.log" 2>&1 &
app=$!
pids+=($app)
until curl -fs -o /dev/null "http://127.0.0.1:$port/.well-known/jwks.json"; do
  kill -0 "$app" 2>/dev/null || { echo "the service did not start:" >&2; tail -20 "$work/app.log" >&2; exit 1; }
  sleep 0.05
done
base="http://127.0.0.1:$port"

# pending verifications for the wrong-check run
for i in $(seq 0 199); do
  curl -s -X POST "$base/v1/verifications" -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' \
    -d "{\"to\":\"load$i@example.com\",\"purpose\":\"default\",\"clientIp\":\"10.9.$((i / 250)).$((i % 250 + 1))\"}" \
    | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'
done > "$work/ids.txt"

# wrk: prints "req/s p50 p99 non2xx"
measure() {
  local out; out=$(IDS="$work/ids.txt" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" 2>&1)
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  echo "$rps $p50 $p99 $non2xx"
}

# warm up the JIT on every path
for s in create-varied create-hammered check-wrong; do
  IDS="$work/ids.txt" wrk -t2 -c"$CONNECTIONS" -d5s -s "bench/wrk/$s.lua" "$base" >/dev/null 2>&1
done
wrk -t2 -c"$CONNECTIONS" -d5s "$base/.well-known/jwks.json" >/dev/null 2>&1

read -r t_rps t_p50 t_p99 t_non <<<"$(measure "$base/.well-known/jwks.json")"
read -r c_rps c_p50 c_p99 c_non <<<"$(measure -s bench/wrk/create-varied.lua "$base")"
read -r h_rps h_p50 h_p99 h_non <<<"$(measure -s bench/wrk/create-hammered.lua "$base")"
read -r w_rps w_p50 w_p99 w_non <<<"$(measure -s bench/wrk/check-wrong.lua "$base")"

# the Redis ceiling: the same limit script, by SHA, straight from redis-benchmark
sha=$(redis-cli -p "$redis_port" SCRIPT LOAD "$(cat src/main/resources/lua/lib.lua src/main/resources/lua/limit.lua)")
r_rps=$(redis-benchmark -p "$redis_port" -c "$CONNECTIONS" -n 200000 -r 100000 -q \
  EVALSHA "$sha" 1 'otp:{b}:c:__rand_int__' '30:3600000' 'm__rand_int__' | awk '{for (i=1;i<=NF;i++) if ($i ~ /requests/) print $(i-1)}' | tail -1)

rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$app/status)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t2 -c$CONNECTIONS -d$DURATION; server -Xmx128m"
printf '%-34s %10s %9s %9s %8s %9s %9s\n' "run" "req/s" "p50" "p99" "non-2xx" "/trivial" "/redis"
row() { printf '%-34s %10.0f %9s %9s %8s %9.2f %9.2f\n' "$1" "$2" "$3" "$4" "$5" "$(echo "$2 / $t_rps" | bc -l)" "$(echo "$2 / $r_rps" | bc -l)"; }
row "GET jwks (trivial)" "$t_rps" "$t_p50" "$t_p99" "$t_non"
row "create, varied test recipients" "$c_rps" "$c_p50" "$c_p99" "$c_non"
row "create, one recipient (429 path)" "$h_rps" "$h_p50" "$h_p99" "$h_non"
row "check, wrong code (422/429)" "$w_rps" "$w_p50" "$w_p99" "$w_non"
printf '%-34s %10.0f\n' "redis-benchmark EVALSHA limit.lua" "$r_rps"
echo "server RSS after the runs: $rss MiB"
