"""Request bodies of the recommendation serving benchmark: `count` one-user
requests {"user_id": ..., "k": K} for users drawn at random (seeded) from the
known users of an interactions file, one JSON body a line.

    serve_bodies.py INTERACTIONS_JSON BODIES_TXT [COUNT] [K]
"""
import json
import random
import sys

path, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
k = int(sys.argv[4]) if len(sys.argv) > 4 else 10
with open(path) as f:
    doc = json.load(f)
records = doc["interactions"] if isinstance(doc, dict) else doc
users = sorted({str(r["user_id"]) for r in records})
rng = random.Random(1)
with open(out, "w") as f:
    for _ in range(count):
        f.write(json.dumps({"user_id": rng.choice(users), "k": k}) + "\n")
