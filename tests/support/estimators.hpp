#pragma once
// The model tests' fixtures, once: seeded data generators, estimators made and
// fitted through the catalog, the scores they are judged by, and the checks any
// estimator must pass (a save/load round trip, probability distributions).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "errors.hpp"
#include "files.hpp"
#include "models/catalog.hpp"

namespace hone::test_support {

using models::Json;

// Features and targets: class indices 0..k-1, or values.
struct Dataset {
    data::Matrix x;
    std::vector<float> y;
};

// Rows to train on and held-out rows to score on.
struct Split {
    Dataset train, test;
};

// rows x cols zeros, the columns named f0, f1, ...
data::Matrix matrix(std::size_t rows, std::size_t cols);
// The first `train_rows` rows to train on, the others to test on.
Split split(const Dataset& all, std::size_t train_rows);

// --- Generated data: the same arguments give the same rows. `irrelevant` noise
// columns come after the ones that carry the signal.

// Binary, linear: two classes split by a hyperplane through noise (about 95%
// separable by it).
Dataset binary_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant = 0);
// Binary, not linear: inside or outside a circle of radius 1.2 (no linear model
// separates these).
Dataset circle_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant = 0);
// Binary, half linear: two interleaved half circles with Gaussian `noise`, and
// three noise columns.
Dataset two_moons(std::size_t n, double noise, std::uint64_t seed);
// Three classes: Gaussian blobs in 5 dimensions.
Dataset three_class_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant = 0);

// Regression, linear: y = X true_coef + true_intercept exactly (small integer
// features and dyadic coefficients keep every target exact in float), plus
// N(0, noise).
extern const std::vector<double> true_coef;
extern const double true_intercept;
Dataset regression_set(std::size_t n, std::uint64_t seed, double noise = 0);
// Regression, part linear: y = sin(2 x0) + x1^2 / 2 + x2 + N(0, 0.1), x in [-2, 2].
Dataset wave_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant = 0);
// Regression, Friedman #1: y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4
// + N(0, 1), x in [0, 1]^10 (x5..x9 carry nothing).
Dataset friedman(std::size_t n, std::uint64_t seed);

// --- Estimators through the catalog: `given` hyperparameters resolved strictly,
// one thread (tests share the machine, and XGBoost's OpenMP threads slow down badly
// on oversubscribed cores), seed 42.

models::EstimatorConfig config_for(std::string_view algorithm, const Json& given, Task task, int classes);
std::unique_ptr<models::Estimator> make(std::string_view algorithm, const Json& given, Task task, int classes);
std::unique_ptr<models::Estimator> fitted(std::string_view algorithm, const Json& given, const Dataset& train,
                                          Task task, int classes, const models::Callbacks& callbacks = {});
// Fitted on data.train, with data.test as the validation rows iterative models
// report on.
std::unique_ptr<models::Estimator> fitted(std::string_view algorithm, const Json& given, const Split& data,
                                          Task task, int classes, const models::Callbacks& callbacks = {});
// `e` saved (every file it names exists) and loaded into a fresh estimator of the
// same algorithm and configuration.
std::unique_ptr<models::Estimator> reloaded(const models::Estimator& e, std::string_view algorithm);

// --- Scores.

double accuracy(const std::vector<double>& pred, const std::vector<float>& y);
double r2(const std::vector<double>& pred, const std::vector<float>& y);
// Accuracy for classification, R² for regression.
double score(Task task, const std::vector<double>& pred, const std::vector<float>& y);

// --- Checks.

// Reloaded, `e` gives bit-identical predictions, probabilities, importances and
// best iteration on `x`. Returns the reloaded estimator, for further checks.
std::unique_ptr<models::Estimator> expect_round_trip(std::string_view algorithm, const models::Estimator& e,
                                                     const data::Matrix& x);
// rows x classes probabilities in [0, 1], each row summing to 1; and the predicted
// class is the most probable one, unless `argmax_is_class` is false (an estimator
// whose classes come from a decision function, as svc's do).
void expect_probabilities(const models::Estimator& e, const data::Matrix& x, int classes,
                          bool argmax_is_class = true);
// `e` predicting on `x` from `threads` threads at once, `passes` times each, gives
// the classes or values (and probabilities, with has_proba()) it gives alone: a
// served model answers concurrent requests.
void expect_concurrent_predictions_agree(const models::Estimator& e, const data::Matrix& x, int threads = 4,
                                         int passes = 3);

Json read_json(const std::filesystem::path& path);

}  // namespace hone::test_support
