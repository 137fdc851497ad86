"""Writes the benchmark table: make_classification, 40 float features, binary target."""
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
X, y = make_classification(n_samples=rows, n_features=40, n_informative=20, n_redundant=10,
                           class_sep=0.8, flip_y=0.02, random_state=0)
df = pd.DataFrame(X.astype(np.float32), columns=[f"f{i}" for i in range(40)])
df["label"] = y
df.to_csv(sys.argv[1], index=False, float_format="%.6g")
