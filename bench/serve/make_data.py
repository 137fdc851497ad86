"""Writes the serving benchmark's inputs: the training table (make_classification,
20 float features, binary target) and the request bodies wrk posts, one JSON body a
line, each {"records": [{"f0": ..., ..., "f19": ...}]} with one row of the table.

    make_data.py CSV BODIES [ROWS] [BODY_ROWS]      (defaults: 20000, 1000)
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

csv_path, bodies_path = sys.argv[1], sys.argv[2]
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 20_000
body_rows = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000
features = [f"f{i}" for i in range(20)]
X, y = make_classification(n_samples=rows, n_features=20, n_informative=10, n_redundant=5,
                           class_sep=0.8, flip_y=0.02, random_state=0)
df = pd.DataFrame(X.astype(np.float32), columns=features)
df["label"] = y
df.to_csv(csv_path, index=False, float_format="%.6g")

# The bodies: the table's last rows, read back so the numbers are the CSV's own text.
tail = pd.read_csv(csv_path).tail(body_rows)
with open(bodies_path, "w") as f:
    for row in tail[features].itertuples(index=False):
        f.write(json.dumps({"records": [dict(zip(features, map(float, row)))]}) + "\n")
