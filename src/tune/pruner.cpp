#include "tune/pruner.hpp"

#include <functional>
#include <algorithm>
#include <cmath>

#include "common/registry.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace hone::tune {

namespace {

bool better(double a, double b, Direction d) { return d == Direction::maximize ? a > b : a < b; }

class NoPruner final : public Pruner {
public:
    bool should_prune(const std::vector<TrialProgress>&, const TrialProgress&, int) override { return false; }
};

// The median of the values at `step` of the completed trials (NaN when there are none).
double median_at(const std::vector<TrialProgress>& all, int step) {
    std::vector<double> values;
    for (const auto& t : all) {
        if (t.state != TrialState::complete) continue;
        auto it = t.intermediate.find(step);
        if (it != t.intermediate.end() && !std::isnan(it->second)) values.push_back(it->second);
    }
    if (values.empty()) return std::nan("");
    std::sort(values.begin(), values.end());
    std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

class MedianPruner final : public Pruner {
public:
    explicit MedianPruner(Direction d) : direction_(d) {}

    bool should_prune(const std::vector<TrialProgress>& all, const TrialProgress& trial, int step) override {
        std::size_t completed = 0;
        for (const auto& t : all) completed += t.state == TrialState::complete;
        if (completed < kStartupTrials || step < kWarmupSteps) return false;
        double best = std::nan("");
        for (const auto& [s, v] : trial.intermediate)
            if (!std::isnan(v) && (std::isnan(best) || better(v, best, direction_))) best = v;
        double median = median_at(all, step);
        if (std::isnan(best) || std::isnan(median)) return false;
        return better(median, best, direction_);
    }

private:
    static constexpr std::size_t kStartupTrials = 5;
    static constexpr int kWarmupSteps = 0;
    Direction direction_;
};

class AshaPruner final : public Pruner {
public:
    explicit AshaPruner(Direction d) : direction_(d) {}

    bool should_prune(const std::vector<TrialProgress>& all, const TrialProgress& trial, int step) override {
        int min_resource = 0;
        for (const auto& t : all)
            if (t.state == TrialState::complete && !t.intermediate.empty()) {
                min_resource = std::max(1, (t.intermediate.rbegin()->first + 1) / 100);
                break;
            }
        if (min_resource == 0) return false;  // "auto": wait for one completed trial
        // Steps are 0-based rounds; rung k is reached after min_resource * 4^k rounds.
        int rung_step = -1;
        for (long long r = min_resource; r - 1 <= step; r *= kReduction)
            if (r - 1 == step) rung_step = step;
        if (rung_step < 0) return false;
        auto mine = trial.intermediate.find(step);
        if (mine == trial.intermediate.end() || std::isnan(mine->second)) return false;
        std::vector<double> values;
        for (const auto& t : all) {
            auto it = t.intermediate.find(step);
            if (it != t.intermediate.end() && !std::isnan(it->second)) values.push_back(it->second);
        }
        // Promotable: among the best len / reduction_factor values at this rung
        // (at least the best one, as Optuna does).
        std::size_t keep = std::max<std::size_t>(1, values.size() / kReduction);
        std::sort(values.begin(), values.end(), [&](double a, double b) { return better(a, b, direction_); });
        return better(values[keep - 1], mine->second, direction_);
    }

private:
    static constexpr int kReduction = 4;
    Direction direction_;
};

}  // namespace

namespace {

using PrunerFactory = std::function<std::unique_ptr<Pruner>(Direction)>;

const Registry<Registered<PrunerFactory>>& pruners() {
    static const Registry<Registered<PrunerFactory>> registry(
        "pruner", "invalid_pruner",
        {{"none", {}, "every trial runs to its end", [](Direction) { return std::make_unique<NoPruner>(); }},
         {"median", {}, "stops a trial whose value falls below the median of earlier trials at the same round",
          [](Direction d) { return std::make_unique<MedianPruner>(d); }},
         {"asha", {}, "asynchronous successive halving: only the best share of trials goes on at each rung",
          [](Direction d) { return std::make_unique<AshaPruner>(d); }}});
    return registry;
}

}  // namespace

const std::vector<std::string>& pruner_names() {
    static const std::vector<std::string> names = pruners().names();
    return names;
}

std::unique_ptr<Pruner> make_pruner(const std::string& name, Direction direction) {
    if (name.empty()) return pruners().find("none").make(direction);
    return pruners().find(name).make(direction);
}

}  // namespace hone::tune
