#include "models/text/text_input.hpp"

#include <cmath>

#include "common/error.hpp"

namespace hone::models::text {

namespace {

[[noreturn]] void data_error(const std::string& code, const std::string& message, const std::string& hint = "") {
    throw Error(ErrorKind::data, code, message, {}, hint);
}

void check_labels(const TextFitInput& input, const std::string& algorithm) {
    const auto& t = input.train;
    const auto labels = input.label_names.size();
    std::vector<bool> seen(labels, false);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto& set = t.labels[i];
        if (!input.multi_label && set.size() != 1)
            data_error("invalid_labels", algorithm + ": text " + std::to_string(i + 1) + " has " +
                                             std::to_string(set.size()) +
                                             " labels; a multi-class fit takes exactly one per text");
        if (set.empty()) data_error("invalid_labels", algorithm + ": text " + std::to_string(i + 1) + " has no label");
        for (std::size_t k = 0; k < set.size(); ++k) {
            if (set[k] < 0 || static_cast<std::size_t>(set[k]) >= labels)
                data_error("invalid_labels", algorithm + ": text " + std::to_string(i + 1) + " has label index " +
                                                 std::to_string(set[k]) + ", outside the " + std::to_string(labels) +
                                                 " labels");
            if (k > 0 && set[k] <= set[k - 1])
                data_error("invalid_labels",
                           algorithm + ": text " + std::to_string(i + 1) + "'s labels are not ascending and unique");
            seen[static_cast<std::size_t>(set[k])] = true;
        }
    }
    for (std::size_t l = 0; l < labels; ++l)
        if (!seen[l])
            data_error("label_not_in_training",
                       algorithm + ": label '" + input.label_names[l] + "' has no training text",
                       "every label needs at least one training text; drop the label or add texts that have it");
}

void check_weights(const TextExamples& t, const std::string& algorithm) {
    if (t.weights.empty()) return;
    if (t.weights.size() != t.size())
        data_error("invalid_weight", algorithm + ": " + std::to_string(t.weights.size()) + " weights for " +
                                         std::to_string(t.size()) + " texts");
    bool any = false;
    for (std::size_t i = 0; i < t.weights.size(); ++i) {
        float w = t.weights[i];
        if (!std::isfinite(w) || w < 0)
            data_error("invalid_weight", algorithm + ": text " + std::to_string(i + 1) + " has weight " +
                                             std::to_string(w) + "; a weight must be finite and >= 0");
        any = any || w > 0;
    }
    if (!any) data_error("invalid_weight", algorithm + ": every text has weight 0");
}

}  // namespace

void check_fit_input(const TextFitInput& input, const std::string& algorithm) {
    const auto& t = input.train;
    if (t.size() == 0) data_error("empty_training_data", algorithm + " needs at least one training text");
    if (t.labels.size() != t.size())
        throw Error(ErrorKind::internal, "invalid_labels",
                    algorithm + ": " + std::to_string(t.labels.size()) + " label sets for " +
                        std::to_string(t.size()) + " texts");
    std::size_t needed = input.multi_label ? 1 : 2;
    if (input.label_names.size() < needed)
        data_error("single_class", algorithm + " needs at least " + std::to_string(needed) + " label" +
                                       (needed > 1 ? "s" : "") + ", got " +
                                       std::to_string(input.label_names.size()));
    check_labels(input, algorithm);
    check_weights(t, algorithm);
}

std::vector<double> weights_of(const TextExamples& examples) {
    if (examples.weights.empty()) return std::vector<double>(examples.size(), 1.0);
    return {examples.weights.begin(), examples.weights.end()};
}

}  // namespace hone::models::text
