#pragma once
// The Tree-structured Parzen Estimator, as Optuna 3.1's TPESampler(multivariate=True,
// constant_liar=True) with its defaults:
//   - the first n_startup_trials (10) complete or pruned trials are drawn at random;
//   - then the usable trials are ranked (complete by value, then pruned ones, those pruned
//     at a later step first and then by their last value, then running ones as the worst
//     value: the constant liar), and the best gamma(n) = min(ceil(0.1 n), 25) of the n
//     complete or pruned ones form l(x), all the others g(x);
//   - each is a multivariate Parzen estimator over the (log-)transformed space: one
//     component per trial with default_weights (flat for the newest 25, a ramp before
//     them) plus a prior component (weight 1, the middle of the range, sigma = the range);
//     bandwidth 0.2 n^(-1/(d+4)) of the range, clipped to [range / min(100, n + 2), range]
//     (consider_magic_clip); ints and stepped floats are bounded half a step beyond their
//     ends and scored by the probability mass of their step; categoricals put weight
//     1 + 1/(n+1) on the observed choice and 1/(n+1) on each choice;
//   - n_ei_candidates (24) candidates are drawn from l and the one with the largest
//     log l(x) - log g(x) is suggested, rounded to its step. As in Optuna 3.1, each
//     component's density is that of its standardised variable (no -log sigma term), which
//     weighs the wide prior component up; on recorded histories log l and log g agree with
//     Optuna's _ParzenEstimator.log_pdf to 1e-14.
// Scoring is linear in the number of trials: about 1.5 us a trial for 10 dimensions.
// Failed trials, and complete ones without a finite value, are ignored, as are trials whose
// params do not fit the space. Draws come from an Rng seeded by (seed, trial number).
#include <memory>

#include "tune/rng.hpp"
#include "tune/sampler.hpp"

namespace hone::tune {

std::unique_ptr<Sampler> make_tpe_sampler(const SearchSpace& space, const SamplerOptions& options);

// What TPE did for trial `number`, for checks against Optuna (bench/tune) and for "why this
// point": {"params": the suggestion, "axes": the searched dimensions' names, "below" and
// "above": the observations of l and g (one row per trial, internal coordinates: logs under
// log, choice indices for categoricals), "candidates" (same coordinates, rounded to steps),
// "log_l", "log_g" and "best" (the index of the chosen candidate)}. During the random
// startup only "params" is there.
Json tpe_explain(const SearchSpace& space, const SamplerOptions& options, const std::vector<TrialRecord>& trials, int number);

// One value of a dimension drawn as Optuna's RandomSampler does: uniform (log-uniform under
// log) over the range widened by half a step at each end for ints and stepped floats, then
// rounded to the step; a categorical's choice index uniformly. Returned in the dimension's
// own terms (a value, or a choice index); Dimension::to_param turns it into JSON.
double random_value(const Dimension& d, Rng& rng);
Json random_params(const SearchSpace& space, Rng& rng);

}  // namespace hone::tune
