"""Loads hone's torch exports (--format torch) into the modules docs/export.md
defines -- the first python block of its "## PyTorch state dicts" section,
executed as it is written there -- and predicts with them.

usage: /usr/bin/python3 torch_state_check.py DOCS CASES

CASES is a JSON list of {"file": path, "x": rows of preprocessed features} (an
mlp) or {"file": path, "users": [...], "items": [...]} (a recommender: index
pairs). Prints a JSON list with, per case, "values": an mlp's mlp_predict()
(probabilities row by row, or values) or a recommender's logits per pair,
and "state_dict": the names load_state_dict(strict=True) took.
"""
import json
import re
import sys

try:
    import torch
except ImportError as e:
    sys.exit(f"cannot import torch ({e}): /usr/bin/python3 needs Debian's python3-torch")


def doc_definitions(path):
    text = open(path, encoding="utf-8").read()
    start = text.find("\n## PyTorch state dicts\n")
    if start < 0:
        sys.exit(f"{path} has no '## PyTorch state dicts' section")
    end = text.find("\n## ", start + 1)
    section = text[start:] if end < 0 else text[start:end]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    if not block:
        sys.exit(f"{path}'s '## PyTorch state dicts' section has no python block")
    return block.group(1)


def run(scope, case):
    saved = torch.load(case["file"], weights_only=True)
    module, info = scope["load_hone"](case["file"])
    if info["architecture"]["kind"] == "mlp":
        out = scope["mlp_predict"](module, info, case["x"])
    else:
        with torch.no_grad():
            out = module(torch.tensor(case["users"]), torch.tensor(case["items"])).double()
    return {"values": out.reshape(-1).tolist(), "state_dict": list(saved["state_dict"].keys())}


def main():
    docs, cases = sys.argv[1:3]
    scope = {}
    exec(compile(doc_definitions(docs), docs, "exec"), scope)
    with open(cases, encoding="utf-8") as f:
        json.dump([run(scope, case) for case in json.load(f)], sys.stdout)


main()
