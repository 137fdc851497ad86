#pragma once
// Text classifiers: models that learn labels from raw text, one label per text
// (multi-class) or a set of labels per text (multi-label), trained on texts
// rather than on a feature matrix. Each algorithm does its own featurization
// (TF-IDF n-grams, fastText's hashed n-gram embeddings) and saves it with the
// model, so prediction takes text as it comes.
//
// Labels are dense indices into TextFitInput::label_names; the trainer keeps the
// label map in the registry entry and the artifact.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "models/estimator.hpp"

namespace hone::models {

struct TextExamples {
    std::vector<std::string> texts;
    // Per text, its labels (indices into label_names), ascending, no repeats.
    // Exactly one per text for a multi-class fit; one or more for multi-label.
    std::vector<std::vector<std::int32_t>> labels;
    // Per text, its weight (the classification format's `confidence`); empty
    // means 1 for every text.
    std::vector<float> weights;

    std::size_t size() const { return texts.size(); }
};

struct TextFitInput {
    const TextExamples& train;
    // Per-epoch or per-round validation, for models that report rounds; may be
    // absent.
    const TextExamples* validation = nullptr;
    std::vector<std::string> label_names;  // index -> the label as written
    // True: each label is its own yes/no decision (independent probabilities,
    // one-vs-rest). False: exactly one label per text (probabilities sum to 1).
    bool multi_label = false;
};

class TextClassifier {
public:
    explicit TextClassifier(EstimatorConfig config) : config_(std::move(config)) {}
    virtual ~TextClassifier() = default;
    TextClassifier(const TextClassifier&) = delete;
    TextClassifier& operator=(const TextClassifier&) = delete;

    // Fits from scratch. Throws hone::Error(cancelled) when callbacks.cancelled()
    // turns true.
    virtual void fit(const TextFitInput& input, const Callbacks& callbacks) = 0;

    // Probabilities, texts.size() x num_labels() row-major: each label's own
    // probability (multi-label) or a distribution over the labels (multi-class).
    // Safe to call from several threads at once.
    virtual std::vector<float> predict_proba(std::span<const std::string> texts) const = 0;

    // Writes the model's own files (featurizer, weights, label count) into `dir`
    // (which exists) and names them, as Estimator::save does; load reads them back.
    virtual std::vector<std::string> save(const std::filesystem::path& dir) const = 0;
    virtual void load(const std::filesystem::path& dir) = 0;

    virtual std::size_t num_labels() const = 0;
    virtual bool multi_label() const = 0;
    virtual bool iterative() const { return false; }
    virtual int best_round() const { return -1; }

    const EstimatorConfig& config() const { return config_; }

protected:
    EstimatorConfig config_;
};

}  // namespace hone::models
