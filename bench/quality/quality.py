"""Quality of every hone algorithm next to its Python peer, on the same splits.

Run by run.sh with Debian's /usr/bin/python3 (python3-sklearn, python3-xgboost):

    /usr/bin/python3 quality.py DRIVER [ALGORITHM...]      (SPLITS=5 FITS=1 THREADS=0 STRICT=0)

DRIVER is the compiled quality_driver.cpp (hone's side). Datasets: scikit-learn's
bundled breast_cancer, wine, digits and diabetes, and generated data
(make_classification with 3 and with 12 classes, make_friedman1). Each is split 75/25 SPLITS times (split seeds
42, 43, ...; stratified for classifiers); each split is the same float32 values for
both sides. Linear and kernel models get standard scaling fitted on the training
part, tree models the raw features. Both sides run at default settings, with the
parameters listed in PEERS; a null random_state on hone's side and the peer's
random_state both take the split seed.

The rule (the issue's acceptance rule): the mean test accuracy over the splits is
within 1 point of the peer's, or for regressors the mean test RMSE within 5% of the
peer's. One table row per algorithm and dataset gives both means, the difference
(points, or percent of the peer's RMSE), the standard deviation of the per-split
differences, the verdict (ok / over), the mean log loss where both sides give
probabilities, and the median fit times over the splits (of each split's median of
FITS fits, default 1); then one summary line per algorithm.
STRICT=1 exits 1 when any row is over. THREADS=N (default 0: all cores) limits
both sides' threads: hone's job threads and the peers' n_jobs here, OpenMP (XGBoost,
HistGradientBoosting) through OMP_NUM_THREADS, which run.sh sets.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from sklearn.datasets import (load_breast_cancer, load_diabetes, load_digits, load_wine, make_classification,
                              make_friedman1)
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                              HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from xgboost import XGBClassifier, XGBRegressor

ACCURACY_POINTS = 1.0  # classifiers: |hone - peer| mean test accuracy, in points
RMSE_SHARE = 0.05      # regressors: |hone - peer| mean test RMSE, as a share of the peer's
THREADS = int(os.environ.get("THREADS", "0"))  # 0 = all cores


@dataclass
class Peer:
    """One comparison: hone's algorithm with its params, and the peer's estimator classes
    (None for a task the algorithm does not have) with theirs."""
    algorithm: str
    params: dict
    name: str                      # short name for the table
    classifier: Optional[type]
    regressor: Optional[type]
    kwargs: dict = field(default_factory=dict)
    seeded: bool = False           # the peer takes random_state (the split seed)
    threaded: bool = False         # the peer takes n_jobs (THREADS, or -1: all cores)
    scaled: bool = False           # standard-scaled features (linear and kernel models)
    note: str = ""

    def label(self):
        return self.algorithm + (" " + json.dumps(self.params) if self.params else "")

    def make(self, classification, seed):
        cls = self.classifier if classification else self.regressor
        extra = {"random_state": seed} if self.seeded else {}
        if self.threaded:
            extra["n_jobs"] = THREADS or -1
        return cls(**self.kwargs, **extra)

    def constructor(self):
        names = "/".join(c.__name__ for c in (self.classifier, self.regressor) if c)
        kwargs = {**self.kwargs, **({"n_jobs": THREADS or -1} if self.threaded else {})}
        args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        return f"{names}({args})"


# Every catalog algorithm that has a peer, in catalog order, each with its params on both sides.
PEERS = [
    Peer("xgboost", {}, "XGBoost", XGBClassifier, XGBRegressor, {"tree_method": "hist"}, seeded=True, threaded=True,
         note="tree_method='hist' is hone's default (XGBoost 1.7's own default is 'auto'). hone starts "
              "regressors at the mean target (base_score null), XGBoost 1.7 at 0.5: that alone is the RMSE "
              "gap (with base_score set to the training mean the two are equal)."),
    Peer("gradient_boosting", {}, "GradientBoosting", GradientBoostingClassifier, GradientBoostingRegressor,
         seeded=True,
         note="hone grows XGBoost trees on 256 histogram bins (tree_method='hist'); scikit-learn's "
              "are exact."),
    Peer("lightgbm", {}, "HistGradientBoosting", HistGradientBoostingClassifier, HistGradientBoostingRegressor,
         {"early_stopping": False}, seeded=True,
         note="LightGBM has no Debian package: the peer is scikit-learn's HistGradientBoosting, the same "
              "leaf-wise design with LightGBM's defaults (31 leaves, 20 rows per leaf, rate 0.1, 100 rounds); "
              "hone's lightgbm is XGBoost's lossguide growth."),
    Peer("random_forest", {}, "RandomForest", RandomForestClassifier, RandomForestRegressor, seeded=True,
         threaded=True,
         note="hone's forest is XGBoost's num_parallel_tree: each tree sees a 1-1/e share of the rows "
              "without replacement instead of a bootstrap sample."),
    Peer("decision_tree", {}, "DecisionTree", DecisionTreeClassifier, DecisionTreeRegressor, seeded=True),
    Peer("logistic_regression", {}, "LogisticRegression", LogisticRegression, None, seeded=True, scaled=True,
         note="both at their defaults: solver='lbfgs', multinomial for more than two classes. hone stops L-BFGS "
              "on the gradient of the loss divided by the sum of sample weights, as scikit-learn >= 1.4 does; "
              "Debian's scikit-learn 1.2 tests the undivided gradient, so it runs more iterations to a model a "
              "little closer to the optimum."),
    Peer("logistic_regression", {"solver": "liblinear"}, "LogisticRegression", LogisticRegression, None,
         {"solver": "liblinear"}, seeded=True, scaled=True,
         note="solver='liblinear' on both sides: LIBLINEAR's one-vs-rest fit."),
    Peer("linear_svc", {}, "LinearSVC", LinearSVC, None, {"dual": False}, seeded=True, scaled=True,
         note="dual=False: hone's dual='auto' takes the primal when rows outnumber features, as on every "
              "dataset here (scikit-learn 1.2's default is dual=True)."),
    Peer("linear_svr", {}, "LinearSVR", None, LinearSVR, {"dual": True}, seeded=True, scaled=True,
         note="dual=True: the only solver of the default epsilon-insensitive loss; the target is not scaled."),
    Peer("linear_regression", {}, "LinearRegression", None, LinearRegression, scaled=True),
    Peer("ridge", {}, "Ridge", None, Ridge, scaled=True),
    Peer("svc", {}, "SVC", SVC, None, scaled=True),
    Peer("svc", {"probability": True}, "SVC", SVC, None, {"probability": True}, seeded=True, scaled=True,
         note="probability=True: predictions still come from the decision function; the Platt-scaling "
              "folds are drawn by each library's own generator."),
    Peer("svr", {}, "SVR", None, SVR, scaled=True),
    Peer("svr", {"C": 100}, "SVR", None, SVR, {"C": 100}, scaled=True,
         note="C=100 as well as the default C=1: on an unscaled target such as diabetes' the default "
              "under-fits on both sides."),
    Peer("mlp", {}, "MLP", MLPClassifier, MLPRegressor, seeded=True, scaled=True,
         note="hone's mlp on libtorch (float32) next to scikit-learn's MLPClassifier/MLPRegressor (float64) at "
              "their shared defaults: hidden_layer_sizes [100], relu, adam at 1e-3, alpha 1e-4, batch 'auto', "
              "200 epochs, tol / n_iter_no_change stopping. Initial weights and shuffling draw from different "
              "generators, so single fits differ; means over splits compare."),
]

# (name, loader, classes: 0 = regression)
DATASETS = [
    ("breast_cancer", lambda: load_breast_cancer(return_X_y=True), 2),
    ("wine", lambda: load_wine(return_X_y=True), 3),
    ("digits", lambda: load_digits(return_X_y=True), 10),
    ("classification", lambda: make_classification(n_samples=2000, n_features=20, n_informative=10, n_redundant=4,
                                                   n_classes=3, random_state=0), 3),
    ("multiclass12", lambda: make_classification(n_samples=3000, n_features=20, n_informative=12, n_redundant=4,
                                                 n_classes=12, n_clusters_per_class=1, class_sep=2.0,
                                                 random_state=1), 12),
    ("diabetes", lambda: load_diabetes(return_X_y=True), 0),
    ("friedman1", lambda: make_friedman1(n_samples=2000, n_features=10, noise=1.0, random_state=0), 0),
]


def write_csv(path, x, y):
    data = np.column_stack([x.astype(np.float64), y.astype(np.float64)])
    header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["target"])
    np.savetxt(path, data, delimiter=",", header=header, comments="", fmt="%.9g")


def run_hone(driver, peer, paths, classes, seed, fits):
    cmd = [driver, peer.algorithm, json.dumps(peer.params), *paths, str(classes), str(seed), str(fits), str(THREADS)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)


def run_peer(peer, classification, seed, fits, x_tr, y_tr, x_te, y_te, classes):
    times, warned = [], False
    for _ in range(fits):
        model = peer.make(classification, seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            model.fit(x_tr, y_tr)
            times.append((time.perf_counter() - start) * 1000)
        warned = warned or any(issubclass(w.category, ConvergenceWarning) for w in caught)
    pred = model.predict(x_te)
    out = {"fit_ms": statistics.median(times), "warned": warned}
    if classification:
        out["accuracy"] = accuracy_score(y_te, pred)
        if hasattr(model, "predict_proba"):
            out["log_loss"] = log_loss(y_te, model.predict_proba(x_te), labels=list(range(classes)))
    else:
        out["rmse"] = mean_squared_error(y_te, pred) ** 0.5
    return out


def mean(runs, key):
    values = [r[key] for r in runs]
    return statistics.mean(values) if all(v is not None for v in values) else None


class Row:
    """Both sides' results on the splits of one dataset."""

    def __init__(self, dataset, peer, classification):
        self.dataset, self.peer, self.classification = dataset, peer, classification
        self.hone, self.other = [], []

    def add(self, hone, other):
        self.hone.append(hone)
        self.other.append(other)

    def diffs(self):
        """Per-split differences, in the rule's units: accuracy points, or percent of the peer's RMSE."""
        if self.classification:
            return [100 * (h["accuracy"] - o["accuracy"]) for h, o in zip(self.hone, self.other)]
        return [100 * (h["rmse"] - o["rmse"]) / o["rmse"] for h, o in zip(self.hone, self.other)]

    def diff(self):
        """The rule's number: the difference of the means."""
        key = "accuracy" if self.classification else "rmse"
        h, o = mean(self.hone, key), mean(self.other, key)
        return 100 * (h - o) if self.classification else 100 * (h - o) / o

    def ok(self):
        limit = ACCURACY_POINTS if self.classification else 100 * RMSE_SHARE
        return abs(self.diff()) <= limit + 1e-9

    def hone_better(self):
        return self.diff() > 0 if self.classification else self.diff() < 0

    def diff_text(self):
        shown = round(self.diff(), 2 if self.classification else 1) + 0.0  # no "-0.00"
        return f"{shown:+.2f}" if self.classification else f"{shown:+.1f}%"


HEADER = (f"{'dataset':14} {'algorithm':26} {'vs':20} {'metric':8} {'hone':>8} {'peer':>8} {'diff':>7} {'sd':>5}"
          f" {'verdict':7} {'hone ll':>7} {'peer ll':>7} {'hone ms':>8} {'peer ms':>8}")


def print_row(row):
    key = "accuracy" if row.classification else "rmse"
    h, o = mean(row.hone, key), mean(row.other, key)
    sd = statistics.stdev(row.diffs()) if len(row.hone) > 1 else 0.0
    ll = "".rjust(7) + " " + "".rjust(7)
    if row.classification and all("log_loss" in r for r in row.hone + row.other):
        ll = f"{mean(row.hone, 'log_loss'):7.4f} {mean(row.other, 'log_loss'):7.4f}"
    warned = "*" if any(r["warned"] for r in row.other) else " "
    hone_ms = statistics.median(r["fit_ms"] for r in row.hone)
    peer_ms = statistics.median(r["fit_ms"] for r in row.other)
    print(f"{row.dataset:14} {row.peer.label():26} {row.peer.name:20} {key:8} {h:8.4f} {o:8.4f}{warned}"
          f"{row.diff_text():>7} {sd:5.2f} {'ok' if row.ok() else 'over':7} {ll} {hone_ms:8.2f} {peer_ms:8.2f}",
          flush=True)


def print_summary(rows):
    print(f"\nSummary (rule: mean test accuracy within {ACCURACY_POINTS:g} point of the peer's, mean test RMSE "
          f"within {100 * RMSE_SHARE:g}% of the peer's):")
    labels = list(dict.fromkeys(r.peer.label() for r in rows))
    for label in labels:
        mine = [r for r in rows if r.peer.label() == label]
        over = [r for r in mine if not r.ok()]
        name = f"{label:26} vs {mine[0].peer.name:20}"
        if not over:
            worst = max(mine, key=lambda r: abs(r.diff()) / (ACCURACY_POINTS if r.classification else 100 * RMSE_SHARE))
            print(f"  {name} ok on all {len(mine)} datasets (largest gap: {worst.dataset} {worst.diff_text()})")
        else:
            misses = ", ".join(f"{r.dataset} {r.diff_text()} (hone {'better' if r.hone_better() else 'worse'})"
                               for r in over)
            print(f"  {name} over on {len(over)} of {len(mine)}: {misses}")


def catalog(driver):
    out = subprocess.run([driver, "--catalog"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    driver, only = sys.argv[1], sys.argv[2:]
    splits = int(os.environ.get("SPLITS", "5"))
    fits = int(os.environ.get("FITS", "1"))
    algorithms = catalog(driver)
    names = [a["name"] for a in algorithms]
    unknown = [a for a in only if a not in names]
    if unknown:
        sys.exit(f"quality.py: not in the catalog: {', '.join(unknown)} (catalog: {', '.join(names)})")
    peers = [p for p in PEERS if p.algorithm in names and (not only or p.algorithm in only)]
    gone = sorted({p.algorithm for p in PEERS} - set(names))
    no_peer = [a for a in names if a not in {p.algorithm for p in PEERS}]

    seeds = [42 + i for i in range(splits)]
    print(f"hone vs its peers: {len(peers)} pairings, {splits} splits (seeds {seeds[0]}..{seeds[-1]}, 75/25), "
          f"fit times the median over the splits ({fits} fit(s) a split), "
          f"{f'{THREADS} thread(s)' if THREADS else 'all cores'} a side\n")
    print(f"{'hone algorithm {params}':28} {'features':8} peer (params)")
    for p in peers:
        print(f"{p.label():28} {'scaled' if p.scaled else 'raw':8} {p.constructor()}")
    notes = [p for p in peers if p.note]
    if notes:
        print("\nNotes:")
        for p in notes:
            print(f"  {p.label()}: {p.note}")
    if no_peer:
        print(f"\nCatalog algorithms with no peer here (not compared): {', '.join(no_peer)}")
    if gone:
        print(f"\nPeers of algorithms no longer in the catalog (skipped): {', '.join(gone)}")
    print("\ndiff: hone - peer, in accuracy points or percent of the peer's RMSE; sd: standard deviation of the "
          "per-split differences;\nll: mean test log loss where both give probabilities; * the peer warned it did "
          "not converge on some split.\n")
    print(HEADER, flush=True)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, load, classes in DATASETS:
            classification = classes > 0
            todo = [p for p in peers if (p.classifier if classification else p.regressor)]
            if not todo:
                continue
            x, y = load()
            y = y.astype(np.int64 if classification else np.float32)
            mine = [Row(name, p, classification) for p in todo]
            for seed in seeds:
                x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=seed,
                                                          stratify=y if classification else None)
                scaler = StandardScaler().fit(x_tr)
                variants = {False: (x_tr.astype(np.float32), x_te.astype(np.float32)),
                            True: (scaler.transform(x_tr).astype(np.float32),
                                   scaler.transform(x_te).astype(np.float32))}
                paths = {}
                for scaled, (a, b) in variants.items():
                    paths[scaled] = [os.path.join(tmp, f"{name}_{seed}_{scaled:d}_{part}.csv") for part in ("train", "test")]
                    write_csv(paths[scaled][0], a, y_tr)
                    write_csv(paths[scaled][1], b, y_te)
                for row in mine:
                    p = row.peer
                    hone = run_hone(driver, p, paths[p.scaled], classes, seed, fits)
                    x_train, x_test = variants[p.scaled]
                    other = run_peer(p, classification, seed, fits, x_train, y_tr, x_test, y_te, classes)
                    row.add(hone, other)
            for row in mine:
                print_row(row)
            rows += mine
    print_summary(rows)
    if os.environ.get("STRICT") == "1" and not all(r.ok() for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
