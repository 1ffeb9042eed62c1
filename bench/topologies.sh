#!/usr/bin/env bash
# Reads, creates and approvals on three topologies in one run, as ratios (the machine is shared and noisy):
#   single      one redis-server, no replica: no WAIT
#   replicated  one master with one replica: approvals wait for the replica's acknowledgement (WAIT)
#   cluster     Redis Cluster, 3 masters with a replica each: two calls per create (the client's
#               window lives in another slot), WAIT on approvals
# One warm service per topology, measured in turn, ROUNDS times, the order rotating each round;
# medians, and the CPU time the service and the Redis processes spent per request (steadier than
# requests per second on a shared machine), with the cluster replicas' share and the whole machine's,
# and the bound that the cluster's Redis CPU alone puts on creates here. Issue #13's target: creates on
# the cluster >= 0.8x creates on a single Redis.
#   bench/topologies.sh      DURATION=8s ROUNDS=3 (at most 4) CONNECTIONS=50
# Needs: JDK 25, redis-server, redis-cli, wrk, curl, openssl, python3. About 5 minutes.
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-50}
JVM_OPTS=${JVM_OPTS:--Xmx128m -Xms32m -XX:MarkStackSize=256k -XX:TrimNativeHeapInterval=3000}
PURPOSES=540
source "$(dirname "$0")/lib.sh"
export MALLOC_ARENA_MAX=2
for p in $(seq 0 $((PURPOSES - 1))); do export "OTP_PURPOSES_P${p}_TTL=10m"; done
export PURPOSES

declare -A redis_pids replica_pids bases apps
start_redis; single_port=$redis_port; redis_pids[single]=${pids[-1]}
start_redis; master_port=$redis_port; redis_pids[replicated]=${pids[-1]}
replica_port=$(free_port)
redis-server --port "$replica_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --replicaof 127.0.0.1 "$master_port" >/dev/null &
pids+=($!); redis_pids[replicated]="${redis_pids[replicated]} $!"; replica_pids[replicated]=$!
until redis-cli -p "$master_port" info replication | grep -q 'state=online'; do sleep 0.1; done
before=${#pids[@]}
NODE_TIMEOUT=15000 start_cluster
redis_pids[cluster]="${pids[*]:$before}"
# the cluster's replicas, by the role each node reports (their CPU is printed apart)
i=0
for p in $cluster_ports; do
  [ "$(redis-cli -p "$p" role | head -1)" = slave ] && replica_pids[cluster]="${replica_pids[cluster]:-} ${pids[$((before + i))]}"
  i=$((i + 1))
done
replica_pids[single]=
service_env

for t in single replicated cluster; do
  unset QUARKUS_REDIS_CLIENT_TYPE
  case $t in
    single) export QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$single_port" ;;
    replicated) export QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$master_port" ;;
    cluster) export QUARKUS_REDIS_HOSTS="$cluster_hosts" QUARKUS_REDIS_CLIENT_TYPE=cluster ;;
  esac
  APP_NAME=$t
  # shellcheck disable=SC2086
  start_service $JVM_OPTS
  bases[$t]=$base
  apps[$t]=$app
done

# CPU time (ms) used so far by these pids (utime + stime of /proc/<pid>/stat)
cpu_ms() { local total=0 p; for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $((total * 1000 / $(getconf CLK_TCK))); }

# CPU time (ms) the whole machine has been busy (all but idle and iowait of /proc/stat)
busy_ms() { awk '/^cpu / {print int(($2 + $3 + $4 + $7 + $8 + $9) * 1000 / '"$(getconf CLK_TCK)"')}' /proc/stat; }

measure() { # topology wrk-args...: "req/s p50 p99 non2xx requests service-cpu-ms redis-cpu-ms replicas-cpu-ms machine-busy-ms"
  local t=$1; shift
  local s0 r0 out
  # shellcheck disable=SC2086
  s0=$(cpu_ms "${apps[$t]}"); r0=$(cpu_ms ${redis_pids[$t]}); q0=$(cpu_ms ${replica_pids[$t]}); b0=$(busy_ms)
  out=$(wrk -t"$((CONNECTIONS < 2 ? 1 : 2))" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "${bases[$t]}" 2>&1)
  # shellcheck disable=SC2086
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out") $(awk '/Non-2xx/ {print $5}' <<<"$out" | grep . || echo 0) $(awk '/requests in/ {print $1}' <<<"$out") $(($(cpu_ms "${apps[$t]}") - s0)) $(($(cpu_ms ${redis_pids[$t]}) - r0)) $(($(cpu_ms ${replica_pids[$t]}) - q0)) $(($(busy_ms) - b0))"
}
fill_pool() { # base offset topology [seconds]: pending verifications for the approvals, on pairs of their own
  OFFSET=$2 POOL="$work/pool-$3" wrk -t2 -c"$CONNECTIONS" -d"${4:-5}s" -s bench/wrk/create-pool.lua "$1" >/dev/null 2>&1
}

# warm-up: the JIT needs tens of seconds on two shared cores
for t in single replicated cluster; do
  wrk -t2 -c"$CONNECTIONS" -d15s -s bench/wrk/create-varied.lua "${bases[$t]}" >/dev/null 2>&1
  fill_pool "${bases[$t]}" 0 "$t"
  POOL="$work/pool-$t" wrk -t2 -c"$CONNECTIONS" -d4s -s bench/wrk/check-right.lua "${bases[$t]}" >/dev/null 2>&1
done

results="$work/results.txt"
order=(single replicated cluster)
for r in $(seq 1 "$ROUNDS"); do
  for t in "${order[@]}"; do
    echo "$r $t read $(measure "$t" -s bench/wrk/read-missing.lua)" >>"$results"
    echo "$r $t create $(measure "$t" -s bench/wrk/create-varied.lua)" >>"$results"
    fill_pool "${bases[$t]}" $((r * 60000)) "$t"
    echo "$r $t approve $(POOL="$work/pool-$t" DURATION=4s measure "$t" -s bench/wrk/check-right.lua)" >>"$results"
    # one at a time: the latency an approval adds when it waits for the replica's acknowledgement
    fill_pool "${bases[$t]}" $((400000 + r * 30000)) "$t" 5
    echo "$r $t approve-1 $(POOL="$work/pool-$t" CONNECTIONS=1 DURATION=3s measure "$t" -s bench/wrk/check-right.lua)" >>"$results"
  done
  order=("${order[@]:1}" "${order[0]}")
done

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONNECTIONS, $ROUNDS rounds of $DURATION (approvals 4s); server java $JVM_OPTS"
python3 - "$results" <<'PY'
import os, sys, statistics
rows = {}
for line in open(sys.argv[1]):
    r, topo, kind, rps, p50, p99, non, n, scpu, rcpu, qcpu, busy = line.split()
    # 2xx per second only: an approval pool used up answers 404
    ok = float(rps) * (1 - int(non) / max(1, int(n))) if kind != "read" else float(rps)
    rows.setdefault((kind, topo), {})[int(r)] = (ok, p50, p99, int(non), int(n), int(scpu), int(rcpu), int(qcpu), int(busy))
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
print(f'{"run (2xx only)":30} {"req/s":>7} {"p50 ms":>7} {"p99 ms":>7} {"non-2xx":>8} {"/single":>8}'
      f' {"service CPU":>12} {"Redis CPU":>10}  (CPU: ms per 1000 requests)')
for kind, label in (("read", "read (404)"), ("create", "create"), ("approve", "approve"),
                    ("approve-1", "approve, 1 connection")):
    for topo in ("single", "replicated", "cluster"):
        runs = rows[(kind, topo)]
        single = rows[(kind, "single")]
        ratio = statistics.median(runs[r][0] / single[r][0] for r in runs)
        print(f'{label + ", " + topo:30} {statistics.median(v[0] for v in runs.values()):7.0f}'
              f' {statistics.median(ms(v[1]) for v in runs.values()):7.2f} {statistics.median(ms(v[2]) for v in runs.values()):7.2f}'
              f' {sum(v[3] for v in runs.values()):8d} {ratio:8.2f}'
              f' {statistics.median(1000 * v[5] / v[4] for v in runs.values()):12.0f}'
              f' {statistics.median(1000 * v[6] / v[4] for v in runs.values()):10.0f}')
def per_create(topo, i):
    return statistics.median(1000 * v[i] / v[4] for v in rows[("create", topo)].values())
svc, red, busy = (per_create("single", i) for i in (5, 6, 8))
rep = per_create("cluster", 7)
creates = statistics.median(v[0] for v in rows[("create", "single")].values())
# the least CPU a create on the cluster can take: a create on one Redis, its Redis CPU swapped for the cluster's
least = busy - red + per_create("cluster", 6)
print(f'CPU per 1000 creates: service {svc:.0f} ms on one Redis, {per_create("cluster", 5):.0f} on the cluster; Redis {red:.0f}'
      f' ms on one, {per_create("cluster", 6):.0f} on the cluster (of which its replicas {rep:.0f}); the whole machine'
      f' {busy:.0f} ms on one Redis. Bound: even with the service, wrk and the rest at their single-Redis CPU and no core'
      f' idle, the cluster\'s Redis CPU allows creates of at most {os.cpu_count() * 1e6 / least / creates:.2f}x one Redis here')
print("per round, creates cluster/single:", ", ".join(f'{rows[("create", "cluster")][r][0] / rows[("create", "single")][r][0]:.2f}'
      for r in sorted(rows[("create", "single")])))
PY
