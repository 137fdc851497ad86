#pragma once
// Early stopping with seed 000's semantics: watch one metric, stop after
// `patience` observations without an improvement of more than `min_delta` in the
// direction of `mode`; remember the best observation. Serves boosting rounds in
// the trainer and completed trials in a study.
#include <optional>
#include <string>

#include "lang/spec.hpp"

namespace hone::train {

class EarlyStopper {
public:
    explicit EarlyStopper(lang::EarlyStoppingSpec spec) : spec_(std::move(spec)) {}

    // Records observation `index` (0-based, increasing) of the metric; returns true
    // when training should stop now. NaN never counts as an improvement.
    bool observe(int index, double value);

    int best_index() const { return best_index_; }
    std::optional<double> best_value() const { return best_index_ < 0 ? std::nullopt : std::optional(best_); }
    const lang::EarlyStoppingSpec& spec() const { return spec_; }

private:
    lang::EarlyStoppingSpec spec_;
    double best_ = 0;
    int best_index_ = -1;
    int since_best_ = 0;
};

}  // namespace hone::train
