#pragma once
// One training spec made ready to fit, and one fit on it.
//
// prepare_training() does everything that does not depend on hyperparameters,
// once: resolve the model, algorithm, task, objective and metrics (before the slow
// data load, so a typo fails fast), load the dataset, check the target and
// features, encode the target, split, fit the preprocessing on the training rows
// and transform every part. fit_model() then fits one set of hyperparameters on
// it and evaluates. A training run is one prepare and one fit; a tuning study is
// one prepare and a fit per trial, from several threads at once (a
// TrainingSetup is read-only once prepared).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/preprocess.hpp"
#include "data/processing.hpp"
#include "data/source.hpp"
#include "data/split.hpp"
#include "lang/spec.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "models/estimator.hpp"
#include "train/labels.hpp"

namespace hone::train {

using Json = nlohmann::ordered_json;

// One fold of cross-validation, preprocessed on its own training rows.
struct FoldData {
    data::Matrix x_train, x_valid;
    std::vector<float> y_train, y_valid;
};

// What every kind of training resolves before its data loads: the model and
// dataset blocks, the algorithm and its task (from the model's type), the
// objective, the hyperparameters given, each checked, so a typo fails fast.
// The classic, recommender and text setups extend it.
struct JobBasis {
    lang::TrainingSpec spec;  // overrides applied
    lang::ModelSpec model;
    lang::DatasetSpec dataset;
    const models::AlgorithmSpec* algo = nullptr;
    models::Task task = models::Task::classification;
    metrics::Objective objective;
    Json given_params = Json::object();  // the model block's hyperparameters, then the spec's
    Json warnings = Json::array();
};

// Resolves the basis of `spec`; hone::Error for an engine hone cannot run, an
// unknown algorithm, a type the algorithm does not fit, an invalid
// hyperparameter or objective. Warnings: settings kept but not acted on, an
// objective against its metric's direction.
JobBasis resolve_job(const lang::JobFile& file, const lang::TrainingSpec& spec);

struct TrainingSetup : JobBasis {
    std::vector<std::string> metric_names;  // the objective's metric included

    // What the result can be traced to: the data as loaded (fingerprint, rows,
    // columns, before rows without a target were left out), the job as bound
    // (SHA-256 of its JSON), hone's version and commit, the compiler and the
    // training libraries' versions. Recorded in the run, the registry entry's
    // metadata and the artifact's manifest.
    Json provenance = Json::object();

    std::vector<std::string> features;
    EncodedTarget target;
    data::DType target_type = data::DType::string;
    data::SplitIndices parts;
    // The dataset's processing fitted on the training part (inactive when it has
    // no step to replay), then the training's preprocessing fitted on its output.
    data::Processing processing;
    data::Preprocessor pre;
    data::Matrix x_train, x_valid, x_test;
    std::vector<float> y_train, y_valid, y_test;
    std::vector<FoldData> folds;  // only when prepared with cv_folds > 1
    // Clustering (cluster_training.hpp): every row is in the training part and
    // x_train, y_train holds the target's class per row (-1: none) or nothing,
    // and these are the rows as loaded, for the cluster profiles.
    std::shared_ptr<const data::Frame> clustered_rows;

    bool classification() const { return task == models::Task::classification; }
    int num_classes() const { return classification() ? static_cast<int>(target.classes.size()) : 0; }
};

struct PrepareOptions {
    data::LoadOptions load;  // threads and the PostgreSQL fallback, from the run context
    int cv_folds = 0;  // > 1: also build that many (stratified for classifiers) folds of train + validation
    std::function<void(const std::string& stage)> on_stage;  // loading, preprocessing
};

// The steps of prepare_training that need no data, which the job checker
// (validate.hpp) also runs, so `hone check` refuses what a run would.
// (algorithm_of, below, is one of them.)
// The task a model type names: classifier, regressor, recommender,
// text_classifier; none for another type.
std::optional<models::Task> task_of_type(std::string_view type);
// The task from the model's type, checked against the algorithm.
models::Task task_for(const lang::ModelSpec& model, const models::AlgorithmSpec& algo);
// "hyperparameter 'x' is not taken by <algorithm>; ignored" (then "; did you
// mean 'y'?" when a parameter's name is near), as a run warns.
std::string ignored_param_warning(const models::AlgorithmSpec& algo, const std::string& name);
// Settings a job may write that hone keeps but does not act on, each with why
// (compute.backend other than local, compute.resources, a template's
// deployment.auto_deploy, augmentation of a model that is no text
// classifier). A run puts them in its warnings; `hone check` shows them at
// the key.
struct IgnoredSetting {
    std::string key, subkey;  // where in the training block
    std::string message;
};
std::vector<IgnoredSetting> ignored_settings(const lang::TrainingSpec& spec, const lang::ModelSpec& model);
// A training's distributed settings (compute.backend: distributed, workers,
// strategy, or the short keys distributed, world_size) against its algorithm
// and resolved hyperparameters: workers or a strategy without the distributed
// backend, an algorithm that cannot train data-parallel (the message names those
// that can), a tree_method other than 'hist'. Throws
// hone::Error(validation, "invalid_compute").
void check_compute(const lang::TrainingSpec& spec, const models::AlgorithmSpec& algo, const Json& params);
bool is_distributed(const lang::TrainingSpec& spec);

// Refuses an engine or framework hone cannot run.
void check_framework(const lang::TrainingSpec& spec, const lang::ModelSpec& model);

// The target and features of `spec` against the columns of its dataset, as
// prepare_training checks them (missing_target, missing_feature,
// target_in_features). Loads the dataset: for a request that changes which
// columns a job reads, so a wrong name is refused before the run is queued.
void check_columns(const lang::JobFile& file, const lang::TrainingSpec& spec);

// hone::Error for every problem of the spec or the data (see trainer.hpp).
TrainingSetup prepare_training(const lang::JobFile& file, const lang::TrainingSpec& spec,
                               const PrepareOptions& options = {});

struct FitHooks {
    // Each round as the estimator reports it, after early stopping has seen it.
    std::function<void(const models::RoundReport&)> on_round;
    // True stops the fit here (a pruned trial); the result says pruned. Set only
    // when it may say true: with it, validation metrics are taken every round.
    std::function<bool(const models::RoundReport&)> should_stop;
    std::function<bool()> cancelled;
    // Called once the model is made, right before it fits (a neural model's
    // library is loaded by then): where the first round's time starts.
    std::function<void()> on_fit_start;
    unsigned threads = 0;  // 0 = all cores
    models::CheckpointConfig checkpoints;  // for algorithms that take them (catalog `checkpoints`)
    bool score_training_rows = false;  // also evaluate on the rows fitted (FitResult::train_metrics)
};

struct FitResult {
    std::unique_ptr<models::Estimator> estimator;
    Json params = Json::object();  // resolved: defaults filled, aliases mapped
    std::vector<std::string> ignored;
    Json validation_metrics = Json::object();
    Json test_metrics = Json::object();
    Json train_metrics = Json::object();  // only with FitHooks::score_training_rows
    Json history = Json::array();  // [{"round": r, "metrics": {...}}, ...]
    Json warnings = Json::array();
    bool stopped_by_hook = false;
    // A clusterer's: n_clusters, cluster sizes, noise, profiles, the fit's summary.
    Json clustering;
};

// The metrics a result and a registry entry report: the test split's, or the
// validation split's when there is no test split; a clusterer's, on the rows
// clustered.
const Json& reported_metrics(const TrainingSetup& setup, const FitResult& fit);

// Fits `hyperparameters` (merged over setup.given_params) on the setup's training
// rows, early-stopping on validation as the spec says, and evaluates on validation
// and test. With `fold` set, fits that fold instead and evaluates on its held-out
// rows (validation_metrics; no test metrics).
FitResult fit_model(const TrainingSetup& setup, const Json& hyperparameters, const FitHooks& hooks,
                    const FoldData* fold = nullptr);

// The hyperparameters of one fit (`hyperparameters` over the basis's, resolved
// against the catalog) and the model's configuration for them: task, params,
// threads, the split's seed, checkpoints when the algorithm takes them.
struct FitConfig {
    Json params = Json::object();
    std::vector<std::string> ignored;
    models::EstimatorConfig config;
};
FitConfig fit_config(const JobBasis& basis, const Json& hyperparameters, const FitHooks& hooks);

// The callbacks of one fit: each reported round appended to `history`, early
// stopping on the validation metric as `spec` says (or a warning in `warnings`
// where it cannot act), then the hooks (`stopped_by_hook` set when their
// should_stop stopped it). `hooks`, `history`, `warnings` and
// `stopped_by_hook` must outlive the fit.
models::Callbacks round_callbacks(const lang::TrainingSpec& spec, const models::AlgorithmSpec& algo,
                                  models::Task task, bool has_validation, const FitHooks& hooks, Json& history,
                                  Json& warnings, bool& stopped_by_hook);

// What a result and an artifact record of where they came from: the dataset as
// loaded (fingerprint, rows, columns), the job as bound (SHA-256 of its JSON),
// hone's version and commit, the compiler and the training libraries' versions.
Json provenance_of(const lang::TrainingSpec& spec, const lang::DatasetSpec& dataset, const data::Frame& frame);

// K-fold cross-validation over the setup's folds (prepared with cv_folds):
// every metric on each fold's held-out rows, their mean and population
// standard deviation (scikit-learn's cross_validate, summarised), and with
// `train_score` the same on each fold's training rows.
struct CrossValidation {
    Json per_fold = Json::array();  // [{"fold": 1, "metrics": {...}, "train_metrics": {...}}, ...]
    Json mean = Json::object();
    Json std = Json::object();
    Json train_mean = Json::object();  // with train_score
    Json to_json() const;              // {"folds", "metrics", "cv_std", "per_fold"[, "train_metrics"]}
};
CrossValidation cross_validate(const TrainingSetup& setup, const Json& hyperparameters, FitHooks hooks,
                               bool train_score = false);

// The per-round key an estimator reports for a metric (estimator.hpp's names):
// "val_loss" for log_loss (and mse of regressors), else "val_<metric>".
std::string round_key(const std::string& canonical_metric, models::Task task);

// The catalog algorithm a model block names; none named is a random forest
// (DESIGN.md), or the mlp when the training's `framework` or the model's
// `engine` is pytorch. An unknown name throws as models::find_algorithm (a
// model hub's name with the algorithms of the model's type).
const models::AlgorithmSpec& algorithm_of(const lang::ModelSpec& model, std::string_view framework = {});


}  // namespace hone::train
