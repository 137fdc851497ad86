#!/usr/bin/env bash
# Builds one libFuzzer target with ASan and UBSan and runs it on its seed corpus.
#
#   fuzz/run.sh <target> [seconds] [extra libFuzzer flags...]
#
# <target> is n3, yaml or csv (fuzz/fuzz_<target>.cpp); seconds defaults to 600.
# The committed seeds in fuzz/corpus/<target>/ are read, never written: what the
# fuzzer finds goes to the working corpus fuzz/corpus-<target>/ (ignored by git),
# crashes to $BUILD/artifacts/<target>/. One job, one worker, so the run shares a
# small machine politely. Needs clang++ and libclang-rt-14-dev
# (scripts/install-deps.sh installs both).
set -euo pipefail

target=${1:?usage: fuzz/run.sh <n3|yaml|csv> [seconds] [libFuzzer flags...]}
target=${target#fuzz_}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))

root=$(cd "$(dirname "$0")/.." && pwd)
build=${HONE_FUZZ_BUILD:-$root/build-fuzz}
cxx=${CXX_FUZZ:-clang++}
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -I"$root/src")

# The hone sources each target needs (every common source, so new helpers link).
sources=("$root"/src/common/*.cpp)
libs=(-pthread)
case "$target" in
  n3|yaml) sources+=("$root"/src/lang/*.cpp); libs+=(-lyaml-cpp) ;;
  csv) sources+=("$root"/src/data/csv_reader.cpp "$root"/src/data/frame.cpp)
       # Helpers the reader may use (reading files bounded, UTF-8 checks), when present.
       for extra in data_file utf8; do
         if [[ -f $root/src/data/$extra.cpp ]]; then sources+=("$root/src/data/$extra.cpp"); fi
       done ;;
  *) echo "unknown target '$target': expected n3, yaml or csv" >&2; exit 2 ;;
esac

# Objects are rebuilt only when their source or a header is newer.
mkdir -p "$build/obj" "$build/artifacts/$target"
newest_header=$(find "$root/src" -name '*.hpp' -printf '%T@\n' | sort -n | tail -1)
objects=()
for src in "${sources[@]}" "$root/fuzz/fuzz_$target.cpp"; do
  rel=${src#"$root"/}
  obj="$build/obj/${rel//\//_}.o"
  objects+=("$obj")
  if [[ ! -f $obj || $src -nt $obj ]] || \
     awk -v h="$newest_header" -v o="$(stat -c %Y "$obj")" 'BEGIN { exit !(h > o) }'; then
    echo "compiling $rel" >&2
    "$cxx" "${flags[@]}" -c "$src" -o "$obj"
  fi
done
binary="$build/fuzz_$target"
"$cxx" -fsanitize=fuzzer,address,undefined "${objects[@]}" "${libs[@]}" -o "$binary"

work="$root/fuzz/corpus-$target"
mkdir -p "$work"
seeds="$root/fuzz/corpus/$target"
dict=()
if [[ -f $root/fuzz/$target.dict ]]; then dict=(-dict="$root/fuzz/$target.dict"); fi
echo "running $binary for ${seconds}s; its log is $build/fuzz-0.log" >&2
cd "$build"  # -jobs writes fuzz-<job>.log into the working directory
"$binary" "$work" "$seeds" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -jobs=1 -workers=1 -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/$target/" "$@" || status=$?
cat fuzz-0.log
exit "${status:-0}"
