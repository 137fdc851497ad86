#!/usr/bin/python3
"""Writes tests/models/torch_reference.json: what PyTorch itself computes for
hone's learning-rate schedulers, optimizers and losses on fixed inputs, which
tests/models/test_torch.cpp compares hone's against.

Run with Debian's python3 (torch 1.13): /usr/bin/python3 tests/models/torch_reference.py
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)


def optimizer_for_schedule(lr=0.1, momentum=0.9):
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=momentum)


def run_schedule(scheduler, optimizer, steps, metrics=None):
    """Learning rate (and momentum) at step 0 and after each of `steps` steps."""
    lrs = [optimizer.param_groups[0]["lr"]]
    momenta = [optimizer.param_groups[0]["momentum"]]
    for i in range(steps):
        optimizer.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[i])
        lrs.append(optimizer.param_groups[0]["lr"])
        momenta.append(optimizer.param_groups[0]["momentum"])
    return lrs, momenta


def schedulers():
    out = {}
    sched = torch.optim.lr_scheduler
    o = optimizer_for_schedule()
    out["step"] = {"options": {"base_lr": 0.1, "step_size": 3, "gamma": 0.5, "epochs": 10},
                   "lr": run_schedule(sched.StepLR(o, step_size=3, gamma=0.5), o, 10)[0]}
    o = optimizer_for_schedule()
    out["exponential"] = {"options": {"base_lr": 0.1, "gamma": 0.9, "epochs": 12},
                          "lr": run_schedule(sched.ExponentialLR(o, gamma=0.9), o, 12)[0]}
    o = optimizer_for_schedule()
    # Past T_max too: PyTorch's recursive form then rises again.
    out["cosine"] = {"options": {"base_lr": 0.1, "epochs": 10, "min_lr": 0.001},
                     "lr": run_schedule(sched.CosineAnnealingLR(o, T_max=10, eta_min=0.001), o, 25)[0]}
    o = optimizer_for_schedule()
    metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    plateau = sched.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=1e-4, cooldown=1,
                                      min_lr=0.02)
    out["reduce_on_plateau"] = {"options": {"base_lr": 0.1, "gamma": 0.5, "patience": 2, "cooldown": 1,
                                            "min_lr": 0.02, "epochs": len(metrics)},
                                "metrics": metrics, "lr": run_schedule(plateau, o, len(metrics), metrics)[0]}
    o = optimizer_for_schedule()
    warmup, total = 5, 20

    def linear(step):  # transformers' get_linear_schedule_with_warmup
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(total - step) / float(max(1, total - warmup)))

    out["linear"] = {"options": {"base_lr": 0.1, "warmup_steps": warmup, "epochs": 4, "steps_per_epoch": 5},
                     "lr": run_schedule(sched.LambdaLR(o, linear), o, total)[0]}
    o = optimizer_for_schedule()
    lrs, momenta = run_schedule(sched.OneCycleLR(o, max_lr=0.1, epochs=3, steps_per_epoch=7), o, 21)
    out["one_cycle"] = {"options": {"base_lr": 0.01, "max_lr": 0.1, "epochs": 3, "steps_per_epoch": 7},
                        "lr": lrs, "momentum": momenta}
    return out


def initial_weights():
    return torch.tensor([[0.5, -0.25], [1.5, 0.75], [-1.0, 2.0]])


def gradient(step):
    """A fixed gradient for step 0, 1, 2: varied signs and scales."""
    base = torch.tensor([[0.1, -0.2], [0.3, 0.05], [-0.4, 0.25]])
    return base * (step + 1) + 0.01 * step


def optimizers():
    cases = {
        "adam": (torch.optim.Adam, {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.1}),
        "adamw": (torch.optim.AdamW, {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-8, "weight_decay": 0.01}),
        "sgd": (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.0}),
        "rmsprop": (torch.optim.RMSprop, {"lr": 0.01, "eps": 1e-8, "weight_decay": 0.0}),
        "adagrad": (torch.optim.Adagrad, {"lr": 0.1, "eps": 1e-8, "weight_decay": 0.0}),
    }
    out = {"initial": initial_weights().tolist(), "gradients": [gradient(s).tolist() for s in range(3)]}
    for name, (cls, options) in cases.items():
        w = initial_weights().clone().requires_grad_(True)
        opt = cls([w], **options)
        for s in range(3):
            w.grad = gradient(s)
            opt.step()
        opts = dict(options)
        if "betas" in opts:
            opts["beta1"], opts["beta2"] = opts.pop("betas")
        out[name] = {"options": opts, "weights": w.detach().tolist()}
    return out


def losses():
    logits = torch.tensor([[1.0, -0.5, 0.25], [0.1, 0.2, 0.3], [-2.0, 1.5, 0.5], [0.0, 0.0, 3.0]])
    classes = torch.tensor([0, 2, 1, 2])
    class_weights = torch.tensor([0.5, 2.0, 1.25])
    row_weights = class_weights[classes]
    logit = torch.tensor([0.8, -1.2, 2.5, -0.1])
    labels = torch.tensor([1.0, 0.0, 0.0, 1.0])
    pred = torch.tensor([1.0, 2.5, -0.5, 4.0])
    value = torch.tensor([1.5, 0.5, -0.25, 1.0])
    F = torch.nn.functional

    def weighted(per_row, w):
        return float((per_row * w).sum() / w.sum())

    return {
        "logits": logits.tolist(), "classes": classes.tolist(), "row_weights": row_weights.tolist(),
        "logit": logit.tolist(), "labels": labels.tolist(), "pred": pred.tolist(), "value": value.tolist(),
        "cross_entropy": float(F.cross_entropy(logits, classes)),
        "cross_entropy_weighted": float(F.cross_entropy(logits, classes, weight=class_weights)),
        "binary_cross_entropy": float(F.binary_cross_entropy_with_logits(logit, labels)),
        "binary_cross_entropy_weighted": weighted(
            F.binary_cross_entropy_with_logits(logit, labels, reduction="none"), row_weights),
        "mse": float(F.mse_loss(pred, value)),
        "mae": float(F.l1_loss(pred, value)),
        "huber": float(F.huber_loss(pred, value)),
        "huber_weighted": weighted(F.huber_loss(pred, value, reduction="none"), row_weights),
    }


def main():
    fixture = {"torch": torch.__version__, "schedulers": schedulers(), "optimizers": optimizers(),
               "losses": losses()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_reference.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
