#include "train/text_training.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/augment.hpp"
#include "data/source.hpp"
#include "data/split.hpp"
#include "metrics/multilabel.hpp"
#include "models/text/thresholds.hpp"
#include "registry/artifacts.hpp"
#include "train/manifest.hpp"
#include "train/served_text.hpp"

namespace hone::train {

namespace {

[[noreturn]] void missing_column(const std::string& what, const std::string& name, const TextSetup& s,
                                 const data::Frame& frame) {
    throw Error(ErrorKind::validation, "missing_column",
                what + " column '" + name + "' is not in dataset '" + s.dataset.name + "'" +
                    did_you_mean(name, frame.names()),
                {}, "its columns are: " + join(frame.names()));
}

// Columns and label form from the training, with the classification format's defaults.
void settle_columns(TextSetup& s, const data::Frame& frame) {
    const bool format = s.dataset.source == "classification";
    s.text_column = s.spec.text.text;
    s.label_column = !s.spec.target.empty() ? s.spec.target : format ? "taxonomy_codes" : "";
    if (s.label_column.empty())
        throw Error(ErrorKind::validation, "missing_target",
                    "training \"" + s.spec.name + "\" names no label column; add 'target: <column>'", {},
                    "the dataset's columns are: " + join(frame.names()));
    s.delimiter = !s.spec.text.label_delimiter.empty() ? s.spec.text.label_delimiter : format ? "|" : "";
    s.multi_label = !s.delimiter.empty();
    s.weight_column = !s.spec.text.weight.empty() ? s.spec.text.weight : frame.find("confidence") ? "confidence" : "";
    if (!frame.find(s.text_column)) missing_column("text", s.text_column, s, frame);
    if (!frame.find(s.label_column)) missing_column("label", s.label_column, s, frame);
    if (!s.weight_column.empty() && !frame.find(s.weight_column)) missing_column("weight", s.weight_column, s, frame);
}

std::vector<std::string> split_labels(const std::string& cell, const std::string& delimiter) {
    std::vector<std::string> out;
    auto add = [&](std::string_view part) {
        std::string label(trim(part));
        if (!label.empty() && std::find(out.begin(), out.end(), label) == out.end()) out.push_back(std::move(label));
    };
    if (delimiter.empty()) {
        add(cell);
        return out;
    }
    for (std::size_t at = 0;;) {
        const std::size_t next = cell.find(delimiter, at);
        add(std::string_view(cell).substr(at, next == std::string::npos ? std::string::npos : next - at));
        if (next == std::string::npos) return out;
        at = next + delimiter.size();
    }
}

// One row's text, label names and weight; false (counted) for a row left out.
struct RowReader {
    const TextSetup& s;
    const data::Column& text;
    const data::Column& labels;
    const data::Column* weight;
    std::size_t no_text = 0, no_labels = 0, first_no_text = 0, first_no_labels = 0;
    bool any_text = false, any_label = false;  // in any row, left out or not

    bool read(std::size_t row, std::string& t, std::vector<std::string>& l, float& w) {
        t = text.is_null(row) ? "" : text.to_text(row);
        l = labels.is_null(row) ? std::vector<std::string>{} : split_labels(labels.to_text(row), s.delimiter);
        w = weight && !weight->is_null(row) ? static_cast<float>(weight->as_double(row)) : 1.0f;
        const bool has_text = !trim(t).empty();
        any_text = any_text || has_text;
        any_label = any_label || !l.empty();
        if (!has_text) {
            if (no_text++ == 0) first_no_text = row + 1;
            return false;
        }
        if (l.empty()) {
            if (no_labels++ == 0) first_no_labels = row + 1;
            return false;
        }
        return true;
    }
};

// Nothing to learn from: which of the two is missing everywhere, else that no
// row has both.
[[noreturn]] void no_labelled_texts(const TextSetup& s, const RowReader& reader) {
    const std::string where = "dataset '" + s.dataset.name + "'";
    const std::string hint = "a text classifier learns from rows with a text and its labels";
    if (!reader.any_label)
        throw Error(ErrorKind::data, "no_labelled_texts",
                    "no row of " + where + " has a label in '" + s.label_column + "': every label set is empty", {},
                    hint);
    if (!reader.any_text)
        throw Error(ErrorKind::data, "no_labelled_texts",
                    "no row of " + where + " has a text in '" + s.text_column + "': every text is empty", {}, hint);
    throw Error(ErrorKind::data, "no_labelled_texts",
                "no row of " + where + " has both a text in '" + s.text_column + "' and a label in '" +
                    s.label_column + "'",
                {}, hint);
}

struct Rows {
    std::vector<std::string> texts;
    std::vector<std::vector<std::string>> labels;
    std::vector<float> weights;
    std::vector<std::string> joined;  // for stratifying one label per text
};

Rows read_rows(TextSetup& s, const data::Frame& frame) {
    RowReader reader{s, frame.at(s.text_column), frame.at(s.label_column),
                     s.weight_column.empty() ? nullptr : &frame.at(s.weight_column)};
    Rows rows;
    std::string text;
    std::vector<std::string> labels;
    float weight = 1;
    for (std::size_t r = 0; r < frame.rows(); ++r) {
        if (!reader.read(r, text, labels, weight)) continue;
        rows.texts.push_back(std::move(text));
        rows.joined.push_back(join(labels, "|"));
        rows.labels.push_back(std::move(labels));
        rows.weights.push_back(weight);
    }
    if (rows.texts.empty()) no_labelled_texts(s, reader);
    const std::string where = "dataset '" + s.dataset.name + "'";
    // "2 rows of dataset 'docs' with an empty 'body' were left out (the first: row 9)"
    auto left_out = [&](std::size_t n, const std::string& with, std::size_t first) {
        if (n == 0) return;
        s.warnings.push_back(n == 1 ? "1 row of " + where + " with " + with + " was left out: row " +
                                          std::to_string(first)
                                    : std::to_string(n) + " rows of " + where + " with " + with +
                                          " were left out (the first: row " + std::to_string(first) + ")");
    };
    left_out(reader.no_text, "an empty '" + s.text_column + "'", reader.first_no_text);
    left_out(reader.no_labels, "no label in '" + s.label_column + "'", reader.first_no_labels);
    return rows;
}

// The examples of `part`, labels as indices of s.label_names; labels the
// training texts never had are dropped (counted in `unseen`).
models::TextExamples examples(const TextSetup& s, const Rows& rows, const std::vector<std::size_t>& part,
                              std::size_t& unseen) {
    models::TextExamples out;
    for (std::size_t r : part) {
        std::vector<std::int32_t> ids;
        for (const auto& label : rows.labels[r]) {
            auto it = std::lower_bound(s.label_names.begin(), s.label_names.end(), label);
            if (it == s.label_names.end() || *it != label) {
                ++unseen;
                continue;
            }
            ids.push_back(static_cast<std::int32_t>(it - s.label_names.begin()));
        }
        std::sort(ids.begin(), ids.end());
        out.texts.push_back(rows.texts[r]);
        out.labels.push_back(std::move(ids));
        out.weights.push_back(rows.weights[r]);
    }
    return out;
}

void split_examples(TextSetup& s, const Rows& rows) {
    data::Column stratify("labels", data::DType::string);
    for (const auto& joined : rows.joined) stratify.push_string(joined);
    const bool by_label = !s.multi_label && s.spec.split.stratify;
    data::SplitIndices parts = data::split_rows(rows.texts.size(), s.spec.split, by_label ? &stratify : nullptr);
    for (std::size_t r : parts.train)
        for (const auto& label : rows.labels[r]) s.label_names.push_back(label);
    std::sort(s.label_names.begin(), s.label_names.end());
    s.label_names.erase(std::unique(s.label_names.begin(), s.label_names.end()), s.label_names.end());
    if (!s.multi_label && s.label_names.size() < 2)
        throw Error(ErrorKind::data, "single_class",
                    "the training texts of dataset '" + s.dataset.name + "' have a single label (" +
                        (s.label_names.empty() ? std::string("none") : s.label_names[0]) + "); a classifier needs two");
    std::size_t unseen = 0;
    s.train = examples(s, rows, parts.train, unseen);
    s.validation = examples(s, rows, parts.validation, unseen);
    s.test = examples(s, rows, parts.test, unseen);
    if (unseen)
        s.warnings.push_back(std::to_string(unseen) + " labels of validation or test texts never occur in the "
                             "training texts, so no model can predict them; they were left out of those texts' labels");
}

std::uint64_t augmentation_seed(const TextSetup& s) { return s.spec.augmentation.seed.value_or(s.spec.split.seed); }

// Extra texts made from the training split's texts alone, appended after them
// with their sources' labels and weights. It runs after the split: a copy of a
// validation or test text would leak it into training.
void augment_training(TextSetup& s) {
    if (!s.spec.augmentation.enabled) return;
    std::mt19937_64 rng(augmentation_seed(s));
    // Labels and weights are the examples' own (label ids, floats): they are
    // copied from each copy's source below rather than passed through.
    const std::vector<std::vector<std::string>> no_label_names(s.train.size());
    data::AugmentedTexts extra =
        data::augment_texts(s.train.texts, no_label_names, {}, s.spec.augmentation.options, rng);
    models::TextExamples& t = s.train;
    t.texts.reserve(t.size() + extra.size());
    t.labels.reserve(t.size() + extra.size());
    t.weights.reserve(t.size() + extra.size());
    for (std::size_t k = 0; k < extra.size(); ++k) {
        t.texts.push_back(std::move(extra.texts[k]));
        t.labels.push_back(t.labels[extra.sources[k]]);
        t.weights.push_back(t.weights[extra.sources[k]]);
    }
    s.augmented = extra.size();
}

std::vector<std::string> text_metric_keys(const lang::TrainingSpec& spec, const metrics::Objective& objective) {
    std::vector<std::string> keys;
    for (const auto& name : spec.metrics) keys.push_back(metrics::metric_key(name, models::Task::text_classification));
    if (keys.empty()) keys = metrics::default_metrics(models::Task::text_classification);
    if (std::find(keys.begin(), keys.end(), objective.metric) == keys.end()) keys.push_back(objective.metric);
    return keys;
}

}  // namespace

TextSetup prepare_text(const lang::JobFile& file, const lang::TrainingSpec& spec, const PrepareOptions& options) {
    TextSetup s;
    static_cast<JobBasis&>(s) = resolve_job(file, spec);
    s.metric_keys = text_metric_keys(spec, s.objective);

    if (options.on_stage) options.on_stage("loading");
    data::Frame frame = data::load_dataset(s.dataset, options.load);
    for (const auto& w : frame.warnings()) s.warnings.push_back(w.message);
    s.provenance = provenance_of(spec, s.dataset, frame);
    settle_columns(s, frame);
    if (options.on_stage) options.on_stage("preprocessing");
    split_examples(s, read_rows(s, frame));
    augment_training(s);
    return s;
}

Json augmentation_json(const TextSetup& s) {
    if (!s.spec.augmentation.enabled) return Json();
    Json out = lang::to_json(s.spec.augmentation);
    out["seed"] = augmentation_seed(s);
    out["training_texts"] = s.training_texts();
    out["added_rows"] = s.augmented;
    return out;
}

namespace {

metrics::LabelIndicator indicator(const std::vector<std::vector<std::int32_t>>& sets, std::size_t labels) {
    return metrics::indicator_from_sets(sets, labels);
}

// Label sets from probabilities: each label by its threshold (multi-label), or
// the most probable one.
std::vector<std::vector<std::int32_t>> decisions(const TextSetup& s, const TextFit& fit,
                                                 const std::vector<float>& proba) {
    if (s.multi_label) return models::text::decide(proba, fit.thresholds, s.spec.text.allow_empty);
    const std::size_t labels = s.label_names.size();
    std::vector<std::vector<std::int32_t>> out;
    for (std::size_t r = 0; r * labels < proba.size(); ++r) {
        auto row = proba.begin() + static_cast<std::ptrdiff_t>(r * labels);
        out.push_back({static_cast<std::int32_t>(std::max_element(row, row + static_cast<std::ptrdiff_t>(labels)) - row)});
    }
    return out;
}

Json evaluate(const TextSetup& s, const TextFit& fit, const models::TextExamples& part,
              const std::vector<float>& proba) {
    Json out = Json::object();
    if (part.size() == 0) return out;
    const std::size_t labels = s.label_names.size();
    const auto truth = indicator(part.labels, labels);
    std::map<std::string, double> values;
    for (const auto& [name, value] : metrics::multilabel_metrics(truth, indicator(decisions(s, fit, proba), labels)))
        values[name] = value;
    for (const auto& key : s.metric_keys) {
        if (key.rfind("label_precision@", 0) == 0) {
            const std::size_t k = std::stoul(key.substr(key.find('@') + 1));
            out[key] = k <= labels ? Json(metrics::precision_at_k(proba, truth, k)) : Json();
        } else if (auto it = values.find(key); it != values.end()) {
            out[key] = std::isnan(it->second) ? Json() : Json(it->second);
        }
    }
    return out;
}

}  // namespace

TextFit fit_text(const TextSetup& s, const Json& hyperparameters, const FitHooks& hooks) {
    TextFit out;
    FitConfig fit = fit_config(s, hyperparameters, hooks);
    out.params = fit.params;
    out.ignored = fit.ignored;
    fit.config.num_classes = static_cast<int>(s.label_names.size());
    out.model = models::make_text_classifier(*s.algo, fit.config);

    const bool has_validation = s.validation.size() > 0;
    models::TextFitInput input{s.train, has_validation ? &s.validation : nullptr, s.label_names, s.multi_label};
    models::Callbacks callbacks = round_callbacks(s.spec, *s.algo, s.task, has_validation,
                                                  hooks, out.history, out.warnings, out.stopped_by_hook);
    if (hooks.on_fit_start) hooks.on_fit_start();
    out.model->fit(input, callbacks);

    const std::vector<float> valid_proba = out.model->predict_proba(s.validation.texts);
    if (s.multi_label)
        out.thresholds = has_validation ? models::text::tune_thresholds(valid_proba, s.validation.labels,
                                                                        s.label_names.size())
                                        : std::vector<float>(s.label_names.size(), models::text::kDefaultThreshold);
    out.validation_metrics = evaluate(s, out, s.validation, valid_proba);
    out.test_metrics = evaluate(s, out, s.test, out.model->predict_proba(s.test.texts));
    return out;
}

Json labels_json(const TextSetup& s, const TextFit& fit) {
    return Json{{"text", s.text_column},
                {"labels", s.label_column},
                {"label_delimiter", s.delimiter.empty() ? Json() : Json(s.delimiter)},
                {"multi_label", s.multi_label},
                {"allow_empty", s.spec.text.allow_empty},
                {"label_names", s.label_names},
                {"thresholds", s.multi_label ? Json(fit.thresholds) : Json()}};
}

registry::ModelEntry register_text(registry::Store& store, const TextSetup& s, const TextFit& fit,
                                   const std::string& run_id, const std::string& model_root, const std::string& who) {
    registry::ArtifactWriter writer(model_root);
    fit.model->save(writer.dir());
    const Json labels = labels_json(s, fit);
    writer.write_file(kTextLabelsFile, labels.dump(2) + "\n");
    Json manifest = manifest_head(s);
    manifest["num_classes"] = s.label_names.size();
    manifest["params"] = fit.params;
    manifest["seed"] = s.spec.split.seed;
    manifest["provenance"] = s.provenance;
    std::string sha = writer.seal(manifest);

    registry::ModelEntry entry;
    entry.name = s.spec.output_registry.empty() ? s.model.name : s.spec.output_registry;
    entry.algorithm = s.algo->name;
    entry.framework = s.spec.framework;
    entry.task = manifest["task"];
    entry.metrics = s.test.size() ? fit.test_metrics : fit.validation_metrics;
    entry.validation_metrics = fit.validation_metrics;
    entry.hyperparameters = fit.params;
    entry.metadata = Json{{"training_job", s.spec.name},
                          {"dataset", s.dataset.name},
                          {"target", s.label_column},
                          {"features", Json::array({s.text_column})},
                          {"classes", s.label_names},
                          {"labels", labels},
                          {"augmentation", augmentation_json(s)},
                          {"objective", s.spec.objective},
                          {"provenance", s.provenance}};
    if (!s.spec.metadata.empty()) entry.metadata["job_metadata"] = s.spec.metadata;
    entry.feature_count = 1;
    entry.training_samples = static_cast<std::int64_t>(s.training_texts());
    entry.created_by = who;
    entry.sha256 = sha;
    entry.run_id = run_id;
    return store.register_model(entry, s.spec.name, [&](const std::string& key) { return writer.place(key); });
}

}  // namespace hone::train
