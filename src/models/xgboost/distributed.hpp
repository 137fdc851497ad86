#pragma once
// Data-parallel training of the XGBoost algorithms across worker processes of
// hone on this machine (a training's `compute: {backend: distributed, workers: N}`).
//
// The process that trains (the coordinator) runs the rabit tracker
// (rabit_tracker.hpp) on a loopback port and starts N workers, each the hone
// program as `hone xgboost-worker DIR RANK`. Worker r reads only its shard of
// the training rows, a contiguous range [r * n / N, (r + 1) * n / N): the
// trainer's split has already shuffled the rows, so ranges are as mixed as a
// round-robin deal, and each worker reads one block of one file. Rank 0 also
// holds every validation row, the others none: XGBoost sums each metric's parts
// over the workers, so the metrics, and early stopping on them, are exactly a
// single process's. The workers join XGBoost's collective and boost with
// tree_method 'hist', which sums every histogram over them; rank 0 relays each
// round's metrics to the coordinator (the trainer's callbacks: early stopping,
// progress, pruning) and broadcasts its answer to the others; at the end it
// writes the model, which the coordinator loads.
//
// The model equals one process's on all rows when the histogram bins agree:
// XGBoost sketches each feature's quantiles on every worker and merges the
// summaries, which is exact while a feature has no more distinct values than
// the sketch keeps (about 8 * max_bin); above that the merged cut points differ
// slightly from one sketch over all rows (docs/distributed.md).
//
// A lost worker fails the fit within a bounded time: the coordinator sees any
// worker that exits or is killed at once and stops the others; a worker that
// hangs makes its peers' sockets time out (rabit_timeout_sec), and a worker
// that never starts makes the tracker give up.
#include <chrono>
#include <filesystem>
#include <string>

#include "models/estimator.hpp"
#include "models/worker_processes.hpp"
#include "models/xgboost/booster_estimator.hpp"

namespace hone::models::xgb {

using models::DistributedOptions;

// Fits `estimator` (made from `algorithm` and `config`) on `input` across
// options.workers worker processes, reporting rounds to `callbacks` as a fit in
// this process does, then loads the model rank 0 wrote into `estimator`.
// Throws hone::Error(internal, "distributed_failed") naming the worker and why
// when one fails, and hone::Error(cancelled) when callbacks.cancelled() turns
// true (the workers are stopped).
void fit_distributed(BoosterEstimator& estimator, const std::string& algorithm, const EstimatorConfig& config,
                     const FitInput& input, const Callbacks& callbacks, const DistributedOptions& options);

// What `hone xgboost-worker DIR RANK` runs; returns the process's exit code.
int run_worker(const std::filesystem::path& dir, int rank);

}  // namespace hone::models::xgb
