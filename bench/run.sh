#!/usr/bin/env bash
# Throughput and latency on loopback, as ratios measured in one run (the machine is shared and noisy):
# a trivial endpoint of the same server (the HTTP ceiling), creates for varied test recipients,
# creates hammering one recipient (the 429 path), wrong and right checks, and redis-benchmark running
# the service's own limit script by SHA (the Redis ceiling). Every path runs ROUNDS times, interleaved;
# the table shows the medians, each ratio taken against the trivial endpoint of the same round. Then
# the start-up bench (bench/startup.sh). About 5 minutes.
#   bench/run.sh       DURATION=8s ROUNDS=3 CONNECTIONS=50 JVM_OPTS="..." to change it
# Needs: JDK 25 (JAVA_HOME), redis-server, redis-cli, redis-benchmark and wrk (Debian packages
# redis-server, redis-tools, wrk), curl, openssl, python3. Starts everything on free loopback ports
# and stops it.
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-50}
# a 128 MiB heap, G1 kept small (start at 32 MiB, a small mark stack) and glibc trimmed: the README's Performance section says why
JVM_OPTS=${JVM_OPTS:--Xmx128m -Xms32m -XX:MarkStackSize=256k -XX:TrimNativeHeapInterval=3000}
export JVM_OPTS
PURPOSES=120
source "$(dirname "$0")/lib.sh"
start_redis
service_env
export MALLOC_ARENA_MAX=2
for p in $(seq 0 $((PURPOSES - 1))); do export "OTP_PURPOSES_P${p}_TTL=10m"; done
export OTP_PURPOSES_WRONG_TTL=10m
# shellcheck disable=SC2086
start_service $JVM_OPTS
export IDS="$work/ids.txt" POOL="$work/pool" PURPOSES

max_rss=0
rss_now() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$app/status"; }
note_rss() { local r; r=$(rss_now); [ "$r" -gt "$max_rss" ] && max_rss=$r; return 0; }

# one wrk run: prints "req/s p50 p99 non2xx"
measure() {
  local out; out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" 2>&1)
  note_rss
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "$rps $p50 $p99 ${non2xx:-0}"
}
# a fresh pool of pending verifications for the right-code checks (not measured)
# each round takes its own 30000 (recipient, purpose) pairs
fill_pool() { OFFSET=$(($1 * 30000)) wrk -t2 -c"$CONNECTIONS" -d8s -s bench/wrk/create-pool.lua "$base" >/dev/null 2>&1; note_rss; }

# warm-up: the JIT needs tens of seconds on two shared cores before the figures settle
wrk -t2 -c"$CONNECTIONS" -d20s -s bench/wrk/create-varied.lua "$base" >/dev/null 2>&1
for s in create-hammered; do wrk -t2 -c"$CONNECTIONS" -d8s -s "bench/wrk/$s.lua" "$base" >/dev/null 2>&1; done
fill_pool 0; wrk -t2 -c"$CONNECTIONS" -d4s -s bench/wrk/check-right.lua "$base" >/dev/null 2>&1
wrk -t2 -c"$CONNECTIONS" -d8s "$base/.well-known/jwks.json" >/dev/null 2>&1

# pending verifications for the wrong-check runs, under a purpose of their own so no create of the
# runs replaces them; each takes 5 wrong codes (422), then answers 429
for i in $(seq 0 499); do
  curl -s -X POST "$base/v1/verifications" -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' \
    -d "{\"to\":\"load$i@example.com\",\"purpose\":\"wrong\",\"clientIp\":\"10.9.$((i / 250)).$((i % 250 + 1))\"}" \
    | sed -n 's/.*"id":"\(VE[0-9a-f]*\)".*/\1/p'
  echo
done | grep . > "$IDS"
[ "$(wc -l < "$IDS")" -eq 500 ] || { echo "could not create the verifications for the wrong checks" >&2; exit 1; }
IDS="$IDS" wrk -t2 -c"$CONNECTIONS" -d4s -s bench/wrk/check-wrong.lua "$base" >/dev/null 2>&1

results="$work/results.txt"
for r in $(seq 1 "$ROUNDS"); do
  echo "trivial $(measure "$base/.well-known/jwks.json")" >>"$results"
  echo "create $(measure -s bench/wrk/create-varied.lua "$base")" >>"$results"
  echo "hammered $(measure -s bench/wrk/create-hammered.lua "$base")" >>"$results"
  echo "wrong $(measure -s bench/wrk/check-wrong.lua "$base")" >>"$results"
  fill_pool "$r"
  echo "right $(DURATION=4s measure -s bench/wrk/check-right.lua "$base")" >>"$results"
done

# the Redis ceiling: the same limit script, by SHA, straight from redis-benchmark
sha=$(redis-cli -p "$redis_port" SCRIPT LOAD "$(cat src/main/resources/lua/lib.lua src/main/resources/lua/limit.lua)")
redis_rps=$(redis-benchmark -p "$redis_port" -c "$CONNECTIONS" -n 200000 -r 100000 -q \
  EVALSHA "$sha" 1 'otp:{b}:c:__rand_int__' '30:3600000' 'm__rand_int__' | awk '{for (i=1;i<=NF;i++) if ($i ~ /requests/) print $(i-1)}' | tail -1)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk -t2 -c$CONNECTIONS, $ROUNDS rounds of $DURATION (right checks 4s)"
echo "server: java $JVM_OPTS (MALLOC_ARENA_MAX=2)"
python3 - "$results" "$redis_rps" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, rps, p50, p99, non = line.split()
    rows.setdefault(name, []).append((float(rps), p50, p99, int(non)))
redis = float(sys.argv[2])
trivial = [r[0] for r in rows["trivial"]]
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
labels = {"trivial": "GET jwks (trivial)", "create": "create, varied test recipients",
          "hammered": "create, one recipient (429 path)", "wrong": "check, wrong code (422/429)",
          "right": "check, right code (200 + token)"}
print(f'{"run":34} {"req/s":>8} {"p50 ms":>7} {"p99 ms":>7} {"non-2xx":>8} {"/trivial":>9} {"/redis":>7}')
for key, label in labels.items():
    runs = rows[key]
    rps = statistics.median(r[0] for r in runs)
    ratio = statistics.median(r[0] / t for r, t in zip(runs, trivial))
    print(f'{label:34} {rps:8.0f} {statistics.median(ms(r[1]) for r in runs):7.2f}'
          f' {statistics.median(ms(r[2]) for r in runs):7.2f} {sum(r[3] for r in runs):8d} {ratio:9.2f} {rps / redis:7.2f}')
print(f'{"redis-benchmark EVALSHA limit.lua":34} {redis:8.0f}')
PY
echo "server RSS: $(rss_now) MiB after the runs, at most $max_rss MiB sampled after each run"
kill "$app"; wait "$app" 2>/dev/null || true
echo
bash bench/startup.sh
