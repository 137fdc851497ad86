#!/usr/bin/env bash
# The same model predicting in hone and in ONNX Runtime (onnxruntime-node, the
# export's peer): bench/predict/job.n3's random forest, boosted trees and
# logistic regression on the churn example, each trained and registered by
# hone, exported with `hone export --format onnx`, then timed in-process on
# each side on one row and on 1,000 rows (median of REPS calls; the batch
# REPS / 20). The ratio is ONNX Runtime's time over hone's: above 1, hone is faster.
#   bench/export/run.sh [BUILD_DIR]     (REPS=2000, ROWS=1000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
bench_paths export/run.sh "${1:-}"
bench_hone
ort="$root/tests/export/onnxruntime"
[[ -d "$ort/node_modules/onnxruntime-node" ]] ||
  { echo "export/run.sh: no onnxruntime-node in $ort; run scripts/install-deps.sh" >&2; exit 2; }
cmake --build "$build" --target export_latency >&2
reps=${REPS:-2000}
rows=${ROWS:-1000}
csv="$root/examples/churn/customers.csv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HONE_STORE="$work/hone.db" HONE_MODEL_ROOT="$work/models"

echo "| model | rows | hone_us | onnxruntime_us | ratio |"
echo "| --- | --- | --- | --- | --- |"
for job in random_forest xgboost logistic_regression; do
  key=$("$hone" train --json -q "$root/bench/predict/job.n3" "$job" |
        /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["registry_key"])')
  "$hone" export "$key" --format onnx --output "$work/$job.onnx" > /dev/null
  ours=$("$build/bench/export_latency" "$HONE_STORE" "$key" "$csv" "$rows" "$reps")
  theirs=$(node "$here/ort_latency.js" "$ort" "$work/$job.onnx" "$csv" "$rows" "$reps")
  /usr/bin/python3 - "$job" "$ours" "$theirs" <<'PY'
import json, sys
job, ours, theirs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for field, rows in (("one_row_us", 1), ("batch_us", ours["batch_rows"])):
    print(f"| {job} | {rows} | {ours[field]:.1f} | {theirs[field]:.1f} | {theirs[field] / ours[field]:.2f}x |")
PY
done
