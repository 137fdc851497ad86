#include "train/predictor.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/text.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "registry/artifacts.hpp"
#include "train/labels.hpp"
#include "train/manifest.hpp"

namespace hone::train {

std::unique_ptr<models::Estimator> load_estimator(const Json& manifest, const std::filesystem::path& dir) {
    ManifestModel m = model_of(manifest);
    auto estimator = models::make_estimator(*m.algo, m.config);
    estimator->load(dir);
    return estimator;
}

registry::ModelEntry require_model(registry::Store& store, const std::string& key) {
    auto entry = store.get_model(key);
    if (!entry)
        throw Error(ErrorKind::not_found, "model_not_found", "no model '" + key + "' in the registry", {},
                    "'hone models list' shows the registered models");
    return *entry;
}

Json loadable_manifest(const registry::ModelEntry& entry) {
    Json manifest = registry::verify_artifact(entry.file_path, entry.sha256);
    if (manifest.value("external", false))
        throw Error(ErrorKind::validation, "not_servable",
                    "model '" + entry.key + "' was registered as a description (POST /api/training/models); it has "
                    "no model file hone can load", {}, "train it with hone to predict with it");
    return manifest;
}

std::shared_ptr<LoadedModel> LoadedModel::load(registry::Store& store, const std::string& key) {
    auto model = std::make_shared<LoadedModel>();
    model->entry_ = require_model(store, key);
    std::filesystem::path dir = model->entry_.file_path;
    model->manifest_ = loadable_manifest(model->entry_);
    if (model->manifest_.value("task", "") == models::to_string(models::Task::recommendation)) {
        model->recommender_ = std::make_unique<ServedRecommender>(model->manifest_, dir);
        return model;
    }
    if (model->manifest_.value("task", "") == models::to_string(models::Task::text_classification)) {
        model->text_ = std::make_unique<ServedText>(model->manifest_, dir);
        model->text_features_ = {model->text_->text_column()};
        return model;
    }
    model->pre_ = data::Preprocessor::from_json(
        nlohmann::ordered_json::parse(read_file(dir / "preprocess.json").value_or("")));
    // Models trained before processing existed have no processing.json.
    if (auto processing = read_file(dir / "processing.json"))
        model->processing_ = data::Processing::from_json(nlohmann::ordered_json::parse(*processing));
    model->estimator_ = load_estimator(model->manifest_, dir);
    const auto& m = model->manifest_;
    if (auto t = data::parse_dtype(m["target_type"].get<std::string>())) model->target_type_ = *t;
    return model;
}

void LoadedModel::require_predictor() const {
    if (recommender_)
        throw Error(ErrorKind::validation, "not_a_predictor",
                    "model '" + entry_.key + "' is a recommender: it ranks items for users and predicts no rows", {},
                    "ask it for recommendations: hone recommend " + entry_.key +
                        " --user ID, or POST /api/training/models/" + entry_.key + "/recommend");
}

const models::Estimator& LoadedModel::estimator() const {
    if (!estimator_)
        throw Error(ErrorKind::validation, "not_a_predictor",
                    "model '" + entry_.key + "' is a " + entry_.task + " model: it has no feature-matrix estimator");
    return *estimator_;
}

const ServedRecommender& LoadedModel::require_recommender() const {
    if (!recommender_)
        throw Error(ErrorKind::validation, "not_a_recommender",
                    "model '" + entry_.key + "' is a " + entry_.task + " model, not a recommender", {},
                    "predict with it instead: hone predict " + entry_.key + " --input FILE, or POST /api/training/models/" +
                        entry_.key + "/predict");
    return *recommender_;
}

data::Matrix LoadedModel::prepare(const data::Frame& frame) const {
    require_predictor();
    if (text_) throw Error(ErrorKind::internal, "invalid_argument", "a text classifier predicts from its texts");
    return features_of(frame);
}

data::Matrix LoadedModel::features_of(const data::Frame& frame) const {
    return processing_.active() ? pre_.transform(processing_.transform(frame)) : pre_.transform(frame);
}

Predictions LoadedModel::predict(const data::Frame& frame) const {
    if (text_) return predict_text(frame);
    return predict(prepare(frame));
}

Predictions LoadedModel::predict_text(const data::Frame& frame) const {
    const std::string& column = text_->text_column();
    const data::Column* texts = frame.find(column);
    if (!texts)
        throw Error(ErrorKind::validation, "missing_feature",
                    "model '" + entry_.key + "' classifies the text in column '" + column + "', which the rows lack",
                    {}, "send rows such as {\"" + column + "\": \"...\"}");
    std::vector<std::string> input(frame.rows());
    for (std::size_t r = 0; r < input.size(); ++r) input[r] = texts->is_null(r) ? "" : texts->to_text(r);
    ServedText::Predicted p = text_->predict(input);
    Predictions out;
    out.values = std::move(p.labels);
    out.proba = std::move(p.proba);
    out.classes = text_->label_names();
    return out;
}

Predictions LoadedModel::predict(const data::Matrix& x) const {
    require_predictor();
    Predictions out;
    bool classification = estimator_->config().task == models::Task::classification;
    bool clustering = estimator_->config().task == models::Task::clustering;
    // Classes and probabilities in one call: tree models derive one from the other.
    models::Prediction both = estimator_->predict_with_proba(x);
    const std::vector<double>& raw = both.values;
    if (!clustering)  // a clusterer's classes are its target's, which it does not predict
        for (const auto& c : manifest_["classes"]) out.classes.push_back(c.get<std::string>());
    out.values.reserve(raw.size());
    for (double v : raw) {
        if (classification)
            out.values.push_back(label_json(out.classes[static_cast<std::size_t>(v)], target_type_));
        else if (clustering)  // a cluster index, -1 for noise
            out.values.push_back(static_cast<int>(v));
        else
            out.values.push_back(v);
    }
    if (classification && estimator_->has_proba()) {
        const std::vector<double>& p = both.proba;
        std::size_t k = out.classes.size();
        out.proba.resize(raw.size());
        for (std::size_t r = 0; r < raw.size(); ++r) out.proba[r].assign(p.begin() + r * k, p.begin() + (r + 1) * k);
    }
    return out;
}

// A clusterer's metrics on new rows: the internal ones on the rows it assigns
// to a cluster, and with the target column (when the rows have it) the
// external ones against it.
Json LoadedModel::evaluate_clusters(const data::Frame& frame, const std::vector<std::string>& metric_names) const {
    data::Matrix x = features_of(frame);
    std::vector<double> predicted = estimator_->predict(x);
    std::vector<int> labels, kept_labels, truth;
    std::vector<double> kept;
    for (std::size_t r = 0; r < predicted.size(); ++r) {
        labels.push_back(static_cast<int>(predicted[r]));
        if (labels.back() < 0) continue;
        kept_labels.push_back(labels.back());
        kept.insert(kept.end(), x.data.begin() + r * x.cols, x.data.begin() + (r + 1) * x.cols);
    }
    std::string target = entry_.metadata.value("target", std::string());
    const data::Column* column = target.empty() ? nullptr : frame.find(target);
    std::vector<std::string> names = metric_names.empty() ? metrics::default_metrics(models::Task::clustering) : metric_names;
    if (column) {
        std::vector<std::string> texts;
        for (std::size_t r = 0; r < column->size(); ++r) texts.push_back(column->is_null(r) ? "" : column->to_text(r));
        std::vector<std::string> sorted = texts;
        std::sort(sorted.begin(), sorted.end());
        for (const auto& t : texts) truth.push_back(static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), t) - sorted.begin()));
        if (metric_names.empty())
            for (const auto& m : metrics::metrics())
                if (m.needs_target && m.task == models::Task::clustering) names.push_back(m.name);
    }
    Json internal = metrics::evaluate_clustering(names, {{kept, kept_labels.size(), x.cols, kept_labels}});
    Json external = column ? metrics::evaluate_clustering(names, {{{}, labels.size(), 0, labels}, truth}) : Json::object();
    for (auto it = external.begin(); it != external.end(); ++it)
        if (metrics::find_metric(it.key(), models::Task::clustering).needs_target) internal[it.key()] = it.value();
    return Json{{"metrics", internal}, {"rows", frame.rows()}, {"target", column ? Json(target) : Json()}};
}

Json LoadedModel::evaluate(const data::Frame& frame, const std::vector<std::string>& metric_names) const {
    require_predictor();
    if (estimator_->config().task == models::Task::clustering) return evaluate_clusters(frame, metric_names);
    std::string target = entry_.metadata.value("target", std::string());
    const data::Column* column = frame.find(target);
    if (!column)
        throw Error(ErrorKind::validation, "missing_column",
                    "the rows have no target column '" + target + "' to evaluate against", {},
                    "send the column the model was trained to predict");
    bool classification = estimator_->config().task == models::Task::classification;
    std::vector<std::string> classes;
    for (const auto& c : manifest_["classes"]) classes.push_back(c.get<std::string>());
    std::vector<double> y_true;
    std::vector<std::size_t> kept;
    for (std::size_t r = 0; r < column->size(); ++r) {
        if (column->is_null(r)) continue;
        if (!classification) {
            y_true.push_back(column->as_double(r));
        } else {
            std::string label = column->to_text(r);
            auto it = std::find(classes.begin(), classes.end(), label);
            if (it == classes.end()) {
                Location where;
                where.row = static_cast<std::int64_t>(r) + 1;
                where.column = target;
                throw Error(ErrorKind::data, "unknown_class",
                            "target value '" + label + "' is not a class the model knows", where,
                            "classes: " + join(classes));
            }
            y_true.push_back(static_cast<double>(it - classes.begin()));
        }
        kept.push_back(r);
    }
    if (kept.empty()) throw Error(ErrorKind::data, "no_rows", "no row has a target value to evaluate against");
    data::Matrix x = features_of(frame.take(kept));
    models::Prediction p = estimator_->predict_with_proba(x);
    auto task = classification ? metrics::Task::classification : metrics::Task::regression;
    Json m = metrics::evaluate(task, metric_names, y_true, p.values, p.proba,
                               classification ? static_cast<int>(classes.size()) : 0);
    return Json{{"metrics", m}, {"rows", kept.size()}, {"target", target}};
}

}  // namespace hone::train
