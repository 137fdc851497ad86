#!/usr/bin/env bash
# One-row prediction latency in-process (goal: under 50 us), Google Benchmark,
# median of REPS repetitions (default 5).
#   bench/predict/run.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
cmake --build "$build" --target predict_bench >/dev/null
"$build/bench/predict_bench" --benchmark_repetitions="${REPS:-5}" --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2 | grep -E "Benchmark|----|_median"
