#pragma once
// A tuning study: the job language's `tuning` job run for real. The training job it
// names is prepared once (data loaded, split, preprocessed); then
// `parallel_trials` workers each take the next trial from the sampler, fit it on
// the shared data with its share of the cores, report each round's objective to
// the pruner, and write the trial to the store when it starts and when it ends.
//
// The study is its tuning run in the store (the run id is the study id). A study
// stopped by a crash is continued with `resume`: its ok, pruned and failed trials
// are kept, trials that were running are rerun with the same parameters, and
// max_trials counts the whole study.
//
// Result (the job-run API's fields first): status, job, training_job, strategy,
// total_trials, best_trial, best_hyperparameters, best_metrics,
// best_model_registry_key; then study_id, objective, completed/pruned/failed
// counts, duration_ms, importance, notes, warnings, errors and the trials.
// A study whose trials all fail has status "error" and the reasons in "errors".
//
// Tuning workers. With `workers` ≥ 1 the study is shared through the store:
// this process (the coordinator) starts that many `hone worker` processes,
// each of which claims trials from the store one at a time (registry::Store::
// claim_trial), heartbeats while it runs one, and writes its end; workers on
// other machines may join with `hone worker --study ID`. The sampler sees every
// worker's trials, running ones as constant liars. A trial whose worker falls
// silent for the tuning block's grace_period is marked failed and rerun with
// the same params (max_retry times); max_trials counts the whole study, a lost
// trial's rerun taking its place. The coordinator shows trials as they end,
// runs what is left itself if every worker it started has exited, then
// registers the best trial's model (refitted here) and writes the result.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/run_context.hpp"
#include "lang/overrides.hpp"
#include "lang/spec.hpp"
#include "registry/store.hpp"

namespace hone::tune {

using Json = nlohmann::ordered_json;

// One line of the live view: a trial that started or ended.
struct TrialEvent {
    std::string kind;  // started, ended
    Json trial;        // registry::TrialRow::to_json()
    int finished = 0;  // trials ended so far (this process and resumed)
    int total = 0;     // max_trials
    Json best;         // the best ok trial so far, or null
};

struct TuneOptions {
    // Over the tuning block: max_trials, parallel_trials, strategy, seed, pruner,
    // cv, grid_points, objective_metric, register, or any other key it takes.
    Json overrides = Json::object();
    lang::OverrideSource override_source = lang::OverrideSource::command_line;
    bool resume = false;
    bool register_models = true;  // false: no model is registered, whatever the spec says
    // Model root, threads (all trials together), PostgreSQL fallback, who,
    // cancellation (checked between trials and passed into each).
    RunContext context;
    std::function<void(const TrialEvent&)> on_trial;
    // "" = a new study row. Else the id of a row already in the store (a queued
    // run of the job runner), which the study takes over. Not with `resume`.
    std::string run_id;
    // Tuning workers to start on this machine; 0 runs the trials in this
    // process (parallel_trials threads).
    int workers = 0;
    // With workers: the job file's path (its text is kept with the study for
    // workers to read; relative data paths resolve against its folder), and
    // the hone program to start (empty: this program).
    std::string job_file;
    std::string program;
};

struct WorkerOptions {
    std::string study;     // a study id, or a tuning job's name (its latest study)
    bool all = false;      // instead: every open shared study, until cancelled
    double poll_seconds = 1;  // between claims when there is nothing to claim
    RunContext context;    // threads for each trial; cancelled() stops between trials
    std::function<void(const TrialEvent&)> on_trial;
};

// One tuning worker: claims and runs trials of the shared study (or of every
// open one) until its trials are over. Result: {"studies": [{"study_id", "job",
// "trials_run", "ok", "pruned", "failed", "lost"}], "trials_run"}. A study that
// is not shared, or has ended, is hone::Error(conflict).
Json run_worker(registry::Store& store, const WorkerOptions& options);

Json run_tuning_job(const lang::JobFile& file, const std::string& job, registry::Store& store,
                    const TuneOptions& options = {});

// The tuning job `job` of `file` with `overrides` applied to the job file's
// text and checked as `hone check` checks a file (lang/overrides.hpp):
// hone::Error(validation, "invalid_override") lists each problem, located at
// the override. An unknown job is hone::Error(not_found, "job_not_found").
lang::TuningSpec tuning_with_overrides(const lang::JobFile& file, const std::string& job, const Json& overrides,
                                      lang::OverrideSource source);

// The latest tuning run (study) of `job` in the store, if any.
std::optional<registry::RunRecord> latest_study(registry::Store& store, const std::string& job);

// How much of the objective's variance each hyperparameter explains over the
// finished trials (one-way analysis of variance: numbers in up to 4 quantile
// bins, categories by value), normalised to sum 1, largest first.
Json hyperparameter_importance(const std::vector<registry::TrialRow>& trials);

}  // namespace hone::tune
