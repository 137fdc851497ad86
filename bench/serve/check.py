"""Checks the two servers before they are timed: hone's answer to one-row bodies has
the shape of a classifier's (one prediction, one row of probabilities summing to 1,
the prediction the most probable class), and the peer answers the same: the same
predictions and classes, every probability within 1e-6 of hone's.

    check.py HONE_URL PEER_URL KEY BODIES [N]       (N: the first N bodies, default 200)

Prints one line per side and exits 1 on the first difference.
"""
import http.client
import json
import sys
from urllib.parse import urlsplit

hone_url, peer_url, key, bodies_path = sys.argv[1:5]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 200
bodies = [line for line in open(bodies_path) if line.strip()][:n]
path = f"/api/training/models/{key}/predict"


def fail(msg):
    print(f"check.py: {msg}", file=sys.stderr)
    sys.exit(1)


def post_all(url):
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    answers = []
    for body in bodies:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        text = r.read()
        if r.status != 200:
            fail(f"{url}{path} answered {r.status}: {text[:300]!r}")
        answers.append(json.loads(text))
    conn.close()
    return answers


hone = post_all(hone_url)
for i, a in enumerate(hone):
    p, probs, classes = a.get("predictions"), a.get("probabilities"), a.get("classes")
    if not (isinstance(p, list) and len(p) == 1 and isinstance(probs, list) and len(probs) == 1
            and isinstance(classes, list) and len(probs[0]) == len(classes) >= 2):
        fail(f"hone's answer to body {i} lacks one prediction and one row of probabilities: {a}")
    if abs(sum(probs[0]) - 1) > 1e-6:
        fail(f"hone's probabilities for body {i} do not sum to 1: {probs[0]}")
    best = max(range(len(classes)), key=lambda k: (probs[0][k], -k))
    if str(p[0]) != classes[best]:
        fail(f"hone's prediction for body {i} is {p[0]}, its most probable class {classes[best]}")
print(f"hone: {len(hone)} one-row answers, each a prediction and probabilities; "
      f"first: {json.dumps({k: hone[0][k] for k in ('predictions', 'probabilities')})}")

peer = post_all(peer_url)
worst = 0.0
for i, (h, q) in enumerate(zip(hone, peer)):
    if q.get("predictions") != h["predictions"] or q.get("classes") != h["classes"]:
        fail(f"body {i}: the peer predicts {q.get('predictions')} {q.get('classes')}, hone "
             f"{h['predictions']} {h['classes']}")
    for a, b in zip(h["probabilities"][0], q["probabilities"][0]):
        worst = max(worst, abs(a - b))
    if worst > 1e-6:
        fail(f"body {i}: the peer's probabilities {q['probabilities']} differ from hone's "
             f"{h['probabilities']} by more than 1e-6")
print(f"peer: the same {len(peer)} answers (predictions equal, probabilities within {worst:.1e} of hone's)")
