"""Writes customers.csv: a synthetic churn table (deterministic, seed 42).

Churn grows with support calls, monthly spend and month-to-month contracts, and
falls with tenure; about 3% of monthly_spend values are missing.
"""
import csv
import math
import random

rng = random.Random(42)
contracts = ["monthly", "annual", "two_year"]
with open("customers.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["customer_id", "tenure", "monthly_spend", "support_calls", "contract_type", "churned"])
    for i in range(1, 5001):
        tenure = rng.randint(1, 72)
        contract = rng.choices(contracts, weights=[0.55, 0.3, 0.15])[0]
        spend = round(max(5.0, rng.gauss(65, 20) + (10 if contract == "monthly" else 0)), 2)
        calls = min(int(rng.expovariate(0.6)), 12)
        z = (-1.2 - 0.05 * tenure + 0.45 * calls + 0.02 * (spend - 65)
             + (1.3 if contract == "monthly" else -0.4 if contract == "annual" else -1.0))
        churned = rng.random() < 1 / (1 + math.exp(-z))
        w.writerow([i, tenure, "" if rng.random() < 0.03 else spend, calls, contract,
                    "true" if churned else "false"])
