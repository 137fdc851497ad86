#!/usr/bin/python3
"""scikit-learn's side of bench/cluster: the same arguments and output as
cluster_driver (see bench.py)."""
import json
import sys
import time

import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans


def main():
    algorithm, params, path, labels_path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open(path, "rb") as f:
        rows, cols = np.fromfile(f, dtype=np.int64, count=2)
        x = np.fromfile(f, dtype=np.float32, count=rows * cols).reshape(rows, cols).astype(np.float64)
    model = {"kmeans": KMeans, "dbscan": DBSCAN, "agglomerative": AgglomerativeClustering}[algorithm](**params)
    if algorithm == "dbscan":
        model.set_params(n_jobs=2)  # hone's DBSCAN queries on both cores too
    start = time.perf_counter()
    model.fit(x)
    ms = (time.perf_counter() - start) * 1000
    labels = model.labels_.astype(np.int32)
    labels.tofile(labels_path)
    print(json.dumps({"fit_ms": ms, "n_clusters": int(labels.max() + 1), "noise": int((labels < 0).sum()),
                      "inertia": float(model.inertia_) if hasattr(model, "inertia_") else None}))


if __name__ == "__main__":
    main()
