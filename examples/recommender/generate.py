#!/usr/bin/env python3
"""Writes interactions.json, in the interactions format: 300 users in 6 taste
groups over 240 items. Each group prefers its own 40 items (80% of its views),
and popular items are viewed more in every group, so a model that learns the
groups beats the popularity baseline. Seeded: the same file every run."""
import datetime
import json
import random

rng = random.Random(7)
USERS, ITEMS, GROUPS = 300, 240, 6
per_group = ITEMS // GROUPS
records = []
start = datetime.datetime(2024, 1, 1)
for u in range(USERS):
    group = u % GROUPS
    own = [group * per_group + i for i in range(per_group)]
    n = rng.randint(8, 20)
    seen = set()
    while len(seen) < n:
        if rng.random() < 0.8:
            item = own[min(int(rng.expovariate(1 / 8)), per_group - 1)]
        else:
            item = rng.randrange(ITEMS)
        seen.add(item)
    for item in seen:
        when = start + datetime.timedelta(minutes=rng.randrange(60 * 24 * 90))
        records.append({"user_id": f"user_{u + 1}", "item_id": f"item_{item + 1}",
                        "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S"),
                        "interaction_type": rng.choice(["view", "view", "bookmark"]),
                        "implicit_rating": 1.0})
records.sort(key=lambda r: r["timestamp"])
users = {r["user_id"] for r in records}
items = {r["item_id"] for r in records}
doc = {"metadata": {"num_users": len(users), "num_items": len(items), "num_interactions": len(records),
                    "density": round(len(records) / (len(users) * len(items)), 4)},
       "interactions": records}
with open("interactions.json", "w") as f:
    json.dump(doc, f, indent=1)
print(f"{len(records)} interactions, {len(users)} users, {len(items)} items")
