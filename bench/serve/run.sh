#!/usr/bin/env bash
# Serving: `hone serve` vs the same model behind FastAPI + uvicorn, side by side in
# one run, under the same wrk load.
#
#   bench/serve/run.sh [BUILD_DIR]      (default: build)
#
#   DURATION=10     seconds of each timed wrk run
#   RUNS=3          timed runs per side, interleaved (the order rotates each run)
#   CONNECTIONS=64  wrk connections (keep-alive), over WRK_THREADS=2 wrk threads
#   WARMUP=3        seconds of untimed wrk load on each side first
#   WRK_TIMEOUT=10s a request slower than this counts as a socket timeout
#   HONE_THREADS=   `hone serve --threads` (empty: hone's default)
#   PEER_WORKERS=2  uvicorn worker processes (the machine has 2 cores)
#   PEER_LOOP=uvloop PEER_HTTP=httptools   uvicorn's event loop and HTTP parser
#                   (asyncio / h11 are the pure-Python ones)
#
# What it does, all under bench/serve/out/ (HONE_HOME=out/hone, made anew):
#  1. make_data.py writes 20,000 x 20 float features with a binary label, and the
#     request bodies: 1,000 one-row {"records": [{"f0": ..., ...}]} bodies.
#  2. `hone train job.n3 serve_xgboost --json -q`: an XGBoost classifier, 100 rounds;
#     its registry key from the JSON, its artifact directory from `hone models show`.
#  3. Starts `hone serve job.n3 --predict-port P` and peer_app.py (FastAPI 0.92 + uvicorn 0.17 under
#     /usr/bin/python3, PEER_WORKERS workers, loading the model file hone wrote) on
#     free loopback ports, waits for GET /api/training/health on both, and check.py
#     checks hone's answers and that the peer's equal them (probabilities to 1e-6).
#  4. wrk (predict.lua) posts one row a request to
#     POST /api/training/models/{key}/predict: WARMUP seconds on each side, then RUNS
#     timed runs of DURATION seconds per side, interleaved. Prints every run, then
#     the medians and the ratios: throughput hone/peer, p99 peer/hone. Two hone
#     sides: "hone" is the prediction port (an event loop per core), "hone_api" the
#     same server's API port (cpp-httplib, a thread per connection).
# Both servers are stopped on exit. wrk and the server share the machine's cores.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
bench_paths run.sh "${1:-}"
bench_hone
bench_http_tools
duration=${DURATION:-10}
runs=${RUNS:-3}
connections=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-2}
warmup=${WARMUP:-3}
wrk_timeout=${WRK_TIMEOUT:-10s}
hone_threads=${HONE_THREADS:-}
peer_workers=${PEER_WORKERS:-2}
peer_loop=${PEER_LOOP:-uvloop}
peer_http=${PEER_HTTP:-httptools}
rows=20000
py=/usr/bin/python3
mods="fastapi, uvicorn, xgboost, sklearn, pandas"
[[ "$peer_loop" == uvloop ]] && mods+=", uvloop"
[[ "$peer_http" == httptools ]] && mods+=", httptools"
"$py" -c "import $mods" 2>/dev/null ||
  { echo "run.sh: $py lacks one of $mods; install them with scripts/install-deps.sh --bench" >&2; exit 2; }

out="$here/out"
mkdir -p "$out"
export HONE_HOME="$out/hone"
rm -rf "$HONE_HOME"

# Both servers go when the script ends, however it ends.
hone_pid="" peer_pid=""
stop_servers() {
  local pid
  for pid in $hone_pid $peer_pid; do
    kill $(pgrep -P "$pid" 2>/dev/null) "$pid" 2>/dev/null || true
  done
  for pid in $hone_pid $peer_pid; do wait "$pid" 2>/dev/null || true; done
  hone_pid="" peer_pid=""
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_health() {  # URL PID NAME LOG
  local i
  for ((i = 0; i < 300; i++)); do
    curl -fsS -o /dev/null "$1/api/training/health" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "run.sh: $3 exited while starting:" >&2; tail -20 "$4" >&2; exit 1; }
    sleep 0.1
  done
  echo "run.sh: $3 did not answer $1/api/training/health within 30 s:" >&2
  tail -20 "$4" >&2
  exit 1
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

read -r load1 _ < /proc/loadavg
cores=$(nproc)
echo "machine: $cores cores, load $load1 (wrk and each server share the cores)"
if awk -v l="$load1" 'BEGIN {exit !(l >= 1)}'; then
  echo "run.sh: warning: load average $load1 >= 1: something else is running; the numbers will be low and noisy" >&2
fi

# 1. The data.
data="$out/serve.csv" bodies="$out/bodies.txt"
if [[ ! -f "$data" || ! -f "$bodies" || $(($(wc -l < "$data") - 1)) -ne $rows ]]; then
  echo "writing $rows x 20 rows to $data and 1000 one-row request bodies to $bodies"
  "$py" "$here/make_data.py" "$data" "$bodies" "$rows"
fi

# 2. The model.
result=$("$hone" train "$here/job.n3" serve_xgboost --json -q)
key=$(echo "$result" | "$py" -c 'import json, sys; print(json.load(sys.stdin)["registry_key"])')
model_dir=$("$hone" models show "$key" | "$py" -c 'import json, sys; print(json.load(sys.stdin)["file_path"])')
echo "model: $key (xgboost, 100 rounds), artifacts in $model_dir"

# 3. The servers.
hone_port=$(free_port)
predict_port=$(free_port)
[[ "$predict_port" != "$hone_port" ]] || predict_port=$(free_port)
"$hone" serve "$here/job.n3" --host 127.0.0.1 --port "$hone_port" --predict-port "$predict_port" -q \
  ${hone_threads:+--threads "$hone_threads"} > "$out/hone-serve.log" 2>&1 &
hone_pid=$!
peer_port=$(free_port)
while [[ "$peer_port" == "$hone_port" || "$peer_port" == "$predict_port" ]]; do peer_port=$(free_port); done
MODEL_DIR="$model_dir" MODEL_KEY="$key" "$py" -m uvicorn peer_app:app --app-dir "$here" \
  --host 127.0.0.1 --port "$peer_port" --workers "$peer_workers" --loop "$peer_loop" --http "$peer_http" \
  --no-access-log --log-level warning > "$out/peer-serve.log" 2>&1 &
peer_pid=$!
api_url="http://127.0.0.1:$hone_port"
hone_url="http://127.0.0.1:$predict_port"
peer_url="http://127.0.0.1:$peer_port"
wait_health "$api_url" "$hone_pid" "hone serve" "$out/hone-serve.log"
wait_health "$peer_url" "$peer_pid" "the peer" "$out/peer-serve.log"
versions=$("$py" -c 'import fastapi, uvicorn, xgboost; print(f"FastAPI {fastapi.__version__}, uvicorn {uvicorn.__version__}, XGBoost {xgboost.__version__}")')
default_threads=$("$hone" serve --help | grep -o -- '--threads.*' | grep -o '(default: [^)]*)*)' | sed 's/^(default: //; s/)$//' || true)
echo "hone: $hone_url, hone serve's prediction port (an event loop per core)"
echo "hone_api: $api_url, the same server's API port (cpp-httplib, ${hone_threads:-${default_threads:-its default number of}} HTTP threads)"
echo "peer: $peer_url, $versions; $peer_workers uvicorn workers ($peer_loop, $peer_http) on $cores cores"
"$py" "$here/check.py" "$hone_url" "$peer_url" "$key" "$bodies"
"$py" "$here/check.py" "$api_url" "$peer_url" "$key" "$bodies"

# 4. The load.
path="/api/training/models/$key/predict"
# The kernel's count of handshakes dropped because a listening socket's accept queue
# was full (all sockets; nothing else listens under load here).
listen_overflows() {
  awk '/^TcpExt:/ {if (!n) {split($0, k); n = 1} else {split($0, v); for (i in k) if (k[i] == "ListenOverflows") print v[i]}}' \
    /proc/net/netstat 2>/dev/null || echo 0
}
load() {  # SIDE URL SECONDS FILE: one wrk run; its RESULT line into FILE, accept-queue overflows into FILE.ovf
  local before
  before=$(listen_overflows)
  "$wrk" -t"$wrk_threads" -c"$connections" -d"${3}s" --timeout "$wrk_timeout" --latency \
    -s "$here/predict.lua" "$2$path" -- "$bodies" > "$4.txt" 2>&1 ||
    { echo "run.sh: wrk failed on $1:" >&2; cat "$4.txt" >&2; exit 1; }
  echo $(($(listen_overflows) - before)) > "$4.ovf"
  grep '^RESULT ' "$4.txt" | cut -c8- > "$4"
  [[ -s "$4" ]] || { echo "run.sh: no result from wrk on $1:" >&2; cat "$4.txt" >&2; exit 1; }
}
echo "wrk: $connections connections, $wrk_threads threads, ${duration} s a run, one row a request, $runs runs a side (interleaved), ${warmup} s warm-up"
declare -A url=([hone]=$hone_url [hone_api]=$api_url [peer]=$peer_url)
for side in hone hone_api peer; do load "$side" "${url[$side]}" "$warmup" "$out/warmup-$side"; done

fields() {  # RESULT_FILE -> req/s p50_ms p99_ms status_errors socket_errors overflows
  "$py" -c 'import json, sys
r = json.load(open(sys.argv[1]))
ovf = int(open(sys.argv[1] + ".ovf").read())
print("%.1f %.3f %.3f %d %d %d" % (r["requests"] / (r["duration_us"] / 1e6), r["p50_us"] / 1e3, r["p99_us"] / 1e3,
      r["status_errors"], r["connect"] + r["read"] + r["write"] + r["timeout"], ovf))' "$1"
}
declare -A rps p50 p99 errs
row() { printf '%-8s %-4s %11s %9s %9s %14s %10s\n' "$@"; }
echo
row side run "requests/s" "p50 ms" "p99 ms" "errors http/io" "accept ovf"
for ((i = 1; i <= runs; i++)); do
  case $((i % 3)) in
    1) order="hone hone_api peer" ;;
    2) order="peer hone hone_api" ;;
    0) order="hone_api peer hone" ;;
  esac
  for side in $order; do
    sleep 1
    load "$side" "${url[$side]}" "$duration" "$out/run-$side-$i"
    read -r r a b e s o < <(fields "$out/run-$side-$i")
    rps[$side]+="$r " p50[$side]+="$a " p99[$side]+="$b " errs[$side]+="$e/$s/$o "
    row "$side" "$i" "$r" "$a" "$b" "$e/$s" "$o"
  done
done

med() { printf '%s\n' $1 | median; }
echo
echo "medians of $runs runs, ${duration} s each, $connections connections ($cores cores shared by wrk and the server):"
row side "" "requests/s" "p50 ms" "p99 ms" "errors http/io" "accept ovf"
for side in hone hone_api peer; do
  e=0 s=0 o=0
  for x in ${errs[$side]}; do
    IFS=/ read -r a b c <<< "$x"
    e=$((e + a)) s=$((s + b)) o=$((o + c))
  done
  row "$side" "" "$(printf %.1f "$(med "${rps[$side]}")")" "$(printf %.3f "$(med "${p50[$side]}")")" \
    "$(printf %.3f "$(med "${p99[$side]}")")" "$e/$s" "$o"
done
for side in hone hone_api; do
  awk -v s="$side" -v hr="$(med "${rps[$side]}")" -v pr="$(med "${rps[peer]}")" -v hp="$(med "${p99[$side]}")" \
    -v pp="$(med "${p99[peer]}")" 'BEGIN {printf "throughput %s/peer %.2fx, p99 peer/%s %.2fx\n", s, hr / pr, s, pp / hp}'
done
echo "errors: responses >= 400 / socket errors (timeouts: over $wrk_timeout), summed over the runs."
echo "accept ovf: handshakes the kernel dropped while the run went on because a listening socket's accept"
echo "queue was full (/proc/net/netstat ListenOverflows), summed; each stalls a connection about 1 s."
echo "p50/p99 are wrk's, which count a stalled connection's missed requests (coordinated omission)."
echo "wrk output in $out/run-*.txt"
