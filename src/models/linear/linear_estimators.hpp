#pragma once
// The estimators behind linear_algorithms(): LIBLINEAR's linear classifiers and
// regressors, and Eigen's least squares. Each reads its hyperparameters from the
// resolved config.params by their catalog names (see linear_models.cpp).
#include <memory>
#include <string>

#include "models/estimator.hpp"

namespace hone::models {

enum class LiblinearKind { logistic_regression, linear_svc, linear_svr };

// Validates the combination of penalty, loss and dual (each value alone was
// checked by the catalog) and throws hone::Error(validation,
// "invalid_hyperparameter") for one LIBLINEAR has no solver for.
std::unique_ptr<Estimator> make_liblinear_estimator(LiblinearKind kind, std::string algorithm, EstimatorConfig config);

// Ordinary least squares when `ridge` is false; ridge regression (params alpha)
// when true. Regression only.
std::unique_ptr<Estimator> make_least_squares_estimator(bool ridge, std::string algorithm, EstimatorConfig config);

}  // namespace hone::models
