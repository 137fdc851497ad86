#include "pipeline/stages.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"
#include "data/source.hpp"
#include "data/stats.hpp"
#include "data/validate_rules.hpp"
#include "export/formats.hpp"
#include "lang/keys.hpp"
#include "train/predictor.hpp"
#include "train/promote.hpp"
#include "train/trainer.hpp"
#include "tune/study.hpp"

namespace hone::pipeline {
namespace {

const lang::DatasetSpec& dataset_of(const StageInput& in, const std::string& name) {
    const lang::DatasetSpec* d = in.file.find_dataset(name);
    if (!d) throw Error(ErrorKind::validation, "unknown_dataset", "stage '" + in.stage.id + "' names no dataset '" + name + "'");
    return *d;
}

data::Frame load(const StageInput& in, const lang::DatasetSpec& d) {
    in.log("loading dataset " + d.name);
    return data::load_dataset(d, {in.context.threads, in.context.postgres_url});
}

Json frame_summary(const lang::DatasetSpec& d, const data::Frame& frame) {
    Json columns = frame.names();
    Json warnings = Json::array();
    for (const auto& w : frame.warnings()) warnings.push_back(w.message);
    return Json{{"dataset", d.name},          {"rows", frame.rows()},   {"columns", columns},
                {"fingerprint", frame.fingerprint()}, {"warnings", warnings}};
}

// ---- data stages ------------------------------------------------------------

Json prepare_data(const StageInput& in) {
    const auto& d = dataset_of(in, in.stage.dataset);
    return frame_summary(d, load(in, d));
}

// The dataset loads with its declared schema (types, required columns), has
// rows, and passes its `validation:` rules: a failed error-severity rule fails
// the stage with each failure; warnings are logged and kept in the output.
Json validate_data(const StageInput& in) {
    const auto& d = dataset_of(in, in.stage.dataset);
    data::Frame frame = load(in, d);
    if (frame.rows() == 0)
        throw Error(ErrorKind::data, "validation_failed", "dataset '" + d.name + "' has no rows");
    Json out = frame_summary(d, frame);
    const data::RulesReport report = data::check_rules(frame, d.validation, d.name);
    std::vector<std::string> errors;
    for (const auto& r : report.results) {
        if (r.passed) continue;
        if (r.warning) in.log("warning: " + r.message);
        else errors.push_back(r.message);
    }
    if (!errors.empty())
        throw Error(ErrorKind::data, "validation_failed",
                    "dataset '" + d.name + "' failed " + std::to_string(errors.size()) + " of its rules: " +
                        join(errors, "; "));
    out["rules"] = data::to_json(report);
    out["passed"] = true;
    return out;
}

// Per-column statistics of the dataset: what the features are made of.
Json extract_features(const StageInput& in) {
    const auto& d = dataset_of(in, in.stage.dataset);
    data::Frame frame = load(in, d);
    Json out = frame_summary(d, frame);
    out["statistics"] = data::to_json(data::describe(frame, 3, in.context.threads), frame.rows());
    return out;
}

Json dataset_inputs(const StageInput& in) {
    const auto& d = dataset_of(in, in.stage.dataset);
    Json fingerprint = in.fingerprints.of(d);
    if (fingerprint.is_null()) return nullptr;
    return Json{{"dataset", lang::to_json(d)}, {"source", fingerprint}};
}

// ---- model_training ---------------------------------------------------------

Json model_summary(registry::Store& store, const std::string& key) {
    auto entry = train::require_model(store, key);
    return Json{{"model_key", entry.key},         {"model", entry.name},     {"version", entry.version},
                {"algorithm", entry.algorithm},   {"task", entry.task},      {"metrics", entry.metrics},
                {"validation_metrics", entry.validation_metrics}};
}

Json run_training(const StageInput& in) {
    const auto& s = in.stage;
    std::string key;
    if (!s.tuning.empty()) {
        in.log("tuning " + s.tuning);
        tune::TuneOptions options;
        options.context = in.context;
        Json result = tune::run_tuning_job(in.file, s.tuning, in.store, options);
        if (!result["best_model_registry_key"].is_string())
            throw Error(ErrorKind::data, "stage_failed", "tuning '" + s.tuning + "' registered no model (status " +
                                                             result["status"].get<std::string>() + ")");
        key = result["best_model_registry_key"].get<std::string>();
        Json out = model_summary(in.store, key);
        out["study_id"] = result["study_id"];
        return out;
    }
    in.log("training " + s.training);
    train::TrainOptions options;
    options.context = in.context;
    if (!s.parameters.empty()) options.overrides = Json{{"hyperparameters", s.parameters}};
    Json result = train::run_training_job(in.file, s.training, in.store, options);
    if (!result["registry_key"].is_string())
        throw Error(ErrorKind::data, "stage_failed", "training '" + s.training + "' registered no model");
    Json out = model_summary(in.store, result["registry_key"].get<std::string>());
    out["run_id"] = result.contains("run_id") ? result["run_id"] : Json();
    return out;
}

Json training_inputs(const StageInput& in) {
    const auto& s = in.stage;
    const std::string training_name = s.tuning.empty() ? s.training : in.file.find_tuning(s.tuning)->training_job;
    const lang::TrainingSpec* t = in.file.find_training(training_name);
    if (!t) return nullptr;
    Json inputs{{"training", lang::to_json(*t)}};
    if (!s.tuning.empty()) inputs["tuning"] = lang::to_json(*in.file.find_tuning(s.tuning));
    if (const auto* m = in.file.find_model(t->model)) inputs["model"] = lang::to_json(*m);
    const lang::DatasetSpec* d = in.file.find_dataset(t->dataset);
    if (!d) return nullptr;
    Json fingerprint = in.fingerprints.of(*d);
    if (fingerprint.is_null()) return nullptr;
    inputs["dataset"] = lang::to_json(*d);
    inputs["source"] = fingerprint;
    return inputs;
}

bool model_still_registered(const StageInput& in, const Json& output) {
    return output.contains("model_key") && in.store.get_model(output["model_key"].get<std::string>()).has_value();
}

// ---- stages that take the model ---------------------------------------------

// The key of the model registered by the model_training stage this stage
// takes its model from (the language checked there is one).
std::string upstream_model(const StageInput& in) {
    const lang::StageSpec* source = lang::model_stage_of(in.pipeline, in.stage);
    if (!source || !in.upstream.count(source->id))
        throw Error(ErrorKind::internal, "no_model", "stage '" + in.stage.id + "' found no upstream model");
    return in.upstream.at(source->id).at("model_key").get<std::string>();
}

std::string metric_names(const Json& metrics) {
    std::vector<std::string> names;
    for (const auto& [name, _] : metrics.items()) names.push_back(name);
    return names.empty() ? "none" : join(names, ", ");
}

// Each threshold against the model's registered metrics (its test split's, or
// validation's when it has none); a miss fails the stage with every number.
Json validate_model(const StageInput& in) {
    const std::string key = upstream_model(in);
    const auto entry = train::require_model(in.store, key);
    Json checks = Json::array();
    std::vector<std::string> misses;
    auto check = [&](const Json& bounds, bool is_min) {
        for (const auto& [metric, bound] : bounds.items()) {
            if (!entry.metrics.contains(metric) || !entry.metrics[metric].is_number())
                throw Error(ErrorKind::validation, "unknown_metric",
                            "stage '" + in.stage.id + "': model " + key + " has no metric '" + metric +
                                "'; its metrics are " + metric_names(entry.metrics));
            const double value = entry.metrics[metric].get<double>(), limit = bound.get<double>();
            const bool passed = is_min ? value >= limit : value <= limit;
            checks.push_back(Json{{"metric", metric}, {"value", value}, {is_min ? "min" : "max", limit}, {"passed", passed}});
            if (!passed)
                misses.push_back(metric + " " + format_double(value) + (is_min ? " < min " : " > max ") + format_double(limit));
        }
    };
    check(in.stage.min, true);
    check(in.stage.max, false);
    if (!misses.empty())
        throw Error(ErrorKind::data, "validation_failed",
                    "model " + key + " missed its thresholds: " + join(misses, "; "));
    return Json{{"model_key", key}, {"passed", true}, {"checks", checks}};
}

// On another dataset, the model's metrics computed there; else its test
// split's, as registered.
Json evaluate_model(const StageInput& in) {
    const std::string key = upstream_model(in);
    if (in.stage.dataset.empty()) {
        const auto entry = train::require_model(in.store, key);
        Json metrics = Json::object();
        for (const auto& [name, value] : entry.metrics.items())
            if (in.stage.metrics.empty() ||
                std::find(in.stage.metrics.begin(), in.stage.metrics.end(), name) != in.stage.metrics.end())
                metrics[name] = value;
        for (const auto& name : in.stage.metrics)
            if (!metrics.contains(name))
                throw Error(ErrorKind::validation, "unknown_metric",
                            "stage '" + in.stage.id + "': model " + key + " has no test metric '" + name +
                                "'; give 'dataset' to compute it, or pick from " + metric_names(entry.metrics));
        return Json{{"model_key", key}, {"on", "test split"}, {"metrics", metrics}};
    }
    const auto& d = dataset_of(in, in.stage.dataset);
    auto model = train::LoadedModel::load(in.store, key);
    Json result = model->evaluate(load(in, d), in.stage.metrics);
    return Json{{"model_key", key}, {"on", d.name}, {"rows", result["rows"]}, {"metrics", result["metrics"]}};
}

Json evaluation_inputs(const StageInput& in) {
    if (in.stage.dataset.empty()) return Json::object();
    return dataset_inputs(in);
}

std::filesystem::path output_path(const StageInput& in) {
    std::filesystem::path p(in.stage.output);
    if (p.is_absolute()) return p;
    return std::filesystem::path(in.file.path).parent_path() / p;
}

// Moves the model to its stage (to production: the name's other production
// versions are archived, as a deploy does) and writes its export.
Json deploy_model(const StageInput& in) {
    const std::string key = upstream_model(in);
    Json out{{"model_key", key}};
    if (!in.stage.export_format.empty()) {
        const std::string bytes = exporting::export_model(in.store, key, in.stage.export_format);
        const auto path = output_path(in);
        write_file_atomically(path, bytes);
        out["export"] = Json{{"format", in.stage.export_format}, {"path", path.string()},
                             {"bytes", bytes.size()}, {"sha256", sha256_hex(bytes)}};
        in.log("exported " + key + " as " + in.stage.export_format + " to " + path.string());
    }
    if (!in.stage.stage.empty()) {
        std::vector<std::string> archived;
        if (in.stage.stage == "production") {
            train::LoadedModel::load(in.store, key);  // its files match their checksums before it serves
            archived = train::other_production_versions(in.store, train::require_model(in.store, key));
            train::promote(in.store, key, archived);
        } else {
            in.store.set_stage(key, in.stage.stage);
        }
        in.store.audit(in.context.who, "set_stage", key, "ok",
                       Json{{"stage", in.stage.stage}, {"pipeline", in.pipeline.name}, {"archived", archived}});
        out["stage"] = in.stage.stage;
        out["archived"] = archived;
    }
    return out;
}

bool deployment_still_valid(const StageInput& in, const Json& output) {
    if (!model_still_registered(in, output)) return false;
    if (output.contains("stage")) {
        auto entry = in.store.get_model(output["model_key"].get<std::string>());
        if (!entry || entry->stage != output["stage"].get<std::string>()) return false;
    }
    if (output.contains("export")) {
        const std::filesystem::path path = output["export"]["path"].get<std::string>();
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) return false;
        return sha256_file(path) == output["export"]["sha256"].get<std::string>();
    }
    return true;
}

Json no_inputs(const StageInput&) { return Json::object(); }
bool always_valid(const StageInput&, const Json&) { return true; }

std::vector<StageType> table() {
    return {
        {"data_preparation", {}, "loads the dataset with its schema and reports its rows and columns", prepare_data,
         dataset_inputs, always_valid},
        {"data_validation", {}, "fails unless the dataset loads with its schema, has rows and passes its `validation` rules",
         validate_data,
         dataset_inputs, always_valid},
        {"feature_extraction", {}, "the dataset's per-column statistics", extract_features, dataset_inputs,
         always_valid},
        {"model_training", {}, "runs a training or tuning block and registers its model", run_training,
         training_inputs, model_still_registered},
        {"model_validation", {}, "fails unless the model's metrics meet `min` and `max`", validate_model, no_inputs,
         model_still_registered},
        {"model_evaluation", {}, "the model's metrics on its test split or on another dataset", evaluate_model,
         evaluation_inputs, model_still_registered},
        {"model_deployment", {}, "moves the model to a registry stage and/or exports it", deploy_model, no_inputs,
         deployment_still_valid},
    };
}

}  // namespace

const Registry<StageType>& stage_types() {
    static const Registry<StageType> registry("stage type", "unknown_stage_type", table());
    return registry;
}

Json Fingerprints::of(const lang::DatasetSpec& dataset) {
    if (dataset.source == "postgres") return nullptr;
    const auto path = dataset.resolved_path();
    std::error_code ec;
    if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return nullptr;
    const auto bytes = std::filesystem::file_size(path, ec);
    const auto modified = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    const std::string stamp = std::to_string(bytes) + "@" + std::to_string(modified);
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = known_.find(path.string());
    if (known != known_.end() && known->second.first == stamp) return known->second.second;
    Json fingerprint{{"path", path.string()}, {"bytes", bytes}, {"sha256", sha256_file(path)}};
    known_[path.string()] = {stamp, fingerprint};
    return fingerprint;
}

}  // namespace hone::pipeline
