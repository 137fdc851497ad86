"""The PyTorch peer of hone's MLP epoch: the same network, data, batch size,
optimizer and threads, trained for EPOCHS epochs; prints one JSON line with each
epoch's seconds and mean training loss.

usage: torch_peer.py CSV BATCH_SIZE EPOCHS THREADS HIDDEN (e.g. 100 or 128,64)

An epoch is what hone's is: shuffle (seeded), then for each batch a forward
pass, the cross-entropy loss, backward, an Adam step (learning rate 0.001);
the epoch's training loss is the mean over its batches. Reading and scaling
the CSV are not timed (hone's epoch time does not include them either).
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import torch

path, batch_size, epochs, threads, hidden = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
torch.set_num_threads(threads)
torch.manual_seed(0)

df = pd.read_csv(path)
X = df.drop(columns=["label"]).to_numpy(dtype=np.float32)
y = df["label"].to_numpy(dtype=np.int64)
# hone's job trains on 80% of the rows (test 20%); the same count here.
n = int(len(X) * 0.8)
X, y = X[:n], y[:n]
X = (X - X.mean(axis=0)) / X.std(axis=0)
X, y = torch.from_numpy(X), torch.from_numpy(y)

layers, width = [], X.shape[1]
for h in (int(v) for v in hidden.split(",")):
    layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
    width = h
layers.append(torch.nn.Linear(width, 2))
model = torch.nn.Sequential(*layers)
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.CrossEntropyLoss()
generator = torch.Generator().manual_seed(42)

seconds, losses = [], []
for epoch in range(epochs):
    start = time.perf_counter()
    order = torch.randperm(len(X), generator=generator)
    total, batches = 0.0, 0
    for i in range(0, len(X), batch_size):
        idx = order[i:i + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(X[idx]), y[idx])
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    seconds.append(time.perf_counter() - start)
    losses.append(total / batches)
print(json.dumps({"batch_size": batch_size, "epoch_seconds": seconds, "train_loss": losses}))
