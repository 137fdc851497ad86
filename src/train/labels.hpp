#pragma once
// The target column as the estimator sees it: class indices 0..k-1 for
// classification (classes ordered as scikit-learn's LabelEncoder orders them:
// numbers by value, bool false before true, strings by bytes), values for
// regression. Rows whose target is null are left out, and counted.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"

namespace hone::train {

struct EncodedTarget {
    std::vector<float> y;               // one per kept row
    std::vector<std::size_t> rows;      // the frame rows kept (target not null)
    std::vector<std::string> classes;   // classification: index -> label text
    std::size_t dropped_nulls = 0;
};

// Classification: every distinct value becomes a class. Regression: the column
// must be numeric or bool (hone::Error(validation, "invalid_target") otherwise).
EncodedTarget encode_target(const data::Column& target, bool classification);

// A label as JSON: a class's original type when it reads as one ("1" -> 1,
// "true" -> true), for predictions that look like the training data.
nlohmann::ordered_json label_json(const std::string& label, data::DType type);

}  // namespace hone::train
