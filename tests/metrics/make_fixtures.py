#!/usr/bin/python3
"""Writes fixtures.json: inputs and scikit-learn's values for tests/metrics.

Run with Debian's interpreter and python3-sklearn (the version hone matches):
    /usr/bin/python3 tests/metrics/make_fixtures.py
The output is deterministic (fixed seeds); rerun only to add cases or to move to
another scikit-learn version, and review the diff.

Classification inputs use class indices 0..k-1 and take labels=range(k) where
scikit-learn needs the class list (log_loss, confusion_matrix, multi-class AUC);
precision/recall/F1 and balanced accuracy use scikit-learn's default labels
(the classes present in y_true or y_pred), as hone does. A value scikit-learn
refuses to compute (it raises) is stored as null: hone answers NaN there.
AUC with more than two classes when y_true lacks a class is not defined by
scikit-learn (it raises); hone averages the one-vs-rest AUC over the classes
present, which the script computes from roc_auc_score per class.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as skm

warnings.simplefilter("ignore")  # zero-division warnings are expected here


def undefined_is_none(fn):
    try:
        v = float(fn())
    except ValueError:
        return None
    return None if np.isnan(v) else v


def auc(y_true, proba, k):
    if k == 2:
        return undefined_is_none(lambda: skm.roc_auc_score(y_true, proba[:, 1]))
    present = np.unique(y_true)
    if len(present) < 2:
        return None
    if len(present) == k and np.allclose(proba.sum(axis=1), 1.0):
        return undefined_is_none(
            lambda: skm.roc_auc_score(y_true, proba, multi_class="ovr", labels=list(range(k)))
        )
    per_class = [skm.roc_auc_score(y_true == c, proba[:, c]) for c in present]
    return float(np.mean(per_class))


def classification_case(name, y_true, y_pred, proba, k, note):
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64).reshape(len(y_true), k)
    default = "binary" if k == 2 else "macro"
    expected = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y_true, y_pred),
        "precision": skm.precision_score(y_true, y_pred, average=default),
        "recall": skm.recall_score(y_true, y_pred, average=default),
        "f1": skm.f1_score(y_true, y_pred, average=default),
    }
    for avg in ("micro", "macro", "weighted"):
        expected["f1_" + avg] = skm.f1_score(y_true, y_pred, average=avg)
        expected["precision_" + avg] = skm.precision_score(y_true, y_pred, average=avg)
        expected["recall_" + avg] = skm.recall_score(y_true, y_pred, average=avg)
    expected["auc"] = auc(y_true, proba, k)
    expected["log_loss"] = skm.log_loss(y_true, proba, labels=list(range(k)))
    expected = {key: (None if v is None else float(v)) for key, v in expected.items()}
    return {
        "name": name,
        "note": note,
        "num_classes": k,
        "y_true": y_true.tolist(),
        "y_pred": y_pred.tolist(),
        "proba": proba.ravel().tolist(),
        "expected": expected,
        "confusion_matrix": skm.confusion_matrix(y_true, y_pred, labels=list(range(k))).tolist(),
    }


def regression_case(name, y_true, y_pred, note):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    expected = {
        "rmse": skm.mean_squared_error(y_true, y_pred, squared=False),
        "mse": skm.mean_squared_error(y_true, y_pred),
        "mae": skm.mean_absolute_error(y_true, y_pred),
        "r2": skm.r2_score(y_true, y_pred),
        "mape": skm.mean_absolute_percentage_error(y_true, y_pred),
    }
    expected = {key: (None if np.isnan(v) else float(v)) for key, v in expected.items()}
    return {
        "name": name,
        "note": note,
        "y_true": y_true.tolist(),
        "y_pred": y_pred.tolist(),
        "expected": expected,
    }


def dirichlet_proba(rng, n, k, concentration=1.0):
    return rng.dirichlet([concentration] * k, size=n)


def classification_cases():
    cases = []

    # Binary, scores from a few values so many are tied across both classes,
    # including 0 and 1 (log_loss clips them).
    rng = np.random.RandomState(1)
    levels = np.array([0.0, 0.1, 0.3, 0.3, 0.5, 0.7, 0.9, 1.0])
    p1 = rng.choice(levels, size=40)
    y_true = (rng.uniform(size=40) < 0.25 + 0.5 * p1).astype(int)
    y_pred = (p1 >= 0.5).astype(int)
    proba = np.column_stack([1.0 - p1, p1])
    cases.append(classification_case("binary_ties", y_true, y_pred, proba, 2,
                                     "tied scores across classes; probabilities 0 and 1"))

    # Binary, every score tied.
    y_true = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1]
    proba = np.tile([0.4, 0.6], (10, 1))
    cases.append(classification_case("binary_all_tied", y_true, [1] * 10, proba, 2,
                                     "one score for every row: AUC 0.5"))

    # Imbalanced binary: 10% positives, predictions mostly negative.
    rng = np.random.RandomState(2)
    n = 60
    y_true = np.zeros(n, dtype=int)
    y_true[rng.choice(n, 6, replace=False)] = 1
    score = np.clip(0.15 + 0.4 * y_true + rng.normal(0, 0.2, n), 0.0, 1.0)
    y_pred = (score > 0.6).astype(int)
    proba = np.column_stack([1.0 - score, score])
    cases.append(classification_case("binary_imbalanced", y_true, y_pred, proba, 2, "10% positives"))

    # Binary, the positive class never predicted: precision 0/0 -> 0.
    y_true = [0, 1, 0, 1, 1, 0, 0, 0]
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.8, 0.2], [0.55, 0.45], [0.7, 0.3],
                      [0.95, 0.05], [0.6, 0.4], [0.85, 0.15]])
    cases.append(classification_case("binary_never_positive", y_true, [0] * 8, proba, 2,
                                     "class 1 never predicted: zero division"))

    # Binary, y_true holds one class: recall 0/0 -> 0, AUC undefined.
    y_true = [0] * 6
    y_pred = [0, 1, 0, 0, 1, 0]
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.9, 0.1], [0.4, 0.6], [0.7, 0.3]])
    cases.append(classification_case("binary_one_class_true", y_true, y_pred, proba, 2,
                                     "y_true all 0: AUC undefined (null)"))

    # Three classes, noisy argmax predictions.
    rng = np.random.RandomState(3)
    n, k = 45, 3
    y_true = rng.randint(0, k, n)
    proba = dirichlet_proba(rng, n, k)
    proba[np.arange(n), y_true] += rng.uniform(0, 0.8, n)
    proba /= proba.sum(axis=1, keepdims=True)
    y_pred = proba.argmax(axis=1)
    cases.append(classification_case("multiclass_3", y_true, y_pred, proba, k, "3 classes"))

    # Four classes, class 3 present in y_true but never predicted.
    rng = np.random.RandomState(4)
    n, k = 50, 4
    y_true = rng.choice(k, n, p=[0.4, 0.3, 0.2, 0.1])
    proba = dirichlet_proba(rng, n, k, 2.0)
    proba[:, 3] *= 0.2
    proba /= proba.sum(axis=1, keepdims=True)
    y_pred = proba.argmax(axis=1)
    y_pred[y_pred == 3] = 0
    cases.append(classification_case("multiclass_4_never_predicted", y_true, y_pred, proba, k,
                                      "class 3 never predicted"))

    # Four classes, class 2 absent from y_true but predicted.
    rng = np.random.RandomState(5)
    n, k = 30, 4
    y_true = rng.choice([0, 1, 3], n)
    proba = dirichlet_proba(rng, n, k)
    y_pred = proba.argmax(axis=1)
    cases.append(classification_case("multiclass_4_missing_true", y_true, y_pred, proba, k,
                                     "class 2 never in y_true: AUC over classes 0, 1, 3"))

    # Probabilities whose rows do not sum to one (log_loss renormalizes).
    rng = np.random.RandomState(6)
    n, k = 20, 3
    y_true = rng.randint(0, k, n)
    proba = rng.uniform(0, 1, (n, k))
    proba[0] = [0.0, 0.0, 0.5]
    y_pred = proba.argmax(axis=1)
    cases.append(classification_case("multiclass_unnormalized", y_true, y_pred, proba, k,
                                     "rows not summing to one, zeros clipped"))

    # Many rows (pairwise summation beyond one block of 128), five classes.
    rng = np.random.RandomState(7)
    n, k = 1000, 5
    y_true = rng.choice(k, n, p=[0.5, 0.2, 0.15, 0.1, 0.05])
    proba = dirichlet_proba(rng, n, k, 0.7)
    proba[np.arange(n), y_true] += rng.uniform(0, 0.5, n)
    proba = np.round(proba / proba.sum(axis=1, keepdims=True), 2)  # rounding makes ties
    proba /= proba.sum(axis=1, keepdims=True)
    y_pred = proba.argmax(axis=1)
    cases.append(classification_case("multiclass_5_large", y_true, y_pred, proba, k,
                                     "1000 rows, imbalanced, rounded scores with ties"))
    return cases


def regression_cases():
    cases = []
    rng = np.random.RandomState(10)
    y_true = rng.normal(50, 20, 25)
    cases.append(regression_case("regression_basic", y_true, y_true + rng.normal(0, 5, 25), "25 rows"))

    y_true = np.array([0.0, 1.5, -2.0, 0.0, 3.25, 10.0, -0.5, 0.0, 7.0, 2.0])
    y_pred = np.array([0.1, 1.0, -2.5, 0.0, 3.0, 9.0, 0.5, -0.2, 7.5, 2.0])
    cases.append(regression_case("regression_zeros", y_true, y_pred,
                                 "zeros in y_true: MAPE divides by machine epsilon"))

    cases.append(regression_case("regression_constant_exact", [4.0] * 5, [4.0] * 5,
                                 "constant y_true predicted exactly: r2 = 1"))
    cases.append(regression_case("regression_constant", [4.0] * 5, [4.0, 4.5, 3.5, 4.0, 4.0],
                                 "constant y_true: r2 = 0 (force_finite)"))
    cases.append(regression_case("regression_single_row", [3.0], [2.5], "one row: r2 undefined (null)"))

    rng = np.random.RandomState(11)
    y_true = rng.lognormal(2.0, 1.0, 1000)
    cases.append(regression_case("regression_large", y_true, y_true * rng.uniform(0.7, 1.3, 1000) + 1.0,
                                 "1000 rows"))
    return cases


def sum_cases():
    # np.sum of float64 vectors around the pairwise-summation block sizes; hone's
    # pairwise_sum must give these bit for bit.
    rng = np.random.RandomState(12)
    cases = []
    for n in (0, 7, 8, 100, 128, 129, 1000, 3001):
        values = rng.normal(0, 1, n) * 10.0 ** rng.randint(-8, 9, n)
        cases.append({"values": values.tolist(), "sum": float(np.sum(values)), "mean": float(np.mean(values)) if n else None})
    return cases


def clustering_case(name, x, labels, labels_true, note):
    x = np.asarray(x, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    labels_true = np.asarray(labels_true, dtype=np.int64)
    means = {c: x[labels == c].mean(axis=0) for c in np.unique(labels)}
    centers = np.array([means[c] for c in labels]).reshape(x.shape)
    h, c, v = skm.homogeneity_completeness_v_measure(labels_true, labels)
    expected = {
        "silhouette": undefined_is_none(lambda: skm.silhouette_score(x, labels)),
        "davies_bouldin": undefined_is_none(lambda: skm.davies_bouldin_score(x, labels)),
        "calinski_harabasz": undefined_is_none(lambda: skm.calinski_harabasz_score(x, labels)),
        "inertia": float(np.sum((x - centers) ** 2)),
        "adjusted_rand": float(skm.adjusted_rand_score(labels_true, labels)),
        "normalized_mutual_info": float(skm.normalized_mutual_info_score(labels_true, labels)),
        "homogeneity": float(h),
        "completeness": float(c),
        "v_measure": float(v),
    }
    return {"name": name, "note": note, "rows": x.shape[0], "cols": x.shape[1], "x": x.ravel().tolist(),
            "labels": labels.tolist(), "labels_true": labels_true.tolist(), "expected": expected}


def clustering_cases():
    # Inputs and scikit-learn's internal (silhouette, ...) and external
    # (adjusted Rand, ...) clustering metrics; inertia is NumPy's sum of squared
    # distances to each cluster's mean.
    from sklearn.datasets import make_blobs
    cases = []
    x, y = make_blobs(n_samples=60, centers=3, n_features=2, random_state=1)
    pred = y.copy()
    pred[:5] = (pred[:5] + 1) % 3
    cases.append(clustering_case("blobs_3", x, pred, y, "60 rows, 3 blobs, five rows in the wrong cluster"))
    x, y = make_blobs(n_samples=150, centers=4, n_features=4, cluster_std=2.0, random_state=2)
    pred = y.copy()
    pred[::7] = -1
    cases.append(clustering_case("noise_label", x, pred, y, "150 rows, every 7th labelled -1 (noise) "
                                 "as one more label"))
    rng = np.random.RandomState(3)
    x = rng.normal(0, 1, (300, 3))
    cases.append(clustering_case("more_clusters_than_classes", x, rng.randint(0, 5, 300) * 10,
                                 rng.randint(0, 3, 300), "random labels 0, 10, ..., 40 against 3 classes"))
    x = rng.normal(0, 1, (20, 2))
    cases.append(clustering_case("one_cluster", x, [7] * 20, rng.randint(0, 2, 20),
                                 "a single cluster: internal metrics undefined (null)"))
    x = rng.normal(0, 1, (6, 2))
    cases.append(clustering_case("singletons", x, list(range(6)), [0, 0, 1, 1, 2, 2],
                                 "every row its own cluster: internal metrics undefined"))
    x, y = make_blobs(n_samples=1200, centers=6, n_features=3, cluster_std=1.5, random_state=4)
    pred = y.copy()
    flip = rng.rand(1200) < 0.1
    pred[flip] = rng.randint(0, 6, flip.sum())
    cases.append(clustering_case("large_6", x, pred, y, "1200 rows, 6 blobs, 10% relabelled at random"))
    cases.append(clustering_case("renamed", x[:100], (y[:100] + 3) % 6, y[:100],
                                 "the true classes renamed: external metrics 1"))
    return cases


def main():
    out = {
        "generator": "tests/metrics/make_fixtures.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "classification": classification_cases(),
        "regression": regression_cases(),
        "sums": sum_cases(),
        "clustering": clustering_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
