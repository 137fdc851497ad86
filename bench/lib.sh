# Sourced by the bench scripts: what each of them needs to find first.
#   bench_paths SCRIPT [BUILD_DIR]  sets root (the repository) and build (BUILD_DIR,
#                                   else root/build), or exits 2 naming the missing one
#   bench_hone                      sets hone to the built binary, or exits 2
#   bench_http_tools                sets wrk; exits 2 without wrk or curl
# Each message starts with the calling script's name and says how to fix it.

bench_paths() {
  bench_script=$1
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  build=$(cd "${2:-$root/build}" 2>/dev/null && pwd) ||
    { echo "$bench_script: no build directory ${2:-$root/build}; run 'make build' first" >&2; exit 2; }
}

bench_hone() {
  hone="$build/hone"
  [[ -x "$hone" ]] || { echo "$bench_script: no $hone; run 'make build' first" >&2; exit 2; }
}

bench_http_tools() {
  wrk=/usr/bin/wrk
  [[ -x "$wrk" ]] || { echo "$bench_script: no $wrk; install it with scripts/install-deps.sh --bench" >&2; exit 2; }
  command -v curl > /dev/null ||
    { echo "$bench_script: no curl; install it with scripts/install-deps.sh --bench" >&2; exit 2; }
}
