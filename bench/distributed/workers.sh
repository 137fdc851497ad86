#!/usr/bin/env bash
# Tuning workers on a PostgreSQL store started here (loopback, durability off as
# in the tests): one 64-trial study with 1, 2 and 4 worker processes
# (`hone tune --workers N`), next to the same study in one process
# (parallel_trials 1 and 2), and the cost of one claim at 1,000 and 10,000
# completed trials (bench/distributed/claim_bench.cpp).
#
#   bench/distributed/workers.sh [BUILD_DIR] [TRIALS]     (defaults build 64)
#
# Store share: each worker logs the time it spent in store calls (claims,
# heartbeats, ends) and in the sampler; the table sums them over the workers
# and divides by the workers' summed wall time.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_paths workers.sh "${1:-}"
bench_hone
TRIALS=${2:-64}
cmake --build "$build" --target claim_bench > /dev/null
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[[ -x "$pgbin/initdb" ]] || { echo "workers.sh: no PostgreSQL server; run scripts/install-deps.sh" >&2; exit 2; }
work=$(mktemp -d /tmp/hone-bench-workers.XXXXXX)
chmod 755 "$work"
as_pg=()
[[ $(id -u) == 0 ]] && { chown postgres "$work"; as_pg=(runuser -u postgres --); }
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U hone --auth=trust > "$work/initdb.log"
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start > /dev/null
trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop > /dev/null; rm -rf "$work"' EXIT
psql() { /usr/bin/psql -h 127.0.0.1 -p "$port" -U hone -X -q -t -A "$@"; }

/usr/bin/python3 - "$work" "$TRIALS" <<'PY'
import random, sys
work, trials = sys.argv[1], int(sys.argv[2])
rng = random.Random(5)
with open(f"{work}/rows.csv", "w") as f:
    f.write(",".join(f"x{j}" for j in range(20)) + ",y\n")
    for _ in range(20000):
        v = [rng.gauss(0, 1) for _ in range(20)]
        s = v[0] * v[1] + v[2] - v[3] * v[4] + 0.5 * rng.gauss(0, 1)
        f.write(",".join(f"{x:.5f}" for x in v) + f",{int(s > 0)}\n")
open(f"{work}/job.n3", "w").write(f'''dataset "d":
    source: csv
    path: rows.csv
model "m":
    type: classifier
    algorithm: xgboost
    hyperparameters:
        n_estimators: 200
training "t":
    model: m
    dataset: d
    target: y
    objective: accuracy
    split: {{train: 0.8, validation: 0.2}}
tuning "s":
    training_job: t
    strategy: bayesian
    max_trials: {trials}
    objective_metric: accuracy
    search_space:
        learning_rate: {{min: 0.01, max: 0.3, log: true}}
        max_depth: {{min: 2, max: 8}}
        subsample: {{min: 0.6, max: 1.0}}
''')
PY

echo "## $TRIALS-trial study (xgboost, 20,000 rows x 20 features, 200 rounds), machine of $(nproc) cores"
echo
echo "| how | wall s | trials/min | best accuracy | store share of worker time | sampler share |"
echo "| --- | --- | --- | --- | --- | --- |"
run_study() {  # LABEL DB ARGS...
  local label=$1 db=$2; shift 2
  psql -d postgres -c "CREATE DATABASE $db"
  local url="postgresql://hone@127.0.0.1:$port/$db"
  local start end
  start=$(date +%s.%N)
  (cd "$work" && HONE_HOME="$work/home-$db" HONE_STORE="$url" "$hone" tune job.n3 s --no-register --json -q "$@" > "$work/$db.json")
  end=$(date +%s.%N)
  local share
  share=$(psql -d "$db" -c "SELECT message FROM run_logs WHERE message LIKE 'worker % done:%'" |
    /usr/bin/python3 -c '
import re, sys
wall = store = sample = 0.0
for line in sys.stdin:
    m = re.search(r"in ([0-9.]+) s, ([0-9.]+) s of it in the store .*, ([0-9.]+) s sampling", line)
    if m: wall += float(m[1]); store += float(m[2]); sample += float(m[3])
print(f"{100*store/wall:.2f} % | {100*sample/wall:.2f} %" if wall else "- | -")')
  /usr/bin/python3 - "$label" "$start" "$end" "$TRIALS" "$share" "$work/$db.json" <<'PY'
import json, sys
label, start, end, trials, share, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
r = json.load(open(path))
wall = end - start
print(f"| {label} | {wall:.1f} | {60*trials/wall:.1f} | {r['best_value']:.4f} | {share} |")
PY
}
run_study "one process, parallel_trials 1" local1 --set parallel_trials=1
run_study "one process, parallel_trials 2" local2 --set parallel_trials=2
run_study "1 worker process" workers1 --workers 1
run_study "2 worker processes" workers2 --workers 2
run_study "4 worker processes" workers4 --workers 4

echo
echo "## One claim at many completed trials (PostgreSQL; 3 hyperparameters, multivariate TPE; 100 intermediate values per trial)"
echo
echo "| completed trials | claim p50 ms | claim p90 ms | sampler p50 ms | store p50 ms | reading every trial p50 ms |"
echo "| --- | --- | --- | --- | --- | --- |"
for n in 1000 10000; do
  psql -d postgres -c "CREATE DATABASE claims$n"
  "$build/bench/claim_bench" "postgresql://hone@127.0.0.1:$port/claims$n" "$n" 30 |
    /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
cells = [f"{r[k]:.1f}" for k in ("claim_ms_p50", "claim_ms_p90", "sampler_ms_p50", "store_ms_p50", "read_all_trials_ms_p50")]
trials = r["trials"]
print(f"| {trials:,} | " + " | ".join(cells) + " |")'
done
