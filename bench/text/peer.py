#!/usr/bin/python3
"""The Python peers of bench/text on one corpus folder (train.tsv, test.tsv):
  fasttext  fastText's Python module, train_supervised at its defaults (loss ova
            for label sets), THREADS threads;
  sklearn   TfidfVectorizer() and LogisticRegression() at their defaults
            (OneVsRestClassifier of it for label sets).
Label sets are decided as hone's driver decides them: every label of probability
>= 0.5, else the most probable. Prints JSON: accuracy (one label per text) or
micro_f1, and train_seconds (featurization included).
    /usr/bin/python3 bench/text/peer.py DIR fasttext|sklearn THREADS
"""
import json
import os
import sys
import tempfile
import time
import warnings

import numpy as np


def read(path):
    labels, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            l, t = line.rstrip("\n").split("\t", 1)
            labels.append(l.split(","))
            texts.append(t)
    return labels, texts


def decide(proba):
    out = proba >= 0.5
    for r in range(len(out)):
        if not out[r].any():
            out[r, int(np.argmax(proba[r]))] = True
    return out


def score(multi, names, truth, proba):
    from sklearn.metrics import f1_score
    if not multi:
        return {"accuracy": float(np.mean([names[int(np.argmax(p))] == t[0] for p, t in zip(proba, truth)]))}
    index = {n: k for k, n in enumerate(names)}
    y = np.zeros((len(truth), len(names)), dtype=int)
    for r, t in enumerate(truth):
        for l in t:
            y[r, index[l]] = 1
    return {"micro_f1": float(f1_score(y, decide(proba).astype(int), average="micro"))}


def run_fasttext(train, test, names, multi, threads):
    import fasttext
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        for labels, text in zip(*train):
            f.write(text + " " + " ".join("__label__" + l for l in labels) + "\n")
    start = time.perf_counter()
    args = {"loss": "ova"} if multi else {}
    model = fasttext.train_supervised(input=f.name, thread=threads, verbose=0, **args)
    seconds = time.perf_counter() - start
    os.unlink(f.name)
    proba = np.zeros((len(test[1]), len(names)))
    index = {n: k for k, n in enumerate(names)}
    got_labels, got_p = model.predict(test[1], k=-1, threshold=0.0)
    for r, (ls, ps) in enumerate(zip(got_labels, got_p)):
        for l, p in zip(ls, ps):
            proba[r, index[l[len("__label__"):]]] = p
    return seconds, proba


def run_sklearn(train, test, names, multi):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    warnings.simplefilter("ignore")  # LogisticRegression's convergence warning at max_iter=100
    start = time.perf_counter()
    vec = TfidfVectorizer()
    x = vec.fit_transform(train[1])
    if multi:
        y = MultiLabelBinarizer(classes=names).fit_transform(train[0])
        model = OneVsRestClassifier(LogisticRegression()).fit(x, y)
    else:
        model = LogisticRegression().fit(x, [l[0] for l in train[0]])
    seconds = time.perf_counter() - start
    proba = model.predict_proba(vec.transform(test[1]))
    if not multi:
        order = [list(model.classes_).index(n) for n in names]
        proba = proba[:, order]
    return seconds, proba


def main():
    folder, peer, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    train, test = read(os.path.join(folder, "train.tsv")), read(os.path.join(folder, "test.tsv"))
    names = sorted({l for ls in train[0] for l in ls})
    multi = any(len(ls) > 1 for ls in train[0])
    if peer == "fasttext":
        seconds, proba = run_fasttext(train, test, names, multi, threads)
    else:
        seconds, proba = run_sklearn(train, test, names, multi)
    out = score(multi, names, test[0], proba)
    out["train_seconds"] = seconds
    print(json.dumps(out))


if __name__ == "__main__":
    main()
