"""Quality of hone's tree models next to their Python peers.

Run by xgboost_quality.sh with Debian's /usr/bin/python3 (python3-sklearn,
python3-xgboost). Each dataset is split 75/25 (stratified for classifiers,
random_state=42); both sides get the same float32 values and default settings
(XGBoost with tree_method='hist', hone's default). LightGBM has no Debian package:
hone's lightgbm is compared with scikit-learn's HistGradientBoosting, the same
leaf-wise design with LightGBM's defaults (31 leaves, 20 rows per leaf, rate 0.1,
100 rounds). Prints one table row per algorithm and dataset, and the largest gaps.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine, make_friedman1
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                              HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from xgboost import XGBClassifier, XGBRegressor

DRIVER = sys.argv[1]

# hone algorithm -> (peer name, classifier factory, regressor factory)
PEERS = {
    "xgboost": ("XGBoost",
                lambda: XGBClassifier(tree_method="hist", random_state=0),
                lambda: XGBRegressor(tree_method="hist", random_state=0)),
    "gradient_boosting": ("GradientBoosting",
                          lambda: GradientBoostingClassifier(random_state=0),
                          lambda: GradientBoostingRegressor(random_state=0)),
    "lightgbm": ("HistGradientBoosting",
                 lambda: HistGradientBoostingClassifier(early_stopping=False, random_state=0),
                 lambda: HistGradientBoostingRegressor(early_stopping=False, random_state=0)),
    "random_forest": ("RandomForest",
                      lambda: RandomForestClassifier(n_jobs=-1, random_state=0),
                      lambda: RandomForestRegressor(n_jobs=-1, random_state=0)),
    "decision_tree": ("DecisionTree",
                      lambda: DecisionTreeClassifier(random_state=0),
                      lambda: DecisionTreeRegressor(random_state=0)),
}


def write_csv(path, x, y):
    data = np.column_stack([x.astype(np.float64), y.astype(np.float64)])
    header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["target"])
    np.savetxt(path, data, delimiter=",", header=header, comments="", fmt="%.9g")


def median_fit_ms(make, x, y):
    times = []
    for _ in range(3):
        model = make()
        start = time.perf_counter()
        model.fit(x, y)
        times.append((time.perf_counter() - start) * 1000)
    return model, sorted(times)[1]


def main():
    only = sys.argv[2:]  # optional algorithm names
    datasets = [
        ("breast_cancer", load_breast_cancer(return_X_y=True), 2),
        ("wine", load_wine(return_X_y=True), 3),
        ("digits", load_digits(return_X_y=True), 10),
        ("diabetes", load_diabetes(return_X_y=True), 0),
        ("friedman1", make_friedman1(n_samples=2000, n_features=10, noise=1.0, random_state=0), 0),
    ]
    print(f"{'dataset':14} {'algorithm':18} {'peer':20} {'metric':9} {'hone':>9} {'peer':>9} {'diff':>9}"
          f" {'hone ms':>8} {'peer ms':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (x, y), classes in datasets:
            classification = classes > 0
            x_tr, x_te, y_tr, y_te = train_test_split(
                x.astype(np.float32), y, test_size=0.25, random_state=42, stratify=y if classification else None)
            train_csv, test_csv = os.path.join(tmp, name + "_train.csv"), os.path.join(tmp, name + "_test.csv")
            write_csv(train_csv, x_tr, y_tr)
            write_csv(test_csv, x_te, y_te)
            for algorithm, (peer, make_classifier, make_regressor) in PEERS.items():
                if only and algorithm not in only:
                    continue
                out = subprocess.run([DRIVER, algorithm, "{}", train_csv, test_csv, str(classes)],
                                     check=True, capture_output=True, text=True)
                hone = json.loads(out.stdout)
                model, peer_ms = median_fit_ms(make_classifier if classification else make_regressor, x_tr, y_tr)
                pred = model.predict(x_te)
                rows = []
                if classification:
                    rows.append(("accuracy", hone["accuracy"], accuracy_score(y_te, pred)))
                    rows.append(("log_loss", hone["log_loss"],
                                 log_loss(y_te, model.predict_proba(x_te), labels=list(range(classes)))))
                else:
                    rows.append(("rmse", hone["rmse"], mean_squared_error(y_te, pred) ** 0.5))
                for metric, h, s in rows:
                    diff = f"{h - s:+9.4f}" if metric != "rmse" else f"{(h - s) / s:+8.1%}"
                    print(f"{name:14} {algorithm:18} {peer:20} {metric:9} {h:9.4f} {s:9.4f} {diff:>9}"
                          f" {hone['fit_ms']:8.1f} {peer_ms:8.1f}", flush=True)


if __name__ == "__main__":
    main()
