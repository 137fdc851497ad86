#pragma once
// A registered text classifier loaded for prediction: the model and its labels
// (names, whether they are sets, the thresholds tuned for each). Safe to share
// between threads.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/text_classifier.hpp"

namespace hone::train {

using Json = nlohmann::ordered_json;

// The artifact file of the labels (text_training.hpp's labels_json).
inline constexpr const char* kTextLabelsFile = "labels.json";

class ServedText {
public:
    // `manifest` is the artifact's, already verified; `dir` holds its files.
    ServedText(const Json& manifest, const std::filesystem::path& dir);

    // Per text: its label (one label per text) or its labels, as JSON (a string, or
    // a list of strings), and every label's probability in label_names() order.
    struct Predicted {
        std::vector<Json> labels;
        std::vector<std::vector<double>> proba;
    };
    Predicted predict(const std::vector<std::string>& texts) const;

    const std::string& text_column() const { return text_column_; }
    const std::vector<std::string>& label_names() const { return label_names_; }
    bool multi_label() const { return multi_label_; }

private:
    std::unique_ptr<models::TextClassifier> model_;
    std::string text_column_;
    std::vector<std::string> label_names_;
    std::vector<float> thresholds_;
    bool multi_label_ = false, allow_empty_ = false;
};

}  // namespace hone::train
