#!/usr/bin/env bash
# Quality of hone's linear and kernel models (logistic_regression, linear_svc, svc,
# linear_regression, ridge, svr, linear_svr) next to scikit-learn's on its bundled
# datasets, same split and scaling, default settings. Prints a table.
#
#   bench/quality/linear_quality.sh [BUILD_DIR]   (default: build)
#
# Needs the hone_models library built in BUILD_DIR and Debian's python3-sklearn
# (scripts/install-deps.sh --bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cmake --build "$build" --target hone_models >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
c++ -std=c++20 -O2 -Wall -Wextra -I"$root/src" -isystem /usr/include/eigen3 \
  "$root/bench/quality/linear_quality.cpp" -o "$out/linear_quality" \
  "$build/src/models/libhone_models.a" "$build/src/data/libhone_data.a" "$build/src/common/libhone_common.a" \
  -lxgboost -llinear -lsvm -pthread
/usr/bin/python3 "$root/bench/quality/linear_quality.py" "$out/linear_quality"
