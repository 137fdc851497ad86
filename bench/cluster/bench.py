#!/usr/bin/python3
"""bench/cluster: hone's clusterers next to scikit-learn's on the same rows.

    /usr/bin/python3 bench/cluster/bench.py DRIVER [CASE...]   (run.sh builds DRIVER)

Cases (the issue's sizes): kmeans 200,000 x 20, k = 8 (n_init 10); dbscan
200,000 x 5, blobs with 5% uniform noise (eps 1.0, min_samples 20); ward
200,000 x 10 is too large for any O(n^2) linkage, so agglomerative runs ward
on 20,000 x 10. Each side runs RUNS times (default 3) in its own process on
THREADS threads (default 2); the table shows the median fit time of each, the
ratio (scikit-learn / hone: above 1, hone is faster), each process's peak
resident memory (the median over runs, data included), the adjusted Rand index
between the two labelings, and for k-means both inertias.
The rows are float32 values (hone's feature matrix), given to scikit-learn as
float64 of the same values.
"""
import json
import os
import statistics
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
RUNS = int(os.environ.get("RUNS", "3"))
THREADS = os.environ.get("THREADS", "2")

CASES = {
    "kmeans": {"rows": 200_000, "cols": 20, "algorithm": "kmeans",
               "params": {"n_clusters": 8, "n_init": 10, "random_state": 0}},
    "dbscan": {"rows": 200_000, "cols": 5, "algorithm": "dbscan", "noise": 0.05,
               "params": {"eps": 1.0, "min_samples": 20}},
    "ward": {"rows": 20_000, "cols": 10, "algorithm": "agglomerative",
             "params": {"n_clusters": 8, "linkage": "ward"}},
}


def rows_file(name, case):
    """Blobs (seeded), float32, in the driver's format; made once."""
    path = os.path.join(OUT, f"{name}_{case['rows']}x{case['cols']}.bin")
    if os.path.exists(path):
        return path
    from sklearn.datasets import make_blobs
    noise = int(case["rows"] * case.get("noise", 0))
    x, _ = make_blobs(n_samples=case["rows"] - noise, centers=8, n_features=case["cols"],
                      center_box=(-20, 20), random_state=7)
    if noise:
        rng = np.random.RandomState(8)
        x = np.vstack([x, rng.uniform(-25, 25, (noise, case["cols"]))])
        x = x[np.random.RandomState(9).permutation(len(x))]
    os.makedirs(OUT, exist_ok=True)
    with open(path, "wb") as f:
        np.array([len(x), case["cols"]], dtype=np.int64).tofile(f)
        x.astype(np.float32).tofile(f)
    return path


def timed(cmd):
    """Runs cmd under GNU time: its JSON line and its peak RSS in MB."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, check=True)
    peak_kb = int(out.stderr.strip().splitlines()[-1])
    return json.loads(out.stdout.strip().splitlines()[-1]), peak_kb / 1024


def run_case(driver, name):
    case = CASES[name]
    data = rows_file(name, case)
    params = json.dumps(case["params"])
    ours, theirs = [], []
    for _ in range(RUNS):
        ours.append(timed([driver, case["algorithm"], params, data, os.path.join(OUT, "hone.labels"), THREADS]))
        theirs.append(timed([sys.executable, os.path.join(HERE, "peer.py"), case["algorithm"], params, data,
                             os.path.join(OUT, "sklearn.labels")]))
    from sklearn.metrics import adjusted_rand_score
    a = np.fromfile(os.path.join(OUT, "hone.labels"), dtype=np.int32)
    b = np.fromfile(os.path.join(OUT, "sklearn.labels"), dtype=np.int32)
    hone_ms = statistics.median(r[0]["fit_ms"] for r in ours)
    sk_ms = statistics.median(r[0]["fit_ms"] for r in theirs)
    row = {"case": f"{name} {case['rows']:,} x {case['cols']}", "hone_s": hone_ms / 1000, "sklearn_s": sk_ms / 1000,
           "speedup": sk_ms / hone_ms, "hone_mb": statistics.median(r[1] for r in ours),
           "sklearn_mb": statistics.median(r[1] for r in theirs), "ari": adjusted_rand_score(b, a),
           "clusters": f"{ours[-1][0]['n_clusters']} / {theirs[-1][0]['n_clusters']}",
           "noise": f"{ours[-1][0]['noise']} / {theirs[-1][0]['noise']}"}
    if ours[-1][0].get("inertia") is not None:
        hi, si = min(r[0]["inertia"] for r in ours), min(r[0]["inertia"] for r in theirs)
        row["inertia"] = f"{hi:.6g} / {si:.6g} ({(hi - si) / si * 100:+.3f}%)"
    return row


def main():
    driver = sys.argv[1]
    names = sys.argv[2:] or list(CASES)
    cols = ["case", "hone_s", "sklearn_s", "speedup", "hone_mb", "sklearn_mb", "ari", "clusters", "noise", "inertia"]
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))
    for name in names:
        row = run_case(driver, name)
        cells = []
        for c in cols:
            v = row.get(c, "")
            cells.append(f"{v:.3f}" if isinstance(v, float) and c in ("hone_s", "sklearn_s", "ari") else
                         f"{v:.2f}x" if c == "speedup" else f"{v:.0f}" if isinstance(v, float) else str(v))
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
