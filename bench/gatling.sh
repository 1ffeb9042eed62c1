#!/usr/bin/env bash
# The Gatling load test (src/gatling/java/io/otpservice/load/OtpSimulation.java): sign-in flows
# (create, some wrong codes and resends, the right code), one recipient hammered, brute-force guesses;
# against the fast-jar (the JVM flags of bench/run.sh, warmed up with wrk when it is installed) on a fresh redis-server,
# loopback only. Prints the headline figures;
# the HTML report is target/gatling/otpsimulation-*/index.html.
#   bench/gatling.sh           USERS=40 (sign-ins started per second) DURATION=60 (seconds)
# Needs: JDK 25 (JAVA_HOME), redis-server and redis-cli, curl, openssl, python3; Maven Central for Gatling.
USERS=${USERS:-40}
DURATION=${DURATION:-60}
# the same JVM as bench/run.sh
JVM_OPTS=${JVM_OPTS:--Xmx128m -Xms32m -XX:MarkStackSize=256k -XX:TrimNativeHeapInterval=3000}
source "$(dirname "$0")/lib.sh"
start_redis
service_env
export OTP_RESEND_COOLDOWN=1s MALLOC_ARENA_MAX=2
# shellcheck disable=SC2086
start_service $JVM_OPTS
# warm the JIT first, so the report shows the service and not its first seconds (skipped without wrk)
if command -v wrk >/dev/null; then
  wrk -t2 -c50 -d20s -s bench/wrk/create-varied.lua "$base" >/dev/null 2>&1
  IDS=/dev/null wrk -t2 -c50 -d10s "$base/.well-known/jwks.json" >/dev/null 2>&1
fi

status=0
./mvnw -B -q -Pgatling -DskipTests test-compile gatling:test \
  -DbaseUrl="$base" -DapiKey=bench-key -Dusers="$USERS" -Dseconds="$DURATION" >"$work/gatling.log" 2>&1 || status=$?
grep -v '^\[\|^WARNING\|^SLF4J' "$work/gatling.log" || true
rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$app/status)

report=$(ls -td target/gatling/otpsimulation-* | head -1)
echo "report: $report/index.html"
python3 - "$report" <<'PY'
import json, sys, pathlib
# js/stats.js holds one JSON object after each "stats: " (all requests first, then one per request name)
text = pathlib.Path(sys.argv[1], "js", "stats.js").read_text()
decoder, blocks, i = json.JSONDecoder(), [], 0
while (i := text.find("stats: {", i)) >= 0:
    block, end = decoder.raw_decode(text, i + len("stats: "))
    blocks.append(block)
    i = end
print(f'{"request":34} {"count":>7} {"KO":>4} {"req/s":>7} {"p50 ms":>7} {"p95 ms":>7} {"p99 ms":>7}')
for b in blocks:
    n = b["numberOfRequests"]
    print(f'{b["name"]:34} {n["total"]:>7} {n["ko"]:>4} {float(b["meanNumberOfRequestsPerSecond"]["total"]):7.1f}'
          f' {b["percentiles1"]["total"]:>7} {b["percentiles3"]["total"]:>7} {b["percentiles4"]["total"]:>7}')
PY
echo "server RSS after the run: $rss MiB"
[ "$status" -eq 0 ] || echo "Gatling failed (exit $status): an assertion did not hold or the run broke; see above" >&2
exit "$status"
