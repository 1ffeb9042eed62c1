#!/usr/bin/env bash
# Throughput and latency on loopback, as ratios measured in one run (the machine is shared and noisy):
# a trivial endpoint of the same server (the HTTP ceiling), creates for varied test recipients,
# creates hammering one recipient (the 429 path), wrong and right checks, and redis-benchmark running
# the service's own limit script by SHA (the Redis ceiling). Every path runs ROUNDS times, interleaved;
# the table shows the medians, each ratio taken against the trivial endpoint of the same round. Then
# the start-up bench (bench/startup.sh), and every target of issue 14 with its measured value and met/MISSED.
# The server runs with the image's JVM flags (read from Dockerfile.jvm) at -Xmx128m, an AOT cache trained
# first, and the request log on, as in production. About 7 minutes.
#   bench/run.sh       DURATION=8s ROUNDS=3 CONNECTIONS=50 JVM_OPTS="..." to change it
# Needs: JDK 25 (JAVA_HOME), redis-server, redis-cli, redis-benchmark and wrk (Debian packages
# redis-server, redis-tools, wrk), curl, openssl, python3. Starts everything on free loopback ports
# and stops it.
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-50}
# 1000 test recipients x PURPOSES purposes: (ROUNDS + 1) x POOL_PAIRS pairs, so no round's pool reuses another's
PURPOSES=320
source "$(dirname "$0")/lib.sh"
# the image's flags (Dockerfile.jvm) at a 128 MiB heap, with an AOT cache trained here as the image trains its own
JVM_OPTS=${JVM_OPTS:-$(image_java_opts) -Xmx128m}
export JVM_OPTS
start_redis
service_env
for p in $(seq 0 $((PURPOSES - 1))); do export "OTP_PURPOSES_P${p}_TTL=10m"; done
export OTP_PURPOSES_WRONG_TTL=10m
# shellcheck disable=SC2086
OTP_TEST_RECIPIENTS=+15005550006:123456 train_cache otp target/quarkus-app/quarkus-run.jar "$work/otp.aot" \
  /.well-known/jwks.json otp_traffic $JVM_OPTS
redis-cli -p "$redis_port" flushall >/dev/null
# shellcheck disable=SC2086
start_service $JVM_OPTS -XX:AOTCache="$work/otp.aot"
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
# each round takes its own 80000 (recipient, purpose) pairs: more than its right checks use, so every
# measured check approves (a pool that ran dry measured 404s: 60000 ran out at 15 k checks/s, and pairs
# that wrapped around to an earlier round's still pending ones were not pooled)
export POOL_PAIRS=80000
fill_pool() { OFFSET=$(($1 * POOL_PAIRS)) wrk -t2 -c"$CONNECTIONS" -d10s -s bench/wrk/create-pool.lua "$base" >/dev/null 2>&1; note_rss; }

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

# Redis memory of one pending verification: an empty Redis, one create for a recipient who is not a test
# recipient (so its send log exists too), every key it left measured with MEMORY USAGE; the client's
# create log is shared by all of a client's verifications and counted apart
redis-cli -p "$redis_port" flushall >/dev/null
curl -s -o /dev/null -X POST "$base/v1/verifications" -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' \
  -d '{"to":"memory.probe@example.com","clientIp":"10.250.0.1"}'
per_verification=0 per_client=0
for key in $(redis-cli -p "$redis_port" --scan --pattern '*'); do
  bytes=$(redis-cli -p "$redis_port" MEMORY USAGE "$key" SAMPLES 0)
  case $key in *:c:*) per_client=$((per_client + bytes)) ;; *) per_verification=$((per_verification + bytes)) ;; esac
done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONNECTIONS, $ROUNDS rounds of $DURATION (right checks 4s)"
echo "server: java $JVM_OPTS -XX:AOTCache=… (MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX); request log on, to a file"
python3 - "$results" "$redis_rps" "$max_rss" "$per_verification" "$per_client" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, rps, p50, p99, non = line.split()
    rows.setdefault(name, []).append((float(rps), p50, p99, int(non)))
redis = float(sys.argv[2])
max_rss, per_verification, per_client = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
trivial = [r[0] for r in rows["trivial"]]
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
labels = {"trivial": "GET jwks (trivial)", "create": "create, varied test recipients",
          "hammered": "create, one recipient (429 path)", "wrong": "check, wrong code (422/429)",
          "right": "check, right code (200 + token)"}
ratio, p99 = {}, {}
print(f'{"run":34} {"req/s":>8} {"p50 ms":>7} {"p99 ms":>7} {"non-2xx":>8} {"/trivial":>9} {"/redis":>7}')
for key, label in labels.items():
    runs = rows[key]
    rps = statistics.median(r[0] for r in runs)
    ratio[key] = statistics.median(r[0] / t for r, t in zip(runs, trivial))
    p99[key] = statistics.median(ms(r[2]) for r in runs)
    print(f'{label:34} {rps:8.0f} {statistics.median(ms(r[1]) for r in runs):7.2f}'
          f' {p99[key]:7.2f} {sum(r[3] for r in runs):8d} {ratio[key]:9.2f} {rps / redis:7.2f}')
print(f'{"redis-benchmark EVALSHA limit.lua":34} {redis:8.0f}')
print()
targets = [("right check >= 0.30 x trivial", f'{ratio["right"]:.2f} x', ratio["right"] >= 0.3),
           ("create >= 0.30 x trivial", f'{ratio["create"]:.2f} x', ratio["create"] >= 0.3),
           ("wrong check >= 0.50 x trivial", f'{ratio["wrong"]:.2f} x', ratio["wrong"] >= 0.5)]
for key in ("create", "hammered", "wrong", "right"):
    targets.append((f'p99 of {key} <= 2 x trivial p99', f'{p99[key]:.1f} ms, {p99[key] / p99["trivial"]:.2f} x',
                    p99[key] <= 2 * p99["trivial"]))
targets.append(("RSS through the load <= 200 MiB", f'{max_rss} MiB at most', max_rss <= 200))
targets.append(("Redis per pending verification <= 1 KiB", f'{per_verification} B (+ {per_client} B per client)',
                per_verification <= 1024))
print(f'{"target":42} {"measured":28} ')
for name, value, met in targets:
    print(f'{name:42} {value:28} {"met" if met else "MISSED"}')
PY
echo "server RSS: $(rss_now) MiB after the runs, at most $max_rss MiB sampled after each run"
kill "$app"; wait "$app" 2>/dev/null || true
echo
bash bench/startup.sh
