#!/usr/bin/env bash
# hone's text classifiers (tfidf_linear, fasttext) next to their Python peers
# (scikit-learn's TfidfVectorizer + LogisticRegression at their defaults, and
# fastText's Python module at its defaults) on the same corpora and split: Jane
# Austen's paragraphs labelled by book (one label per text) and a generated
# multi-label corpus. Each side runs RUNS times; the table shows the median
# training seconds (featurization included), the ratio to fastText's Python
# module, and the test accuracy or micro-F1 (median).
#   bench/text/run.sh [BUILD_DIR]    (RUNS=3, THREADS=2, DATA=bench/text/out)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
runs=${RUNS:-3}
threads=${THREADS:-2}
data=${DATA:-$here/out}
py=/usr/bin/python3
cmake --build "$build" --target text_driver >/dev/null
[ -f "$data/multilabel/test.tsv" ] || $py "$here/make_data.py" "$data"

# Median of a field over JSON lines on stdin.
median() { $py -c "import json,sys,statistics; print(statistics.median(json.loads(l)['$1'] for l in sys.stdin if l.strip()))"; }

repeat() { for _ in $(seq "$runs"); do "$@"; done; }

printf '%-11s %-28s %9s %9s %10s\n' corpus model score train_s vs_fasttext
for corpus in austen multilabel; do
  dir="$data/$corpus"
  metric=accuracy
  [ "$corpus" = multilabel ] && metric=micro_f1
  declare -A out=()
  out[fasttext_py]=$(repeat $py "$here/peer.py" "$dir" fasttext "$threads")
  out[sklearn]=$(repeat $py "$here/peer.py" "$dir" sklearn "$threads")
  out[hone_tfidf_linear]=$(repeat "$build/bench/text_driver" "$dir" tfidf_linear "$threads")
  out[hone_fasttext]=$(repeat "$build/bench/text_driver" "$dir" fasttext "$threads")
  peer_s=$(echo "${out[fasttext_py]}" | median train_seconds)
  for model in sklearn fasttext_py hone_tfidf_linear hone_fasttext; do
    s=$(echo "${out[$model]}" | median train_seconds)
    printf '%-11s %-28s %9.4f %9.2f %9.2fx\n' "$corpus" "$model" "$(echo "${out[$model]}" | median $metric)" \
      "$s" "$(echo "$s / $peer_s" | bc -l)"
  done
  unset out
done
