"""Prints bench/tune/run.sh's tables from the JSON lines in OUT (run with /usr/bin/python3).

    report.py OUT SEEDS TRIALS
"""
import json
import math
import os
import statistics as st
import sys

OPTIMA = {"branin": 0.397887, "hartmann6": -3.32237, "mixed10": 0.0}
SAMPLERS = {"tpe": "TPE", "random": "random"}


def traces(path):
    with open(path) as f:
        return [json.loads(line)["trace"] for line in f if line.strip()]


def mean_sd(v):
    return st.mean(v), (st.stdev(v) if len(v) > 1 else 0.0)


def fmt(x):
    return f"{x:.4g}" if abs(x) < 1000 else f"{x:.0f}"


def quality(out, trials):
    checkpoints = [k for k in (50, 100) if k <= trials] or [trials]
    print("Search quality: best value found (all minimised), mean ± std over seeds, sequential trials")
    print("(t = Welch's t of hone - Optuna: negative means hone found lower values; |t| < 2 is noise)\n")
    head = f"{'function':<10} {'optimum':>8} {'sampler':<7} {'trials':>6}  {'hone':>17}  {'Optuna 3.1':>17}  {'t':>5}"
    print(head)
    print("-" * len(head))
    for fn, opt in OPTIMA.items():
        for s, label in SAMPLERS.items():
            h = os.path.join(out, f"hone_{s}_{fn}.jsonl")
            o = os.path.join(out, f"optuna_{s}_{fn}.jsonl")
            if not (os.path.exists(h) and os.path.exists(o)):
                continue
            ht, ot = traces(h), traces(o)
            for k in checkpoints:
                hv = [t[k - 1] for t in ht]
                ov = [t[k - 1] for t in ot]
                (hm, hs), (om, os_) = mean_sd(hv), mean_sd(ov)
                se = math.sqrt(hs * hs / len(hv) + os_ * os_ / len(ov))
                t = (hm - om) / se if se > 0 else 0.0
                print(f"{fn:<10} {fmt(opt):>8} {label:<7} {k:>6}  {fmt(hm):>8} ± {fmt(hs):<6}  {fmt(om):>8} ± {fmt(os_):<6}  {t:>+5.1f}")
    print()


def cost(out):
    def load(path):
        if not os.path.exists(path):
            return {}
        with open(path) as f:
            return {r["n"]: r["seconds"] for r in map(json.loads, filter(str.strip, f))}

    hone, optuna_ = load(os.path.join(out, "hone_cost.jsonl")), load(os.path.join(out, "optuna_cost.jsonl"))
    rows = []
    for n in sorted(set(hone) & set(optuna_)):
        hs, os_ = hone[n], optuna_[n]
        rows.append((n, st.median(hs), min(hs), len(hs), st.median(os_), min(os_), len(os_)))
    if not rows:
        return
    print("Sampler cost: one TPE suggestion after N complete trials (mixed10: 8 floats, 1 int, 1 categorical)")
    print("hone: Sampler::suggest() given the N trial records; Optuna: one study.ask() (sample_relative)")
    print("median (fastest) of [runs]; the two sizes are measured in turn, so load hits both alike\n")
    head = f"{'N':>6}  {'hone':>22}  {'Optuna 3.1':>22}  {'Optuna / hone':>13}"
    print(head)
    print("-" * len(head))
    for n, hm, hmin, hn, om, omin, on in rows:
        hone = f"{hm * 1e3:.2f} ({hmin * 1e3:.2f}) ms [{hn}]"
        opt = f"{om * 1e3:.0f} ({omin * 1e3:.0f}) ms [{on}]"
        print(f"{n:>6}  {hone:>22}  {opt:>22}  {om / hm:>12.0f}x")
    if len(rows) == 2:
        (n1, h1, h1min, _, o1, o1min, _), (n2, h2, h2min, _, o2, o2min, _) = rows
        print(f"\ngrowth from {n1} to {n2} trials ({n2 // n1}x), medians (fastest): "
              f"hone {h2 / h1:.1f}x ({h2min / h1min:.1f}x), Optuna {o2 / o1:.1f}x ({o2min / o1min:.1f}x)")


if __name__ == "__main__":
    out, seeds, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    quality(out, trials)
    cost(out)
