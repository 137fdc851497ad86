"""Optuna 3.1's side of bench/tune/run.sh (run with /usr/bin/python3, Debian's python3-optuna).

    optuna_peer.py quality SAMPLER FUNCTION SEEDS TRIALS   one JSON line per seed, as tune_bench
    optuna_peer.py cost REPS N...                          seconds of one study.ask() after N
                                                           complete trials (mixed10 space), a
                                                           JSON line per N
    optuna_peer.py parity FILE                             scores hone's TPE candidates (from
                                                           tune_bench parity) with Optuna's own
                                                           _ParzenEstimator; prints the largest
                                                           differences of log l and log g

The functions and spaces are the same as bench/tune/tune_bench.cpp's. SAMPLER is "tpe"
(TPESampler(multivariate=True, constant_liar=True), defaults otherwise: 10 startup trials,
24 EI candidates) or "random".
"""
import json
import math
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def branin(t):
    x1 = t.suggest_float("x1", -5, 10)
    x2 = t.suggest_float("x2", 0, 15)
    a, b, c, r, s, tt = 1, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - tt) * math.cos(x1) + s


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(t):
    x = [t.suggest_float(f"x{j}", 0, 1) for j in range(6)]
    total = 0.0
    for i in range(4):
        inner = sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6))
        total += ALPHA[i] * math.exp(-inner)
    return -total


SHIFT = [1.5, -2.0, 0.5, 3.0, -1.0, 2.5, -3.5, 1.0]
WEIGHT = [1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75]
PENALTY = {"a": 2.0, "b": 0.0, "c": 1.0, "d": 3.0}


def mixed10_params(x, n, c):
    v = sum(WEIGHT[i] * (x[i] - SHIFT[i]) ** 2 for i in range(8))
    return v + 0.5 * (n - 3) ** 2 + PENALTY[c]


def mixed10(t):
    x = [t.suggest_float(f"x{i}", -5, 5) for i in range(8)]
    n = t.suggest_int("n", -10, 10)
    c = t.suggest_categorical("c", ["a", "b", "c", "d"])
    return mixed10_params(x, n, c)


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "mixed10": mixed10}


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(multivariate=True, constant_liar=True, seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise SystemExit(f"unknown sampler {name}")


def quality(sampler, fn, seeds, trials):
    f = FUNCTIONS[fn]
    for seed in range(seeds):
        study = optuna.create_study(direction="minimize", sampler=make_sampler(sampler, seed))
        trace, best = [], math.inf
        for _ in range(trials):  # sequential, one ask/tell at a time
            trial = study.ask()
            value = f(trial)
            study.tell(trial, value)
            best = min(best, value)
            trace.append(best)
        print(json.dumps({"seed": seed, "trace": trace}), flush=True)


def cost(reps, sizes):
    """One study.ask() after each N complete trials (the first N of one random history),
    the sizes interleaved rep by rep so that load on the machine hits them alike."""
    import random

    rng = random.Random(12345)
    dists = {f"x{i}": optuna.distributions.FloatDistribution(-5, 5) for i in range(8)}
    dists["n"] = optuna.distributions.IntDistribution(-10, 10)
    dists["c"] = optuna.distributions.CategoricalDistribution(["a", "b", "c", "d"])
    trials = []
    for _ in range(max(sizes)):
        x = [rng.uniform(-5, 5) for _ in range(8)]
        k = rng.randint(-10, 10)
        c = rng.choice("abcd")
        params = {f"x{i}": x[i] for i in range(8)}
        params.update(n=k, c=c)
        trials.append(optuna.trial.create_trial(params=params, distributions=dists, value=mixed10_params(x, k, c)))
    studies = []
    for n in sizes:
        study = optuna.create_study(direction="minimize", sampler=make_sampler("tpe", 1))
        study.add_trials(trials[:n])
        studies.append(study)
    times = [[] for _ in sizes]
    for _ in range(reps):
        for k, study in enumerate(studies):
            t0 = time.perf_counter()
            trial = study.ask()  # samples every parameter jointly (sample_relative) here
            times[k].append(time.perf_counter() - t0)
            study.tell(trial, state=optuna.trial.TrialState.FAIL)  # keep N complete trials
    for n, t in zip(sizes, times):
        print(json.dumps({"n": n, "seconds": t}), flush=True)


def distributions(fn):
    D = optuna.distributions
    if fn == "branin":
        return {"x1": D.FloatDistribution(-5, 10), "x2": D.FloatDistribution(0, 15)}
    if fn == "hartmann6":
        return {f"x{j}": D.FloatDistribution(0, 1) for j in range(6)}
    space = {f"x{i}": D.FloatDistribution(-5, 5) for i in range(8)}
    space["n"] = D.IntDistribution(-10, 10)
    space["c"] = D.CategoricalDistribution(["a", "b", "c", "d"])
    return space


def parity(path):
    import numpy as np
    from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
    from optuna.samplers._tpe.sampler import default_weights

    # TPESampler(multivariate=True)'s estimator parameters: consider_prior, prior_weight 1,
    # consider_magic_clip, not consider_endpoints, default_weights.
    params = _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, True)
    worst, checked = 0.0, 0
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            d = rec["detail"]
            space = distributions(rec["function"])
            names = d["axes"]
            assert names == list(space), (names, list(space))

            def columns(rows):
                cols = {k: np.array([r[i] for r in rows], dtype=float) for i, k in enumerate(names)}
                for k, dist in space.items():
                    if isinstance(dist, optuna.distributions.CategoricalDistribution):
                        cols[k] = cols[k].astype(int)
                return cols

            below = _ParzenEstimator(columns(d["below"]), space, params)
            above = _ParzenEstimator(columns(d["above"]), space, params)
            cand = columns(d["candidates"])
            ll, lg = below.log_pdf(cand), above.log_pdf(cand)
            diff = max(np.max(np.abs(ll - np.array(d["log_l"]))), np.max(np.abs(lg - np.array(d["log_g"]))))
            same_choice = int(np.argmax(ll - lg)) == d["best"]
            print(f"{rec['function']:<10} trial {rec['trial']:>4}: {len(d['below']):>3} below, {len(d['above']):>4} above, "
                  f"max |log l, log g difference| {diff:.1e}, same choice: {'yes' if same_choice else 'NO'}")
            worst = max(worst, diff)
            checked += 1
    print(f"{checked} suggestions checked; largest difference {worst:.1e}")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 5 and a[0] == "quality":
        quality(a[1], a[2], int(a[3]), int(a[4]))
    elif len(a) >= 3 and a[0] == "cost":
        cost(int(a[1]), [int(x) for x in a[2:]])
    elif len(a) == 2 and a[0] == "parity":
        parity(a[1])
    else:
        raise SystemExit(__doc__)
