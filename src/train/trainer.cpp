#include "train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <map>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "data/preprocess.hpp"
#include "data/source.hpp"
#include "data/split.hpp"
#include "lang/node.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "registry/artifacts.hpp"
#include "train/early_stopping.hpp"
#include "train/epoch_metrics.hpp"
#include "train/labels.hpp"
#include "train/manifest.hpp"
#include "train/recommender_training.hpp"
#include "train/text_training.hpp"
#include "train/run_log.hpp"
#include "train/validate.hpp"

namespace hone::train {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> names_of(const auto& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i.name);
    return out;
}

[[noreturn]] void not_found(const std::string& what, const std::string& name, const std::vector<std::string>& names) {
    std::string msg = "no " + what + " '" + name + "'";
    msg += did_you_mean(name, names);
    throw Error(ErrorKind::not_found, what == "column" ? "column_not_found" : "job_not_found", msg, {},
                names.empty() ? "there is none" : "there are: " + join(names));
}

}  // namespace

lang::TrainingSpec training_with_overrides(const lang::JobFile& file, const std::string& job, const Json& overrides,
                                          lang::OverrideSource source) {
    const lang::TrainingSpec* base = file.find_training(job);
    if (!base) not_found("training job", job, names_of(file.trainings));
    if (!overrides.is_object() || overrides.empty()) return *base;
    lang::LoadedJobFile changed = lang::with_overrides(file, "training", job, overrides, source);
    check_models_and_trainings(changed.doc, changed.spec, changed.diags);
    if (!changed.ok()) throw Error(ErrorKind::validation, "invalid_override", lang::override_errors(changed));
    return *changed.spec.find_training(job);
}

registry::ModelEntry register_trained(registry::Store& store, const TrainingSetup& setup, const FitResult& fit,
                                     const std::string& run_id, const TrainOptions& options,
                                     const Json& extra_metadata) {
    const lang::TrainingSpec& spec = setup.spec;
    const models::AlgorithmSpec& algo = *setup.algo;
    registry::ArtifactWriter writer(options.context.model_root);
    fit.estimator->save(writer.dir());
    writer.write_file("preprocess.json", setup.pre.to_json().dump(2) + "\n");
    // The dataset's processing runs before the preprocessing at prediction.
    if (setup.processing.active()) writer.write_file("processing.json", setup.processing.to_json().dump(2) + "\n");
    Json manifest = manifest_head(setup);
    manifest["num_classes"] = setup.num_classes();
    manifest["classes"] = setup.target.classes;
    manifest["target"] = spec.target;
    manifest["target_type"] = std::string(data::to_string(setup.target_type));
    manifest["features"] = setup.features;
    manifest["feature_names"] = setup.pre.feature_names();
    manifest["params"] = fit.params;
    manifest["seed"] = spec.split.seed;
    manifest["provenance"] = setup.provenance;
    std::string sha = writer.seal(manifest);

    registry::ModelEntry entry;
    entry.name = spec.output_registry.empty() ? setup.model.name : spec.output_registry;
    entry.algorithm = algo.name;
    entry.framework = spec.framework;
    entry.task = std::string(models::to_string(setup.task));
    entry.metrics = reported_metrics(setup, fit);
    entry.validation_metrics = fit.validation_metrics;
    entry.hyperparameters = fit.params;
    entry.metadata = Json{{"training_job", spec.name},
                          {"dataset", setup.dataset.name},
                          {"target", spec.target},
                          {"features", setup.features},
                          {"classes", setup.target.classes},
                          {"preprocessing", setup.pre.to_json()},
                          {"processing", setup.processing.active() ? setup.processing.to_json() : Json()},
                          {"objective", spec.objective},
                          {"provenance", setup.provenance}};
    if (!fit.clustering.is_null()) entry.metadata["clustering"] = fit.clustering;
    if (!spec.metadata.empty()) entry.metadata["job_metadata"] = spec.metadata;
    for (auto it = extra_metadata.begin(); it != extra_metadata.end(); ++it) entry.metadata[it.key()] = it.value();
    entry.feature_count = static_cast<int>(setup.pre.output_size());
    entry.training_samples = static_cast<std::int64_t>(setup.parts.train.size());
    entry.created_by = options.context.who;
    entry.sha256 = sha;
    entry.run_id = run_id;
    return store.register_model(entry, spec.name, [&](const std::string& key) { return writer.place(key); });
}

namespace {

class Run {
public:
    Run(const lang::JobFile& file, const lang::TrainingSpec& spec, registry::Store& store, const TrainOptions& options,
        const std::string& run_id, const std::string& checkpoint_run)
        : file_(file), spec_(spec), store_(store), options_(options), run_id_(run_id),
          checkpoint_run_(checkpoint_run), log_(store, run_id) {}

    Json execute() {
        const std::string& type = file_.find_model(spec_.model)->type;
        if (type == "recommender") return execute_recommender();
        if (type == "text_classifier") return execute_text();
        if (type == "clusterer" && spec_.cv > 1) warn("'cv' is not used by clusterers: they are measured on the rows they cluster");
        PrepareOptions prepare = prepare_options();
        prepare.cv_folds = spec_.cv;
        TrainingSetup setup = prepare_training(file_, spec_, prepare);
        log_.info("dataset '" + setup.dataset.name + "': " + std::to_string(setup.parts.train.size()) + " training, " +
                  std::to_string(setup.parts.validation.size()) + " validation and " +
                  std::to_string(setup.parts.test.size()) + " test rows; " + std::to_string(setup.pre.output_size()) +
                  " features after preprocessing");
        Json cross_validation = cross_validate_if_asked(setup);

        FitResult fit = fit_reporting_rounds(setup);
        progress("evaluating");
        if (fit.estimator->iterative()) log_kept_round(fit.history, fit.estimator->best_iteration());
        if (!fit.clustering.is_null()) log_clusters(fit.clustering);

        for (const auto& name : fit.ignored)
            warn(ignored_param_warning(*setup.algo, name));
        for (const auto& w : setup.warnings) warn(w);
        for (const auto& w : fit.warnings) warn(w);
        Json result = describe_result(setup, fit);
        if (!cross_validation.is_null()) result["cross_validation"] = std::move(cross_validation);

        if (options_.register_model) {
            progress("registering");
            registry::ModelEntry entry = register_trained(store_, setup, fit, run_id_, options_);
            result["registry_key"] = entry.key;
            result["version"] = entry.version;
            log_.info("registered " + entry.key + " (version " + std::to_string(entry.version) + ")");
        }
        return result;
    }

    const Json& warnings() const { return warnings_; }

private:
    PrepareOptions prepare_options() {
        PrepareOptions prepare;
        prepare.load = {options_.context.threads, options_.context.postgres_url};
        prepare.on_stage = [this](const std::string& stage) { progress(stage); };
        return prepare;
    }

    void log_clusters(const Json& c) {
        log_.info("found " + c["n_clusters"].dump() + " clusters of " + c["cluster_sizes"].dump() + " rows; " +
                  c["noise"].dump() + " rows of noise");
    }

    void log_kept_round(const Json& history, int best_round) {
        if (best_round < 0 || history.empty()) return;
        log_.info("stopped after epoch " + std::to_string(history.back()["round"].get<int>() + 1) +
                  "; kept the model of epoch " + std::to_string(best_round + 1) + ", the best by the stopping metric");
    }

    // A recommender: interactions instead of a feature matrix
    // (recommender_training.hpp); the same run, log, rounds and registration.
    Json execute_recommender() {
        if (spec_.cv > 1) warn("'cv' is not used by recommenders: they are scored on each user's held-out items");
        RecommenderSetup setup = prepare_recommender(file_, spec_, prepare_options());
        log_loaded(setup);
        progress("fitting");
        log_.info("fitting " + setup.algo->name + " (recommendation)");
        EpochTracker epochs(models::Task::recommendation);
        FitHooks hooks = reporting_hooks(*setup.algo, epochs);
        RecommenderFit fit = fit_recommender(setup, Json::object(), hooks);
        progress("evaluating");
        if (fit.model->iterative()) log_kept_round(fit.history, fit.model->best_round());
        for (const auto& name : fit.ignored) warn(ignored_param_warning(*setup.algo, name));
        for (const auto& w : setup.warnings) warn(w);
        for (const auto& w : fit.warnings) warn(w);
        log_.info("popularity baseline: " + metrics_line(fit.baseline["metrics"]));
        Json result = describe_recommender(setup, fit);
        if (options_.register_model) {
            progress("registering");
            registry::ModelEntry entry = register_recommender(store_, setup, fit, run_id_,
                                                              options_.context.model_root, options_.context.who);
            result["registry_key"] = entry.key;
            result["version"] = entry.version;
            log_.info("registered " + entry.key + " (version " + std::to_string(entry.version) + ")");
        }
        return result;
    }

    // A text classifier: texts and labels instead of a feature matrix (text_training.hpp).
    Json execute_text() {
        if (spec_.cv > 1) warn("'cv' is not used by text classifiers yet: they are scored on the test split");
        TextSetup setup = prepare_text(file_, spec_, prepare_options());
        log_.info("loaded " + std::to_string(setup.training_texts() + setup.validation.size() + setup.test.size()) +
                  " texts with " + std::to_string(setup.label_names.size()) + " labels (" +
                  (setup.multi_label ? "a set per text" : "one per text") + ") from dataset '" + setup.dataset.name +
                  "'");
        if (setup.spec.augmentation.enabled)
            log_.info("augmentation added " + std::to_string(setup.augmented) + " texts made from the " +
                      std::to_string(setup.training_texts()) + " training texts");
        progress("fitting");
        log_.info("fitting " + setup.algo->name + " (text classification)");
        EpochTracker epochs(models::Task::text_classification);
        TextFit fit = fit_text(setup, Json::object(), reporting_hooks(*setup.algo, epochs));
        progress("evaluating");
        for (const auto& name : fit.ignored) warn(ignored_param_warning(*setup.algo, name));
        for (const auto& w : setup.warnings) warn(w);
        for (const auto& w : fit.warnings) warn(w);
        Json reported = setup.test.size() ? fit.test_metrics : fit.validation_metrics;
        Json result = common_result(setup.model.name, setup.dataset.name, *setup.algo, models::Task::text_classification,
                                    setup.objective, reported, fit.validation_metrics, fit.params, fit.ignored);
        result["labels"] = labels_json(setup, fit);
        result["provenance"] = setup.provenance;
        result["best_iteration"] = fit.model->iterative() ? Json(fit.model->best_round()) : Json();
        result["training_samples"] = setup.training_texts();
        result["augmentation"] = augmentation_json(setup);
        result["validation_samples"] = setup.validation.size();
        result["test_samples"] = setup.test.size();
        result["classes"] = setup.label_names;
        result["history"] = with_round_usage(fit.history);
        if (options_.register_model) {
            progress("registering");
            registry::ModelEntry entry =
                register_text(store_, setup, fit, run_id_, options_.context.model_root, options_.context.who);
            result["registry_key"] = entry.key;
            result["version"] = entry.version;
            log_.info("registered " + entry.key + " (version " + std::to_string(entry.version) + ")");
        }
        return result;
    }

    // The fields every result has, in the job-run API's order.
    Json common_result(const std::string& model, const std::string& dataset, const models::AlgorithmSpec& algo,
                       models::Task task, const metrics::Objective& objective, const Json& reported,
                       const Json& validation, const Json& params, const std::vector<std::string>& ignored) {
        Json result;
        result["status"] = "ok";
        result["job"] = spec_.name;
        result["model"] = model;
        result["dataset"] = dataset;
        result["metrics"] = reported;
        result["validation_metrics"] = validation;
        result["registry_key"] = nullptr;
        result["run_id"] = run_id_;
        result["algorithm"] = algo.name;
        result["task"] = std::string(models::to_string(task));
        result["objective"] = Json{{"name", spec_.objective},
                                   {"metric", objective.metric},
                                   {"direction", std::string(metrics::to_string(objective.direction))},
                                   {"value", reported.contains(objective.metric) ? reported[objective.metric] : Json()}};
        result["hyperparameters"] = params;
        result["ignored_hyperparameters"] = ignored;
        result["warnings"] = warnings_;
        return result;
    }

    // What the NCF training script prints: users, items, interactions, density.
    void log_loaded(const RecommenderSetup& s) {
        const data::Interactions& a = s.all;
        log_.info("loaded " + std::to_string(a.size()) + " interactions for " + std::to_string(a.num_users()) +
                  " users and " + std::to_string(a.num_items()) + " items from dataset '" + s.dataset.name + "'");
        log_.info("dataset density: " + format_double(std::round(a.density() * 10000) / 100) + "%");
        log_.info("held out " + std::to_string(s.test_split.evaluated_users()) + " test and " +
                  std::to_string(s.valid_split.evaluated_users()) + " validation interactions (each user's latest); " +
                  std::to_string(s.valid_split.train.size()) + " to train on");
        const models::ParamSpec* ratio = s.algo->find_param("negative_ratio");
        if (ratio) {
            auto params = models::resolve_params(*s.algo, s.given_params, false).params;
            log_.info("negative samples: " + params["negative_ratio"].dump() + " per positive (" +
                      std::to_string(s.valid_split.train.size() * params["negative_ratio"].get<std::size_t>()) +
                      "), drawn anew each epoch");
        }
    }

    Json describe_recommender(const RecommenderSetup& setup, const RecommenderFit& fit) {
        Json result = common_result(setup.model.name, setup.dataset.name, *setup.algo, models::Task::recommendation,
                                    setup.objective, fit.test_metrics, fit.validation_metrics, fit.params, fit.ignored);
        result["evaluation"] = evaluation_json(setup);
        result["baseline"] = fit.baseline;
        result["interactions"] = setup.all.stats();
        result["columns"] = columns_json(setup);
        result["provenance"] = setup.provenance;
        result["best_iteration"] = fit.model->iterative() ? Json(fit.model->best_round()) : Json();
        result["training_samples"] = setup.valid_split.train.size();
        result["validation_samples"] = setup.valid_split.evaluated_users();
        result["test_samples"] = setup.test_split.evaluated_users();
        result["history"] = with_round_usage(fit.history);
        return result;
    }

    FitHooks reporting_hooks(const models::AlgorithmSpec& algo, EpochTracker& epochs) {
        FitHooks hooks;
        hooks.threads = options_.context.threads;
        hooks.cancelled = options_.context.cancelled;
        set_checkpoints(algo, hooks);
        hooks.on_fit_start = [&epochs] { epochs.start(); };
        hooks.on_round = [this, &epochs](const models::RoundReport& r) { record_round(r, epochs.on_round(r)); };
        return hooks;
    }

    // The history with each round's time and resource usage, as recorded.
    Json with_round_usage(Json history) const {
        for (auto& entry : history) {
            auto found = round_usage_.find(entry["round"].get<int>());
            if (found == round_usage_.end()) continue;
            entry["epoch_seconds"] = found->second.first;
            entry["resource_usage"] = found->second.second;
        }
        return history;
    }

    Json cross_validate_if_asked(const TrainingSetup& setup) {
        Json cross_validation;
        if (spec_.cv > 1 && setup.task != models::Task::clustering) {
            progress("cross-validating");
            log_.info("cross-validating over " + std::to_string(spec_.cv) + " folds");
            FitHooks fold_hooks;
            fold_hooks.threads = options_.context.threads;
            fold_hooks.cancelled = options_.context.cancelled;
            cross_validation = cross_validate(setup, Json::object(), fold_hooks, spec_.return_train_score).to_json();
        }
        return cross_validation;
    }

    FitResult fit_reporting_rounds(const TrainingSetup& setup) {
        progress("fitting");
        log_.info("fitting " + setup.algo->name + " (" + std::string(models::to_string(setup.task)) + ")");
        EpochTracker epochs(setup.task);
        return fit_model(setup, Json::object(), reporting_hooks(*setup.algo, epochs));
    }

    // A round's log line (about ten per fit), stored row and progress event.
    void record_round(const models::RoundReport& r, const Json& training_metrics) {
        if (!r.replayed && logs_round(r.round, r.total_rounds)) log_.info(epoch_line(training_metrics));
        if (!r.metrics.empty()) {
            Json row = r.metrics;
            row["epoch_seconds"] = training_metrics["epoch_seconds"];
            row["resource_usage"] = training_metrics["resource_usage"];
            store_.add_round(run_id_, r.round, row);
            round_usage_[r.round] = {training_metrics["epoch_seconds"], training_metrics["resource_usage"]};
        }
        if (options_.on_progress)
            options_.on_progress(Progress{"fitting", r.round, r.total_rounds, r.metrics, training_metrics});
    }

    void set_checkpoints(const models::AlgorithmSpec& algo, FitHooks& hooks) {
        const lang::CheckpointSpec& c = spec_.checkpoints;
        if (!c.enabled) return;
        if (!algo.checkpoints) {
            warn("checkpoints are written by models that train by epochs; " + algo.name +
                 " does not, so 'checkpoints' is ignored");
            return;
        }
        hooks.checkpoints.dir = checkpoint_dir(spec_, options_.context.model_root, checkpoint_run_);
        hooks.checkpoints.every_n_epochs = c.every_n_epochs;
        hooks.checkpoints.save_best = c.save_best;
        hooks.checkpoints.save_latest = c.save_latest;
        hooks.checkpoints.resume = options_.resume;
        std::error_code ec;
        std::filesystem::create_directories(hooks.checkpoints.dir, ec);
        if (ec)
            throw Error(ErrorKind::io, "io_error",
                        "cannot create the checkpoint folder " + hooks.checkpoints.dir.string() + ": " + ec.message());
        log_.info("checkpoints in " + hooks.checkpoints.dir.string());
    }

    void warn(const std::string& message) {
        warnings_.push_back(message);
        log_.warning(message);
    }

    void progress(const std::string& stage) {
        if (options_.on_progress) options_.on_progress(Progress{stage});
    }

    Json describe_result(const TrainingSetup& setup, const FitResult& fit) {
        const Json& reported = reported_metrics(setup, fit);
        Json importances = Json::object();
        auto imp = fit.estimator->feature_importances();
        for (std::size_t i = 0; i < imp.size() && i < setup.pre.feature_names().size(); ++i)
            importances[setup.pre.feature_names()[i]] = imp[i];

        Json result;
        result["status"] = "ok";
        result["job"] = spec_.name;
        result["model"] = setup.model.name;
        result["dataset"] = setup.dataset.name;
        result["metrics"] = reported;
        result["validation_metrics"] = fit.validation_metrics;
        result["registry_key"] = nullptr;
        result["run_id"] = run_id_;
        result["algorithm"] = setup.algo->name;
        result["task"] = std::string(models::to_string(setup.task));
        result["target"] = spec_.target;
        result["features"] = setup.features;
        const metrics::Objective& objective = setup.objective;
        result["objective"] = Json{{"name", spec_.objective},
                                   {"metric", objective.metric},
                                   {"direction", std::string(metrics::to_string(objective.direction))},
                                   {"value", reported.contains(objective.metric) ? reported[objective.metric] : Json()}};
        result["hyperparameters"] = fit.params;
        result["provenance"] = setup.provenance;
        result["ignored_hyperparameters"] = fit.ignored;
        result["warnings"] = warnings_;
        result["best_iteration"] = fit.estimator->iterative() ? Json(fit.estimator->best_iteration()) : Json();
        result["training_samples"] = setup.parts.train.size();
        result["validation_samples"] = setup.parts.validation.size();
        result["test_samples"] = setup.parts.test.size();
        result["feature_count"] = setup.pre.output_size();
        if (setup.classification()) result["classes"] = setup.target.classes;
        result["feature_importances"] = importances;
        result["history"] = with_round_usage(fit.history);
        if (!fit.clustering.is_null()) result["clustering"] = fit.clustering;
        return result;
    }

    const lang::JobFile& file_;
    const lang::TrainingSpec& spec_;
    registry::Store& store_;
    const TrainOptions& options_;
    std::string run_id_;
    std::string checkpoint_run_;
    Json warnings_ = Json::array();
    RunLog log_;
    std::map<int, std::pair<Json, Json>> round_usage_;  // round -> epoch seconds, resource usage
};

}  // namespace

std::filesystem::path checkpoint_dir(const lang::TrainingSpec& spec, const std::string& model_root,
                                     const std::string& run_id) {
    return std::filesystem::path(model_root) / ".checkpoints" / (spec.checkpoints.path.empty() ? run_id : spec.checkpoints.path);
}

registry::RunRecord resumable_run(registry::Store& store, const std::string& job, const lang::TrainingSpec& spec,
                                  const std::string& model_root, const std::string& except_run) {
    auto runs = store.runs_of(job, 2);
    if (!runs.empty() && runs.front().id == except_run) runs.erase(runs.begin());
    if (runs.empty())
        throw Error(ErrorKind::not_found, "run_not_found", "training job '" + job + "' has no run to resume", {},
                    "run it without --resume first");
    const registry::RunRecord& last = runs.front();
    if (last.status == "ok")
        throw Error(ErrorKind::conflict, "run_finished",
                    "the latest run of '" + job + "' (" + last.id + ") finished; there is nothing to resume", {},
                    "run it again without --resume");
    if (!spec.checkpoints.enabled)
        throw Error(ErrorKind::validation, "no_checkpoints",
                    "training job '" + job + "' writes no checkpoints, so run " + last.id + " cannot be resumed", {},
                    "add 'checkpoints: true' to the training block");
    std::filesystem::path dir = checkpoint_dir(spec, model_root, last.id);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec) || std::filesystem::is_empty(dir, ec))
        throw Error(ErrorKind::not_found, "checkpoint_not_found",
                    "run " + last.id + " of '" + job + "' left no checkpoint in " + dir.string(), {},
                    "it stopped before its first checkpoint: run it again without --resume");
    return last;
}

Json run_training_job(const lang::JobFile& file, const std::string& job, registry::Store& store,
                      const TrainOptions& options) {
    lang::TrainingSpec spec = training_with_overrides(file, job, options.overrides, options.override_source);

    auto started = Clock::now();
    registry::RunRecord run;
    std::string checkpoint_run;  // whose checkpoint folder the run uses: its own, or the run it resumes
    if (options.resume) {
        registry::RunRecord from = resumable_run(store, job, spec, options.context.model_root, options.run_id);
        checkpoint_run = from.id;
        if (options.run_id.empty()) run = from;  // the command line continues the same run
    }
    if (run.id.empty()) {  // a new run, or a queued one of the job runner
        run.id = options.run_id.empty() ? random_id("run") : options.run_id;
        run.job = job;
        run.kind = "training";
        run.ts = unix_seconds();
    }
    if (checkpoint_run.empty()) checkpoint_run = run.id;
    run.status = "running";
    run.error.clear();
    store.save_job("training", job, lang::to_json(spec));
    if (options.run_id.empty() && !options.resume)
        store.insert_run(run);
    else
        store.update_run(run);
    auto finish = [&](const std::string& status) {
        run.status = status;
        run.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        store.update_run(run);
    };
    RunLog log(store, run.id);
    log.info("training job '" + job + (options.resume ? "' resumed by " : "' started by ") + options.context.who +
             (checkpoint_run != run.id ? " from the checkpoint of run " + checkpoint_run : ""));
    try {
        Run r(file, spec, store, options, run.id, checkpoint_run);
        Json result = r.execute();
        result["duration_ms"] = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        log.info("finished in " + format_double(std::round(result["duration_ms"].get<double>()) / 1000) + " s: " +
                 metrics_line(result["metrics"]));
        run.metrics = result["metrics"];
        run.result = result;
        run.registry_key = result["registry_key"].is_string() ? result["registry_key"].get<std::string>() : "";
        finish("ok");
        store.audit(options.context.who, "train", job, "ok", Json{{"run_id", run.id}, {"registry_key", run.registry_key}});
        return result;
    } catch (const Error& e) {
        run.error = e.what();
        log.write(e.kind() == ErrorKind::cancelled ? "warning" : "error", e.what());
        finish(e.kind() == ErrorKind::cancelled ? "cancelled" : "error");
        store.audit(options.context.who, "train", job, "error", Json{{"run_id", run.id}, {"error", e.what()}});
        throw;
    } catch (const std::exception& e) {
        // A defect of ours, but the run still ends recorded, never "running" forever.
        run.error = std::string("internal error: ") + e.what();
        log.error(run.error);
        finish("error");
        throw;
    }
}

}  // namespace hone::train
