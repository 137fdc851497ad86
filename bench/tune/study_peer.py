"""Optuna's side of study_bench.sh: the same xgboost study as hone's job file.

usage: study_peer.py CSV N_VALID SAMPLER SEED TRIALS N_JOBS N_ESTIMATORS
Reads CSV (features, then "label"; the last N_VALID rows are the validation
rows, as hone's unshuffled split takes them), runs an Optuna 3.1 study
minimising validation log loss over the same space as hone's job, and prints
one JSON line: the trial values in trial order and the wall time of the study
(after imports and the CSV read) and of the whole process.
"""
import json
import sys
import time

start = time.perf_counter()
import numpy as np
import optuna
import pandas as pd
from sklearn.metrics import log_loss
from xgboost import XGBClassifier

path, n_valid, sampler_name, seed, trials, n_jobs, n_estimators = sys.argv[1:8]
n_valid, seed, trials, n_jobs, n_estimators = int(n_valid), int(seed), int(trials), int(n_jobs), int(n_estimators)
df = pd.read_csv(path)
x = df.drop(columns=["label"]).to_numpy(dtype=np.float32)
y = df["label"].to_numpy()
x_tr, y_tr, x_va, y_va = x[:-n_valid], y[:-n_valid], x[-n_valid:], y[-n_valid:]
prior = float(y_tr.mean())  # hone's xgboost starts from the class prior

def objective(trial):
    model = XGBClassifier(
        n_estimators=n_estimators, tree_method="hist", n_jobs=1, random_state=42, base_score=prior,
        max_depth=trial.suggest_int("max_depth", 2, 10),
        learning_rate=trial.suggest_float("learning_rate", 0.005, 0.5, log=True),
        subsample=trial.suggest_float("subsample", 0.5, 1.0),
        colsample_bytree=trial.suggest_float("colsample_bytree", 0.5, 1.0),
        min_child_weight=trial.suggest_float("min_child_weight", 0.1, 20.0, log=True))
    model.fit(x_tr, y_tr)
    return log_loss(y_va, model.predict_proba(x_va)[:, 1], labels=[0, 1])

optuna.logging.set_verbosity(optuna.logging.WARNING)
if sampler_name == "tpe":
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
else:
    sampler = optuna.samplers.RandomSampler(seed=seed)
study = optuna.create_study(direction="minimize", sampler=sampler)
study_start = time.perf_counter()
study.optimize(objective, n_trials=trials, n_jobs=n_jobs)
end = time.perf_counter()
values = [t.value for t in sorted(study.trials, key=lambda t: t.number)]
print(json.dumps({"values": values, "study_s": end - study_start, "process_s": end - start}))
