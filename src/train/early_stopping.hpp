#pragma once
// Early stopping with the job language's semantics: watch one metric, stop after
// `patience` observations without an improvement of more than `min_delta` in the
// direction of `mode`; remember the best observation. Serves boosting rounds in
// the trainer and completed trials in a study.
#include <optional>
#include <string>

#include "lang/spec.hpp"
#include "metrics/registry.hpp"

namespace hone::train {

// The spec with its direction settled: `mode` as written, or when it is empty
// or "auto" the watched metric's own direction from the metric registry (min
// for val_loss, max for val_accuracy); `metric` is the canonical name watched.
struct ResolvedStopping {
    lang::EarlyStoppingSpec spec;
    std::string metric;
};
// For a recommender, the default metric (val_loss) means val_ndcg@10. An
// unknown metric throws as metrics::resolve_objective.
ResolvedStopping resolve_stopping(const lang::EarlyStoppingSpec& spec, metrics::Task task);

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
