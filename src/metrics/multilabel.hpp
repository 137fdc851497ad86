#pragma once
// Multi-label metrics on label-indicator data (rows x labels, each 0 or 1), number
// for number with scikit-learn 1.2 on indicator arrays:
//   precision, recall, F1 with average micro (from the totals of true positives,
//   predicted and true labels over every cell), macro (the mean of each label's)
//   and samples (the mean of each row's); a ratio whose denominator is 0 counts 0
//   (scikit-learn's default zero_division="warn", which warns and answers 0), and
//   F1 is 2PR / (P + R), 0 when P + R = 0;
//   hamming_loss      wrong cells / (rows * labels);
//   subset_accuracy   rows whose predicted set equals the true set / rows
//                     (accuracy_score on indicator arrays);
// and precision@k, which scikit-learn does not have: the mean over rows of
// |the k most probable labels ∩ the true labels| / k (equal probabilities in
// label order, as metrics::top_k ranks them).
// Knows nothing but arrays.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace hone::metrics {

// rows x labels cells, row-major, each 0 or 1.
struct LabelIndicator {
    std::size_t rows = 0;
    std::size_t labels = 0;
    std::vector<std::uint8_t> cells;

    bool at(std::size_t row, std::size_t label) const { return cells[row * labels + label] != 0; }
};

// The indicator of label sets (each label an index in 0..labels-1, repeats
// allowed). A label out of range: hone::Error(internal, "invalid_metric_input").
LabelIndicator indicator_from_sets(std::span<const std::vector<std::int32_t>> sets, std::size_t labels);

struct MultilabelScores {
    double micro_precision = 0, micro_recall = 0, micro_f1 = 0;
    double macro_precision = 0, macro_recall = 0, macro_f1 = 0;
    double samples_precision = 0, samples_recall = 0, samples_f1 = 0;
    double hamming_loss = 0;
    double subset_accuracy = 0;
};

// Every score above. Different shapes, no rows or no labels:
// hone::Error(internal, "invalid_metric_input").
MultilabelScores multilabel_scores(const LabelIndicator& truth, const LabelIndicator& predicted);

// The scores by name, in this order: micro_f1, micro_precision, micro_recall,
// macro_f1, macro_precision, macro_recall, samples_f1, samples_precision,
// samples_recall, hamming_loss, subset_accuracy.
std::vector<std::pair<std::string, double>> multilabel_metrics(const LabelIndicator& truth,
                                                               const LabelIndicator& predicted);

// precision@k of rows x labels probabilities (row-major) against `truth`.
// hone::Error(validation, "invalid_k") for k < 1 or k > labels (naming both);
// shapes that differ: hone::Error(internal, "invalid_metric_input").
double precision_at_k(std::span<const float> proba, const LabelIndicator& truth, std::size_t k);

}  // namespace hone::metrics
