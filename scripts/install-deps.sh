#!/usr/bin/env bash
# Installs every Debian package hone needs to build, test and (with --bench) to
# compare itself with its Python peers, then from npm ONNX Runtime for the export
# tests and ECharts and puppeteer-core for the dashboard. Idempotent and
# non-interactive: when everything is present it only runs dpkg queries and
# compares two lockfiles, and exits in well under a second.
set -euo pipefail

# Build and test: the dependency table of DESIGN.md, all of it.
BUILD_PKGS=(
  build-essential g++ cmake ninja-build ccache pkg-config git
  libxgboost-dev            # gradient boosting, forests, trees
  liblinear-dev             # logistic regression, linear SVM
  libsvm-dev                # kernel SVM
  libeigen3-dev             # dense linear algebra
  liblbfgspp-dev            # L-BFGS for logistic regression (header-only, on Eigen)
  libtorch-dev              # neural networks
  libgloo-dev               # Gloo's headers, which libtorch's c10d needs for data-parallel training
  libopenblas0-openmp       # libtorch's matrix products: Debian's default BLAS is the unoptimized reference one
  libnanoflann-dev          # neighbour search
  libfasttext-dev           # fastText text classifiers
  libsqlite3-dev sqlite3    # embedded store
  postgresql libpqxx-dev    # team store (tests start their own server)
  libcpp-httplib-dev        # HTTP server
  zlib1g-dev                # gzip of the server's answers
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  libonnx-dev python3-onnx  # ONNX export and its checker
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # libFuzzer targets
  chromium                  # the dashboard's browser tests (headless, driven by puppeteer-core)
)
# Peers for bench/, run with /usr/bin/python3.
BENCH_PKGS=(
  python3-sklearn python3-xgboost python3-optuna python3-torch python3-pandas
  python3-fastapi python3-uvicorn wrk hyperfine time bc
  python3-uvloop python3-httptools curl  # bench/serve: uvicorn's fast loop and HTTP parser
  python3-fasttext r-cran-janeaustenr    # bench/text: fastText's peer and a labelled corpus
)

pkgs=("${BUILD_PKGS[@]}")
if [[ "${1:-}" == "--bench" ]]; then pkgs+=("${BENCH_PKGS[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm run the ONNX Runtime checks; Debian's only when none is installed.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# ONNX Runtime for the export tests, from the committed lockfile. Its install
# script would download GPU binaries: --ignore-scripts (the CPU library for
# Linux is inside the package). Skipped when node_modules already matches the
# lockfile (the copy npm ci leaves there).
ORT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/export/onnxruntime"
if ! cmp -s "$ORT_DIR/package-lock.json" "$ORT_DIR/node_modules/.hone-package-lock.json"; then
  echo "install-deps: installing onnxruntime-node into $ORT_DIR/node_modules"
  (cd "$ORT_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$ORT_DIR/package-lock.json" "$ORT_DIR/node_modules/.hone-package-lock.json"
fi

# The dashboard's chart library (ECharts, embedded in hone at build time) and
# the browser tests' driver (puppeteer-core, which drives Debian's chromium:
# --ignore-scripts, so it downloads no browser of its own), from web/'s
# committed lockfile, the same way.
WEB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/web"
if ! cmp -s "$WEB_DIR/package-lock.json" "$WEB_DIR/node_modules/.hone-package-lock.json"; then
  echo "install-deps: installing echarts and puppeteer-core into $WEB_DIR/node_modules"
  (cd "$WEB_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$WEB_DIR/package-lock.json" "$WEB_DIR/node_modules/.hone-package-lock.json"
fi
