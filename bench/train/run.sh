#!/usr/bin/env bash
# Training speed and quality, hone vs its Python peer, side by side in one run:
# each job end to end (CSV -> split -> fit -> test metrics; hone also registers the
# model), median wall time of RUNS runs each, and the ratio.
#   bench/train/run.sh [BUILD_DIR] [ROWS]     (defaults: build, 200000; RUNS=3;
#   JOBS="xgboost" runs a subset)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rows=${2:-200000}
runs=${RUNS:-3}
hone=$(cd "$build" && pwd)/hone
py=/usr/bin/python3
mkdir -p "$here/out"
data="$here/out/bench.csv"
if [[ ! -f "$data" || $(($(wc -l < "$data") - 1)) -ne $rows ]]; then
  echo "writing $rows x 40 rows to $data" >&2
  $py "$here/make_data.py" "$data" "$rows"
fi
export HONE_HOME="$here/out/hone"

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

printf '%-20s %10s %10s %8s %10s %10s %10s %10s\n' job hone_s peer_s speedup hone_acc peer_acc hone_auc peer_auc
for job in ${JOBS:-random_forest xgboost logistic_regression}; do
  hone_times=() peer_times=()
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s.%N)
    result=$("$hone" train "$here/job.n3" "$job" --json -q)
    end=$(date +%s.%N)
    hone_times+=("$(echo "$end - $start" | bc)")
    peer=$($py "$here/peer.py" "$data" "$job")
    peer_times+=("$(echo "$peer" | $py -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')")
  done
  h=$(printf '%s\n' "${hone_times[@]}" | median)
  p=$(printf '%s\n' "${peer_times[@]}" | median)
  read -r hacc hauc < <(echo "$result" | $py -c 'import json,sys; m=json.load(sys.stdin)["metrics"]; print(round(m["accuracy"],4), round(m["auc"],4))')
  read -r pacc pauc < <(echo "$peer" | $py -c 'import json,sys; m=json.load(sys.stdin); print(round(m["accuracy"],4), round(m["auc"],4))')
  printf '%-20s %10.2f %10.2f %7.2fx %10s %10s %10s %10s\n' "$job" "$h" "$p" "$(echo "$p / $h" | bc -l)" "$hacc" "$pacc" "$hauc" "$pauc"
done
