#!/usr/bin/env bash
# A real tuning task, hone vs Optuna 3.1 side by side: XGBoost on the same rows,
# the same 5-dimensional space, minimising validation log loss.
#   bench/tune/study_bench.sh [BUILD_DIR]     SEEDS=20 TRIALS=100 RUNS=3
#  1. Search quality on scikit-learn's breast_cancer: the best value after 50 and
#     TRIALS trials, mean and std over SEEDS study seeds, TPE vs TPE and random vs
#     random, one trial at a time.
#  2. Wall time of one 40-trial TPE study on 20,000 generated rows with two trials
#     at a time (hone parallel_trials: 2, Optuna n_jobs=2; one XGBoost thread per
#     trial on both sides), whole process, median of RUNS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
hone="$build/hone"
py=/usr/bin/python3
seeds=${SEEDS:-20}
trials=${TRIALS:-100}
runs=${RUNS:-3}
out="$build/bench-tune"
mkdir -p "$out"
export HONE_HOME="$out/hone"
[ -s "$out/generated.csv" ] || "$py" "$here/make_study_data.py" "$out"

write_job() {  # CSV N_ESTIMATORS -> job file path
  local job="$out/$(basename "$1" .csv).n3"
  cat > "$job" <<N3
dataset "d":
    source: csv
    path: $1
model "m":
    type: classifier
    algorithm: xgboost
    hyperparameters:
        n_estimators: $2
training "t":
    model: m
    dataset: d
    target: label
    objective: minimize_log_loss
    metrics: [log_loss]
    split:
        train: 0.75
        validation: 0.25
        test: 0.0
        shuffle: false
        stratify: false
tuning "study":
    training_job: t
    strategy: bayesian
    objective_metric: log_loss
    max_trials: $trials
    search_space:
        max_depth:
            type: int
            min: 2
            max: 10
        learning_rate:
            type: float
            min: 0.005
            max: 0.5
            log: true
        subsample:
            type: float
            min: 0.5
            max: 1.0
        colsample_bytree:
            type: float
            min: 0.5
            max: 1.0
        min_child_weight:
            type: float
            min: 0.1
            max: 20.0
            log: true
N3
  echo "$job"
}

rows() { echo $(( $(wc -l < "$1") - 1 )); }
valid_rows() { "$py" -c "print(int($(rows "$1") * 0.25 + 0.5))"; }

# 1. search quality
bc_job=$(write_job breast_cancer.csv 50)
bc_valid=$(valid_rows "$out/breast_cancer.csv")
: > "$out/quality.jsonl"
for strategy in bayesian random; do
  peer=$([ $strategy = bayesian ] && echo tpe || echo random)
  for ((s = 0; s < seeds; s++)); do
    h=$("$hone" tune "$bc_job" study -q --json --threads 1 --set strategy=$strategy --set seed=$s \
        --set max_trials=$trials --no-register 2>/dev/null || true)
    echo "$h" | "$py" -c "import json,sys; r=json.load(sys.stdin); print(json.dumps({'side':'hone','strategy':'$strategy','seed':$s,'values':[t['value'] for t in r['trials']]}))" >> "$out/quality.jsonl"
    p=$("$py" "$here/study_peer.py" "$out/breast_cancer.csv" "$bc_valid" $peer $s "$trials" 1 50)
    echo "$p" | "$py" -c "import json,sys; r=json.load(sys.stdin); print(json.dumps({'side':'optuna','strategy':'$strategy','seed':$s,'values':r['values']}))" >> "$out/quality.jsonl"
    printf '.' >&2
  done
done
echo >&2
"$py" - "$out/quality.jsonl" "$trials" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
trials = int(sys.argv[2])
print(f"\n1. Search quality: XGBoost on breast_cancer, best validation log loss (lower is better), {len(rows)//4} seeds")
print(f"{'sampler':10} {'after':>6} {'hone mean':>10} {'hone std':>9} {'optuna mean':>12} {'optuna std':>11}  verdict")
for strategy in ("bayesian", "random"):
    for n in (50, trials):
        cols = {}
        for side in ("hone", "optuna"):
            bests = [min(v for v in r["values"][:n] if v is not None) for r in rows
                     if r["side"] == side and r["strategy"] == strategy]
            cols[side] = (statistics.mean(bests), statistics.pstdev(bests))
        verdict = "hone as good or better" if cols["hone"][0] <= cols["optuna"][0] else "optuna better"
        name = "TPE" if strategy == "bayesian" else "random"
        print(f"{name:10} {n:6d} {cols['hone'][0]:10.5f} {cols['hone'][1]:9.5f} {cols['optuna'][0]:12.5f} {cols['optuna'][1]:11.5f}  {verdict}")
PY

# 2. wall time, two trials at a time
gen_job=$(write_job generated.csv 100)
gen_valid=$(valid_rows "$out/generated.csv")
hone_times=() peer_times=() peer_study=()
for ((i = 0; i < runs; i++)); do
  start=$(date +%s.%N)
  "$hone" tune "$gen_job" study -q --threads 2 --set parallel_trials=2 --set max_trials=40 --set seed=$i --no-register >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  hone_times+=("$(echo "$end - $start" | bc)")
  p=$("$py" "$here/study_peer.py" "$out/generated.csv" "$gen_valid" tpe $i 40 2 100)
  peer_times+=("$(echo "$p" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["process_s"])')")
  peer_study+=("$(echo "$p" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["study_s"])')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
h=$(median "${hone_times[@]}"); p=$(median "${peer_times[@]}"); ps=$(median "${peer_study[@]}")
echo
echo "2. Wall time: 40-trial TPE study, XGBoost 100 rounds on 20,000 x 20 rows, two trials at a time, median of $runs"
printf '%-34s %8.2f s\n' "hone tune (whole process)" "$h"
printf '%-34s %8.2f s\n' "Optuna n_jobs=2 (whole process)" "$p"
printf '%-34s %8.2f s\n' "Optuna n_jobs=2 (study alone)" "$ps"
printf 'hone is %.2fx faster (whole process), %.2fx against the study alone\n' "$(echo "$p / $h" | bc -l)" "$(echo "$ps / $h" | bc -l)"
