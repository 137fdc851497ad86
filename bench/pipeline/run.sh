#!/usr/bin/env bash
# A five-stage pipeline over a 1,000,000-row CSV, run three times on a fresh
# store: first (everything runs), again with nothing changed (every stage from
# the cache), and after one training block changed (only its branch reruns).
# Prints a Markdown table: each run's wall time, its share of the first run's,
# and which stages ran.
#   bench/pipeline/run.sh [BUILD_DIR]   ROWS=1000000 to change the table's size
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_paths bench/pipeline/run.sh "${1:-}"
bench_hone
rows=${ROWS:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/hone-bench-pipeline.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HONE_HOME="$work/home"

# Customers: five numeric columns, a plan, and churn from a noisy rule.
/usr/bin/python3 - "$rows" "$work/customers.csv" <<'PY'
import sys, numpy as np
n, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(11)
x = rng.normal(size=(n, 5))
plan = rng.choice(np.array(["basic", "plus", "pro"]), size=n)
churn = (x[:, 0] - 0.7 * x[:, 1] + 0.3 * x[:, 2] * x[:, 3] + 0.5 * rng.normal(size=n)) > 0
with open(path, "w") as out:
    out.write("tenure,monthly_spend,support_calls,usage,age,plan,churned\n")
    for i in range(n):
        out.write("%.5f,%.5f,%.5f,%.5f,%.5f,%s,%s\n" % (*x[i], plan[i], "true" if churn[i] else "false"))
PY

job() {  # $1: the challenger's max_depth
cat > "$work/job.n3" <<N3
dataset "customers":
    source: csv
    path: customers.csv
model "baseline_model":
    type: classifier
    algorithm: xgboost
    hyperparameters: {n_estimators: 100, max_depth: 6, tree_method: hist}
model "challenger_model":
    type: classifier
    algorithm: xgboost
    hyperparameters: {n_estimators: 100, max_depth: $1, tree_method: hist}
training "baseline":
    model: baseline_model
    dataset: customers
    target: churned
    objective: maximize_accuracy
training "challenger":
    model: challenger_model
    dataset: customers
    target: churned
    objective: maximize_accuracy
pipeline "bench":
    stages:
        prep: {type: data_preparation, dataset: customers}
        train_baseline: {type: model_training, training: baseline, dependencies: [prep]}
        gate_baseline: {type: model_validation, dependencies: [train_baseline], min: {accuracy: 0.6}}
        train_challenger: {type: model_training, training: challenger, dependencies: [prep]}
        gate_challenger: {type: model_validation, dependencies: [train_challenger], min: {accuracy: 0.6}}
N3
}

run() {  # prints: wall milliseconds, then the stages that ran (not cached)
  local start end
  start=$(date +%s%N)
  "$hone" pipeline run "$work/job.n3" bench --json -q > "$work/out.json" ||
    { echo "bench/pipeline/run.sh: the pipeline failed:" >&2; cat "$work/out.json" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(s["id"] for s in d["stages"] if not s["cached"]) or "none")' "$work/out.json"
}

job 6
first=($(run))
second=($(run))
job 8
third=($(run))
row() {  # label, milliseconds, stages
  printf '| %s | %d.%03d | %d.%d%% | %s |\n' "$1" $(($2 / 1000)) $(($2 % 1000)) \
    $((1000 * $2 / first[0] / 10)) $((1000 * $2 / first[0] % 10)) "$3"
}
echo "| run | wall_s | share_of_first | stages_run |"
echo "| --- | --- | --- | --- |"
row "first ($rows rows)" "${first[0]}" "${first[1]}"
row "again, nothing changed" "${second[0]}" "${second[1]}"
row "challenger max_depth 6 -> 8" "${third[0]}" "${third[1]}"
