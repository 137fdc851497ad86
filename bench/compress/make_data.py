"""A wide classification table, like bag-of-words counts: ROWS x FEATURES
non-negative features, CLASSES classes, each class raising its own block of
features. Seeded, so every run writes the same file."""
import sys

import numpy as np

path, rows, features, classes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(7)
y = rng.integers(0, classes, rows)
x = rng.poisson(0.3, (rows, features)).astype(float)
block = features // (2 * classes)
for k in range(classes):
    x[y == k, k * block:(k + 1) * block] += rng.poisson(0.1, ((y == k).sum(), block))
names = [f"w{j}" for j in range(features)]
with open(path, "w") as out:
    out.write(",".join(names) + ",label\n")
    for r in range(rows):
        out.write(",".join(str(int(v)) for v in x[r]) + f",c{y[r]}\n")
