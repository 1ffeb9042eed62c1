#!/usr/bin/env bash
# The cost of the abuse protection (README "Abuse protection") on SMS creates and right-code checks:
# the same fast-jar twice, each with a Redis of its own, measured in interleaved rounds:
#   A  the prefix guard off (otp.fraud.prefix-guard.enabled=false)
#   B  the prefix guard at its defaults, but min-conversion 0, so that no prefix is ever blocked and
#      every send goes through the whole judgement (block, sends, approvals) and is counted
# SMS go to random GB mobiles of 30 prefixes through the webhook provider, to bench/CodeSink.java,
# which keeps the codes for the right-code checks (each an approval that B counts for its prefix).
# Prints req/s and latency per run, B/A ratios, and the Redis CPU per request (INFO cpu over the run,
# over wrk's request count). About 5 minutes.
#   bench/fraud.sh        DURATION=8s ROUNDS=4 CONNECTIONS=50 JVM_OPTS="..." to change it
#   GUARD_B=false bench/fraud.sh     both servers with the guard off: the noise floor of the comparison
# Needs what bench/run.sh needs.
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-4}
GUARD_B=${GUARD_B:-true}
CONNECTIONS=${CONNECTIONS:-50}
JVM_OPTS=${JVM_OPTS:--Xmx128m -Xms32m -XX:MarkStackSize=256k -XX:TrimNativeHeapInterval=3000}
source "$(dirname "$0")/lib.sh"
export MALLOC_ARENA_MAX=2

sink_port=$(free_port)
"$JAVA" bench/CodeSink.java "$sink_port" "$work" >"$work/sink.log" 2>&1 &
pids+=($!)
until curl -s -o /dev/null -X POST "http://127.0.0.1:$sink_port/ping"; do sleep 0.1; done

start_redis
service_env
export OTP_SMS_PROVIDERS=webhook OTP_SMS_WEBHOOK_SECRET=bench-webhook-secret-0123456789abcdef0123 \
  OTP_WEBOTP_DOMAIN=bench.example
declare -A base redis_of app_of
for s in A B; do
  [ "$s" = A ] || start_redis
  redis_of[$s]=$redis_port
  if [ "$s" = A ]; then guard=false; else guard=$GUARD_B; fi
  # shellcheck disable=SC2086
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" OTP_SMS_WEBHOOK_URL="http://127.0.0.1:$sink_port/$s" \
    OTP_FRAUD_PREFIX_GUARD_ENABLED=$guard OTP_FRAUD_PREFIX_GUARD_MIN_CONVERSION=0 start_service $JVM_OPTS
  base[$s]=$base
  app_of[$s]=$app
done

# one wrk run: prints "req/s p50 p99 non2xx requests"
measure() {
  local out; out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" 2>&1)
  local rps p50 p99 non2xx total
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps $p50 $p99 ${non2xx:-0} $total"
}
redis_cpu() { redis-cli -p "$1" INFO cpu | awk -F: '/used_cpu_(user|sys):/ {s += $2} END {printf "%.3f", s}'; }
# SMS first sends the sink has seen for a server: its creates so far
created() { wc -l < "$work/$1" 2>/dev/null || echo 0; }
# one measured run of a server: prints its wrk figures and the Redis CPU per request in µs
# the service's CPU time so far, in clock ticks (user + system)
service_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# one measured run on a server: its wrk figures, then the Redis and the service CPU per request in µs;
# CPU per request holds still when the shared machine's speed does not
run_on() {
  local s=$1; shift
  local cpu0 cpu1 svc0 svc1 line
  cpu0=$(redis_cpu "${redis_of[$s]}"); svc0=$(service_cpu "${app_of[$s]}")
  line=$("$@")
  cpu1=$(redis_cpu "${redis_of[$s]}"); svc1=$(service_cpu "${app_of[$s]}")
  echo "$line $(python3 -c "n = max(1, ${line##* }); print(f'{($cpu1 - $cpu0) / n * 1e6:.1f} {($svc1 - $svc0) / $(getconf CLK_TCK) / n * 1e6:.1f}')")"
}

# warm-up of both: the JIT needs tens of seconds on two shared cores
for s in A B; do
  wrk -t2 -c"$CONNECTIONS" -d20s -s bench/wrk/create-sms.lua "${base[$s]}" >/dev/null 2>&1
  CODES="$work/$s" SKIP=0 wrk -t2 -c"$CONNECTIONS" -d4s -s bench/wrk/check-sms.lua "${base[$s]}" >/dev/null 2>&1
done

# rounds in the order A B, B A, A B, …: the machine's speed drifts, and the order evens it out
results="$work/results.txt"
for r in $(seq 1 "$ROUNDS"); do
  order="A B"; [ $((r % 2)) -eq 0 ] && order="B A"
  for s in $order; do
    before=$(created "$s")
    echo "create$s $(run_on "$s" measure -s bench/wrk/create-sms.lua "${base[$s]}")" >>"$results"
    echo "check$s $(CODES="$work/$s" SKIP=$before DURATION=4s run_on "$s" measure -s bench/wrk/check-sms.lua "${base[$s]}")" >>"$results"
  done
done

# memory of what B keeps per send: a prefix's send log (none when the guard is off)
prefix_key=$(redis-cli -p "${redis_of[B]}" --scan --pattern 'otp:{p*}:ps' | head -1)
memory="B keeps no prefix log"
if [ -n "$prefix_key" ]; then
  entries=$(redis-cli -p "${redis_of[B]}" ZCARD "$prefix_key")
  bytes=$(redis-cli -p "${redis_of[B]}" MEMORY USAGE "$prefix_key" SAMPLES 0)
  memory="B's send log of one prefix: $entries entries in $bytes bytes ($((bytes / entries)) bytes per send in the window)"
fi

echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONNECTIONS, $ROUNDS rounds of $DURATION (checks 4s)"
echo "server: java $JVM_OPTS (MALLOC_ARENA_MAX=2); A: prefix guard off, B: guard enabled=$GUARD_B (min-conversion 0)"
python3 - "$results" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, rps, p50, p99, non, total, cpu, svc = line.split()
    rows.setdefault(name, []).append((float(rps), p50, p99, int(non), float(cpu), float(svc)))
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
print(f'{"run":26} {"req/s":>8} {"p50 ms":>7} {"p99 ms":>7} {"non-2xx":>8} {"Redis µs/req":>13} {"service µs/req":>15}')
for key, label in [("createA", "SMS create, guard off"), ("createB", "SMS create, guard on"),
                   ("checkA", "SMS check, guard off"), ("checkB", "SMS check, guard on")]:
    runs = rows[key]
    print(f'{label:26} {statistics.median(r[0] for r in runs):8.0f} {statistics.median(ms(r[1]) for r in runs):7.2f}'
          f' {statistics.median(ms(r[2]) for r in runs):7.2f} {sum(r[3] for r in runs):8d}'
          f' {statistics.median(r[4] for r in runs):13.1f} {statistics.median(r[5] for r in runs):15.1f}')
for what in ("create", "check"):
    ratios = [b[0] / a[0] for a, b in zip(rows[what + "A"], rows[what + "B"])]
    a = [r[4] + r[5] for r in rows[what + "A"]]
    b = [r[4] + r[5] for r in rows[what + "B"]]
    print(f'{what}: B/A throughput per round {", ".join(f"{x:.2f}" for x in ratios)}; median {statistics.median(ratios):.2f};'
          f' CPU per request (Redis + service) {statistics.median(a):.0f} -> {statistics.median(b):.0f} µs'
          f' ({statistics.median(b) / statistics.median(a) - 1:+.0%})')
PY
echo "$memory"
for s in A B; do
  key=
  for key in $(redis-cli -p "${redis_of[$s]}" --scan --pattern 'otp:{*}:v:*' | head -500); do
    [ "$(redis-cli -p "${redis_of[$s]}" HGET "$key" st)" = pending ] && break
  done
  echo "a pending SMS verification of $s: $(redis-cli -p "${redis_of[$s]}" MEMORY USAGE "$key") bytes ($(redis-cli -p "${redis_of[$s]}" HGET "$key" px | grep . || echo 'no prefix field'))"
done
