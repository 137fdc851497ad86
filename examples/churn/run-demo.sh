#!/usr/bin/env bash
# `make demo`: check the churn job file, describe its data, train the documented example's
# baseline model, list the registry, predict a few rows with the new model, then
# run the documented example's tuning study on a small budget and show its best trial.
# The registry goes to ./.hone (override with HONE_HOME).
set -euo pipefail
hone=${1:-build/hone}
here=$(cd "$(dirname "$0")" && pwd)
step() { printf '\n== %s\n' "$*"; }

step "hone check examples/churn/churn.n3"
"$hone" check "$here/churn.n3"

step "hone data describe examples/churn/churn.n3 customer_data"
"$hone" data describe "$here/churn.n3" customer_data

step "hone train examples/churn/churn.n3 baseline_churn_model"
"$hone" train "$here/churn.n3" baseline_churn_model

step "hone models list --name churn_classifier"
"$hone" models list --name churn_classifier | head -n 4

key=$("$hone" models list --name churn_classifier --json | sed -n 's/.*"key": "\(.*\)".*/\1/p' | head -n 1)
head -n 6 "$here/customers.csv" > "${TMPDIR:-/tmp}/hone-demo-rows.csv"
step "hone predict $key --input (5 customers)"
"$hone" predict "$key" --input "${TMPDIR:-/tmp}/hone-demo-rows.csv"

# The documented example's study asks for 50 trials; 12 keep the demo well under a minute.
step "hone tune examples/churn/churn.n3 optimized_churn_model --set max_trials=12"
"$hone" tune "$here/churn.n3" optimized_churn_model --set max_trials=12

step "hone best optimized_churn_model"
"$hone" best optimized_churn_model | head -n 8

step "hone pipeline run examples/churn/churn.n3 churn_pipeline"
"$hone" pipeline run "$here/churn.n3" churn_pipeline

step "hone pipeline run examples/churn/churn.n3 churn_pipeline (again: nothing changed, every stage cached)"
"$hone" pipeline run "$here/churn.n3" churn_pipeline

# The runs, the study and the models above, for people: hone serve answers the
# dashboard at / (8080 is its default port).
step "dashboard"
echo "dashboard: run \`$hone serve examples/churn/churn.n3\` and open http://127.0.0.1:8080/"
