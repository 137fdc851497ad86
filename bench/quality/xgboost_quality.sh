#!/usr/bin/env bash
# Quality of hone's tree models (xgboost, gradient_boosting, lightgbm,
# random_forest, decision_tree, all on XGBoost) next to their Python peers on
# scikit-learn's bundled datasets and generated data: same split, default settings.
# Prints a table: test accuracy (classifiers) or RMSE (regressors), both fit times.
#
#   bench/quality/xgboost_quality.sh [BUILD_DIR]   (default: build)
#
# Needs the hone_models library built in BUILD_DIR and Debian's python3-sklearn and
# python3-xgboost (scripts/install-deps.sh --bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cmake --build "$build" --target hone_models >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
c++ -std=c++20 -O2 -Wall -Wextra -I"$root/src" -isystem /usr/include/eigen3 \
  "$root/bench/quality/xgboost_quality.cpp" -o "$out/xgboost_quality" \
  "$build/src/models/libhone_models.a" "$build/src/data/libhone_data.a" "$build/src/common/libhone_common.a" \
  -lxgboost -llinear -lsvm -pthread
/usr/bin/python3 "$root/bench/quality/xgboost_quality.py" "$out/xgboost_quality"
