#pragma once
// Pruners: stop a trial early when its intermediate values (the objective's
// per-round validation metric) say it will not win. Optuna's semantics and
// defaults:
//   none    never prunes.
//   median  MedianPruner(n_startup_trials=5, n_warmup_steps=0): at each step, prune
//           when the trial's best value so far is worse than the median of the
//           completed trials' values at that step.
//   asha    SuccessiveHalvingPruner(min_resource="auto", reduction_factor=4,
//           min_early_stopping_rate=0): rungs at steps r * 4^k, r = max(1, steps of
//           the first completed trial / 100); at a rung, a trial goes on only when
//           its value is in the best quarter of the values every trial reported
//           there (running ones included).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tune/sampler.hpp"

namespace hone::tune {

// What a pruner sees of a trial: its state and intermediate values by step.
struct TrialProgress {
    int number = 0;
    TrialState state = TrialState::running;
    std::map<int, double> intermediate;
};

class Pruner {
public:
    virtual ~Pruner() = default;
    // Whether `trial`, which has just reported its value at `step`, should stop.
    // `all` holds every trial of the study, `trial` among them. The caller
    // serialises calls.
    virtual bool should_prune(const std::vector<TrialProgress>& all, const TrialProgress& trial, int step) = 0;
};

const std::vector<std::string>& pruner_names();  // none, median, asha
// Unknown name: hone::Error(validation, "invalid_pruner") listing the valid ones.
std::unique_ptr<Pruner> make_pruner(const std::string& name, Direction direction);

}  // namespace hone::tune
