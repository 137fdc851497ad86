#pragma once
// What every text classifier checks before it fits, with the same messages.
#include <string>
#include <vector>

#include "models/text_classifier.hpp"

namespace hone::models::text {

// Checks `input` for a fit by `algorithm`; each problem is hone::Error(data):
//   "empty_training_data"    no training text;
//   "single_class"           fewer than two labels (multi-class) or none;
//   "invalid_labels"         a text without exactly one label (multi-class) or
//                            without any (multi-label), a label index outside
//                            label_names, labels not ascending;
//   "label_not_in_training"  a label no training text has, naming it;
//   "invalid_weight"         weights not one per text, or a weight negative,
//                            not finite, or all of them zero.
void check_fit_input(const TextFitInput& input, const std::string& algorithm);

// The weights of `examples`: its own, or 1 for every text.
std::vector<double> weights_of(const TextExamples& examples);

}  // namespace hone::models::text
