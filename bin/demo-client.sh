#!/usr/bin/env bash
# Calls a demo service of bin/run-local.sh as a proxyless grpc-java client: `xds:///<service>` resolved through a
# zone CP's xDS port, as an application in that zone would. Prints which zone and instance answered each call.
# usage: bin/demo-client.sh [--xds 127.0.0.1:5678] [--token-file FILE] [--count 5] [--message hi] [--mesh default] [--plaintext] SERVICE
#        (the default --xds is zone-1's of bin/run-local.sh; 127.0.0.1:5679 calls from zone-2)
# The client presents a dataplane token of its mesh (node metadata dataplane.token). Without --token-file it uses the
# one bin/run-local.sh minted for that xDS port: ${URSA_LOG_DIR:-target/local}/demo-client.<port>.token.
# In a mesh with mTLS (bin/run-local.sh's is), ursa-agent first gets the client its own certificate (service
# demo-client, a Dataplane registered through the bootstrap it writes) and the client calls over mutual TLS; with
# --plaintext it skips the agent (calls then work only in a mesh without mTLS).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
jar=demo-services/target/demo-services.jar
[ -f "$jar" ] || { echo "$jar is missing: bin/run-local.sh builds it" >&2; exit 1; }
# JDK 23+ warns when grpc-netty-shaded uses sun.misc.Unsafe; older JDKs do not know the flag.
quiet_unsafe=(); "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && quiet_unsafe=(--sun-misc-unsafe-memory-access=allow)
xds=127.0.0.1:5678; mesh=default; token_file=""; plaintext=0; args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --xds) xds="${2:-}"; args+=("$1" "${2:-}"); shift 2 ;;
    --mesh) mesh="${2:-}"; args+=("$1" "${2:-}"); shift 2 ;;
    --token-file) token_file="${2:-}"; shift 2 ;;
    --plaintext) plaintext=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -n "$token_file" ] || token_file="${URSA_LOG_DIR:-target/local}/demo-client.${xds##*:}.token"
java_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${quiet_unsafe[@]}")
if [ "$plaintext" = 1 ]; then
  [ -f "$token_file" ] && args=(--token-file "$token_file" "${args[@]}")
  exec "$JAVA_HOME/bin/java" "${java_opts[@]}" -jar "$jar" call "${args[@]}"
fi
agent_jar=dataplane-agent/target/ursa-agent.jar
[ -f "$agent_jar" ] || { echo "$agent_jar is missing: bin/run-local.sh builds it" >&2; exit 1; }
[ -f "$token_file" ] || { echo "no dataplane token: pass --token-file (bin/run-local.sh writes $token_file)" >&2; exit 1; }
# This client's own workload: a Dataplane of service demo-client (a certificate names the services a workload serves;
# the inbound port is never dialled), its key, certificate and bootstrap in a directory removed on exit.
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
name="demo-client-$$"
cat > "$work/dataplane.yaml" <<YAML
type: Dataplane
mesh: $mesh
name: $name
networking:
  address: 127.0.0.1
  inbound:
    - port: 1
      tags: {kuma.io/service: demo-client, kuma.io/protocol: grpc}
YAML
"$JAVA_HOME/bin/java" "${java_opts[@]}" -jar "$agent_jar" run --once --cp "$xds" --token-file "$token_file" \
  --node-id "$mesh.$name" --dataplane-file "$work/dataplane.yaml" --dir "$work/agent" --health none
"$JAVA_HOME/bin/java" "${java_opts[@]}" -jar "$jar" call --bootstrap "$work/agent/bootstrap.json" "${args[@]}"
