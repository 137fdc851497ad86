#!/usr/bin/env bash
# Data-parallel mlp training: one process against two ranks on loopback, on
# generated rows (3 classes, standard normal features), each process one thread.
# Per-epoch wall time is the difference between a fit of E+1 epochs and a fit of
# 1 (which cancels libtorch's loading, the rows' generation and the rendezvous);
# CPU seconds are every process's user + system time over the longer fit.
#
#   bench/distributed/run.sh [BUILD_DIR] [ROWS] [FEATURES] [EPOCHS]   (defaults build 200000 50 3)
#
# Each rank is the test suite's worker, built here when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build} ROWS=${2:-200000} FEATURES=${3:-50} EPOCHS=${4:-3}
[[ -x "$BUILD/tests/hone_data_parallel_worker" ]] || cmake --build "$BUILD" --target hone_data_parallel_worker
exec /usr/bin/python3 - "$BUILD/tests/hone_data_parallel_worker" "$ROWS" "$FEATURES" "$EPOCHS" <<'PY'
import json, os, socket, subprocess, sys, tempfile

worker, rows, features, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def fit(world, params, epochs_done):
    """Seconds rank 0 took, CPU seconds of all ranks."""
    params = dict(params, max_iter=epochs_done, n_iter_no_change=100000)
    with tempfile.TemporaryDirectory() as out:
        return fit_into(out, world, params)

def fit_into(out, world, params):
    base = [worker, "--task", "classification", "--rows", rows, "--features", features,
            "--threads", "1", "--params", json.dumps(params)]
    rendezvous = f"tcp://127.0.0.1:{free_port()}"
    procs = []
    for rank in range(world):
        extra = ["--rank", str(rank), "--world", str(world), "--rendezvous", rendezvous] if world > 1 else []
        procs.append(subprocess.Popen(base + extra + ["--out", f"{out}/rank{rank}.json"]))
    cpu = 0.0
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        assert status == 0, f"a rank failed ({status})"
        cpu += usage.ru_utime + usage.ru_stime
    with open(f"{out}/rank0.json") as f:
        return json.load(f)["seconds"], cpu

configs = [("hidden (100,), batch 200", {}),
           ("hidden (256, 256), batch 2000", {"hidden_layer_sizes": [256, 256], "batch_size": 2000})]
print(f"{rows} rows x {features} features, {epochs} epochs measured; cores: {os.cpu_count()}; "
      f"load average {os.getloadavg()[0]:.1f}")
for name, params in configs:
    for world in (1, 2):
        one, _ = fit(world, params, 1)
        many, cpu = fit(world, params, 1 + epochs)
        print(f"{name}, {world} process{'es' if world > 1 else ''}: {(many - one) / epochs:.2f} s per epoch "
              f"(fit of {1 + epochs} epochs {many:.1f} s wall, {cpu:.1f} s CPU)")
PY
