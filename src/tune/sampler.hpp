#pragma once
// Samplers: where a tuning study's next trial goes. "grid" walks the grid, "random" draws
// uniformly, "bayesian" (alias "tpe") is Optuna 3.1's multivariate TPE with the constant
// liar. Every sampler is deterministic: the same seed, trial number and history give the
// same params, so a resumed study repeats its choices.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metrics/registry.hpp"
#include "tune/space.hpp"

namespace hone::tune {

// The metric registry's: one direction for objectives, samplers and pruners.
using Direction = metrics::Direction;
enum class TrialState { running, complete, pruned, failed };

struct TrialRecord {
    int number = 0;
    TrialState state = TrialState::running;
    Json params = Json::object();        // name -> value: float as number, int as integer, categorical as the choice's JSON
    std::optional<double> value;         // complete: the objective; pruned: the last intermediate value
    // Pruned: the step (round) at which `value` was reported. Optuna ranks pruned trials
    // after every complete one, those pruned later first, then by value; absent counts as 0.
    std::optional<int> step;
};

struct SamplerOptions {
    std::uint64_t seed = 42;
    Direction direction = Direction::maximize;
    int grid_points = 5;
    int max_trials = 10;
    int n_startup_trials = 10;
    int n_ei_candidates = 24;   // Optuna's TPE defaults
    bool multivariate = true;
    bool constant_liar = true;
};

class Sampler {
public:
    virtual ~Sampler() = default;
    // Params for trial `number`, given every trial so far (running ones included). Deterministic:
    // the same seed, number and history give the same answer. The caller serialises calls.
    virtual Json suggest(const std::vector<TrialRecord>& trials, int number) = 0;
    virtual std::vector<std::string> notes() const { return {}; }   // e.g. "the grid has 120 points; 10 are sampled without repetition"
    // How many distinct trials the sampler can give before suggest() throws
    // "grid_exhausted"; nullopt = no limit. A study stops at min(max_trials, capacity()).
    virtual std::optional<std::size_t> capacity() const { return std::nullopt; }
};

// The valid sampler names, for messages and help: grid, random, bayesian, tpe.
const std::vector<std::string>& sampler_names();

// The name in lower case when it is one of sampler_names(); else the error
// make_sampler throws.
std::string check_sampler_name(const std::string& name);

// "grid", "random", "bayesian" (alias "tpe"). Unknown name: hone::Error(validation) listing the valid ones.
//
// grid: a grid of at most max_trials points is walked in grid() order; a larger one is
//   sampled without repetition in a seeded shuffled order (notes() says so). A point already
//   in `trials` (in any state, failed included, as in Optuna's GridSampler) is never
//   suggested again; to rerun a point, leave its record out. When every point has been
//   tried, suggest() throws hone::Error(conflict, "grid_exhausted") — capacity() tells the
//   caller in advance.
// random: uniform per dimension (log-uniform under log; ints and stepped floats uniform over
//   their steps, like Optuna; categoricals uniform), from an RNG seeded by (seed, number).
// bayesian / tpe: see tpe.hpp.
std::unique_ptr<Sampler> make_sampler(const std::string& name, const SearchSpace& space, const SamplerOptions& options);

}  // namespace hone::tune
