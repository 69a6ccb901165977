#!/usr/bin/env bash
# Calls a demo service of bin/run-local.sh as a proxyless grpc-java client: `xds:///<service>` resolved through a
# zone CP's xDS port, as an application in that zone would. Prints which zone and instance answered each call.
# usage: bin/demo-client.sh [--xds 127.0.0.1:5678] [--token-file FILE] [--count 5] [--message hi] [--mesh default] SERVICE
#        (the default --xds is zone-1's of bin/run-local.sh; 127.0.0.1:5679 calls from zone-2)
# The client presents a dataplane token of its mesh (node metadata dataplane.token). Without --token-file it uses the
# one bin/run-local.sh minted for that xDS port: ${URSA_LOG_DIR:-target/local}/demo-client.<port>.token.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
jar=demo-services/target/demo-services.jar
[ -f "$jar" ] || { echo "$jar is missing: bin/run-local.sh builds it" >&2; exit 1; }
# JDK 23+ warns when grpc-netty-shaded uses sun.misc.Unsafe; older JDKs do not know the flag.
quiet_unsafe=(); "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && quiet_unsafe=(--sun-misc-unsafe-memory-access=allow)
xds=127.0.0.1:5678; has_token=0; args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --xds) xds="${args[i + 1]:-}" ;;
    --token-file) has_token=1 ;;
  esac
done
token_file="${URSA_LOG_DIR:-target/local}/demo-client.${xds##*:}.token"
if [ "$has_token" = 0 ] && [ -f "$token_file" ]; then set -- --token-file "$token_file" "$@"; fi
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${quiet_unsafe[@]}" -jar "$jar" call "$@"
