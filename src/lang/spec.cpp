#include "lang/spec.hpp"

namespace hone::lang {

std::filesystem::path DatasetSpec::resolved_path() const {
    if (path.empty()) return {};
    std::filesystem::path p(path);
    if (p.is_absolute() || base_dir.empty()) return p;
    return base_dir / p;
}

template <class T>
static const T* find_named(const std::vector<T>& items, std::string_view name) {
    for (const auto& item : items)
        if (item.name == name) return &item;
    return nullptr;
}

const DatasetSpec* JobFile::find_dataset(std::string_view name) const { return find_named(datasets, name); }
const ModelSpec* JobFile::find_model(std::string_view name) const { return find_named(models, name); }
const TrainingSpec* JobFile::find_training(std::string_view name) const { return find_named(trainings, name); }
const TuningSpec* JobFile::find_tuning(std::string_view name) const { return find_named(tunings, name); }
const PipelineSpec* JobFile::find_pipeline(std::string_view name) const { return find_named(pipelines, name); }

const StageSpec* PipelineSpec::find_stage(std::string_view stage_id) const {
    for (const auto& s : stages)
        if (s.id == stage_id) return &s;
    return nullptr;
}

Json to_json(const DatasetSpec& d) {
    Json j;
    j["name"] = d.name;
    j["source"] = d.source;
    if (!d.path.empty()) j["path"] = d.path;
    if (!d.table.empty()) j["table"] = d.table;
    if (!d.query.empty()) j["query"] = d.query;
    if (!d.connection.empty()) j["connection"] = d.connection;
    if (!d.format.empty()) j["format"] = d.format;
    if (!d.delimiter.empty()) j["delimiter"] = d.delimiter;
    if (!d.header) j["header"] = false;
    if (!d.na_values.empty()) j["na_values"] = d.na_values;
    if (!d.schema.empty()) {
        Json s = Json::array();
        for (const auto& c : d.schema) s.push_back(Json{{c.name, c.type}});
        j["schema"] = s;
    }
    if (!d.validation.empty()) j["validation"] = to_json(d.validation);
    if (!d.processing.empty()) j["processing"] = to_json(d.processing);
    if (!d.description.empty()) j["description"] = d.description;
    if (!d.metadata.empty()) j["metadata"] = d.metadata;
    return j;
}

// As written: only the rules given, so the view reads like the section.
Json to_json(const ValidationRulesSpec& v) {
    Json j;
    if (v.min_rows) j["min_rows"] = *v.min_rows;
    if (v.max_rows) j["max_rows"] = *v.max_rows;
    j["severity"] = v.severity;
    Json columns = Json::object();
    for (const auto& c : v.columns) {
        Json rules;
        if (c.not_null) rules["not_null"] = true;
        if (c.unique) rules["unique"] = true;
        if (c.min) rules["min"] = *c.min;
        if (c.max) rules["max"] = *c.max;
        if (!c.allowed.empty()) rules["allowed"] = c.allowed;
        if (!c.regex.empty()) rules["regex"] = c.regex;
        if (c.max_missing_ratio) rules["max_missing_ratio"] = *c.max_missing_ratio;
        rules["severity"] = c.severity;
        columns[c.column] = std::move(rules);
    }
    j["columns"] = std::move(columns);
    return j;
}

Json to_json(const ModelSpec& m) {
    Json j;
    j["name"] = m.name;
    j["type"] = m.type;
    j["engine"] = m.engine;
    if (!m.algorithm.empty()) j["algorithm"] = m.algorithm;
    if (!m.hyperparameters.empty()) j["hyperparameters"] = m.hyperparameters;
    if (!m.description.empty()) j["description"] = m.description;
    if (!m.metadata.empty()) j["metadata"] = m.metadata;
    return j;
}

Json to_json(const EarlyStoppingSpec& e) {
    return Json{{"enabled", e.enabled},
                {"metric", e.metric},
                {"patience", e.patience},
                {"min_delta", e.min_delta},
                {"mode", e.mode.empty() ? std::string("auto") : e.mode}};
}

Json to_json(const TrainingSpec& t) {
    Json j;
    j["name"] = t.name;
    j["model"] = t.model;
    j["dataset"] = t.dataset;
    j["target"] = t.target.empty() ? Json() : Json(t.target);
    j["features"] = t.features;
    j["framework"] = t.framework;
    j["objective"] = t.objective;
    j["hyperparameters"] = t.hyperparameters;
    j["split"] = Json{{"train", t.split.train},
                      {"validation", t.split.validation},
                      {"test", t.split.test},
                      {"stratify", t.split.stratify},
                      {"shuffle", t.split.shuffle},
                      {"seed", t.split.seed}};
    j["early_stopping"] = t.early_stopping ? to_json(*t.early_stopping) : Json();
    if (t.checkpoints.enabled)
        j["checkpoints"] = Json{{"enabled", true},
                                {"save_best", t.checkpoints.save_best},
                                {"save_latest", t.checkpoints.save_latest},
                                {"every_n_epochs", t.checkpoints.every_n_epochs},
                                {"path", t.checkpoints.path.empty() ? Json() : Json(t.checkpoints.path)}};
    j["compute"] = Json{{"backend", t.compute.backend}, {"resources", t.compute.resources}};
    if (t.compute.workers > 0) j["compute"]["workers"] = t.compute.workers;
    j["metrics"] = t.metrics;
    j["preprocessing"] = Json{{"impute", t.preprocessing.impute_numeric},
                              {"impute_categorical", t.preprocessing.impute_categorical},
                              {"fill_value", t.preprocessing.fill_value},
                              {"encode", t.preprocessing.encode},
                              {"max_categories", t.preprocessing.max_categories},
                              {"scale", t.preprocessing.scale}};
    j["output_registry"] = t.output_registry.empty() ? Json() : Json(t.output_registry);
    j["description"] = t.description.empty() ? Json() : Json(t.description);
    j["metadata"] = t.metadata;
    j["strict"] = t.strict;
    if (t.cv > 1) {
        j["cv"] = t.cv;
        j["return_train_score"] = t.return_train_score;
    }
    // Flat, as a training block writes them, so the JSON reads back as the same training.
    for (const Json& fields : {to_json(t.interactions), to_json(t.text)})
        for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
    j["evaluation"] = to_json(t.evaluation);
    j["augmentation"] = to_json(t.augmentation);
    return j;
}

Json to_json(const InteractionFieldsSpec& f) {
    auto or_null = [](const std::string& s) { return s.empty() ? Json() : Json(s); };
    return Json{{"user", f.user},
                {"item", f.item},
                {"rating", or_null(f.rating)},
                {"rating_threshold", f.rating_threshold ? Json(*f.rating_threshold) : Json()},
                {"timestamp", or_null(f.timestamp)}};
}

Json to_json(const TextFieldsSpec& f) {
    return Json{{"text", f.text},
                {"label_delimiter", f.label_delimiter.empty() ? Json() : Json(f.label_delimiter)},
                {"weight", f.weight.empty() ? Json() : Json(f.weight)},
                {"allow_empty", f.allow_empty}};
}

// `false` when off, else the section as written back.
Json to_json(const AugmentationSpec& a) {
    if (!a.enabled) return false;
    Json j{{"copies", a.options.copies},
           {"deletion", a.options.deletion},
           {"swaps", a.options.swaps},
           {"crop", a.options.crop}};
    if (a.seed) j["seed"] = *a.seed;
    return j;
}

Json to_json(const RankingEvaluationSpec& e) {
    return Json{{"protocol", e.protocol}, {"negatives", e.negatives}, {"k", e.k}};
}

Json to_json(const SearchDimension& d) {
    Json j;
    switch (d.type) {
        case SearchDimension::Type::float_: j["type"] = "float"; break;
        case SearchDimension::Type::int_: j["type"] = "int"; break;
        case SearchDimension::Type::categorical: j["type"] = "categorical"; break;
        case SearchDimension::Type::catalog: j["type"] = "catalog"; return j;
    }
    if (d.type == SearchDimension::Type::categorical) {
        j["values"] = d.values;
    } else {
        j["min"] = d.min;
        j["max"] = d.max;
        if (d.log) j["log"] = true;
        if (d.step) j["step"] = *d.step;
    }
    return j;
}

Json to_json(const TuningSpec& t) {
    Json j;
    j["name"] = t.name;
    j["training_job"] = t.training_job;
    j["strategy"] = t.strategy;
    j["max_trials"] = t.max_trials;
    j["parallel_trials"] = t.parallel_trials;
    j["objective_metric"] = t.objective_metric;
    Json space = Json::object();
    for (const auto& d : t.search_space) space[d.name] = to_json(d);
    j["search_space"] = space;
    j["early_stopping"] = t.early_stopping ? to_json(*t.early_stopping) : Json();
    j["pruner"] = t.pruner;
    j["cv"] = t.cv;
    j["grid_points"] = t.grid_points;
    j["seed"] = t.seed;
    j["register"] = t.register_models;
    j["heartbeat_interval"] = t.heartbeat_interval;
    j["grace_period"] = t.grace_period;
    j["max_retry"] = t.max_retry;
    j["description"] = t.description.empty() ? Json() : Json(t.description);
    j["metadata"] = t.metadata;
    return j;
}

Json to_json(const StageSpec& s) {
    Json j;
    j["id"] = s.id;
    j["type"] = s.type;
    j["dependencies"] = s.dependencies;
    auto text = [&](const char* key, const std::string& v) {
        if (!v.empty()) j[key] = v;
    };
    auto map = [&](const char* key, const Json& v) {
        if (!v.empty()) j[key] = v;
    };
    text("dataset", s.dataset);
    text("training", s.training);
    text("tuning", s.tuning);
    map("parameters", s.parameters);
    map("min", s.min);
    map("max", s.max);
    if (!s.metrics.empty()) j["metrics"] = s.metrics;
    text("stage", s.stage);
    text("export", s.export_format);
    text("output", s.output);
    j["cache"] = s.cache;
    j["retries"] = s.retries;
    j["retry_delay"] = s.retry_delay;
    return j;
}

Json to_json(const PipelineSpec& p) {
    Json j;
    j["name"] = p.name;
    Json stages = Json::array();
    for (const auto& s : p.stages) stages.push_back(to_json(s));
    j["stages"] = std::move(stages);
    j["max_parallel"] = p.max_parallel;
    if (!p.from_template.empty()) {
        j["from_template"] = p.from_template;
        j["values"] = p.values;
    }
    j["description"] = p.description.empty() ? Json() : Json(p.description);
    j["metadata"] = p.metadata;
    return j;
}

}  // namespace hone::lang
