#!/usr/bin/env bash
# Runs ursa-agent, the agent that writes a proxyless gRPC workload's xDS bootstrap and keeps its mesh mTLS files fresh
# (docs/agent.md). Build it first: ./mvnw -B -pl dataplane-agent -am package -DskipTests
# usage: bin/ursa-agent.sh run --cp HOST:PORT --token-file FILE --node-id MESH.NAME [--dataplane-file FILE] [--dir DIR]
#                              [--health HOST:PORT|none] [--trust-poll 10s] [--once [--once-timeout 60s]]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
jar="$root/dataplane-agent/target/ursa-agent.jar"
[ -f "$jar" ] || { echo "$jar is missing: ./mvnw -B -pl dataplane-agent -am package -DskipTests builds it" >&2; exit 1; }
# JDK 23+ warns when grpc-netty-shaded uses sun.misc.Unsafe; older JDKs do not know the flag.
quiet_unsafe=(); "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && quiet_unsafe=(--sun-misc-unsafe-memory-access=allow)
# Relative --dir/--token-file paths stay relative to the caller's directory: no cd.
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${quiet_unsafe[@]}" -jar "$jar" "$@"
