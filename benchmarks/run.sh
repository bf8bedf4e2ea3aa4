#!/usr/bin/env bash
# Runs the benchmark suite against a redis-server of its own (a free loopback port, never 6379):
# redis-server from CACHE_TEST_REDIS_SERVER or PATH, else the binary shipped by embedded-redis.
#
#   benchmarks/run.sh [--quick] [more BenchmarkMain options, e.g. --include 'LockBenchmark.*' --prof-gc]
#
# --quick: 17 to 18 minutes on 2 cores (since the longer 8-thread warm-up and the async, reactive
# and Mono rows; 12 to 14 before), near-cache benchmarks and CoherenceLagHarness included
# (--no-coherence skips the harness). Without options: the full run of the README (51 to 53 min
# measured with the longer 8-thread warm-up, 56 to 57 since the async and reactive rows have it
# too), which also writes the chart docs/benchmarks.svg.
# Prints the raw scores, one "ratio <name> <value> ± <error>" line per comparison, the p99 GET
# latencies during pattern deletion and the target checks. Results, summary.md and the chart of
# every run: benchmarks/target/results (or --results DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

extra=()
if [[ $# -eq 0 ]]; then
	extra=(--svg docs/benchmarks.svg)
fi

./mvnw -q -B -pl benchmarks -am -DskipTests -Dspring-javaformat.skip=true -Dmaven.javadoc.skip=true package
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
exec java -Xms1g -Xmx1g ${JAVA_OPTS:-} -cp "$classpath" io.github.saasframework.cache.benchmarks.BenchmarkMain ${extra[@]+"${extra[@]}"} "$@"
