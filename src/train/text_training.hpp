#pragma once
// Training of text classifiers (model type `text_classifier`): the dataset is
// read as texts and their labels instead of a feature matrix. One label per
// text (multi-class: probabilities over the labels, the most probable wins), or
// with a `label_delimiter` a set per text (multi-label: each label its own
// probability and its own decision threshold, tuned for that label's F1 on the
// validation split and stored with the model). The classification format's
// taxonomy codes are sets.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lang/spec.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "models/text_classifier.hpp"
#include "registry/store.hpp"
#include "train/setup.hpp"

namespace hone::train {

struct TextSetup : JobBasis {
    std::vector<std::string> metric_keys;  // reported, objective included
    Json provenance = Json::object();

    std::string text_column, label_column, weight_column;  // weight: "" = none
    std::string delimiter;                                 // "" = one label per text
    bool multi_label = false;
    std::vector<std::string> label_names;  // sorted; the labels of the training texts
    // `train` holds the training split's texts, then the `augmented` texts made
    // from them (training.augmentation); validation and test are never augmented.
    models::TextExamples train, validation, test;
    std::size_t augmented = 0;

    std::size_t training_texts() const { return train.size() - augmented; }
};

// Everything before the fit: names checked before the data loads, texts and
// labels read, rows without text or labels left out (with a warning naming the
// first), the split, then the augmentation of the training texts. hone::Error
// for every problem: a missing text, label or weight column (validation,
// "missing_column", with the nearest column), no row with both a text and a
// label (data, "no_labelled_texts", saying when every label set or every text
// is empty), a single label for a multi-class fit (data, "single_class").
TextSetup prepare_text(const lang::JobFile& file, const lang::TrainingSpec& spec, const PrepareOptions& options = {});

struct TextFit {
    std::unique_ptr<models::TextClassifier> model;
    Json params = Json::object();
    std::vector<std::string> ignored;
    std::vector<float> thresholds;  // multi-label: per label
    Json validation_metrics = Json::object();
    Json test_metrics = Json::object();
    Json history = Json::array();
    Json warnings = Json::array();
    bool stopped_by_hook = false;
};

TextFit fit_text(const TextSetup& setup, const Json& hyperparameters, const FitHooks& hooks);

// The augmentation as the result and the entry report it: its options and
// seed, the training texts it started from and the texts it added; null when off.
Json augmentation_json(const TextSetup& setup);

// {"text", "labels" (the column), "label_delimiter", "multi_label", "label_names", "thresholds"}:
// what the result, the entry and the artifact say of the labels.
Json labels_json(const TextSetup& setup, const TextFit& fit);

registry::ModelEntry register_text(registry::Store& store, const TextSetup& setup, const TextFit& fit,
                                   const std::string& run_id, const std::string& model_root, const std::string& who);

}  // namespace hone::train
