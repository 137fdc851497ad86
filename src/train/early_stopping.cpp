#include "train/early_stopping.hpp"

#include <cmath>

namespace hone::train {

ResolvedStopping resolve_stopping(const lang::EarlyStoppingSpec& given, metrics::Task task) {
    lang::EarlyStoppingSpec spec = given;
    // A recommender reports no validation loss; the language's default watches ranking instead.
    if (task == metrics::Task::recommendation && spec.metric == lang::EarlyStoppingSpec{}.metric)
        spec.metric = "val_ndcg@10";
    metrics::Objective watched = metrics::resolve_objective(spec.metric, task);
    ResolvedStopping out{spec, watched.metric};
    if (out.spec.mode.empty() || out.spec.mode == "auto")
        out.spec.mode = watched.direction == metrics::Direction::minimize ? "min" : "max";
    return out;
}

bool EarlyStopper::observe(int index, double value) {
    bool improved = false;
    if (!std::isnan(value)) {
        if (best_index_ < 0)
            improved = true;
        else if (spec_.mode == "max")
            improved = value > best_ + spec_.min_delta;
        else
            improved = value < best_ - spec_.min_delta;
    }
    if (improved) {
        best_ = value;
        best_index_ = index;
        since_best_ = 0;
        return false;
    }
    ++since_best_;
    return spec_.enabled && since_best_ >= spec_.patience && spec_.patience > 0;
}

}  // namespace hone::train
