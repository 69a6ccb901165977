#!/usr/bin/env bash
# Builds Ursa and runs it locally on the in-memory store: a global CP and two zone CPs.
# Ctrl-C stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JAVA="$JAVA_HOME/bin/java"

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "==> building (tests skipped; set SKIP_BUILD=1 to reuse the last build)"
  ./mvnw -B -q package -DskipTests -pl global-cp,zone-cp,ingress-gateway -am
fi

logs="${URSA_LOG_DIR:-target/local}"; mkdir -p "$logs"
pids=()
stop() {
  trap - EXIT INT TERM
  echo; echo "==> stopping"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

start() { # name port jar args...
  local name=$1 port=$2 jar=$3; shift 3
  "$JAVA" -Dquarkus.http.port="$port" "$@" -jar "$jar" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  printf '==> starting %-8s on :%s (log %s) ' "$name" "$port" "$logs/$name.log"
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null; then echo "ready"; return; fi
    printf '.'; sleep 0.5
  done
  echo "FAILED"; tail -20 "$logs/$name.log"; exit 1
}

start global 5681 global-cp/target/quarkus-app/quarkus-run.jar -Dursa.kds.port=5685

# Zones federate with the global over KDS (:5685), each with a zone token issued by the global's REST API.
# Each zone serves its data planes over xDS on its own port (zone-1 :5678, zone-2 :5679).
for z in 1 2; do
  curl -sf -XPOST http://127.0.0.1:5681/tokens/zone -H 'content-type: application/json' \
       -d "{\"zone\":\"zone-$z\",\"validFor\":\"24h\"}" > "$logs/zone-$z.token"
  start "zone-$z" "569$z" zone-cp/target/quarkus-app/quarkus-run.jar -Dursa.zone.name="zone-$z" \
        -Dquarkus.grpc.server.port="$((5677 + z))" \
        -Dursa.zone.global-address=grpc://127.0.0.1:5685 -Dursa.zone.token-file="$logs/zone-$z.token" \
        -Dursa.zone.data-dir="$logs/zone-$z-data"
done

# One ingress per zone (docs/cross-zone.md): traffic on :1000<z>, health/metrics on :990<z>.
for z in 1 2; do
  start "ingress-$z" "990$z" ingress-gateway/target/quarkus-app/quarkus-run.jar -Dursa.ingress.name="ingress-$z" \
        -Dursa.ingress.zone-cp-address="grpc://127.0.0.1:$((5677 + z))" -Dursa.ingress.port="1000$z" \
        -Dursa.ingress.advertised-address=127.0.0.1 -Dursa.ingress.advertised-port="1000$z"
done

cat <<MSG

Ursa is running (in-memory store; nothing is kept after Ctrl-C).
  global CP admin API : http://127.0.0.1:5681/        (OpenAPI: /q/openapi, metrics: /q/metrics)
  zone-1 CP admin API : http://127.0.0.1:5691/
  zone-2 CP admin API : http://127.0.0.1:5692/
The zones are federated with the global (KDS on :5685, zone tokens in $logs/zone-*.token) and serve xDS on
:5678 (zone-1) and :5679 (zone-2): meshes and policies
applied on the global appear on both zones; Dataplanes registered on a zone appear on the global as <zone>.<name>.
Each zone has an ingress (zone-1 :10001, zone-2 :10002; health :9901/:9902), listed by GET /zoneingresses on
the other zone. See docs/multi-zone.md and docs/cross-zone.md.

Try:
  curl -s -XPUT http://127.0.0.1:5681/meshes/default -H 'content-type: application/yaml' --data-binary 'type: Mesh
name: default'
  curl -s http://127.0.0.1:5691/meshes                 # synced to zone-1
  curl -s http://127.0.0.1:5681/zone-insights

Press Ctrl-C to stop.
MSG
wait
