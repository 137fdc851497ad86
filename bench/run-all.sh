#!/usr/bin/env bash
# Every benchmark under bench/, one after the other (what `make bench` runs):
# csv, quality, train, predict, tune (when it exists), serve, then any other
# bench/*/run.sh.
# Each gets a header; a failing benchmark is reported and the rest still run; the
# exit status is non-zero when any failed. Takes a long while: run one benchmark's
# run.sh directly to see just that one.
#
#   bench/run-all.sh [BUILD_DIR]     (default: build)
#
# Each benchmark's own variables (ROWS, RUNS, SPLITS, REPS, ...) pass through.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_arg=${1:-$root/build}
build=$(cd "$build_arg" 2>/dev/null && pwd) ||
  { echo "run-all.sh: no build directory $build_arg; run 'make build' first" >&2; exit 2; }

order=(csv quality train predict tune serve)
benches=()
for name in "${order[@]}"; do
  [[ -f "$root/bench/$name/run.sh" ]] && benches+=("$name")
done
for script in "$root"/bench/*/run.sh; do
  name=$(basename "$(dirname "$script")")
  [[ " ${order[*]} " == *" $name "* ]] || benches+=("$name")
done

results=()
failed=0
for i in "${!benches[@]}"; do
  name=${benches[$i]}
  printf '\n==== bench/%s/run.sh (%d of %d) ====\n\n' "$name" $((i + 1)) ${#benches[@]}
  start=$SECONDS
  bash "$root/bench/$name/run.sh" "$build"
  rc=$?
  took=$((SECONDS - start))
  if ((rc == 0)); then
    results+=("$(printf '  %-10s ok      %5ds' "$name" "$took")")
  else
    failed=1
    results+=("$(printf '  %-10s FAILED  %5ds  (exit %d)' "$name" "$took" "$rc")")
    printf '\n==== bench/%s/run.sh failed (exit %d); going on ====\n' "$name" "$rc"
  fi
done

printf '\n==== summary ====\n'
printf '%s\n' "${results[@]}"
exit "$failed"
