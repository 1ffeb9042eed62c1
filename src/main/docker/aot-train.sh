#!/usr/bin/env bash
# Training run for the JDK AOT cache, run by Dockerfile.jvm while the image is built.
#
# Starts the application with -XX:AOTCacheOutput and throwaway configuration, sends it a few rounds
# of requests so the JVM sees the classes and methods a real start and real traffic use, then stops
# it with SIGTERM; on exit the JVM writes app.aot next to quarkus-run.jar. Everything made here
# (keys, secrets, logs) stays in the discarded build stage.
#
# Without a Redis (the default) the service starts, answers the health, metrics and OpenAPI
# endpoints, rejects bad requests, and answers the rest with `unavailable`: enough to train the
# start-up, which is what the cache speeds up. TRAINING_REDIS_HOSTS points it at a real one.
set -euo pipefail

app_dir=${APP_DIR:-/deployments}
http_port=${TRAINING_HTTP_PORT:-18080}
mgmt_port=${TRAINING_MANAGEMENT_PORT:-19000}
start_timeout=${TRAINING_START_TIMEOUT:-120}
rounds=${TRAINING_ROUNDS:-30}
budget=${TRAINING_SECONDS:-60}

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Throwaway configuration, shaped like production's.
OTP_HMAC_SECRETS=$(head -c 32 /dev/urandom | base64 -w0)
api_key=$(head -c 24 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
OTP_API_KEYS_TRAINING_HASH=$(printf '%s' "$api_key" | sha256sum | cut -d' ' -f1)
export OTP_HMAC_SECRETS OTP_API_KEYS_TRAINING_HASH
if command -v openssl >/dev/null; then
  openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null \
    | openssl pkcs8 -topk8 -nocrypt -out "$work/signing.pem"
  OTP_TOKEN_SIGNING_KEY=$(cat "$work/signing.pem")
  export OTP_TOKEN_SIGNING_KEY OTP_TOKEN_KEY_ID=aot-training
fi
export OTP_API_KEYS_TRAINING_SCOPES=verify:send,verify:check,verify:read,verify:cancel
# the purpose and the test recipient the requests below use: with a Redis, creates and checks take their
# real paths (an approval signs a token); without one they reach the store and answer `unavailable`
export OTP_PURPOSES_LOGIN_TTL=10m OTP_TEST_RECIPIENTS=+15005550006:123456
export OTP_SMS_PROVIDERS=log OTP_EMAIL_PROVIDER=log OTP_EMAIL_FROM=training@example.invalid
export QUARKUS_REDIS_HOSTS=${TRAINING_REDIS_HOSTS:-redis://127.0.0.1:6379}
export QUARKUS_HTTP_PORT=$http_port QUARKUS_MANAGEMENT_PORT=$mgmt_port
export QUARKUS_LOG_CONSOLE_JSON_ENABLED=true

# Prints the HTTP status of one request (000 when nothing answered); never fails.
# Plain bash /dev/tcp: the runtime image has no curl.
request() {
  local method=$1 port=$2 path=$3 body=${4:-} auth=${5:-} status=000
  if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
    {
      printf '%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n' "$method" "$path"
      if [ -n "$auth" ]; then printf 'Authorization: Bearer %s\r\n' "$auth"; fi
      printf 'Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "${#body}" "$body"
    } >&3 2>/dev/null || true
    if IFS=' ' read -r -t 15 _ status _ <&3; then
      while IFS= read -r -t 15 _ <&3; do :; done
    fi
    exec 3<&- 3>&-
  fi 2>/dev/null
  printf '%s' "${status:-000}"
}

cd "$app_dir"
# shellcheck disable=SC2086  # the option variables hold several flags each
java -XX:AOTCacheOutput=app.aot ${JAVA_OPTS_BASE:-} ${TRAINING_JAVA_OPTS:--Xmx128m} \
  -jar quarkus-run.jar >"$work/app.log" 2>&1 &
pid=$!

# /q/* lives on the management port when the management interface is on, else on the API port.
started=false
for _ in $(seq 1 "$start_timeout"); do
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  if [ "$(request GET "$mgmt_port" /q/health/started)" = 200 ]; then started=true; break; fi
  if [ "$(request GET "$http_port" /q/health/started)" = 200 ]; then
    mgmt_port=$http_port started=true
    break
  fi
  sleep 1
done
if [ "$started" != true ]; then
  echo "aot-train: the application did not start; its log:" >&2
  tail -n 60 "$work/app.log" >&2
  exit 1
fi

sms='{"to":"+15005550006","channel":"sms","purpose":"login","locale":"en"}'
email='{"to":"aot-training@example.invalid","channel":"email","locale":"de"}'
deadline=$((SECONDS + budget))
for round in $(seq 1 "$rounds"); do
  [ "$SECONDS" -lt "$deadline" ] || break
  {
    request GET "$mgmt_port" /q/health/live
    request GET "$mgmt_port" /q/health/ready
    request GET "$mgmt_port" /q/metrics
    request GET "$http_port" /.well-known/jwks.json
    request POST "$http_port" /v1/verifications "$sms"
    request POST "$http_port" /v1/verifications '{"to":' "$api_key"
    request POST "$http_port" /v1/verifications '{"to":"not a number"}' "$api_key"
    request POST "$http_port" /v1/verifications "$sms" "$api_key"
    request POST "$http_port" /v1/verifications "$email" "$api_key"
    if [ "$round" -le 10 ]; then # the recipient's failed checks are limited
      request POST "$http_port" /v1/verification-checks '{"to":"+15005550006","purpose":"login","code":"000000"}' "$api_key"
    fi
    request POST "$http_port" /v1/verification-checks '{"to":"+15005550006","purpose":"login","code":"123456"}' "$api_key"
    request GET "$http_port" /v1/verifications/VEtraining0000000000000000 "" "$api_key"
    request POST "$http_port" /v1/verifications/VEtraining0000000000000000/check '{"code":"123456"}' "$api_key"
    request DELETE "$http_port" /v1/verifications/VEtraining0000000000000000 "" "$api_key"
  } >/dev/null
  if [ "$round" -eq 1 ]; then request GET "$mgmt_port" /q/openapi >/dev/null; fi
done

kill -TERM "$pid"
# The JVM assembles the cache after the application has stopped; wait for that too.
wait "$pid" || true
pid=""
if [ ! -s app.aot ]; then
  echo "aot-train: the JVM wrote no app.aot; the application's log:" >&2
  tail -n 60 "$work/app.log" >&2
  exit 1
fi
echo "aot-train: app.aot is $(du -h app.aot | cut -f1), trained over $round rounds"
