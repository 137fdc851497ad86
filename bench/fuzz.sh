#!/usr/bin/env bash
# Builds every libFuzzer target fuzz/fuzz_*.cpp and runs each for a bounded time.
# Not part of `make test`.
#
#   bench/fuzz.sh [SECONDS] [NAME...]     e.g. bench/fuzz.sh 300 fuzz_csv
#
# SECONDS (default 60) is each target's -max_total_time. The library sources are
# compiled once with the sanitizers and archived, so a target links only what it
# uses. A target's seed corpus is every file under tests/ whose extension is the
# target's suffix (fuzz_csv: *.csv) or that sits in a folder of that name
# (tests/**/csv/*); the corpus grows in fuzz/corpus-NAME/ and crashes land in
# bench/out/fuzz/. Exit status 1 if any target crashed. A crash becomes a
# regression case in that target's unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
CXX=${CXX:-clang++}
FLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc)
LIBS=(${FUZZ_LIBS:--lyaml-cpp -pthread})
out=bench/out/fuzz
mkdir -p "$out/obj"

command -v "$CXX" >/dev/null || { echo "fuzz.sh: $CXX not found (apt-get install clang)" >&2; exit 2; }

# Library objects, rebuilt when their source or any header is newer.
shopt -s nullglob
sources=(src/common/*.cpp src/lang/*.cpp src/data/frame.cpp src/data/csv_reader.cpp)
newest_header=$(find src -name '*.hpp' -printf '%T@\n' | sort -n | tail -1)
objects=()
for src in "${sources[@]}"; do
  [ -s "$src" ] || continue  # an empty placeholder file has nothing to compile
  obj="$out/obj/$(echo "${src%.cpp}" | tr / _).o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
     awk -v h="$newest_header" -v o="$(stat -c %Y "$obj")" 'BEGIN { exit !(h > o) }'; then
    echo "compile $src"
    if ! "$CXX" "${FLAGS[@]/-fsanitize=fuzzer,/-fsanitize=fuzzer-no-link,}" -c "$src" -o "$obj"; then
      echo "fuzz.sh: $src does not compile; targets that need it will fail to link" >&2
      rm -f "$obj"
      continue
    fi
  fi
  objects+=("$obj")
done
rm -f "$out/libhone_fuzz.a"
ar rcs "$out/libhone_fuzz.a" "${objects[@]}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.cpp; do targets+=("$(basename "${f%.cpp}")"); done
fi

status=0
summary=()
for name in "${targets[@]}"; do
  src="fuzz/$name.cpp"
  [ -f "$src" ] || { echo "fuzz.sh: no $src" >&2; status=1; continue; }
  bin="$out/$name"
  echo "build $name"
  if ! "$CXX" "${FLAGS[@]}" "$src" "$out/libhone_fuzz.a" "${LIBS[@]}" -o "$bin"; then
    summary+=("$name: build failed"); status=1; continue
  fi

  suffix=${name#fuzz_}
  corpus="fuzz/corpus-$name"
  mkdir -p "$corpus"
  seeds=$(find tests -type f \( -name "*.$suffix" -o -path "*/$suffix/*" \) | wc -l)
  find tests -type f \( -name "*.$suffix" -o -path "*/$suffix/*" \) -exec cp -n {} "$corpus/" \;

  echo "run $name for ${seconds}s ($seeds seed files, corpus $corpus)"
  log="$out/$name.log"
  if "$bin" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
       -print_final_stats=1 -artifact_prefix="$out/$name-" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    summary+=("$name: ok, $runs runs in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs")
  else
    crash=$(ls -t "$out/$name"-* 2>/dev/null | head -1 || true)
    summary+=("$name: FAILED (see $log${crash:+, input $crash})")
    tail -40 "$log" >&2
    status=1
  fi
done

printf '%s\n' "${summary[@]}"
exit $status
