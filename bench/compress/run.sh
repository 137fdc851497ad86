#!/usr/bin/env bash
# Compression (the training-service API's POST /api/training/models/{id}/compress) measured: a
# logistic regression on a wide table (ROWS x FEATURES word-count-like features,
# CLASSES classes) is trained, then quantized to int8 and to float16; each row
# shows the model files' bytes before and after and both versions' metrics on the
# job's held-out test rows. scikit-learn has no quantization to compare with.
#   bench/compress/run.sh [BUILD_DIR] [ROWS] [FEATURES] [CLASSES]
#   (defaults: build, 20000, 2000, 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rows=${2:-20000} features=${3:-2000} classes=${4:-5}
hone=$(cd "$build" && pwd)/hone
py=/usr/bin/python3
mkdir -p "$here/out"
echo "writing $rows x $features rows, $classes classes" >&2
$py "$here/make_data.py" "$here/out/wide.csv" "$rows" "$features" "$classes"
export HONE_HOME="$here/out/hone"
rm -rf "$HONE_HOME"
key=$("$hone" train "$here/job.n3" wide_logistic --json -q | $py -c 'import json,sys; print(json.load(sys.stdin)["registry_key"])')
printf '%-9s %8s %12s %11s %7s %10s %10s %10s %10s %10s\n' precision weights bytes_before bytes_after ratio acc_before \
  acc_after logloss_bef logloss_aft unchanged
for precision in int8 float16; do
  "$hone" models compress "$key" --precision "$precision" --job "$here/job.n3" --json | $py -c '
import json, sys
r = json.load(sys.stdin)
e = r["evaluation"]
b, a = e["metrics_before"], e["metrics_after"]
print("%-9s %8d %12d %11d %6.3fx %10.4f %10.4f %10.4f %10.4f %9.2f%%" % (r["precision"], r["weights"],
      r["model_bytes"]["before"], r["model_bytes"]["after"], r["size_ratio"], b["accuracy"], a["accuracy"],
      b["log_loss"], a["log_loss"], 100 * e["unchanged_predictions"]))'
done
