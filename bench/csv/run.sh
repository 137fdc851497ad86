#!/usr/bin/env bash
# CSV reading: hone vs pandas on the same generated file, in one run.
#
#   bench/csv/run.sh [BUILD_DIR]        (default: build; ROWS=1000000 RUNS=5 THREADS=)
#
# Times, as the median of RUNS runs each (the two interleaved, so load on the
# machine hits both alike):
#   hone    `BUILD/hone data describe FILE --json` when the CLI has that command,
#           else bench/csv/csv_read_bench (read + a per-column summary), built here
#           against BUILD's static libraries. Whole-process wall time.
#   pandas  /usr/bin/python3 pandas read_csv, and read_csv + describe(include='all'),
#           timed inside the process (interpreter start and import not counted,
#           which favours pandas).
# and prints rows/s, the ratios, and peak RSS (/usr/bin/time %M) against the file size.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "run.sh: no build directory ${1:-$root/build}; run 'make build' first" >&2; exit 2; }
rows=${ROWS:-1000000}
runs=${RUNS:-5}
threads=${THREADS:-}
py=/usr/bin/python3
cxx=${CXX:-g++}
out="$build/bench-csv"
mkdir -p "$out"

"$py" -c 'import pandas' 2>/dev/null ||
  { echo "run.sh: $py has no pandas; install it with scripts/install-deps.sh --bench" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

# The input: ROWS x 20 mixed columns, generated once.
gen="$out/gen_csv"
if [ ! -x "$gen" ] || [ "$root/bench/csv/gen_csv.cpp" -nt "$gen" ]; then
  "$cxx" -std=c++20 -O2 "$root/bench/csv/gen_csv.cpp" -o "$gen"
fi
data="$out/mixed_${rows}.csv"
if [ ! -s "$data" ] || [ "$gen" -nt "$data" ]; then
  echo "generating $data ..."
  "$gen" "$rows" "$data.tmp" && mv "$data.tmp" "$data"
fi
bytes=$(stat -c %s "$data")

# hone: the CLI if it can describe a CSV file, else the stand-in driver.
hone_cmd=()
if [ -x "$build/hone" ] && "$build/hone" data describe "$data" --json >"$out/hone_describe.json" 2>/dev/null &&
   grep -q '[{[]' "$out/hone_describe.json"; then
  hone_cmd=("$build/hone" data describe "$data" --json)
  hone_what="hone data describe --json"
else
  if [ -f "$build/build.ninja" ]; then
    cmake --build "$build" --target hone_data hone_lang hone_common >/dev/null
  fi
  libs=("$build/src/data/libhone_data.a" "$build/src/lang/libhone_lang.a" "$build/src/common/libhone_common.a")
  for lib in "${libs[@]}"; do
    [ -f "$lib" ] || { echo "run.sh: $lib is missing; build the project first" >&2; exit 2; }
  done
  driver="$out/csv_read_bench"
  src="$root/bench/csv/csv_read_bench.cpp"
  # With data::describe when the statistics are in the library, else without.
  if "$cxx" -std=c++20 -O2 -DHONE_BENCH_STATS -I"$root/src" "$src" "${libs[@]}" -lyaml-cpp -pthread \
       -o "$driver" 2>/dev/null; then
    hone_what="csv_read_bench (read_csv + data::describe)"
  else
    "$cxx" -std=c++20 -O2 -I"$root/src" "$src" "${libs[@]}" -lyaml-cpp -pthread -o "$driver"
    hone_what="csv_read_bench (read_csv + minimal summary)"
  fi
  hone_cmd=("$driver" "$data" ${threads:+"$threads"})
  "${hone_cmd[@]}" >/dev/null  # warm the page cache
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$out/hone_times"; : >"$out/hone_rss"; : >"$out/pd_read"; : >"$out/pd_both"; : >"$out/pd_rss"
for ((i = 1; i <= runs; i++)); do
  t0=$(date +%s%N)
  /usr/bin/time -f %M -o "$out/rss" "${hone_cmd[@]}" >"$out/hone_out"
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }' >>"$out/hone_times"
  tail -1 "$out/rss" >>"$out/hone_rss"

  /usr/bin/time -f %M -o "$out/rss" "$py" "$root/bench/csv/pandas_read.py" "$data" >"$out/pd_out"
  "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["read_s"]); print(d["read_s"]+d["describe_s"], file=sys.stderr)' \
    "$out/pd_out" >>"$out/pd_read" 2>>"$out/pd_both"
  tail -1 "$out/rss" >>"$out/pd_rss"
  echo "run $i/$runs: hone $(tail -1 "$out/hone_times") s, pandas read $(tail -1 "$out/pd_read") s, read+describe $(tail -1 "$out/pd_both") s"
done

hone_s=$(median <"$out/hone_times")
pd_read_s=$(median <"$out/pd_read")
pd_both_s=$(median <"$out/pd_both")
hone_kb=$(median <"$out/hone_rss")
pd_kb=$(median <"$out/pd_rss")

"$py" - "$rows" "$bytes" "$runs" "$hone_what" "$hone_s" "$pd_read_s" "$pd_both_s" "$hone_kb" "$pd_kb" <<'EOF'
import sys
rows, size, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
what = sys.argv[4]
hone, pd_read, pd_both = (float(x) for x in sys.argv[5:8])
hone_kb, pd_kb = (float(x) for x in sys.argv[8:10])
mb = size / 1e6
print(f"\nCSV benchmark: {rows:,} rows x 20 columns, {mb:.1f} MB, median of {runs} runs")
print(f"{'':40} {'seconds':>8} {'rows/s':>12} {'peak RSS MB':>12} {'RSS/file':>9}")
def line(name, s, kb=None):
    rss = f"{kb / 1024:12.0f} {kb * 1024 / size:9.2f}" if kb is not None else ""
    print(f"{name:40} {s:8.3f} {rows / s:12,.0f} {rss}")
line(f"hone: {what}", hone, hone_kb)
line("pandas read_csv", pd_read, pd_kb)
line("pandas read_csv + describe(include='all')", pd_both)
print(f"\nhone (read + describe) vs pandas read_csv only:          {pd_read / hone:5.2f}x")
print(f"hone (read + describe) vs pandas read_csv + describe:    {pd_both / hone:5.2f}x")
print(f"hone peak RSS / file size: {hone_kb * 1024 / size:.2f} (goal <= 1.5); pandas RSS is for the whole process")
print("hone is timed as a whole process, pandas inside the interpreter (start and import not counted).")
EOF
