#!/usr/bin/env bash
# Builds the global-cp fast-jar and the benchmark runner, then runs the benchmarks against real processes.
# Arguments are passed to the runner, e.g.:  benchmarks/run.sh --stores=memory --resources=20000 --concurrency=16
# Set SKIP_BUILD=1 to reuse the last build. Figures: stdout, benchmarks/target/results/benchmarks-<timestamp>.json (the whole
# run, one file per run) and benchmarks/target/benchmarks/*.json (per suite, overwritten by the next run); see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "==> building global-cp and benchmarks (tests skipped)"
  ./mvnw -B -q -pl global-cp,benchmarks -am package -DskipTests
fi

exec "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar "$@"
