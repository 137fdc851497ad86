#include "train/trainer.hpp"

#include <chrono>
#include <random>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/preprocess.hpp"
#include "data/source.hpp"
#include "data/split.hpp"
#include "lang/node.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "registry/artifacts.hpp"
#include "train/early_stopping.hpp"
#include "train/labels.hpp"

namespace hone::train {

namespace {

using Clock = std::chrono::steady_clock;

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string new_run_id() {
    std::random_device rd;
    std::uint64_t v = (std::uint64_t(rd()) << 32) ^ rd();
    std::ostringstream s;
    s << "run_" << std::hex << v;
    return s.str();
}

std::vector<std::string> names_of(const auto& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i.name);
    return out;
}

[[noreturn]] void not_found(const std::string& what, const std::string& name, const std::vector<std::string>& names) {
    std::string msg = "no " + what + " '" + name + "'";
    std::string near = nearest(name, names);
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    throw Error(ErrorKind::not_found, what == "column" ? "column_not_found" : "job_not_found", msg, {},
                names.empty() ? "there is none" : "there are: " + join(names));
}

metrics::Task metric_task(models::Task t) {
    return t == models::Task::classification ? metrics::Task::classification : metrics::Task::regression;
}

// The per-round key an estimator reports for a metric (estimator.hpp's names).
std::string round_key(const std::string& canonical, models::Task task) {
    if (canonical == "log_loss" || (canonical == "mse" && task == models::Task::regression)) return "val_loss";
    return "val_" + canonical;
}

models::Task task_for(const lang::ModelSpec& model, const models::AlgorithmSpec& algo) {
    std::optional<models::Task> from_type;
    if (model.type == "classifier") from_type = models::Task::classification;
    if (model.type == "regressor") from_type = models::Task::regression;
    if (!from_type)
        throw Error(ErrorKind::validation, "unsupported_model_type",
                    "model \"" + model.name + "\" has type " + model.type +
                        ", which the classic trainer does not train; use classifier or regressor");
    auto implied = models::task_implied_by(model.algorithm);
    if (implied && *implied != *from_type)
        throw Error(ErrorKind::validation, "task_mismatch",
                    "algorithm " + model.algorithm + " is a " +
                        (*implied == models::Task::classification ? "classifier" : "regressor") + ", but model \"" +
                        model.name + "\" has type " + model.type);
    if (!algo.supports(*from_type))
        throw Error(ErrorKind::validation, "unsupported_task",
                    algo.name + " does not do " + std::string(models::to_string(*from_type)));
    return *from_type;
}

std::vector<double> as_doubles(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

std::vector<float> pick(const std::vector<float>& y, const std::vector<std::size_t>& rows) {
    std::vector<float> out;
    out.reserve(rows.size());
    for (auto r : rows) out.push_back(y[r]);
    return out;
}

}  // namespace

void add_override(Json& into, const std::string& assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw Error(ErrorKind::validation, "invalid_override",
                    "override '" + assignment + "' is not KEY=VALUE (e.g. hyperparameters.n_estimators=150)");
    std::string path = assignment.substr(0, eq);
    Json value = lang::type_scalar(assignment.substr(eq + 1));
    Json* at = &into;
    std::size_t start = 0;
    while (true) {
        auto dot = path.find('.', start);
        std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (dot == std::string::npos) {
            (*at)[part] = value;
            return;
        }
        at = &(*at)[part];
        start = dot + 1;
    }
}

lang::TrainingSpec apply_overrides(lang::TrainingSpec spec, const Json& overrides) {
    if (overrides.is_null()) return spec;
    static const std::vector<std::string> keys = {"hyperparameters", "target", "features", "objective", "metrics",
                                                  "split",           "early_stopping", "seed", "strict"};
    auto bad = [](const std::string& key, const std::string& expected, const Json& v) {
        throw Error(ErrorKind::validation, "invalid_override",
                    "override '" + key + "' must be " + expected + ", got " + v.dump());
    };
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        const std::string& key = it.key();
        const Json& v = it.value();
        if (key == "hyperparameters") {
            if (!v.is_object()) bad(key, "an object", v);
            for (auto h = v.begin(); h != v.end(); ++h) spec.hyperparameters[h.key()] = h.value();
        } else if (key == "target" || key == "objective") {
            if (!v.is_string()) bad(key, "a string", v);
            (key == "target" ? spec.target : spec.objective) = v.get<std::string>();
        } else if (key == "features" || key == "metrics") {
            if (!v.is_array()) bad(key, "a list of names", v);
            std::vector<std::string> names;
            for (const auto& n : v) {
                if (!n.is_string()) bad(key, "a list of names", v);
                names.push_back(n.get<std::string>());
            }
            (key == "features" ? spec.features : spec.metrics) = names;
        } else if (key == "split") {
            if (!v.is_object()) bad(key, "an object", v);
            for (auto s = v.begin(); s != v.end(); ++s) {
                if (s.key() == "train") spec.split.train = s.value().get<double>();
                else if (s.key() == "validation") spec.split.validation = s.value().get<double>();
                else if (s.key() == "test") spec.split.test = s.value().get<double>();
                else if (s.key() == "stratify") spec.split.stratify = s.value().get<bool>();
                else if (s.key() == "seed") spec.split.seed = s.value().get<std::uint64_t>();
                else bad("split." + s.key(), "one of train, validation, test, stratify, seed", s.value());
            }
        } else if (key == "early_stopping") {
            if (v.is_boolean() && !v.get<bool>()) {
                spec.early_stopping.reset();
                continue;
            }
            if (!v.is_object()) bad(key, "an object or false", v);
            lang::EarlyStoppingSpec es = spec.early_stopping.value_or(lang::EarlyStoppingSpec{});
            for (auto s = v.begin(); s != v.end(); ++s) {
                if (s.key() == "metric") es.metric = s.value().get<std::string>();
                else if (s.key() == "patience") es.patience = s.value().get<int>();
                else if (s.key() == "min_delta") es.min_delta = s.value().get<double>();
                else if (s.key() == "mode") es.mode = s.value().get<std::string>();
                else if (s.key() == "enabled") es.enabled = s.value().get<bool>();
                else bad("early_stopping." + s.key(), "one of metric, patience, min_delta, mode, enabled", s.value());
            }
            spec.early_stopping = es;
        } else if (key == "seed") {
            if (!v.is_number_integer()) bad(key, "an integer", v);
            spec.split.seed = v.get<std::uint64_t>();
        } else if (key == "strict") {
            if (!v.is_boolean()) bad(key, "true or false", v);
            spec.strict = v.get<bool>();
        } else {
            std::string msg = "unknown override '" + key + "'";
            std::string near = nearest(key, keys);
            if (!near.empty()) msg += "; did you mean '" + near + "'?";
            throw Error(ErrorKind::validation, "invalid_override", msg, {}, "overridable: " + join(keys));
        }
    }
    return spec;
}

namespace {

class Run {
public:
    Run(const lang::JobFile& file, const lang::TrainingSpec& spec, registry::Store& store, const TrainOptions& options,
        const std::string& run_id)
        : file_(file), spec_(spec), store_(store), options_(options), run_id_(run_id) {}

    Json execute() {
        const lang::ModelSpec& model = *file_.find_model(spec_.model);
        const lang::DatasetSpec& dataset = *file_.find_dataset(spec_.dataset);
        check_framework(model);
        std::string algo_name = model.algorithm.empty() ? "random_forest" : model.algorithm;
        const models::AlgorithmSpec& algo = models::find_algorithm(algo_name);
        models::Task task = task_for(model, algo);

        Json given = model.hyperparameters;
        for (auto it = spec_.hyperparameters.begin(); it != spec_.hyperparameters.end(); ++it) given[it.key()] = it.value();
        auto params = models::resolve_params(algo, given, spec_.strict);
        for (const auto& name : params.ignored)
            warn("hyperparameter '" + name + "' is not taken by " + algo.name + "; ignored");

        // Resolve the objective and the metrics before the (slow) data load.
        metrics::Objective objective = metrics::resolve_objective(spec_.objective, metric_task(task));
        if (!objective.warning.empty()) warn(objective.warning);
        std::vector<std::string> metric_names = spec_.metrics;
        if (metric_names.empty()) metric_names = metrics::default_metrics(metric_task(task));
        for (const auto& n : metric_names) metrics::find_metric(n, metric_task(task));
        bool has_objective = false;
        for (const auto& n : metric_names)
            has_objective = has_objective || metrics::find_metric(n, metric_task(task)).name == objective.metric;
        if (!has_objective) metric_names.push_back(objective.metric);

        progress("loading");
        data::Frame frame = data::load_dataset(dataset);
        if (spec_.target.empty())
            throw Error(ErrorKind::validation, "missing_target",
                        "training \"" + spec_.name + "\" names no target column; add 'target: <column>'", {},
                        "the dataset's columns are: " + join(frame.names()));
        if (!frame.find(spec_.target)) {
            std::string msg = "target column '" + spec_.target + "' is not in dataset '" + dataset.name + "'";
            std::string near = nearest(spec_.target, frame.names());
            if (!near.empty()) msg += "; did you mean '" + near + "'?";
            throw Error(ErrorKind::validation, "missing_target", msg, {}, "its columns are: " + join(frame.names()));
        }
        std::vector<std::string> features = spec_.features;
        if (features.empty())
            for (const auto& n : frame.names())
                if (n != spec_.target) features.push_back(n);
        for (const auto& f : features) {
            if (f == spec_.target)
                throw Error(ErrorKind::validation, "target_in_features",
                            "column '" + f + "' is both the target and a feature");
            if (!frame.find(f)) {
                std::string msg = "feature column '" + f + "' is not in dataset '" + dataset.name + "'";
                std::string near = nearest(f, frame.names());
                if (!near.empty()) msg += "; did you mean '" + near + "'?";
                throw Error(ErrorKind::validation, "missing_feature", msg, {}, "its columns are: " + join(frame.names()));
            }
        }

        bool classification = task == models::Task::classification;
        EncodedTarget target = encode_target(frame.at(spec_.target), classification);
        if (target.dropped_nulls > 0) {
            warn(std::to_string(target.dropped_nulls) + " rows with no target value were left out");
            frame = frame.take(target.rows);
        }
        if (classification && target.classes.size() < 2)
            throw Error(ErrorKind::data, "single_class",
                        "target '" + spec_.target + "' has a single class (" +
                            (target.classes.empty() ? std::string("none") : target.classes[0]) +
                            "); a classifier needs at least two");

        progress("preprocessing");
        const data::Column& target_col = frame.at(spec_.target);
        data::SplitIndices parts = data::split_rows(frame.rows(), spec_.split,
                                                    classification && spec_.split.stratify ? &target_col : nullptr);
        data::Frame train_frame = frame.take(parts.train);
        data::Preprocessor pre = data::Preprocessor::fit(spec_.preprocessing, features, train_frame);
        for (const auto& w : pre.warnings()) warn(w.message);
        data::Matrix x_train = pre.transform(train_frame);
        data::Matrix x_valid = pre.transform(frame.take(parts.validation));
        data::Matrix x_test = pre.transform(frame.take(parts.test));
        std::vector<float> y_train = pick(target.y, parts.train);
        std::vector<float> y_valid = pick(target.y, parts.validation);
        std::vector<float> y_test = pick(target.y, parts.test);

        models::EstimatorConfig config;
        config.task = task;
        config.num_classes = classification ? static_cast<int>(target.classes.size()) : 0;
        config.params = params.params;
        config.threads = options_.threads;
        config.seed = spec_.split.seed;
        auto estimator = models::make_estimator(algo, config);

        progress("fitting");
        models::Callbacks callbacks = round_callbacks(algo, task, !parts.validation.empty());
        models::FitInput input{x_train, y_train, parts.validation.empty() ? nullptr : &x_valid,
                               parts.validation.empty() ? nullptr : &y_valid};
        estimator->fit(input, callbacks);

        progress("evaluating");
        auto evaluate = [&](const data::Matrix& x, const std::vector<float>& y) -> Json {
            if (y.empty()) return Json::object();
            std::vector<double> pred = estimator->predict(x);
            std::vector<double> proba = estimator->has_proba() ? estimator->predict_proba(x) : std::vector<double>{};
            std::vector<std::string> skipped;
            auto yd = as_doubles(y);
            return metrics::evaluate(metric_task(task), metric_names, yd, pred, proba, config.num_classes, &skipped);
        };
        Json validation_metrics = evaluate(x_valid, y_valid);
        Json test_metrics = evaluate(x_test, y_test);
        Json reported = parts.test.empty() ? validation_metrics : test_metrics;
        if (!estimator->has_proba())
            for (const char* m : {"auc", "log_loss"})
                if (std::find(metric_names.begin(), metric_names.end(), m) != metric_names.end())
                    warn(algo.name + " gives no probabilities, so '" + m + "' is not reported");

        Json importances = Json::object();
        auto imp = estimator->feature_importances();
        for (std::size_t i = 0; i < imp.size() && i < pre.feature_names().size(); ++i)
            importances[pre.feature_names()[i]] = imp[i];

        Json result;
        result["status"] = "ok";
        result["job"] = spec_.name;
        result["model"] = model.name;
        result["dataset"] = dataset.name;
        result["metrics"] = reported;
        result["validation_metrics"] = validation_metrics;
        result["registry_key"] = nullptr;
        result["run_id"] = run_id_;
        result["algorithm"] = algo.name;
        result["task"] = std::string(models::to_string(task));
        result["target"] = spec_.target;
        result["features"] = features;
        result["objective"] = Json{{"name", spec_.objective},
                                   {"metric", objective.metric},
                                   {"direction", std::string(metrics::to_string(objective.direction))},
                                   {"value", reported.contains(objective.metric) ? reported[objective.metric] : Json()}};
        result["hyperparameters"] = params.params;
        result["ignored_hyperparameters"] = params.ignored;
        result["warnings"] = warnings_;
        result["best_iteration"] = estimator->iterative() ? Json(estimator->best_iteration()) : Json();
        result["training_samples"] = parts.train.size();
        result["validation_samples"] = parts.validation.size();
        result["test_samples"] = parts.test.size();
        result["feature_count"] = pre.output_size();
        if (classification) result["classes"] = target.classes;
        result["feature_importances"] = importances;
        result["history"] = history_;

        if (options_.register_model) {
            progress("registering");
            registry::ModelEntry entry = register_artifact(model, dataset, algo, task, *estimator, pre, target,
                                                           features, params.params, reported, validation_metrics,
                                                           parts.train.size(), frame.at(spec_.target).type());
            result["registry_key"] = entry.key;
            result["version"] = entry.version;
        }
        return result;
    }

    const Json& warnings() const { return warnings_; }

private:
    void warn(const std::string& message) { warnings_.push_back(message); }

    void progress(const std::string& stage, int round = -1, int total = 0, const Json& m = Json::object()) {
        if (options_.on_progress) options_.on_progress(Progress{stage, round, total, m});
    }

    void check_framework(const lang::ModelSpec& model) {
        for (const auto& fw : {spec_.framework, model.engine}) {
            if (fw == "tensorflow")
                throw Error(ErrorKind::validation, "framework_unavailable",
                            "framework 'tensorflow' has no runtime in hone", {},
                            "use sklearn or xgboost for classic models, pytorch for neural networks");
            if (fw == "pytorch")
                throw Error(ErrorKind::validation, "framework_unavailable",
                            "the pytorch engine is not available in this build yet", {},
                            "use sklearn or xgboost");
        }
    }

    models::Callbacks round_callbacks(const models::AlgorithmSpec& algo, models::Task task, bool has_validation) {
        models::Callbacks cb;
        cb.cancelled = options_.cancelled;
        std::optional<lang::EarlyStoppingSpec> es = spec_.early_stopping;
        if (es && es->enabled && !algo.iterative) {
            warn("early_stopping has no effect: " + algo.name + " does not train in rounds");
            es.reset();
        }
        if (es && es->enabled && !has_validation) {
            warn("early_stopping needs a validation split; the split has none, so every round is kept");
            es.reset();
        }
        std::string key;
        if (es && es->enabled) {
            auto objective = metrics::resolve_objective(es->metric, metric_task(task));
            key = round_key(objective.metric, task);
            stopper_.emplace(*es);
        }
        cb.on_round = [this, key](const models::RoundReport& r) {
            history_.push_back(Json{{"round", r.round}, {"metrics", r.metrics}});
            store_.add_round(run_id_, r.round, r.metrics);
            progress("fitting", r.round, r.total_rounds, r.metrics);
            models::RoundDecision d;
            if (!stopper_) return d;
            if (!r.metrics.contains(key)) {
                std::vector<std::string> available;
                for (auto it = r.metrics.begin(); it != r.metrics.end(); ++it)
                    if (it.key().rfind("val_", 0) == 0) available.push_back(it.key());
                throw Error(ErrorKind::validation, "invalid_early_stopping",
                            "early stopping metric '" + stopper_->spec().metric + "' is not reported per round", {},
                            "per-round validation metrics: " + join(available));
            }
            const Json& v = r.metrics[key];
            d.stop = stopper_->observe(r.round, v.is_number() ? v.get<double>() : std::nan(""));
            d.best_round = stopper_->best_index();
            return d;
        };
        return cb;
    }

    registry::ModelEntry register_artifact(const lang::ModelSpec& model, const lang::DatasetSpec& dataset,
                                           const models::AlgorithmSpec& algo, models::Task task,
                                           const models::Estimator& estimator, const data::Preprocessor& pre,
                                           const EncodedTarget& target, const std::vector<std::string>& features,
                                           const Json& params, const Json& metrics, const Json& validation_metrics,
                                           std::size_t training_samples, data::DType target_type) {
        std::string root = options_.model_root.empty() ? registry::default_model_root() : options_.model_root;
        registry::ArtifactWriter writer(root);
        estimator.save(writer.dir());
        writer.write_file("preprocess.json", pre.to_json().dump(2) + "\n");
        Json manifest;
        manifest["format"] = "hone-model";
        manifest["format_version"] = 1;
        manifest["algorithm"] = algo.name;
        manifest["library"] = algo.library;
        manifest["task"] = std::string(models::to_string(task));
        manifest["num_classes"] = estimator.config().num_classes;
        manifest["classes"] = target.classes;
        manifest["target"] = spec_.target;
        manifest["target_type"] = std::string(data::to_string(target_type));
        manifest["features"] = features;
        manifest["feature_names"] = pre.feature_names();
        manifest["params"] = params;
        manifest["seed"] = spec_.split.seed;
        std::string sha = writer.seal(manifest);

        registry::ModelEntry entry;
        entry.name = spec_.output_registry.empty() ? model.name : spec_.output_registry;
        entry.algorithm = algo.name;
        entry.framework = spec_.framework;
        entry.task = std::string(models::to_string(task));
        entry.metrics = metrics;
        entry.validation_metrics = validation_metrics;
        entry.hyperparameters = params;
        entry.metadata = Json{{"training_job", spec_.name},
                              {"dataset", dataset.name},
                              {"target", spec_.target},
                              {"features", features},
                              {"classes", target.classes},
                              {"preprocessing", pre.to_json()},
                              {"objective", spec_.objective}};
        if (!spec_.metadata.empty()) entry.metadata["job_metadata"] = spec_.metadata;
        entry.feature_count = static_cast<int>(pre.output_size());
        entry.training_samples = static_cast<std::int64_t>(training_samples);
        entry.created_by = options_.created_by;
        entry.sha256 = sha;
        entry.run_id = run_id_;
        return store_.register_model(entry, spec_.name, [&](const std::string& key) { return writer.place(key); });
    }

    const lang::JobFile& file_;
    const lang::TrainingSpec& spec_;
    registry::Store& store_;
    const TrainOptions& options_;
    std::string run_id_;
    Json warnings_ = Json::array();
    Json history_ = Json::array();
    std::optional<EarlyStopper> stopper_;
};

}  // namespace

Json run_training_job(const lang::JobFile& file, const std::string& job, registry::Store& store,
                      const TrainOptions& options) {
    const lang::TrainingSpec* base = file.find_training(job);
    if (!base) not_found("training job", job, names_of(file.trainings));
    lang::TrainingSpec spec = apply_overrides(*base, options.overrides);

    auto started = Clock::now();
    registry::RunRecord run;
    run.id = new_run_id();
    run.job = job;
    run.kind = "training";
    run.status = "running";
    run.ts = unix_now();
    store.save_job("training", job, lang::to_json(spec));
    store.insert_run(run);
    auto finish = [&](const std::string& status) {
        run.status = status;
        run.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        store.update_run(run);
    };
    try {
        Run r(file, spec, store, options, run.id);
        Json result = r.execute();
        result["duration_ms"] = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        run.metrics = result["metrics"];
        run.result = result;
        run.registry_key = result["registry_key"].is_string() ? result["registry_key"].get<std::string>() : "";
        finish("ok");
        store.audit(options.created_by, "train", job, "ok", Json{{"run_id", run.id}, {"registry_key", run.registry_key}});
        return result;
    } catch (const Error& e) {
        run.error = e.what();
        finish(e.kind() == ErrorKind::cancelled ? "cancelled" : "error");
        store.audit(options.created_by, "train", job, "error", Json{{"run_id", run.id}, {"error", e.what()}});
        throw;
    }
}

}  // namespace hone::train
