#!/usr/bin/env bash
# Epoch time of the same MLP in hone and in PyTorch from Python, side by side:
# the same 160,000 x 40 training rows, layers, batch size, optimizer and threads.
# Each side trains EPOCHS epochs per batch size; the table shows the median epoch
# time of epochs 2.. (the first warms up), the ratio, and both final training
# losses.
#   bench/neural/run.sh [BUILD_DIR] [ROWS]    (defaults: build, 200000;
#   EPOCHS=4, THREADS=2, BATCHES="32 256 2048")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rows=${2:-200000}
epochs=${EPOCHS:-4}
threads=${THREADS:-2}
hone=$(cd "$build" && pwd)/hone
py=/usr/bin/python3
data="$here/../train/out/bench.csv"
mkdir -p "$(dirname "$data")"
if [[ ! -f "$data" || $(($(wc -l < "$data") - 1)) -ne $rows ]]; then
  echo "writing $rows x 40 rows to $data" >&2
  $py "$here/../train/make_data.py" "$data" "$rows"
fi
export HONE_HOME="$here/out/hone"
mkdir -p "$here/out"

median_after_first='import json,sys,statistics; s=json.load(sys.stdin); print(statistics.median(s[1:] if len(s) > 1 else s))'

printf '%-6s %12s %12s %8s %12s %12s\n' batch hone_epoch_s torch_epoch_s speedup hone_loss torch_loss
for batch in ${BATCHES:-32 256 2048}; do
  result=$("$hone" train "$here/job.n3" mlp --json -q --threads "$threads" --no-register \
    --set hyperparameters.batch_size="$batch" --set hyperparameters.max_iter="$epochs")
  h=$(echo "$result" | $py -c 'import json,sys; print(json.dumps([e["epoch_seconds"] for e in json.load(sys.stdin)["history"]]))' | $py -c "$median_after_first")
  hl=$(echo "$result" | $py -c 'import json,sys; print(round(json.load(sys.stdin)["history"][-1]["metrics"]["train_loss"], 4))')
  peer=$($py "$here/torch_peer.py" "$data" "$batch" "$epochs" "$threads" 100)
  p=$(echo "$peer" | $py -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["epoch_seconds"]))' | $py -c "$median_after_first")
  pl=$(echo "$peer" | $py -c 'import json,sys; print(round(json.load(sys.stdin)["train_loss"][-1], 4))')
  printf '%-6s %12.3f %12.3f %7.2fx %12s %12s\n' "$batch" "$h" "$p" "$(echo "$p / $h" | bc -l)" "$hl" "$pl"
done
