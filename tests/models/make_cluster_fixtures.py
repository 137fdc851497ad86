#!/usr/bin/python3
"""Writes cluster_fixtures.json: data and scikit-learn's clusterings of it, for
tests/models/test_cluster.cpp.

Run with Debian's interpreter and python3-sklearn (1.2):
    /usr/bin/python3 tests/models/make_cluster_fixtures.py
Deterministic (fixed seeds). The rows are float32 values (hone's feature matrix
is float32), so both libraries cluster the same numbers.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.datasets import make_blobs


def float32_rows(x):
    return x.astype(np.float32).astype(np.float64)


def main():
    x, _ = make_blobs(n_samples=200, centers=4, n_features=3, cluster_std=0.8, random_state=5)
    x = float32_rows(x)
    rng = np.random.RandomState(6)
    noisy = float32_rows(np.vstack([x, rng.uniform(x.min() - 2, x.max() + 2, (20, 3))]))
    out = {"generator": "tests/models/make_cluster_fixtures.py", "sklearn_version": sklearn.__version__,
           "cols": 3, "x": x.ravel().tolist(), "noisy": noisy.ravel().tolist()}
    km = KMeans(n_clusters=4, n_init=10, random_state=0).fit(x)
    out["kmeans"] = {"n_clusters": 4, "inertia": float(km.inertia_), "labels": km.labels_.tolist()}
    out["dbscan"] = []
    for metric, eps in (("euclidean", 1.0), ("manhattan", 1.5), ("cosine", 0.01)):
        db = DBSCAN(eps=eps, min_samples=5, metric=metric).fit(noisy)
        out["dbscan"].append({"metric": metric, "eps": eps, "min_samples": 5, "labels": db.labels_.tolist()})
    out["agglomerative"] = []
    for linkage in ("ward", "complete", "average", "single"):
        ag = AgglomerativeClustering(n_clusters=4, linkage=linkage, compute_distances=True).fit(noisy)
        out["agglomerative"].append({"linkage": linkage, "n_clusters": 4, "labels": ag.labels_.tolist(),
                                     "distances": ag.distances_.tolist(), "children": ag.children_.tolist()})
    ag = AgglomerativeClustering(n_clusters=None, distance_threshold=6.0, linkage="average").fit(noisy)
    out["threshold"] = {"linkage": "average", "distance_threshold": 6.0, "n_clusters": int(ag.n_clusters_),
                        "labels": ag.labels_.tolist()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cluster_fixtures.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
