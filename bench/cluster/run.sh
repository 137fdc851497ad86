#!/usr/bin/env bash
# hone's clusterers next to scikit-learn's on the same rows: fit time (median of
# RUNS), peak memory, agreement of the labels (adjusted Rand) and k-means'
# inertia. See bench.py for the cases.
#   bench/cluster/run.sh [BUILD_DIR] [CASE...]   (cases: kmeans dbscan ward; RUNS=3, THREADS=2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
bench_paths cluster/run.sh "${1:-}"
shift || true
cmake --build "$build" --target cluster_driver >&2
/usr/bin/python3 "$here/bench.py" "$build/bench/cluster_driver" "$@"
