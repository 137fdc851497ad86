#!/usr/bin/env bash
# NeuMF in hone and in PyTorch from Python, side by side: the same generated
# interactions (Zipf item popularity), the same leave-one-out split and 99
# evaluation negatives per user (ncf_driver writes them for the peer), the same
# network, optimizer, batch size, epochs and threads. Prints each side's median
# epoch time, the ratio, HR@10 and NDCG@10 of both and of the popularity
# baseline.
#   bench/recsys/run.sh [BUILD_DIR]    (EPOCHS=3, BATCH=256, THREADS=1,
#   SIZES="5000:2000:0.01 20000:5000:0.01" as users:items:density, SKEW=1.0)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
epochs=${EPOCHS:-3}
batch=${BATCH:-256}
threads=${THREADS:-1}
py=/usr/bin/python3
cmake --build "$build" --target ncf_driver >/dev/null

median='import json,sys,statistics; print(statistics.median(json.load(sys.stdin)["epoch_seconds"]))'
field() { $py -c "import json,sys; d=json.load(sys.stdin); print(round(d$1, 4))"; }

printf '%-13s %8s %8s %8s %9s %9s %10s %10s %8s %8s\n' interactions hone_s torch_s speedup \
  hone_hr torch_hr hone_ndcg torch_ndcg pop_hr pop_ndcg
for size in ${SIZES:-5000:2000:0.01 20000:5000:0.01}; do
  IFS=: read -r users items density <<<"$size"
  dir="$here/out/$users-$items"
  hone=$("$build/bench/ncf_driver" "$dir" "$users" "$items" "$density" "${SKEW:-1.0}" "$epochs" "$batch" "$threads")
  peer=$($py "$here/torch_ncf.py" "$dir" "$epochs" "$batch" "$threads")
  h=$(echo "$hone" | $py -c "$median")
  p=$(echo "$peer" | $py -c "$median")
  printf '%-13s %8.2f %8.2f %7.2fx %9s %9s %10s %10s %8s %8s\n' \
    "$(echo "$hone" | field '["stats"]["interactions"]')" "$h" "$p" "$(echo "$p / $h" | bc -l)" \
    "$(echo "$hone" | field '["ncf"]["hr@10"]')" "$(echo "$peer" | field '["ncf"]["hr@10"]')" \
    "$(echo "$hone" | field '["ncf"]["ndcg@10"]')" "$(echo "$peer" | field '["ncf"]["ndcg@10"]')" \
    "$(echo "$hone" | field '["popularity"]["hr@10"]')" "$(echo "$hone" | field '["popularity"]["ndcg@10"]')"
done
