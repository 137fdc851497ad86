#pragma once
// Checks and helpers shared by the metric implementations; not part of the API.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace hone::metrics {

// hone::Error(internal, "invalid_metric_input", message).
[[noreturn]] void throw_invalid_input(const std::string& message);

void check_same_length(std::size_t true_size, std::size_t pred_size);
// Same lengths, num_classes >= 2 and every label in 0..num_classes-1.
void check_labels(std::span<const int> y_true, std::span<const int> y_pred, int num_classes);
// rows * num_classes values.
void check_proba(std::size_t rows, std::span<const double> proba, int num_classes);

// np.mean of a float64 vector: pairwise sum / size; NaN when empty.
double mean(std::span<const double> values);

}  // namespace hone::metrics
