#!/usr/bin/env bash
# Start-up, measured against its floor in the same run: the time from launching `java` to the first
# answered request, for otp-service (GET /.well-known/jwks.json) and for an empty Quarkus REST + Redis
# application of the same platform (bench/empty-app, GET /hello), each with and without a JDK 25 AOT
# cache, RUNS starts each, interleaved (empty, service, extensions, empty, ...), medians; and the idle
# RSS. "extensions" is the empty application with the service's other extensions (health, OpenAPI,
# JSON logging, Micrometer, mailer, REST client, fault tolerance, Qute) and no code using them: what
# the chosen stack alone adds, printed beside the target.
# The target: otp-service within 1.5x the empty application, with and without the cache.
#   bench/startup.sh            (builds the three jars first when missing)
# Needs: JDK 25 (JAVA_HOME), redis-server and redis-cli on PATH, curl, python3.
RUNS=${RUNS:-5}
source "$(dirname "$0")/lib.sh"
# the image's flags (Dockerfile.jvm) at a 128 MiB heap, for both applications
JVM_OPTS=${JVM_OPTS:-$(image_java_opts) -Xmx128m}
# the empty application is packaged like the service (aot-jar or fast-jar), so both are cached alike
JAR_TYPE=$(sed -n 's/^quarkus.package.jar.type=//p' src/main/resources/application.properties)
JAR_TYPE=${JAR_TYPE:-fast-jar}
if [ ! -f bench/empty-app/target/quarkus-app/quarkus-run.jar ] || [ "$(cat bench/empty-app/target/jar-type 2>/dev/null)" != "$JAR_TYPE" ]; then
  ./mvnw -B -q -f bench/empty-app/pom.xml package -DskipTests -Dquarkus.package.jar.type="$JAR_TYPE"
  echo "$JAR_TYPE" > bench/empty-app/target/jar-type
fi
if [ ! -f bench/empty-app/target-extensions/quarkus-app/quarkus-run.jar ] || [ "$(cat bench/empty-app/target-extensions/jar-type 2>/dev/null)" != "$JAR_TYPE" ]; then
  # the service's management interface too (a build-time setting): its second HTTP server is part of a start
  ./mvnw -B -q -f bench/empty-app/pom.xml package -Pextensions -DskipTests -Dquarkus.package.jar.type="$JAR_TYPE" \
    -Dquarkus.management.enabled=true -Dquarkus.micrometer.binder.netty.enabled=false
  echo "$JAR_TYPE" > bench/empty-app/target-extensions/jar-type
fi
start_redis
service_env
export OTP_TEST_RECIPIENTS=+15005550006:123456

OTP_JAR=target/quarkus-app/quarkus-run.jar
EMPTY_JAR=bench/empty-app/target/quarkus-app/quarkus-run.jar
EXT_JAR=bench/empty-app/target-extensions/quarkus-app/quarkus-run.jar
declare -A probe=([otp]=/.well-known/jwks.json [empty]=/hello [ext]=/hello)
declare -A jar=([otp]=$OTP_JAR [empty]=$EMPTY_JAR [ext]=$EXT_JAR)

# one start of app $1 (otp|empty|ext), extra java options after it: prints "<ms to first answer> <idle RSS MiB>"
start_once() {
  local name=$1; shift
  local port mport t0 t1 pid
  port=$(free_port); mport=$(free_port)
  t0=$(date +%s%N)
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport "$JAVA" "$@" -jar "${jar[$name]}" >"$work/$name.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port${probe[$name]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "$name did not start:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  sleep 1
  local rss; rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $rss"
}

empty_traffic() { curl -s -o /dev/null "$1/hello"; curl -s -o /dev/null "$1/ping"; }
# training run of app $1 with the bench's flags; the JVM writes $work/$1.aot
train() {
  local traffic=otp_traffic
  [ "$1" != otp ] && traffic=empty_traffic
  # shellcheck disable=SC2086
  train_cache "$1" "${jar[$1]}" "$work/$1.aot" "${probe[$1]}" "$traffic" $JVM_OPTS
}

results=$work/startup.txt
series() { # label, extra options for otp, extra options for empty, extra options for ext
  local label=$1 otp_opts=$2 empty_opts=$3 ext_opts=$4
  for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    echo "$label empty $(start_once empty $JVM_OPTS $empty_opts)" >>"$results"
    # shellcheck disable=SC2086
    echo "$label otp $(start_once otp $JVM_OPTS $otp_opts)" >>"$results"
    # shellcheck disable=SC2086
    echo "$label ext $(start_once ext $JVM_OPTS -Dquarkus.log.console.json.enabled=true $ext_opts)" >>"$results"
  done
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA" -version 2>&1 | head -1); $JAR_TYPE; java $JVM_OPTS"
series no-cache "" "" ""
train otp; train empty; train ext
series aot-cache "-XX:AOTCache=$work/otp.aot" "-XX:AOTCache=$work/empty.aot" "-XX:AOTCache=$work/ext.aot"
python3 - "$results" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    label, app, ms, rss = line.split()
    rows.setdefault((label, app), []).append((int(ms), int(rss)))
print(f'{"start-up to the first answer":30} {"otp ms":>7} {"empty ms":>9} {"ratio":>6} {"otp RSS":>8}  target ≤ 1.5x')
floors = []
for label in ("no-cache", "aot-cache"):
    otp = statistics.median(r[0] for r in rows[(label, "otp")])
    empty = statistics.median(r[0] for r in rows[(label, "empty")])
    rss = statistics.median(r[1] for r in rows[(label, "otp")])
    ratio = otp / empty
    print(f'{label:30} {otp:7.0f} {empty:9.0f} {ratio:6.2f} {rss:6.0f} MiB  {"met" if ratio <= 1.5 else "MISSED"}'
          f'   (otp runs: {" ".join(str(r[0]) for r in rows[(label, "otp")])})')
    ext = statistics.median(r[0] for r in rows[(label, "ext")])
    floors.append(f'{label} {ext:.0f} ms, {ext / empty:.2f}x the empty app (the service: {otp / ext:.2f}x that)')
print("the empty app with the service's extensions and no code using them:", "; ".join(floors))
PY
echo "AOT cache: otp $(du -m "$work/otp.aot" | cut -f1) MiB, empty $(du -m "$work/empty.aot" | cut -f1) MiB"
