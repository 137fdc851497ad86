#include "tune/validate.hpp"

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/source.hpp"
#include "lang/keys.hpp"
#include "metrics/registry.hpp"
#include "train/setup.hpp"
#include "train/validate.hpp"
#include "tune/pruner.hpp"
#include "tune/sampler.hpp"

namespace hone::tune {

namespace {

Error no_catalog_range(const lang::SearchDimension& d, const std::string& why) {
    return Error(ErrorKind::validation, "invalid_search_space",
                 "search space '" + d.name + "' gives no range, and " + why, {},
                 "write its range: " + d.name + ": {min: ..., max: ...} or {values: [...]}");
}

}  // namespace

lang::SearchDimension with_catalog_range(const lang::SearchDimension& d, const models::AlgorithmSpec& algo) {
    using Type = lang::SearchDimension::Type;
    if (d.type != Type::catalog) return d;
    const models::ParamSpec* p = algo.find_param(d.name);
    if (!p) {
        throw no_catalog_range(d, "it is not a hyperparameter of " + algo.name +
                                            did_you_mean(d.name, algo.param_names()));
    }
    auto range = models::default_tuning_range(*p);
    if (!range)
        throw no_catalog_range(d, "the catalog declares no tuning range for " + algo.name + "'s " + p->name);
    lang::SearchDimension out = d;
    if (!range->values.empty()) {
        out.type = Type::categorical;
        out.values = range->values;
        return out;
    }
    out.type = range->type == models::ParamType::integer ? Type::int_ : Type::float_;
    out.min = range->low;
    out.max = range->high;
    out.log = range->log;
    return out;
}

std::optional<std::string> check_dimension(const lang::SearchDimension& d, const models::AlgorithmSpec& algo,
                                           bool strict) {
    if (!algo.find_param(d.name)) {
        std::string msg = "search space key '" + d.name + "' is not a hyperparameter of " + algo.name;
        std::vector<std::string> names = algo.param_names();
        std::string suggestion = did_you_mean(d.name, names);
        if (strict)
            throw Error(ErrorKind::validation, "unknown_hyperparameter", msg + suggestion, {},
                        algo.name + " takes: " + join(names));
        return msg + ", so sampling it has no effect" + suggestion;
    }
    // The values a trial can take at the edges of the range (or every choice).
    std::vector<Json> edges = d.values;
    if (d.type == lang::SearchDimension::Type::int_) {
        edges = {Json(static_cast<std::int64_t>(d.min)), Json(static_cast<std::int64_t>(d.max))};
    } else if (d.type == lang::SearchDimension::Type::float_) {
        edges = {Json(d.min), Json(d.max)};
    }
    for (const auto& v : edges) {
        try {
            models::resolve_params(algo, Json{{d.name, v}}, strict);
        } catch (const Error& e) {
            throw Error(ErrorKind::validation, "invalid_search_space",
                        "search space '" + d.name + "' reaches outside the hyperparameter's range: " + e.message());
        }
    }
    return std::nullopt;
}

namespace {

// The algorithm and task a tuning's training job trains, or nothing when the
// training, its model or its algorithm is in error (reported there).
struct Tuned {
    const lang::TrainingSpec* training = nullptr;
    const models::AlgorithmSpec* algo = nullptr;
    metrics::Task task = metrics::Task::classification;
};

std::optional<Tuned> trained_by(const lang::JobFile& file, const std::string& training_job) {
    Tuned out;
    out.training = file.find_training(training_job);
    if (!out.training) return std::nullopt;
    const lang::ModelSpec* model = file.find_model(out.training->model);
    if (!model) return std::nullopt;
    try {
        out.algo = &train::algorithm_of(*model, out.training->framework);
        out.task = train::task_for(*model, *out.algo);
    } catch (const Error&) {
        return std::nullopt;
    }
    return out;
}

std::optional<Tuned> tuned_by(const lang::JobFile& file, const lang::TuningSpec& t) {
    return trained_by(file, t.training_job);
}

void check_tuning(const lang::Document& doc, const lang::JobFile& file, const lang::TuningSpec& t,
                  lang::Diagnostics& diags) {
    auto pos = [&](std::initializer_list<std::string_view> keys) { return lang::position_of(doc, "tuning", t.name, keys); };
    train::check_at(diags, pos({"strategy"}), [&] { check_sampler_name(t.strategy); });
    train::check_at(diags, pos({"pruner"}), [&] { make_pruner(t.pruner, Direction::maximize); });
    if (t.grace_period <= t.heartbeat_interval)
        diags.error(pos({"grace_period"}), "grace_period (" + format_double(t.grace_period) +
                                               " s) must be more than heartbeat_interval (" +
                                               format_double(t.heartbeat_interval) +
                                               " s): a worker that beats on time would be taken for lost");
    std::optional<Tuned> tuned = tuned_by(file, t);
    if (!tuned) return;
    train::check_at(diags, pos({"objective_metric"}), [&] { metrics::resolve_objective(t.objective_metric, tuned->task); });
    if (t.early_stopping)
        train::check_at(diags, pos({"early_stopping", "metric"}),
           [&] { metrics::resolve_objective(t.early_stopping->metric, tuned->task); });
    for (const auto& written : t.search_space) {
        const lang::Entry* e = lang::find_entry(doc, "tuning", t.name, {"search_space", written.name});
        lang::SourcePos key_pos = e ? e->key_pos : written.pos;
        try {
            lang::SearchDimension d = with_catalog_range(written, *tuned->algo);
            if (auto warning = check_dimension(d, *tuned->algo, tuned->training->strict))
                diags.warning(key_pos, *warning);
        } catch (const Error& err) {
            if (!diags.has_error_at(key_pos)) diags.error(key_pos, train::diagnostic_text(err));
        }
    }
}

// The metrics a stage names (thresholds, evaluation metrics) against the task
// of the model it takes, as the metric registry resolves them.
void check_stage_metrics(const lang::Document& doc, const lang::JobFile& file, const lang::PipelineSpec& p,
                         const lang::StageSpec& s, lang::Diagnostics& diags) {
    const lang::StageSpec* source = lang::model_stage_of(p, s);
    if (!source) return;  // reported by the language
    const lang::TuningSpec* tuning = source->tuning.empty() ? nullptr : file.find_tuning(source->tuning);
    std::optional<Tuned> trained = trained_by(file, tuning ? tuning->training_job : source->training);
    if (!trained) return;  // the training's or model's own error
    const metrics::Task task = trained->task;
    auto check = [&](const char* key, const std::vector<std::string>& names) {
        const auto at = lang::position_of(doc, "pipeline", p.name, {"stages", s.id, key});
        for (const auto& name : names) train::check_at(diags, at, [&] { metrics::find_metric(name, task); });
    };
    auto keys_of = [](const auto& thresholds) {
        std::vector<std::string> names;
        for (const auto& [name, _] : thresholds.items()) names.push_back(name);
        return names;
    };
    check("min", keys_of(s.min));
    check("max", keys_of(s.max));
    check("metrics", s.metrics);
}

}  // namespace

void validate_job(lang::LoadedJobFile& loaded) {
    train::check_models_and_trainings(loaded.doc, loaded.spec, loaded.diags);
    for (const auto& t : loaded.spec.tunings) check_tuning(loaded.doc, loaded.spec, t, loaded.diags);
    for (const auto& p : loaded.spec.pipelines)
        for (const auto& s : p.stages) check_stage_metrics(loaded.doc, loaded.spec, p, s, loaded.diags);
}

void resolve_catalog_ranges(lang::TuningSpec& spec, const lang::JobFile& file) {
    bool any = false;
    for (const auto& d : spec.search_space) any = any || d.type == lang::SearchDimension::Type::catalog;
    if (!any) return;
    std::optional<Tuned> tuned = tuned_by(file, spec);
    if (!tuned)
        throw Error(ErrorKind::validation, "invalid_search_space",
                    "tuning job '" + spec.name + "': the search space takes ranges from the catalog, but its training "
                    "job's algorithm is unknown");
    for (auto& d : spec.search_space) d = with_catalog_range(d, *tuned->algo);
}

lang::NameLists registry_names() {
    std::vector<std::string> algorithms;
    for (const auto& a : models::algorithms()) algorithms.push_back(a.name);
    return {{"sources", data::source_names()},  {"formats", data::file_formats()},
            {"algorithms", algorithms},         {"metrics", metrics::metric_names()},
            {"samplers", sampler_names()},      {"pruners", pruner_names()}};
}

}  // namespace hone::tune
