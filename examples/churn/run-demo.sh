#!/usr/bin/env bash
# `make demo`: check the churn job file and describe its data.
set -euo pipefail
hone=${1:-build/hone}
here=$(cd "$(dirname "$0")" && pwd)
echo "== hone check examples/churn/churn.n3"
"$hone" check "$here/churn.n3"
echo
echo "== hone data describe examples/churn/churn.n3 customer_data"
"$hone" data describe "$here/churn.n3" customer_data
