#include "train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>

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
#include "train/labels.hpp"

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
    std::string near = nearest(name, names);
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    throw Error(ErrorKind::not_found, what == "column" ? "column_not_found" : "job_not_found", msg, {},
                names.empty() ? "there is none" : "there are: " + join(names));
}

[[noreturn]] void bad_override(const std::string& key, const std::string& expected, const Json& v) {
    throw Error(ErrorKind::validation, "invalid_override",
                "override '" + key + "' must be " + expected + ", got " + json_dump(v));
}

// Typed readers of one override value: a wrong type or a value out of range is
// the override's error, naming it, never the JSON library's.
double number(const std::string& key, const Json& v, double min) {
    if (!v.is_number() || v.get<double>() < min) bad_override(key, "a number of at least " + format_double(min), v);
    return v.get<double>();
}

double fraction(const std::string& key, const Json& v) {
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() >= 1)
        bad_override(key, "a number from 0 to 1 (not 1)", v);
    return v.get<double>();
}

std::uint64_t whole(const std::string& key, const Json& v, std::int64_t min, std::int64_t max = INT64_MAX) {
    bool ok = false;
    if (v.is_number_unsigned())
        ok = v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max) &&
             (min <= 0 || v.get<std::uint64_t>() >= static_cast<std::uint64_t>(min));
    else if (v.is_number_integer())
        ok = v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max;
    if (!ok)
        bad_override(key, max == INT64_MAX ? "a whole number of at least " + std::to_string(min)
                                           : "a whole number from " + std::to_string(min) + " to " + std::to_string(max),
                     v);
    return v.get<std::uint64_t>();
}

bool boolean(const std::string& key, const Json& v) {
    if (!v.is_boolean()) bad_override(key, "true or false", v);
    return v.get<bool>();
}

std::string text(const std::string& key, const Json& v) {
    if (!v.is_string()) bad_override(key, "a string", v);
    return v.get<std::string>();
}

std::string one_of(const std::string& key, const Json& v, const std::vector<std::string>& allowed) {
    std::string s = v.is_string() ? v.get<std::string>() : "";
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) bad_override(key, join_or(allowed, "'"), v);
    return s;
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
    auto bad = bad_override;
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
                std::string name = "split." + s.key();
                if (s.key() == "train") spec.split.train = fraction(name, s.value());
                else if (s.key() == "validation") spec.split.validation = fraction(name, s.value());
                else if (s.key() == "test") spec.split.test = fraction(name, s.value());
                else if (s.key() == "stratify") spec.split.stratify = boolean(name, s.value());
                else if (s.key() == "shuffle") spec.split.shuffle = boolean(name, s.value());
                else if (s.key() == "seed") spec.split.seed = whole(name, s.value(), 0);
                else bad(name, "one of train, validation, test, stratify, shuffle, seed", s.value());
            }
            double sum = spec.split.train + spec.split.validation + spec.split.test;
            if (spec.split.train <= 0 || std::abs(sum - 1) > 1e-6)
                throw Error(ErrorKind::validation, "invalid_override",
                            "override 'split': the ratios must sum to 1 with a train part above 0, found " +
                                format_double(spec.split.train) + " + " + format_double(spec.split.validation) + " + " +
                                format_double(spec.split.test));
        } else if (key == "early_stopping") {
            if (v.is_boolean() && !v.get<bool>()) {
                spec.early_stopping.reset();
                continue;
            }
            if (!v.is_object()) bad(key, "an object or false", v);
            lang::EarlyStoppingSpec es = spec.early_stopping.value_or(lang::EarlyStoppingSpec{});
            for (auto s = v.begin(); s != v.end(); ++s) {
                std::string name = "early_stopping." + s.key();
                if (s.key() == "metric") es.metric = text(name, s.value());
                else if (s.key() == "patience") es.patience = static_cast<int>(whole(name, s.value(), 1, 1000000));
                else if (s.key() == "min_delta") es.min_delta = number(name, s.value(), 0);
                else if (s.key() == "mode") es.mode = one_of(name, s.value(), {"min", "max", "auto"});
                else if (s.key() == "enabled") es.enabled = boolean(name, s.value());
                else bad(name, "one of metric, patience, min_delta, mode, enabled", s.value());
            }
            spec.early_stopping = es;
        } else if (key == "seed") {
            spec.split.seed = whole(key, v, 0);
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

registry::ModelEntry register_trained(registry::Store& store, const TrainingSetup& setup, const FitResult& fit,
                                     const std::string& run_id, const TrainOptions& options,
                                     const Json& extra_metadata) {
    const lang::TrainingSpec& spec = setup.spec;
    const models::AlgorithmSpec& algo = *setup.algo;
    std::string root = options.model_root.empty() ? registry::default_model_root() : options.model_root;
    registry::ArtifactWriter writer(root);
    fit.estimator->save(writer.dir());
    writer.write_file("preprocess.json", setup.pre.to_json().dump(2) + "\n");
    Json manifest;
    manifest["format"] = "hone-model";
    manifest["format_version"] = 1;
    manifest["algorithm"] = algo.name;
    manifest["library"] = algo.library;
    manifest["task"] = std::string(models::to_string(setup.task));
    manifest["num_classes"] = setup.num_classes();
    manifest["classes"] = setup.target.classes;
    manifest["target"] = spec.target;
    manifest["target_type"] = std::string(data::to_string(setup.target_type));
    manifest["features"] = setup.features;
    manifest["feature_names"] = setup.pre.feature_names();
    manifest["params"] = fit.params;
    manifest["seed"] = spec.split.seed;
    std::string sha = writer.seal(manifest);

    registry::ModelEntry entry;
    entry.name = spec.output_registry.empty() ? setup.model.name : spec.output_registry;
    entry.algorithm = algo.name;
    entry.framework = spec.framework;
    entry.task = std::string(models::to_string(setup.task));
    entry.metrics = setup.parts.test.empty() ? fit.validation_metrics : fit.test_metrics;
    entry.validation_metrics = fit.validation_metrics;
    entry.hyperparameters = fit.params;
    entry.metadata = Json{{"training_job", spec.name},
                          {"dataset", setup.dataset.name},
                          {"target", spec.target},
                          {"features", setup.features},
                          {"classes", setup.target.classes},
                          {"preprocessing", setup.pre.to_json()},
                          {"objective", spec.objective}};
    if (!spec.metadata.empty()) entry.metadata["job_metadata"] = spec.metadata;
    for (auto it = extra_metadata.begin(); it != extra_metadata.end(); ++it) entry.metadata[it.key()] = it.value();
    entry.feature_count = static_cast<int>(setup.pre.output_size());
    entry.training_samples = static_cast<std::int64_t>(setup.parts.train.size());
    entry.created_by = options.created_by;
    entry.sha256 = sha;
    entry.run_id = run_id;
    return store.register_model(entry, spec.name, [&](const std::string& key) { return writer.place(key); });
}

namespace {

class Run {
public:
    Run(const lang::JobFile& file, const lang::TrainingSpec& spec, registry::Store& store, const TrainOptions& options,
        const std::string& run_id)
        : file_(file), spec_(spec), store_(store), options_(options), run_id_(run_id) {}

    Json execute() {
        PrepareOptions prepare;
        prepare.on_stage = [this](const std::string& stage) { progress(stage); };
        TrainingSetup setup = prepare_training(file_, spec_, prepare);

        progress("fitting");
        FitHooks hooks;
        hooks.threads = options_.threads;
        hooks.cancelled = options_.cancelled;
        hooks.on_round = [this](const models::RoundReport& r) {
            if (!r.metrics.empty()) store_.add_round(run_id_, r.round, r.metrics);
            progress("fitting", r.round, r.total_rounds, r.metrics);
        };
        FitResult fit = fit_model(setup, Json::object(), hooks);
        progress("evaluating");

        for (const auto& name : fit.ignored)
            warn(ignored_param_warning(*setup.algo, name));
        for (const auto& w : setup.warnings) warn(w);
        for (const auto& w : fit.warnings) warn(w);
        Json result = describe_result(setup, fit);

        if (options_.register_model) {
            progress("registering");
            registry::ModelEntry entry = register_trained(store_, setup, fit, run_id_, options_);
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

    Json describe_result(const TrainingSetup& setup, const FitResult& fit) {
        Json reported = setup.parts.test.empty() ? fit.validation_metrics : fit.test_metrics;
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
        result["ignored_hyperparameters"] = fit.ignored;
        result["warnings"] = warnings_;
        result["best_iteration"] = fit.estimator->iterative() ? Json(fit.estimator->best_iteration()) : Json();
        result["training_samples"] = setup.parts.train.size();
        result["validation_samples"] = setup.parts.validation.size();
        result["test_samples"] = setup.parts.test.size();
        result["feature_count"] = setup.pre.output_size();
        if (setup.classification()) result["classes"] = setup.target.classes;
        result["feature_importances"] = importances;
        result["history"] = fit.history;
        return result;
    }

    const lang::JobFile& file_;
    const lang::TrainingSpec& spec_;
    registry::Store& store_;
    const TrainOptions& options_;
    std::string run_id_;
    Json warnings_ = Json::array();
};

}  // namespace

Json run_training_job(const lang::JobFile& file, const std::string& job, registry::Store& store,
                      const TrainOptions& options) {
    const lang::TrainingSpec* base = file.find_training(job);
    if (!base) not_found("training job", job, names_of(file.trainings));
    lang::TrainingSpec spec = apply_overrides(*base, options.overrides);

    auto started = Clock::now();
    registry::RunRecord run;
    run.id = options.run_id.empty() ? random_id("run") : options.run_id;
    run.job = job;
    run.kind = "training";
    run.status = "running";
    run.ts = unix_seconds();
    store.save_job("training", job, lang::to_json(spec));
    if (options.run_id.empty())
        store.insert_run(run);
    else
        store.update_run(run);
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
    } catch (const std::exception& e) {
        // A defect of ours, but the run still ends recorded, never "running" forever.
        run.error = std::string("internal error: ") + e.what();
        finish("error");
        throw;
    }
}

}  // namespace hone::train
