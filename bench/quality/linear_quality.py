"""Quality of hone's linear and kernel models next to scikit-learn's.

Run by linear_quality.sh with Debian's /usr/bin/python3 (python3-sklearn). Each
dataset is split 75/25 (stratified for classifiers, random_state=42) and
standard-scaled on the training part; both sides get the same float32 values.
Both sides run at default settings, scikit-learn's solver='liblinear' for
LogisticRegression. Prints one table row per algorithm and dataset.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR

DRIVER = sys.argv[1]

# (dataset, hone algorithm, hone params, scikit-learn estimator)
CLASSIFIERS = [
    ("logistic_regression", {}, lambda: LogisticRegression(solver="liblinear")),
    ("linear_svc", {}, lambda: LinearSVC(dual=False)),
    ("svc", {}, lambda: SVC()),
    ("svc", {"probability": True}, lambda: SVC(probability=True, random_state=0)),
]
REGRESSORS = [
    ("linear_regression", {}, lambda: LinearRegression()),
    ("ridge", {}, lambda: Ridge()),
    ("svr", {}, lambda: SVR()),
    ("svr", {"C": 100}, lambda: SVR(C=100)),
    ("linear_svr", {}, lambda: LinearSVR(dual=True)),
]


def split(x, y, classification):
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=0.25, random_state=42, stratify=y if classification else None)
    scaler = StandardScaler().fit(x_tr)
    return (scaler.transform(x_tr).astype(np.float32), scaler.transform(x_te).astype(np.float32),
            y_tr.astype(np.float32), y_te.astype(np.float32))


def write_csv(path, x, y):
    data = np.column_stack([x.astype(np.float64), y.astype(np.float64)])
    header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["target"])
    np.savetxt(path, data, delimiter=",", header=header, comments="", fmt="%.9g")


def median_fit_ms(make, x, y):
    times = []
    for _ in range(5):
        model = make()
        start = time.perf_counter()
        model.fit(x, y)
        times.append((time.perf_counter() - start) * 1000)
    return model, sorted(times)[2]


def main():
    datasets = [
        ("breast_cancer", load_breast_cancer(return_X_y=True), 2),
        ("wine", load_wine(return_X_y=True), 3),
        ("digits", load_digits(return_X_y=True), 10),
        ("diabetes", load_diabetes(return_X_y=True), 0),
    ]
    print(f"{'dataset':14} {'algorithm':28} {'metric':9} {'hone':>9} {'sklearn':>9} {'diff':>9}"
          f" {'hone ms':>8} {'sk ms':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (x, y), classes in datasets:
            classification = classes > 0
            x_tr, x_te, y_tr, y_te = split(x, y, classification)
            train_csv, test_csv = os.path.join(tmp, name + "_train.csv"), os.path.join(tmp, name + "_test.csv")
            write_csv(train_csv, x_tr, y_tr)
            write_csv(test_csv, x_te, y_te)
            for algorithm, params, make in (CLASSIFIERS if classification else REGRESSORS):
                out = subprocess.run([DRIVER, algorithm, json.dumps(params), train_csv, test_csv, str(classes)],
                                     check=True, capture_output=True, text=True)
                hone = json.loads(out.stdout)
                model, sk_ms = median_fit_ms(make, x_tr, y_tr)
                pred = model.predict(x_te)
                label = algorithm + (" " + json.dumps(params) if params else "")
                rows = []
                if classification:
                    rows.append(("accuracy", hone["accuracy"], accuracy_score(y_te, pred)))
                    if "log_loss" in hone:
                        rows.append(("log_loss", hone["log_loss"],
                                     log_loss(y_te, model.predict_proba(x_te), labels=list(range(classes)))))
                else:
                    rows.append(("rmse", hone["rmse"], mean_squared_error(y_te, pred) ** 0.5))
                for metric, h, s in rows:
                    print(f"{name:14} {label:28} {metric:9} {h:9.4f} {s:9.4f} {h - s:+9.4f}"
                          f" {hone['fit_ms']:8.2f} {sk_ms:8.2f}")


if __name__ == "__main__":
    main()
