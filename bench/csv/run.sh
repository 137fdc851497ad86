#!/usr/bin/env bash
# CSV reading: hone vs pandas on the same generated file, in one run.
#
#   bench/csv/run.sh [BUILD_DIR]        (default: build; ROWS=1000000 RUNS=5)
#
# DRIVER=1 uses the stand-in driver even when the CLI is there (it also reports
# read_csv's own time); THREADS=N sets the driver's reader threads.
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

source "$(dirname "$0")/../lib.sh"
bench_paths run.sh "${1:-}"
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
if [ -z "${DRIVER:-}" ] && [ -x "$build/hone" ] && "$build/hone" data describe "$data" --json >"$out/hone_describe.json" 2>/dev/null &&
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

# One line per run: hone wall, CPU, RSS KB and in-process read time (0 if unknown),
# pandas RSS KB, then pandas' JSON line.
: >"$out/runs"
for ((i = 1; i <= runs; i++)); do
  t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$out/time" "${hone_cmd[@]}" >"$out/hone_out"
  t1=$(date +%s%N)
  read -r kb user sys <"$out/time"
  hone=$(awk -v a="$t0" -v b="$t1" -v u="$user" -v s="$sys" -v kb="$kb" \
    'BEGIN { printf "%.4f %.2f %d", (b - a) / 1e9, u + s, kb }')
  /usr/bin/time -f '%M' -o "$out/time" "$py" "$root/bench/csv/pandas_read.py" "$data" >"$out/pd_out"
  # The driver also says how long read_csv alone took, in-process.
  hone_read=$(grep -o '"read_s": [0-9.]*' "$out/hone_out" | grep -o '[0-9.]*$' || echo 0)
  echo "$hone $hone_read $(tail -1 "$out/time") $(cat "$out/pd_out")" >>"$out/runs"
  echo "run $i/$runs: hone $hone | pandas $(cat "$out/pd_out")"
done

"$py" - "$out/runs" "$rows" "$bytes" "$hone_what" <<'EOF'
import json, statistics, sys
path, rows, size, what = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
runs = []
for line in open(path):
    wall, cpu, kb, hone_read, pkb, rest = line.split(" ", 5)
    d = json.loads(rest)
    runs.append(dict(hone=float(wall), hone_cpu=float(cpu), hone_kb=float(kb), hone_read=float(hone_read),
                     pd_kb=float(pkb),
                     pd_read=d["read_s"], pd_read_cpu=d["read_cpu_s"],
                     pd_both=d["read_s"] + d["describe_s"], pd_both_cpu=d["read_cpu_s"] + d["describe_cpu_s"]))
m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
print(f"\nCSV benchmark: {rows:,} rows x 20 columns, {size / 1e6:.1f} MB, median of {len(runs)} runs")
print(f"{'':44} {'wall s':>7} {'rows/s':>10} {'CPU s':>6} {'peak RSS MB':>11} {'RSS/file':>8}")
def line(name, wall, cpu, kb=None):
    rss = f"{kb * 1024 / 1e6:11.0f} {kb * 1024 / size:8.2f}" if kb is not None else ""
    print(f"{name:44} {wall:7.3f} {rows / wall:10,.0f} {cpu:6.2f} {rss}")
line(f"hone: {what}", m["hone"], m["hone_cpu"], m["hone_kb"])
if m["hone_read"] > 0:
    print(f"{'hone: read_csv alone (in-process)':44} {m['hone_read']:7.3f} {rows / m['hone_read']:10,.0f}")
line("pandas: read_csv", m["pd_read"], m["pd_read_cpu"], m["pd_kb"])
line("pandas: read_csv + describe(include='all')", m["pd_both"], m["pd_both_cpu"])
if m["hone_read"] > 0:
    print(f"\nhone read_csv vs pandas read_csv, both in-process:  {m['pd_read'] / m['hone_read']:5.2f}x rows/s")
print(f"hone read+describe vs pandas read_csv:            {m['pd_read'] / m['hone']:5.2f}x rows/s "
      f"({m['pd_read_cpu'] / m['hone_cpu']:.2f}x less CPU)")
print(f"hone read+describe vs pandas read_csv+describe:   {m['pd_both'] / m['hone']:5.2f}x rows/s "
      f"({m['pd_both_cpu'] / m['hone_cpu']:.2f}x less CPU)")
print(f"hone peak RSS / file size: {m['hone_kb'] * 1024 / size:.2f} (goal <= 1.5); pandas' RSS is its whole process.")
print("hone is timed as a whole process (CPU: user+sys); pandas inside the interpreter (start and import not counted).")
EOF
