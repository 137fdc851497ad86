#pragma once
// Data-parallel training of the neural models (mlp) across worker processes of
// hone on this machine (a training's `compute: {backend: distributed, workers: N}`).
//
// The process that trains (the coordinator) writes every training row to one
// file of a private working folder, the validation rows to another, and
// starts N workers, each the hone program as `hone torch-worker DIR RANK`.
// Every worker reads all training rows: the epoch loop shuffles all of them
// with the same seed on every rank and each rank takes rows r, r + N, ... of
// every batch (torch/loop.hpp, EstimatorConfig::data_parallel), so each step,
// on the gradients summed over Gloo, is the step one process takes on the
// whole batch. Only rank 0 reads the validation rows: it alone computes the
// epoch's metrics and relays them to the coordinator, where the trainer's
// callbacks run (early stopping, progress, pruning) as for a fit in its own
// process; their answer goes back to rank 0, which shares it with the others.
// The ranks meet at a FileStore in the working folder. At the end rank 0
// writes the model, which the coordinator loads. Checkpoints
// (EstimatorConfig::checkpoints) are written by rank 0 and read by every rank
// on resume.
//
// A lost worker fails the fit within a bounded time: the coordinator sees any
// worker that exits or is killed at once and stops the others; a worker that
// hangs makes its peers' exchanges time out (options.timeout), and so does a
// worker that never meets the others.
//
// Torch-free: the workers load the libtorch backend, the coordinator only to
// read the model back.
#include <filesystem>
#include <string>

#include "models/estimator.hpp"
#include "models/worker_processes.hpp"

namespace hone::models::torch_nn {

// Fits `estimator` (made from `algorithm` and `config`) on `input` across
// options.workers worker processes, reporting rounds to `callbacks` as a fit in
// this process does, then loads the model rank 0 wrote into `estimator`.
// Throws hone::Error(internal, "distributed_failed") naming the worker and why
// when one fails, and hone::Error(cancelled) when callbacks.cancelled() turns
// true (the workers are stopped).
void fit_distributed(Estimator& estimator, const std::string& algorithm, const EstimatorConfig& config,
                     const FitInput& input, const Callbacks& callbacks, const DistributedOptions& options);

// What `hone torch-worker DIR RANK` runs; returns the process's exit code.
int run_worker(const std::filesystem::path& dir, int rank);

}  // namespace hone::models::torch_nn
