#!/usr/bin/env bash
# Serving recommendations: the latency of one-user requests (k=10) to
# POST /api/training/models/{key}/recommend on `hone serve`'s prediction port,
# for random known users, over real sockets (keep-alive), one client at a time
# and several at once.
#
#   bench/recsys/serve.sh [BUILD_DIR]        (default: build)
#
#   USERS=2000 ITEMS=10000 DENSITY=0.006 SKEW=0   `hone data synthesize` (seed 1);
#                   uniform popularity at this density puts all 10,000 items in
#                   the catalog (the default skew 1 at density 0.002 leaves 6,558)
#   K=10            items a request asks for
#   CLIENTS="1 4"   concurrent clients (wrk connections) of each load; 1 is
#                   sequential: the next request leaves when the answer is in
#   DURATION=10     seconds of each timed wrk run
#   RUNS=3          timed runs of each load; the table shows their medians
#   WARMUP=2        seconds of untimed load first
#
# What it does, under bench/recsys/out/serve/ (HONE_HOME=out/serve/hone, made anew):
#  1. synthesizes the interactions (kept while the options stay the same) and
#     1,000 request bodies for users drawn at random (serve_bodies.py, seeded);
#  2. `hone train serve.n3 serve_ncf`: NeuMF, embedding 64, tower [128, 64, 32],
#     one epoch (the answer's speed does not depend on its quality);
#  3. starts `hone serve serve.n3 --predict-port P`, writes the answers to the
#     first 50 bodies to out/serve/answers.jsonl (to compare two builds' answers);
#  4. wrk (bench/serve/predict.lua) posts the bodies in turn: RUNS timed runs per
#     client count, then the medians of requests/s, p50 and p99.
# wrk and the server share the machine's cores.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
bench_paths serve.sh "${1:-}"
bench_hone
bench_http_tools
users=${USERS:-2000} items=${ITEMS:-10000} density=${DENSITY:-0.006} skew=${SKEW:-0}
k=${K:-10}
clients=${CLIENTS:-1 4}
duration=${DURATION:-10}
runs=${RUNS:-3}
warmup=${WARMUP:-2}
py=/usr/bin/python3

out="$here/out/serve"
mkdir -p "$out"
export HONE_HOME="$out/hone"
rm -rf "$HONE_HOME"

hone_pid=""
stop_server() {
  [[ -n "$hone_pid" ]] || return 0
  kill "$hone_pid" 2>/dev/null || true
  wait "$hone_pid" 2>/dev/null || true
  hone_pid=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM
free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# 1. The data and the requests.
data="$out/interactions.json" bodies="$out/bodies.txt" made="$out/made-with"
want="$users $items $density $skew $k"
if [[ ! -f "$data" || ! -f "$bodies" || "$(cat "$made" 2>/dev/null)" != "$want" ]]; then
  "$hone" data synthesize --kind interactions --users "$users" --items "$items" --density "$density" \
    --skew "$skew" --seed 1 -o "$data"
  "$py" "$here/serve_bodies.py" "$data" "$bodies" 1000 "$k"
  echo "$want" > "$made"
fi

# 2. The model.
(cd "$here" && "$hone" train serve.n3 serve_ncf --threads 1 --json -q) > "$out/train.json"
key=$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["registry_key"])' "$out/train.json")

# 3. The server.
api_port=$(free_port)
port=$(free_port)
while [[ "$port" == "$api_port" ]]; do port=$(free_port); done
(cd "$here" && exec "$hone" serve serve.n3 --host 127.0.0.1 --port "$api_port" --predict-port "$port" -q) \
  > "$out/serve.log" 2>&1 &
hone_pid=$!
url="http://127.0.0.1:$port"
for ((i = 0; ; i++)); do
  curl -fsS -o /dev/null "$url/api/training/health" 2>/dev/null && break
  kill -0 "$hone_pid" 2>/dev/null && ((i < 300)) ||
    { echo "serve.sh: hone serve did not come up:" >&2; tail -20 "$out/serve.log" >&2; exit 1; }
  sleep 0.1
done
path="/api/training/models/$key/recommend"
head -50 "$bodies" | while read -r body; do
  curl -fsS -H 'Content-Type: application/json' -d "$body" "$url$path"; echo
done > "$out/answers.jsonl"
catalog=$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["metadata"]["num_items"])' "$data")
"$py" -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    assert not a["cold_start"] and len(a["items"]) == int(sys.argv[2]), a' "$out/answers.jsonl" "$k"

read -r load1 _ < /proc/loadavg
echo "machine: $(nproc) cores, load $load1 at the start (wrk and the server share the cores)"
echo "model: $key (NeuMF, embedding 64, tower [128, 64, 32]); $users users, $catalog items; k=$k"
echo "requests: $url$path, random known users, ${duration} s a run, $runs runs, ${warmup} s warm-up"

# 4. The load.
load() {  # CLIENTS SECONDS FILE
  "$wrk" -t"$(($1 < 2 ? $1 : 2))" -c"$1" -d"${2}s" --timeout 10s --latency \
    -s "$root/bench/serve/predict.lua" "$url$path" -- "$bodies" > "$3.txt" 2>&1 ||
    { echo "serve.sh: wrk failed:" >&2; cat "$3.txt" >&2; exit 1; }
  grep '^RESULT ' "$3.txt" | cut -c8- > "$3"
  [[ -s "$3" ]] || { echo "serve.sh: no result from wrk:" >&2; cat "$3.txt" >&2; exit 1; }
}
fields() {  # RESULT_FILE -> req/s p50_ms p99_ms errors
  "$py" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("%.1f %.3f %.3f %d" % (r["requests"] / (r["duration_us"] / 1e6), r["p50_us"] / 1e3, r["p99_us"] / 1e3,
      r["status_errors"] + r["connect"] + r["read"] + r["write"] + r["timeout"]))' "$1"
}
row() { printf '%-8s %-4s %11s %9s %9s %7s\n' "$@"; }
load 1 "$warmup" "$out/warmup"
declare -A rps p50 p99 errs
echo
row clients run "requests/s" "p50 ms" "p99 ms" errors
for ((i = 1; i <= runs; i++)); do
  for c in $clients; do
    load "$c" "$duration" "$out/run-$c-$i"
    read -r r a b e < <(fields "$out/run-$c-$i")
    rps[$c]+="$r " p50[$c]+="$a " p99[$c]+="$b " errs[$c]=$((${errs[$c]:-0} + e))
    row "$c" "$i" "$r" "$a" "$b" "$e"
  done
done
med() { printf '%s\n' $1 | median; }
read -r load1 _ < /proc/loadavg
echo
echo "medians of $runs runs (load $load1 at the end):"
row clients "" "requests/s" "p50 ms" "p99 ms" errors
for c in $clients; do
  row "$c" "" "$(printf %.1f "$(med "${rps[$c]}")")" "$(printf %.3f "$(med "${p50[$c]}")")" \
    "$(printf %.3f "$(med "${p99[$c]}")")" "${errs[$c]}"
done
echo "answers to the first 50 requests in $out/answers.jsonl; wrk output in $out/run-*.txt"
