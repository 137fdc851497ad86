#!/usr/bin/env bash
# Quality of every hone algorithm next to its Python peer (scikit-learn, XGBoost) on
# scikit-learn's bundled datasets and generated data: the same SPLITS splits for both
# sides, default settings. Prints one table (mean test accuracy or RMSE of each side,
# the difference, a verdict against the 1-point / 5% rule, log loss, median fit
# times) and a summary line per algorithm. See quality.py for the details.
#
#   bench/quality/run.sh [BUILD_DIR] [ALGORITHM...]    (default: build, every algorithm)
#   SPLITS=5 FITS=1 THREADS=0 STRICT=0       (THREADS=N: N threads a side, 0 = all cores;
#                                             STRICT=1: exit 1 when a row is over)
#
# Needs the hone_models library, built here in BUILD_DIR, and Debian's python3-sklearn
# and python3-xgboost under /usr/bin/python3 (scripts/install-deps.sh --bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_arg=$root/build
if [[ $# -gt 0 && -d "$1" ]]; then build_arg=$1; shift; fi
build=$(cd "$build_arg" 2>/dev/null && pwd) ||
  { echo "run.sh: no build directory $build_arg; run 'make build' first" >&2; exit 2; }
py=/usr/bin/python3
"$py" -c 'import sklearn, xgboost' 2>/dev/null ||
  { echo "run.sh: $py lacks scikit-learn or xgboost; install them with scripts/install-deps.sh --bench" >&2; exit 2; }

cmake --build "$build" --target hone_models >/dev/null
out="$build/bench-quality"
mkdir -p "$out"
libs=("$build/src/models/libhone_models.a" "$build/src/data/libhone_data.a" "$build/src/lang/libhone_lang.a"
      "$build/src/common/libhone_common.a")
driver="$out/quality_driver"
src="$root/bench/quality/quality_driver.cpp"
stale=0
[[ -x "$driver" ]] || stale=1
for dep in "$src" "${libs[@]}"; do [[ "$dep" -nt "$driver" ]] && stale=1; done
if ((stale)); then
  "${CXX:-c++}" -std=c++20 -O2 -Wall -Wextra -I"$root/src" -isystem /usr/include/eigen3 "$src" -o "$driver" \
    "${libs[@]}" -lxgboost -llinear -lsvm -pthread
fi
if [[ "${THREADS:-0}" -gt 0 ]]; then export OMP_NUM_THREADS=$THREADS; fi
exec "$py" "$root/bench/quality/quality.py" "$driver" "$@"
