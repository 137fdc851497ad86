#pragma once
// Train/validation/test splits and k-fold generators, as row indices into a Frame
// (use Frame::take to materialize a part).
//
// Randomness is fixed and documented so the same seed gives the same rows on every
// platform and standard library: std::mt19937_64 seeded with the seed, a bounded
// draw by rejection sampling (never std::uniform_int_distribution or std::shuffle,
// whose algorithms are implementation-defined), and a Fisher-Yates shuffle that
// walks i from n-1 down to 1 swapping i with a draw in [0, i].
//
// Row indices inside every returned part are sorted ascending.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "data/frame.hpp"
#include "lang/spec.hpp"

namespace hone::data {

struct SplitIndices {
    std::vector<std::size_t> train, validation, test;
};

struct Fold {
    std::vector<std::size_t> train, test;
};

// Sizes of the three parts for `n` rows. Validation and test each get the nearest
// integer to n * ratio (halves up), at least one row when their ratio is above 0;
// training gets the rest. Ratios must be >= 0, train > 0 and sum to 1 (within
// 1e-6): otherwise hone::Error(validation, "invalid_split"). No rows left for
// training is hone::Error(data, "split_failed").
struct SplitSizes {
    std::size_t train = 0, validation = 0, test = 0;
};
SplitSizes split_sizes(std::size_t n, const lang::SplitSpec& spec);

// Splits rows 0..n-1 by spec's ratios. With spec.shuffle (the default) rows are
// shuffled with spec.seed; without, the parts are consecutive (train first).
//
// When `stratify_by` is given (the caller passes the target for classification
// when spec.stratify is on), each class is spread over the parts in proportion:
// the part sizes are the same as without stratification and each part's share is
// divided among the classes by largest remainder (test first, then validation
// from what is left), so each class's count in a part is within about one row
// of its exact proportion. Errors (hone::Error(data, "split_failed")): a null
// target value (naming the row), a class with a single row (naming the class).
// Its size must be n.
SplitIndices split_rows(std::size_t n, const lang::SplitSpec& spec, const Column* stratify_by = nullptr);

// K folds of rows 0..n-1: the first n % k folds have n / k + 1 test rows, the rest
// n / k (as scikit-learn's KFold). Without shuffle the test folds are consecutive
// blocks. Each row is in exactly one test fold. k < 2 or k > n is
// hone::Error(validation, "invalid_folds").
std::vector<Fold> kfold(std::size_t n, std::size_t k, std::uint64_t seed = 42, bool shuffle = true);

// K folds keeping each class's proportion in every fold, as scikit-learn's
// StratifiedKFold: rows ordered by class are dealt to folds round-robin to fix how
// many of each class each fold gets, then each class's rows (shuffled with `seed`
// when `shuffle`) fill those places. k < 2, k > rows, or a class with fewer than
// k rows (naming the class) is hone::Error(validation, "invalid_folds"); a null
// target is hone::Error(data, "split_failed").
std::vector<Fold> stratified_kfold(const Column& target, std::size_t k, std::uint64_t seed = 42,
                                   bool shuffle = true);

// The generator behind every split: a uniform integer in [0, bound) from the
// engine, by rejection, identical on every platform. `bound` must be > 0.
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound);
// Fisher-Yates as documented above.
void shuffle_indices(std::vector<std::size_t>& v, std::mt19937_64& rng);

}  // namespace hone::data
