#!/usr/bin/env bash
# Builds Ursa and runs a demo federation on this machine, on the in-memory store: a global CP, two zone CPs, an
# ingress per zone, and demo gRPC services (`hello` only in zone-2, `echo` in both zones) in mesh `default` with mTLS
# on: each zone's demo process is a proxyless xDS server whose certificates ursa-agent keeps fresh.
# Ctrl-C stops every process it started; so does the death of any of them (the script then says which one died and
# where its log is, and exits 1).
#
# Environment (defaults in brackets); set the ports to run a second copy next to a running one:
#   GLOBAL_HTTP_PORT [5681]   GLOBAL_KDS_PORT [5685]
#   ZONE1_HTTP_PORT [5691]    ZONE1_XDS_PORT [5678]      ZONE2_HTTP_PORT [5692]    ZONE2_XDS_PORT [5679]
#   INGRESS1_PORT [10001]     INGRESS1_HTTP_PORT [9901]  INGRESS2_PORT [10002]     INGRESS2_HTTP_PORT [9902]
#   GLOBAL_DIAGNOSTICS_PORT [5680]  ZONE1_DIAGNOSTICS_PORT [5693]  ZONE2_DIAGNOSTICS_PORT [5694] (health + metrics, read-only)
#   DEMO1_ECHO_PORT [20111]   DEMO2_HELLO_PORT [20121]   DEMO2_ECHO_PORT [20122]   (the demo services' gRPC ports)
#   AGENT1_HEALTH_PORT [9911] AGENT2_HEALTH_PORT [9912]  (ursa-agent health of each zone's demo process)
# The admin APIs and diagnostics ports listen on 127.0.0.1 only: loopback callers are admin without a token
# (docs/security.md); nothing here is reachable from another host's browser or script.
#   SKIP_BUILD=1 reuses the last build; URSA_LOG_DIR [target/local] holds the logs (Maven's in build.log), the zone tokens,
#   the global's KDS CA (kds-ca.pem: KDS is TLS, the zones dial grpcs:// and verify with it), the ingresses' tokens and
#   the demo client's dataplane tokens (bin/demo-client.sh finds them there);
#   START_TIMEOUT [120] seconds allowed for each step.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JAVA="$JAVA_HOME/bin/java"

GLOBAL_HTTP_PORT="${GLOBAL_HTTP_PORT:-5681}"; GLOBAL_KDS_PORT="${GLOBAL_KDS_PORT:-5685}"
ZONE1_HTTP_PORT="${ZONE1_HTTP_PORT:-5691}";   ZONE1_XDS_PORT="${ZONE1_XDS_PORT:-5678}"
ZONE2_HTTP_PORT="${ZONE2_HTTP_PORT:-5692}";   ZONE2_XDS_PORT="${ZONE2_XDS_PORT:-5679}"
INGRESS1_PORT="${INGRESS1_PORT:-10001}";      INGRESS1_HTTP_PORT="${INGRESS1_HTTP_PORT:-9901}"
INGRESS2_PORT="${INGRESS2_PORT:-10002}";      INGRESS2_HTTP_PORT="${INGRESS2_HTTP_PORT:-9902}"
GLOBAL_DIAGNOSTICS_PORT="${GLOBAL_DIAGNOSTICS_PORT:-5680}"
ZONE1_DIAGNOSTICS_PORT="${ZONE1_DIAGNOSTICS_PORT:-5693}"; ZONE2_DIAGNOSTICS_PORT="${ZONE2_DIAGNOSTICS_PORT:-5694}"
DEMO1_ECHO_PORT="${DEMO1_ECHO_PORT:-20111}"; DEMO2_HELLO_PORT="${DEMO2_HELLO_PORT:-20121}"; DEMO2_ECHO_PORT="${DEMO2_ECHO_PORT:-20122}"
AGENT1_HEALTH_PORT="${AGENT1_HEALTH_PORT:-9911}"; AGENT2_HEALTH_PORT="${AGENT2_HEALTH_PORT:-9912}"
START_TIMEOUT="${START_TIMEOUT:-120}"
zone_http=("" "$ZONE1_HTTP_PORT" "$ZONE2_HTTP_PORT"); zone_xds=("" "$ZONE1_XDS_PORT" "$ZONE2_XDS_PORT")
zone_diag=("" "$ZONE1_DIAGNOSTICS_PORT" "$ZONE2_DIAGNOSTICS_PORT")
# Admin API and diagnostics on loopback only (quarkus.http.host stays 0.0.0.0 by default: remote callers need tokens).
loopback_admin=(-Dquarkus.http.host=127.0.0.1 -Dursa.diagnostics.host=127.0.0.1)
ingress_port=("" "$INGRESS1_PORT" "$INGRESS2_PORT"); ingress_http=("" "$INGRESS1_HTTP_PORT" "$INGRESS2_HTTP_PORT")
global="http://127.0.0.1:$GLOBAL_HTTP_PORT"
DEMO_JAR=demo-services/target/demo-services.jar
AGENT_JAR=dataplane-agent/target/ursa-agent.jar
# JDK 23+ warns when grpc-netty-shaded uses sun.misc.Unsafe; older JDKs do not know the flag.
quiet_unsafe=(); "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && quiet_unsafe=(--sun-misc-unsafe-memory-access=allow)

logs="${URSA_LOG_DIR:-target/local}"; mkdir -p "$logs"

# Reads Maven's output and shows one line per module as it starts, plus a dot per 20 downloaded files (a first build
# spends minutes downloading), so that a long build visibly moves.
module_progress() {
  local line downloads=0 open=0 re='^\[INFO\] Building (.+) [^ ]+ +\[([0-9]+/[0-9]+)\]$'
  while IFS= read -r line; do
    if [[ $line =~ $re ]]; then
      [ "$open" = 0 ] || echo
      printf '    [%s] %s ' "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}"; open=1
    elif [[ $line == 'Downloaded from '* || $line == '[INFO] Downloaded from '* ]] && (( ++downloads % 20 == 0 )); then
      [ "$open" = 1 ] || { printf '    downloading Maven plugins '; open=1; }
      printf '.'
    fi
  done
  [ "$open" = 0 ] || echo
}

if [ "${SKIP_BUILD:-}" != "1" ]; then
  build_log="$logs/build.log"
  echo "==> building (tests skipped; set SKIP_BUILD=1 to reuse the last build; Maven's output: $build_log)"
  t0=$SECONDS
  if ./mvnw -B package -DskipTests -pl global-cp,zone-cp,ingress-gateway,demo-services,dataplane-agent,ursactl -am 2>&1 \
       | tee "$build_log" | module_progress; then
    echo "==> built in $((SECONDS - t0)) s"
  else
    # What `mvn -q` would have shown: from Maven's first error to its end (the failed module, the causes, the hints).
    echo "==> build FAILED (Maven's whole output: $build_log)"
    if grep -q '^\[ERROR\]' "$build_log"; then sed -n '/^\[ERROR\]/,$p' "$build_log"; else tail -n 40 "$build_log"; fi
    exit 1
  fi
fi

rm -rf "$logs"/zone-*-data # in-memory store: every run starts empty

pids=(); names=()
# Every process runs in a process group of its own (job control on while it is spawned): Ctrl-C reaches only this
# script, which then stops the processes in order, and a group kill also reaches anything a process spawned.
launch() { # name args-for-java...
  local name=$1; shift
  set -m
  "$JAVA" "$@" >"$logs/$name.log" 2>&1 &
  set +m
  pids+=("$!"); names+=("$name")
  printf '==> started %-9s pid %-7s log %s\n' "$name" "$!" "$logs/$name.log"
}

# Sets $dead to the index of a started process that is no longer running; fails while all of them run. (bash reaps
# its exited children at once, so kill -0 fails for them; their exit status stays available to `wait`.)
find_dead() {
  for dead in "${!pids[@]}"; do kill -0 "${pids[dead]}" 2>/dev/null || return 0; done
  return 1
}

# Says which started process died, how, and where its log is (with its last lines), then exits 1: the EXIT trap stops
# all the others.
died() { # index
  local pid=${pids[$1]} name=${names[$1]} code=0 how
  wait "$pid" 2>/dev/null || code=$?
  how="exit code $code"
  if (( code > 128 )); then how+=", killed by SIG$(kill -l $((code - 128)) 2>/dev/null || echo "nal $((code - 128))")"; fi
  echo "==> $name (pid $pid) died ($how); its log: $logs/$name.log"
  echo "    last lines of $logs/$name.log:"
  tail -n 15 "$logs/$name.log" | sed 's/^/    | /'
  # Its pid is gone and may be reused: it is not signalled again, only what may remain of its process group.
  kill -KILL -- "-$pid" 2>/dev/null || true
  unset 'pids[$1]' 'names[$1]'
  exit 1
}

# Waits until "$@" succeeds, printing a dot per attempt; fails when any started process dies or after START_TIMEOUT
# seconds (then showing the end of $proc's log).
await() { # proc what command...
  local proc=$1 what=$2; shift 2
  local t0=$SECONDS
  printf '==> waiting for %s ' "$what"
  until "$@" >/dev/null 2>&1; do
    if find_dead; then echo " FAILED"; died "$dead"; fi
    if (( SECONDS - t0 >= START_TIMEOUT )); then
      echo " FAILED after $START_TIMEOUT s"; tail -20 "$logs/$proc.log"; exit 1
    fi
    printf '.'; sleep 0.5
  done
  echo " ok ($((SECONDS - t0)) s)"
}
ready() { curl -sf --max-time 2 "http://127.0.0.1:$1/q/health/ready"; }
zone_offers() { # zone-http-port other-zone service: does this zone see the other zone's ingress offering the service?
  curl -sf --max-time 2 "http://127.0.0.1:$1/zoneingresses" | tr -d ' \n' \
    | grep -q "\"zone\":\"$2\"[^]]*\"availableServices\":\[[^]]*\"kuma.io/service\":\"$3\""
}

# SIGTERM to each process group, SIGKILL to what is left after 10 s, then reap them all.
terminate() { # pid...
  local p alive
  for p in "$@"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    alive=0; for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "$@"; do
    kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
stop() {
  trap - EXIT INT TERM
  [ "${#pids[@]}" -gt 0 ] || return 0
  echo; echo "==> stopping"
  # Demo services first: they deregister their Dataplanes while their zone CPs are still up.
  local demos=() others=() i
  for i in "${!names[@]}"; do
    case "${names[i]}" in demo-*) demos+=("${pids[i]}") ;; *) others+=("${pids[i]}") ;; esac
  done
  [ "${#demos[@]}" -eq 0 ] || terminate "${demos[@]}"
  [ "${#others[@]}" -eq 0 ] || terminate "${others[@]}"
  pids=(); names=()
  echo "==> stopped"
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop; exit 129' HUP # a closed terminal: the processes run in groups of their own, its SIGHUP would miss them

launch global -Dquarkus.http.port="$GLOBAL_HTTP_PORT" -Dursa.kds.port="$GLOBAL_KDS_PORT" \
  "${loopback_admin[@]}" -Dursa.diagnostics.port="$GLOBAL_DIAGNOSTICS_PORT" \
  -jar global-cp/target/quarkus-app/quarkus-run.jar
await global "global CP on :$GLOBAL_HTTP_PORT" ready "$GLOBAL_HTTP_PORT"

# KDS is TLS by default: the global generated its own CA on first start; the zones verify the global with it.
curl -sf --max-time 5 "$global/kds/ca.pem" > "$logs/kds-ca.pem"

# Zones federate with the global over KDS, each with a zone token issued by the global's REST API.
for z in 1 2; do
  # A token is a credential: readable by this user only, and never printed.
  (umask 077; curl -sf -XPOST "$global/tokens/zone" -H 'content-type: application/json' \
       -d "{\"zone\":\"zone-$z\",\"validFor\":\"24h\"}" > "$logs/zone-$z.token")
  launch "zone-$z" -Dquarkus.http.port="${zone_http[z]}" -Dquarkus.grpc.server.port="${zone_xds[z]}" \
    -Dursa.zone.name="zone-$z" -Dursa.zone.global-address="grpcs://127.0.0.1:$GLOBAL_KDS_PORT" \
    -Dursa.zone.kds.ca-file="$logs/kds-ca.pem" \
    -Dursa.zone.token-file="$logs/zone-$z.token" -Dursa.zone.data-dir="$logs/zone-$z-data" \
    "${loopback_admin[@]}" -Dursa.diagnostics.port="${zone_diag[z]}" \
    -Dursa.xds.allow-unregistered-clients=true \
    -jar zone-cp/target/quarkus-app/quarkus-run.jar
done
for z in 1 2; do await "zone-$z" "zone-$z CP on :${zone_http[z]} (synced with the global)" ready "${zone_http[z]}"; done

# The demo services live in mesh `default`, with mTLS on: the global generates the mesh's CA (builtin backend ca-1),
# KDS carries mesh and CA to both zones, and every call between the demo's proxyless workloads is mutual TLS.
curl -sf -XPUT "$global/meshes/default" -H 'content-type: application/yaml' --data-binary $'type: Mesh\nname: default
mtls:\n  enabledBackend: ca-1\n  backends:\n    - name: ca-1\n      type: builtin' >/dev/null
for z in 1 2; do
  await "zone-$z" "mesh default at zone-$z" curl -sf --max-time 2 "http://127.0.0.1:${zone_http[z]}/meshes/default"
done

# xDS clients present tokens (docs/security.md), minted through each zone CP's loopback admin API and passed as files
# readable by this user only, never on a command line: a zone token with scope ingress per ingress gateway, and a
# dataplane token of mesh default for bin/demo-client.sh (a proxyless client without a Dataplane: the zones above let
# such clients in with ursa.xds.allow-unregistered-clients=true, still only with a token of the mesh).
mint() { # zone-http-port path json file
  (umask 077; curl -sf -XPOST "http://127.0.0.1:$1$2" -H 'content-type: application/json' -d "$3" > "$4")
}
for z in 1 2; do
  mint "${zone_http[z]}" /tokens/zone '{"scope":["ingress"],"validFor":"24h"}' "$logs/ingress-$z.token"
  mint "${zone_http[z]}" /tokens/dataplane '{"mesh":"default","validFor":"24h"}' "$logs/demo-client.${zone_xds[z]}.token"
done

# One ingress per zone (docs/cross-zone.md): the other zone's clients reach this zone's services through it.
for z in 1 2; do
  launch "ingress-$z" -Dquarkus.http.port="${ingress_http[z]}" -Dursa.ingress.name="ingress-$z" \
    -Dursa.ingress.token-file="$logs/ingress-$z.token" \
    -Dursa.ingress.zone-cp-address="grpc://127.0.0.1:${zone_xds[z]}" -Dursa.ingress.port="${ingress_port[z]}" \
    -Dursa.ingress.advertised-address=127.0.0.1 -Dursa.ingress.advertised-port="${ingress_port[z]}" \
    -jar ingress-gateway/target/quarkus-app/quarkus-run.jar
done
for z in 1 2; do await "ingress-$z" "ingress-$z on :${ingress_port[z]} (routing table received)" ready "${ingress_http[z]}"; done

# Demo gRPC services (demo-services/): per zone one process serving its services as proxyless xDS servers
# (XdsServerBuilder), and next to it ursa-agent (dataplane-agent/): it registers the process's Dataplane (one inbound
# per service) through the xDS bootstrap it writes, generates the workload's key, has it signed by the zone CP with a
# dataplane token of that Dataplane only, and keeps the certificate files fresh (docs/agent.md).
demo_ports=("" "echo=$DEMO1_ECHO_PORT" "hello=$DEMO2_HELLO_PORT,echo=$DEMO2_ECHO_PORT")
agent_health=("" "$AGENT1_HEALTH_PORT" "$AGENT2_HEALTH_PORT")
demo_dataplane() { # zone service=port,...
  local z=$1 entry
  printf 'type: Dataplane\nmesh: default\nname: demo-zone-%s\nnetworking:\n  address: 127.0.0.1\n  inbound:\n' "$z"
  for entry in ${2//,/ }; do
    printf '    - port: %s\n      tags: {kuma.io/service: %s, kuma.io/protocol: grpc, instance: %s-zone-%s}\n' \
      "${entry#*=}" "${entry%%=*}" "${entry%%=*}" "$z"
  done
}
for z in 1 2; do
  demo_dataplane "$z" "${demo_ports[z]}" > "$logs/demo-$z.dataplane.yaml"
  mint "${zone_http[z]}" /tokens/dataplane "{\"mesh\":\"default\",\"name\":\"demo-zone-$z\",\"validFor\":\"24h\"}" "$logs/demo-$z.dataplane.token"
  rm -rf "$logs/agent-$z"
  launch "agent-$z" -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$AGENT_JAR" run --cp "127.0.0.1:${zone_xds[z]}" \
    --token-file "$logs/demo-$z.dataplane.token" --node-id "default.demo-zone-$z" --dataplane-file "$logs/demo-$z.dataplane.yaml" \
    --dir "$logs/agent-$z" --health "127.0.0.1:${agent_health[z]}"
done
for z in 1 2; do
  await "agent-$z" "ursa-agent of zone-$z's demo (certificate of the mesh CA)" curl -sf --max-time 2 "http://127.0.0.1:${agent_health[z]}/health"
done
for z in 1 2; do
  launch "demo-$z" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${quiet_unsafe[@]}" \
    -Dio.grpc.xds.bootstrap="$logs/agent-$z/bootstrap.json" -jar "$DEMO_JAR" serve --zone "zone-$z" --xds-ports "${demo_ports[z]}"
done
for z in 1 2; do await "demo-$z" "demo services of zone-$z (${demo_ports[z]//,/ })" grep -q "ready" "$logs/demo-$z.log"; done
await zone-1 "zone-1 to see hello and echo offered by zone-2's ingress" \
  eval 'zone_offers "$ZONE1_HTTP_PORT" zone-2 hello && zone_offers "$ZONE1_HTTP_PORT" zone-2 echo'
await zone-2 "zone-2 to see echo offered by zone-1's ingress" zone_offers "$ZONE2_HTTP_PORT" zone-1 echo

cat <<MSG

Ursa is running (in-memory store; nothing is kept after Ctrl-C).
  global CP admin API : $global/        (OpenAPI: /q/openapi, metrics: /q/metrics, KDS over TLS on :$GLOBAL_KDS_PORT)
  admin access        : loopback only, as admin without a token (docs/security.md: user tokens for remote callers)
  diagnostics         : health + metrics on :$GLOBAL_DIAGNOSTICS_PORT (global), :$ZONE1_DIAGNOSTICS_PORT, :$ZONE2_DIAGNOSTICS_PORT (zones)
  zone-1 CP admin API : http://127.0.0.1:$ZONE1_HTTP_PORT/        (xDS on :$ZONE1_XDS_PORT, ingress :$INGRESS1_PORT, ingress metrics :$INGRESS1_HTTP_PORT)
  zone-2 CP admin API : http://127.0.0.1:$ZONE2_HTTP_PORT/        (xDS on :$ZONE2_XDS_PORT, ingress :$INGRESS2_PORT, ingress metrics :$INGRESS2_HTTP_PORT)
  demo services       : echo in zone-1 and zone-2, hello in zone-2 only (mesh default, mTLS on: builtin CA ca-1)
  ursa-agent          : http://127.0.0.1:$AGENT1_HEALTH_PORT/health, http://127.0.0.1:$AGENT2_HEALTH_PORT/health (the demo workloads' certificates)
  logs                : $logs/*.log
  zone tokens         : $logs/zone-1.token, $logs/zone-2.token (the credentials the zones dial the global with)
  KDS CA              : $logs/kds-ca.pem (GET /kds/ca.pem on the global; the zones verify the global with it)
  ingress tokens      : $logs/ingress-1.token, $logs/ingress-2.token (zone tokens with scope ingress, by each zone CP)
  dataplane tokens    : $logs/demo-client.<xds-port>.token (what bin/demo-client.sh presents to that zone's xDS port)

Try:
  bin/demo-client.sh --xds 127.0.0.1:$ZONE1_XDS_PORT hello   # a zone-1 client; hello runs only in zone-2: through zone-2's ingress, mTLS end to end
  bin/demo-client.sh --xds 127.0.0.1:$ZONE1_XDS_PORT echo    # echo runs in both zones: zone-1 answers (local first)
  curl -s http://127.0.0.1:$ZONE1_HTTP_PORT/zoneingresses    # what zone-1 knows of the services other zones offer
  curl -s $global/meshes/default/dataplanes   # every zone's Dataplanes, at the global as <zone>.<name>
  curl -s $global/zone-insights
  curl -s http://127.0.0.1:$INGRESS2_HTTP_PORT/q/metrics | grep ursa_ingress_connections_total
Then apply a policy on the global, e.g. a MeshTrafficPermission that denies demo-client: docs/quickstart.md.

Press Ctrl-C to stop. If any process dies, the others are stopped too.
MSG

# Until Ctrl-C (the traps): block until a started process exits (wait -n, bash 4.3+; older bash polls each second),
# then say which one and stop the rest.
while ! find_dead; do
  if (( BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 403 )); then wait -n 2>/dev/null || true; else sleep 1; fi
done
died "$dead"
