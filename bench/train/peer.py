"""The Python peer of one hone training run: CSV to test metrics, end to end.

usage: peer.py CSV ALGORITHM   (random_forest | xgboost | logistic_regression)
Prints one JSON line: seconds for the whole run and the test accuracy / AUC.
"""
import json
import sys
import time

start = time.perf_counter()
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

path, algorithm = sys.argv[1], sys.argv[2]
df = pd.read_csv(path)
X = df.drop(columns=["label"]).to_numpy(dtype=np.float32)
y = df["label"].to_numpy()
# The same ratios as the hone job: 80% train, 20% test, stratified.
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
if algorithm == "random_forest":
    from sklearn.ensemble import RandomForestClassifier
    model = RandomForestClassifier(n_estimators=100, max_depth=12, n_jobs=-1, random_state=42)
elif algorithm == "xgboost":
    from xgboost import XGBClassifier
    model = XGBClassifier(n_estimators=200, tree_method="hist", n_jobs=2, random_state=42)
elif algorithm == "logistic_regression":
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = LogisticRegression()  # scikit-learn's default: lbfgs, as hone's default
else:
    raise SystemExit(f"unknown algorithm {algorithm}")
model.fit(X_train, y_train)
proba = model.predict_proba(X_test)[:, 1]
pred = model.predict(X_test)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "accuracy": accuracy_score(y_test, pred),
                  "auc": roc_auc_score(y_test, proba)}))
