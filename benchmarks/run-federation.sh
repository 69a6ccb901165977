#!/usr/bin/env bash
# Builds the global-cp and zone-cp fast-jars and the benchmark runner, then runs the federation benchmark: a real global,
# Z zone CPs (processes) and N simulated ADS clients. Arguments go to the runner, e.g.:
#   benchmarks/run-federation.sh                      # 2 zones x 200 clients (default, < 5 min on 2 cores)
#   benchmarks/run-federation.sh --size=large         # 3 zones x 1000 clients
#   benchmarks/run-federation.sh --size=single        # 10 000 clients on one zone
#   benchmarks/run-federation.sh --zones=2 --clients=500 --changes=100 --batchWindows=20ms,0ms
# Set SKIP_BUILD=1 to reuse the last build. Figures: stdout, benchmarks/target/results/federation-<timestamp>.json (the
# whole run, one file per run) and benchmarks/target/benchmarks/federation-*.json (per figure, overwritten by the next run);
# see docs/benchmarks.md, "Federation".
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "==> building global-cp, zone-cp and benchmarks (tests skipped)"
  ./mvnw -B -q -pl global-cp,zone-cp,benchmarks -am package -DskipTests
fi

# The clients of the large sizes keep their streams' state in this JVM.
exec "$JAVA_HOME/bin/java" -Xmx${BENCH_XMX:-4g} -cp 'benchmarks/target/benchmarks.jar:benchmarks/target/lib/*' \
  dev.ursa.bench.FederationBenchmark "$@"
