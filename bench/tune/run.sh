#!/usr/bin/env bash
# Tuning samplers: hone vs Optuna 3.1, in one run. Prints two tables:
#  1. search quality: best value after 50 and 100 sequential trials, mean and std over
#     SEEDS seeds, hone TPE vs Optuna TPESampler(multivariate=True, constant_liar=True)
#     and hone random vs Optuna RandomSampler, on Branin (2-d), Hartmann-6 (6-d) and
#     mixed10 (8 floats, an int and a categorical; see tune_bench.cpp);
#  2. sampler cost: one TPE suggestion after 1,000 and 10,000 complete trials, medians;
# and a parity check: hone's TPE candidates at 36 points of 1,000-trial runs scored again
# by Optuna's own _ParzenEstimator (log l and log g must agree, and so the choice).
#
#   bench/tune/run.sh [BUILD_DIR]      (default: build)
#
# SEEDS=20 TRIALS=100 JOBS=2 (parallel quality runs) override the defaults. Needs Debian's
# python3-optuna under /usr/bin/python3 (scripts/install-deps.sh --bench). Takes about
# 5 minutes on 2 cores, nearly all of it Optuna's TPE; 20 seeds only tell apart
# differences of about two standard errors, SEEDS=80 (about 17 minutes) does better.
set -euo pipefail

source "$(dirname "$0")/../lib.sh"
bench_paths run.sh "${1:-}"
seeds=${SEEDS:-20}
trials=${TRIALS:-100}
jobs=${JOBS:-2}
py=/usr/bin/python3
cxx=${CXX:-c++}
out="$build/bench-tune"
rm -rf "$out"
mkdir -p "$out"

"$py" -c 'import optuna, sys; sys.exit(0 if optuna.__version__.startswith("3.1") else 1)' 2>/dev/null ||
  { echo "run.sh: $py has no Optuna 3.1; install python3-optuna with scripts/install-deps.sh --bench" >&2; exit 2; }

# The driver, against BUILD's static libraries.
if [ -f "$build/build.ninja" ] || [ -f "$build/Makefile" ]; then
  cmake --build "$build" --target hone_tune >/dev/null
fi
libs=("$build/src/tune/libhone_tune.a" "$build/src/lang/libhone_lang.a" "$build/src/common/libhone_common.a")
for lib in "${libs[@]}"; do
  [ -f "$lib" ] || { echo "run.sh: $lib is missing; build the project first" >&2; exit 2; }
done
driver="$out/tune_bench"
"$cxx" -std=c++20 -O2 -Wall -Wextra -I"$root/src" "$root/bench/tune/tune_bench.cpp" -o "$driver" "${libs[@]}" -lyaml-cpp -pthread
peer="$root/bench/tune/optuna_peer.py"

# 1. Quality: every (side, sampler, function) is one job; Optuna's TPE jobs first, as
#    they take longest.
echo "quality: $seeds seeds x $trials trials, $jobs at a time ..." >&2
{
  for f in mixed10 hartmann6 branin; do echo "optuna tpe $f"; done
  for f in mixed10 hartmann6 branin; do echo "optuna random $f"; done
  for s in tpe random; do for f in branin hartmann6 mixed10; do echo "hone $s $f"; done; done
} | while read -r who s f; do
  if [ "$who" = hone ]; then
    printf '%q quality %s %s %s %s > %q\n' "$driver" "$s" "$f" "$seeds" "$trials" "$out/hone_${s}_$f.jsonl"
  else
    printf '%q %q quality %s %s %s %s > %q\n' "$py" "$peer" "$s" "$f" "$seeds" "$trials" "$out/optuna_${s}_$f.jsonl"
  fi
done | xargs -P "$jobs" -I{} bash -c '{}'

# 2. Cost, one process at a time so that neither side competes with the other.
echo "cost ..." >&2
"$driver" cost 31 1000 10000 > "$out/hone_cost.jsonl"
"$py" "$peer" cost 5 1000 10000 > "$out/optuna_cost.jsonl"

# 3. Parity of the Parzen estimators.
echo "parity ..." >&2
for f in branin hartmann6 mixed10; do "$driver" parity "$f" 1001; done > "$out/parity.jsonl"
"$py" "$peer" parity "$out/parity.jsonl" > "$out/parity.txt"

echo
"$py" "$root/bench/tune/report.py" "$out" "$seeds" "$trials"
echo
echo "Parity: hone's TPE candidates scored by Optuna's _ParzenEstimator (details in $out/parity.txt)"
echo "  suggestions where Optuna would choose another candidate: $(grep -c 'same choice: NO' "$out/parity.txt" || true)"
tail -n 1 "$out/parity.txt" | sed 's/^/  /'
