#pragma once
// One training run: load the dataset, check target and features, split, fit the
// preprocessing on the training rows, fit the model with early stopping, evaluate
// on validation and test, write the artifact and register it, record the run.
//
// The result is the job-run API's document (status, job, model, dataset, metrics,
// registry_key) plus hyperparameters, ignored_hyperparameters, warnings,
// best_iteration, duration_ms, training_samples, feature_count and the per-round
// history. Any failure before registration leaves no model entry; the run itself
// is recorded with status "error" and the reason.
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/run_context.hpp"
#include "lang/overrides.hpp"
#include "lang/spec.hpp"
#include "registry/store.hpp"
#include "train/setup.hpp"

namespace hone::train {

using Json = nlohmann::ordered_json;

// Live progress, for bars and event streams.
struct Progress {
    std::string stage;    // loading, preprocessing, fitting, evaluating, registering, done
    int round = -1;       // during fitting of iterative models
    int total_rounds = 0;
    Json metrics = Json::object();
    // Per round: the training-service API's training metrics (epoch_metrics.hpp).
    Json training_metrics;
};

struct TrainOptions {
    Json overrides = Json::object();  // merged over the job's block: {"hyperparameters": {...}, "target": ...}
    lang::OverrideSource override_source = lang::OverrideSource::command_line;  // where they are said to come from
    RunContext context;               // model root, threads, PostgreSQL fallback, who, cancellation
    bool register_model = true;       // false: evaluate only (tuning trials)
    // Continue the job's latest run from its checkpoint (resumable_run): the
    // same run when run_id is empty, else the queued run continues it.
    bool resume = false;
    std::function<void(const Progress&)> on_progress;
    // "" = a new run row. Else the id of a row already in the store (a queued run
    // of the job runner), which this run takes over.
    std::string run_id;
};

// Where a training run's checkpoints go: <model root>/.checkpoints/ and the
// spec's checkpoints.path, else the run id (a dot folder, which the registry's
// recovery leaves alone).
std::filesystem::path checkpoint_dir(const lang::TrainingSpec& spec, const std::string& model_root,
                                     const std::string& run_id);

// The latest run of `job` other than `except_run`, when it did not finish and
// left a checkpoint. Else hone::Error: not_found "run_not_found" (no run),
// conflict "run_finished", validation "no_checkpoints" (the job writes none),
// not_found "checkpoint_not_found" (it stopped before its first).
registry::RunRecord resumable_run(registry::Store& store, const std::string& job, const lang::TrainingSpec& spec,
                                  const std::string& model_root, const std::string& except_run = "");

// Runs training job `job` of `file`. Errors in the job's inputs (unknown
// algorithm, missing target, ...) throw hone::Error after the failed run is
// recorded in `store`.
Json run_training_job(const lang::JobFile& file, const std::string& job, registry::Store& store,
                      const TrainOptions& options = {});

// Writes the fitted model's artifact (model files, preprocessing, manifest) and
// registers it under the spec's output_registry or model name; metrics are the
// test split's (validation's when there is no test split). `extra_metadata` is
// merged into the entry's metadata (a tuning study adds its trial).
registry::ModelEntry register_trained(registry::Store& store, const TrainingSetup& setup, const FitResult& fit,
                                     const std::string& run_id, const TrainOptions& options,
                                     const Json& extra_metadata = Json::object());

// The training job `job` of `file` with `overrides` applied to the job file's
// text and checked as `hone check` checks a file (lang/overrides.hpp), so an
// override gets the file's rules and messages, located at the override:
// hone::Error(validation, "invalid_override") lists each problem. An unknown
// job is hone::Error(not_found, "job_not_found").
lang::TrainingSpec training_with_overrides(const lang::JobFile& file, const std::string& job, const Json& overrides,
                                          lang::OverrideSource source);

}  // namespace hone::train
