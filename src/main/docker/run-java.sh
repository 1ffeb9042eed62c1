#!/bin/sh
# Starts otp-service from /deployments, with the AOT cache the image build trained when there is one.
set -eu
cd /deployments
aot=""
if [ -f app.aot ]; then
  aot="-XX:AOTCache=app.aot"
fi
# Word splitting of the option variables is intended: each holds several flags.
# shellcheck disable=SC2086
exec java $aot ${JAVA_OPTS_BASE:-} ${JAVA_OPTS:-} -jar quarkus-run.jar "$@"
