# Shared by the bench scripts: a scratch dir, a free port, a fresh redis-server, the service's config
# with throwaway secrets, and cleanup of everything started. Source it; it sets work, pids, JAVA.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAVA_HOME=$(.ci/java-home)
export JAVA_HOME
JAVA=$JAVA_HOME/bin/java
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# starts redis-server on a free port; sets redis_port
start_redis() {
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null &
  pids+=($!)
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.05; done
}

# exports the service's configuration: this Redis, throwaway secrets, the API key 'bench-key'
service_env() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
  export QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port"
  export OTP_HMAC_SECRETS=$(head -c 32 /dev/urandom | base64 -w0)
  export OTP_TOKEN_SIGNING_KEY=$(cat "$work/key.pem")
  export OTP_API_KEYS_BENCH_HASH=$(printf %s bench-key | sha256sum | cut -d' ' -f1)
  export OTP_API_KEYS_BENCH_SCOPES=verify:send,verify:check,verify:read,verify:cancel,client-ip
  export QUARKUS_LOG_LEVEL=WARN
}

# starts the fast-jar with this config and 1000 test recipients load0..999@example.com (code 123456);
# extra arguments go to java before -jar. Sets port, base (its URL) and app (its pid).
start_service() {
  port=$(free_port)
  local mport; mport=$(free_port)
  local recipients; recipients=$(for i in $(seq 0 999); do printf 'load%d@example.com:123456,' "$i"; done)
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport OTP_TEST_RECIPIENTS="${recipients%,}" \
    "$JAVA" "$@" -jar target/quarkus-app/quarkus-run.jar >"$work/app.log" 2>&1 &
  app=$!
  pids+=($app)
  base="http://127.0.0.1:$port"
  until curl -fs -o /dev/null "$base/.well-known/jwks.json"; do
    kill -0 "$app" 2>/dev/null || { echo "the service did not start:" >&2; tail -20 "$work/app.log" >&2; exit 1; }
    sleep 0.05
  done
}
