"""The PyTorch peer of hone's NCF in bench/recsys: the same NeuMF (GMF and an
MLP tower over 64-wide embeddings, tower [128, 64, 32], one output), the same
initialization scheme, Adam at 0.001, binary cross-entropy on each positive
and 4 negatives drawn anew each epoch (uniform among the items the user has
not interacted with in training), batch size and threads as given. It trains
on the train.csv ncf_driver wrote and ranks, for each user of test.csv, the
held-out item among the same 99 negatives, an equal score counting against
the held-out item as in hone.

usage: torch_ncf.py DIR EPOCHS BATCH THREADS -> one JSON line
"""
import json
import math
import sys
import time

import numpy as np
import torch

folder, epochs, batch_size, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)
rng = np.random.default_rng(0)

train = np.loadtxt(f"{folder}/train.csv", delimiter=",", skiprows=1, dtype=np.int64)
users, items = train[:, 0], train[:, 1]
test_users, held_out, negatives = [], [], []
with open(f"{folder}/test.csv") as f:
    next(f)
    for line in f:
        u, h, negs = line.rstrip("\n").split(",")
        test_users.append(int(u))
        held_out.append(int(h))
        negatives.append([int(v) for v in negs.split()])
num_users = int(max(users.max(), max(test_users)) + 1)
num_items = int(max(items.max(), max(held_out), max(max(n) for n in negatives)) + 1)
seen = np.unique(users * num_items + items)


class NeuMF(torch.nn.Module):
    def __init__(self, dim=64, hidden=(128, 64, 32)):
        super().__init__()
        self.gmf_user = torch.nn.Embedding(num_users, dim)
        self.gmf_item = torch.nn.Embedding(num_items, dim)
        self.mlp_user = torch.nn.Embedding(num_users, dim)
        self.mlp_item = torch.nn.Embedding(num_items, dim)
        layers, width = [], 2 * dim
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        self.tower = torch.nn.Sequential(*layers)
        self.output = torch.nn.Linear(dim + width, 1)
        for e in (self.gmf_user, self.gmf_item, self.mlp_user, self.mlp_item):
            torch.nn.init.normal_(e.weight, std=0.01)
        for m in list(self.tower) + [self.output]:
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.xavier_uniform_(m.weight)
                torch.nn.init.zeros_(m.bias)

    def forward(self, u, i):
        gmf = self.gmf_user(u) * self.gmf_item(i)
        mlp = self.tower(torch.cat([self.mlp_user(u), self.mlp_item(i)], dim=1))
        return self.output(torch.cat([gmf, mlp], dim=1)).view(-1)


def epoch_pairs():
    """Each positive, then 4 negatives per positive, redrawn while seen (vectorized)."""
    neg_users = np.repeat(users, 4)
    neg_items = rng.integers(0, num_items, size=len(neg_users))
    while True:
        bad = np.isin(neg_users * num_items + neg_items, seen)
        if not bad.any():
            break
        neg_items[bad] = rng.integers(0, num_items, size=int(bad.sum()))
    u = np.concatenate([users, neg_users])
    i = np.concatenate([items, neg_items])
    y = np.concatenate([np.ones(len(users), np.float32), np.zeros(len(neg_users), np.float32)])
    return torch.from_numpy(u), torch.from_numpy(i), torch.from_numpy(y)


model = NeuMF()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.BCEWithLogitsLoss()
seconds = []
for epoch in range(epochs):
    start = time.perf_counter()
    u, i, y = epoch_pairs()
    order = torch.randperm(len(y))
    model.train()
    for s in range(0, len(y), batch_size):
        idx = order[s:s + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(u[idx], i[idx]), y[idx])
        loss.backward()
        optimizer.step()
    seconds.append(time.perf_counter() - start)

model.eval()
hits, ndcg = 0.0, 0.0
with torch.no_grad():
    for u, h, negs in zip(test_users, held_out, negatives):
        candidates = torch.tensor(negs + [h])
        scores = model(torch.full((len(candidates),), u, dtype=torch.long), candidates)
        rank = int((scores[:-1] >= scores[-1]).sum()) + 1  # equal scores rank the held-out item lower
        if rank <= 10:
            hits += 1
            ndcg += 1 / math.log2(rank + 1)
n = len(test_users)
print(json.dumps({"epoch_seconds": seconds, "ncf": {"hr@10": hits / n, "ndcg@10": ndcg / n}}))
