#include "train/early_stopping.hpp"

#include <cmath>

namespace hone::train {

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
