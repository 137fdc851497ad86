#include "train/validate.hpp"

#include <optional>

#include "common/error.hpp"
#include "data/source.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "train/setup.hpp"

namespace hone::train {

namespace {

class Checker {
public:
    Checker(const lang::Document& doc, const lang::JobFile& file, lang::Diagnostics& diags)
        : doc_(doc), file_(file), diags_(diags) {}

    void run() {
        for (const auto& d : file_.datasets) check_dataset(d);
        for (const auto& m : file_.models)
            if (!m.algorithm.empty())
                check_at(diags_, pos("model", m.name, {"algorithm"}),
                         [&] { models::find_algorithm(m.algorithm, task_of_type(m.type)); });
        for (const auto& t : file_.trainings) check_training(t);
    }

private:
    lang::SourcePos pos(std::string_view kind, std::string_view label, std::initializer_list<std::string_view> keys) {
        return lang::position_of(doc_, kind, label, keys);
    }

    void check_dataset(const lang::DatasetSpec& d) {
        lang::SourcePos where = pos("dataset", d.name, {d.format.empty() ? "source" : "format"});
        check_at(diags_, where, [&] { data::check_dataset(d); });
    }

    void check_training(const lang::TrainingSpec& t) {
        const lang::ModelSpec* model = file_.find_model(t.model);
        if (!model) return;  // the binder reported the reference
        if (!check_at(diags_, pos("training", t.name, {"framework"}), [&] { check_framework(t, *model); })) return;
        const models::AlgorithmSpec* algo = nullptr;
        try {
            algo = &algorithm_of(*model, t.framework);
        } catch (const Error&) {
            return;  // reported at the model block
        }
        models::Task task{};
        if (!check_at(diags_, pos("model", model->name, {"type"}), [&] { task = task_for(*model, *algo); })) return;
        for (const auto& ignored : ignored_settings(t, *model)) {
            lang::SourcePos where = ignored.key.empty() ? pos("training", t.name, {})
                                    : ignored.subkey.empty() ? pos("training", t.name, {ignored.key})
                                                             : pos("training", t.name, {ignored.key, ignored.subkey});
            diags_.warning(where, ignored.message);
        }
        check_hyperparameters(t, *model, *algo);
        check_together(t, *model, *algo, task);
        check_distributed(t, *model, *algo);
        check_metrics(t, task);
    }

    // The hyperparameters of the model block with the training's over them,
    // resolved; nothing when one is invalid (reported where it is written).
    std::optional<Json> resolved_params(const lang::TrainingSpec& t, const lang::ModelSpec& model,
                                        const models::AlgorithmSpec& algo) {
        Json given = model.hyperparameters.is_object() ? model.hyperparameters : Json::object();
        if (t.hyperparameters.is_object())
            for (auto it = t.hyperparameters.begin(); it != t.hyperparameters.end(); ++it) given[it.key()] = it.value();
        try {
            return models::resolve_params(algo, given, false).params;
        } catch (const Error&) {
            return std::nullopt;
        }
    }

    // Distributed settings, reported at the first key that says them.
    void check_distributed(const lang::TrainingSpec& t, const lang::ModelSpec& model,
                           const models::AlgorithmSpec& algo) {
        std::optional<Json> params = resolved_params(t, model, algo);
        if (!params) return;
        lang::SourcePos where = pos("training", t.name, {});
        for (const char* key : {"compute", "distributed", "world_size", "strategy"}) {
            if (const lang::Entry* e = lang::find_entry(doc_, "training", t.name, {key})) {
                where = e->key_pos;
                break;
            }
        }
        check_at(diags_, where, [&] { check_compute(t, algo, *params); });
    }

    // The algorithm's checks of its parameters together with the task (a loss
    // that does not fit it), once each parameter alone is valid.
    void check_together(const lang::TrainingSpec& t, const lang::ModelSpec& model, const models::AlgorithmSpec& algo,
                        models::Task task) {
        if (!algo.check) return;
        std::optional<Json> params = resolved_params(t, model, algo);
        if (!params) return;  // reported where the value is written
        const char* kind = t.hyperparameters.is_object() && !t.hyperparameters.empty() ? "training" : "model";
        const std::string& label = kind == std::string_view("training") ? t.name : model.name;
        check_at(diags_, pos(kind, label, {"hyperparameters"}), [&] { algo.check(*params, task); });
    }

    // Each written hyperparameter alone, so every bad one is reported where it
    // is written (in the model block or the training block).
    void check_hyperparameters(const lang::TrainingSpec& t, const lang::ModelSpec& model,
                               const models::AlgorithmSpec& algo) {
        auto check_block = [&](std::string_view kind, const std::string& label, const Json& given) {
            if (!given.is_object()) return;
            for (auto it = given.begin(); it != given.end(); ++it) {
                const lang::Entry* e = lang::find_entry(doc_, kind, label, {"hyperparameters", it.key()});
                lang::SourcePos where = e ? e->value.pos : pos(kind, label, {"hyperparameters"});
                check_at(diags_, where, [&] {
                    auto resolved = models::resolve_params(algo, Json{{it.key(), it.value()}}, t.strict);
                    for (const auto& name : resolved.ignored)
                        diags_.warning(e ? e->key_pos : where, ignored_param_warning(algo, name));
                });
            }
        };
        check_block("model", model.name, model.hyperparameters);
        check_block("training", t.name, t.hyperparameters);
    }

    void check_metrics(const lang::TrainingSpec& t, metrics::Task task) {
        if (!t.objective.empty())  // a missing one is the binder's error
            check_at(diags_, pos("training", t.name, {"objective"}),
               [&] { metrics::resolve_objective(t.objective, task); });
        const lang::Entry* listed = lang::find_entry(doc_, "training", t.name, {"metrics"});
        for (std::size_t i = 0; i < t.metrics.size(); ++i) {
            lang::SourcePos where = pos("training", t.name, {"metrics"});
            if (listed && listed->value.is_list() && i < listed->value.items.size()) where = listed->value.items[i].pos;
            check_at(diags_, where, [&] { metrics::find_metric(t.metrics[i], task); });
        }
        if (t.early_stopping)
            check_at(diags_, pos("training", t.name, {"early_stopping", "metric"}),
               [&] { metrics::resolve_objective(t.early_stopping->metric, task); });
    }

    const lang::Document& doc_;
    const lang::JobFile& file_;
    lang::Diagnostics& diags_;
};

}  // namespace

std::string diagnostic_text(const Error& e) {
    if (e.hint().empty() || e.message().find("did you mean") != std::string::npos) return e.message();
    return e.message() + " (" + e.hint() + ")";
}

void check_models_and_trainings(const lang::Document& doc, const lang::JobFile& file, lang::Diagnostics& diags) {
    Checker(doc, file, diags).run();
}

}  // namespace hone::train
