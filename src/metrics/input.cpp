#include "metrics/input.hpp"

#include <limits>

#include "common/error.hpp"
#include "metrics/metrics.hpp"

namespace hone::metrics {

void throw_invalid_input(const std::string& message) {
    throw Error(ErrorKind::internal, "invalid_metric_input", message);
}

void check_same_length(std::size_t true_size, std::size_t pred_size) {
    if (true_size != pred_size)
        throw_invalid_input("y_true has " + std::to_string(true_size) + " values but y_pred has " +
                            std::to_string(pred_size));
}

void check_labels(std::span<const int> y_true, std::span<const int> y_pred, int num_classes) {
    check_same_length(y_true.size(), y_pred.size());
    if (num_classes < 2) throw_invalid_input("classification needs at least 2 classes, got " + std::to_string(num_classes));
    auto check = [&](std::span<const int> labels, const char* which) {
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (labels[i] < 0 || labels[i] >= num_classes)
                throw_invalid_input(std::string(which) + "[" + std::to_string(i) + "] = " + std::to_string(labels[i]) +
                                    " is not a class index 0.." + std::to_string(num_classes - 1));
    };
    check(y_true, "y_true");
    if (y_pred.data() != y_true.data()) check(y_pred, "y_pred");
}

void check_proba(std::size_t rows, std::span<const double> proba, int num_classes) {
    if (proba.size() != rows * static_cast<std::size_t>(num_classes))
        throw_invalid_input("probabilities hold " + std::to_string(proba.size()) + " values, expected " +
                            std::to_string(rows) + " rows x " + std::to_string(num_classes) + " classes");
}

double mean(std::span<const double> values) {
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    return pairwise_sum(values) / static_cast<double>(values.size());
}

}  // namespace hone::metrics
