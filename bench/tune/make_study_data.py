"""Writes the two tables of study_bench.sh: breast_cancer (scikit-learn's bundled
set, rows shuffled once with seed 0) and a generated 20,000 x 20 classification
set. Features first, then "label"; the last quarter of the rows (rounded as hone
rounds) is the validation part."""
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, make_classification

out = sys.argv[1]
x, y = load_breast_cancer(return_X_y=True)
order = np.random.default_rng(0).permutation(len(y))
df = pd.DataFrame(x[order].astype(np.float32), columns=[f"f{i}" for i in range(x.shape[1])])
df["label"] = y[order]
df.to_csv(f"{out}/breast_cancer.csv", index=False, float_format="%.7g")
x, y = make_classification(n_samples=20000, n_features=20, n_informative=10, n_redundant=5, flip_y=0.03,
                           random_state=0)
df = pd.DataFrame(x.astype(np.float32), columns=[f"f{i}" for i in range(20)])
df["label"] = y
df.to_csv(f"{out}/generated.csv", index=False, float_format="%.7g")
