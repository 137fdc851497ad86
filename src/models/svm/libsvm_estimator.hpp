#pragma once
// The estimator behind svm_algorithms(): LIBSVM's C-SVC for classification and
// epsilon-SVR for regression, reading its hyperparameters from the resolved
// config.params by their catalog names (see svm_models.cpp).
#include <memory>
#include <string>

#include "models/estimator.hpp"

namespace hone::models {

std::unique_ptr<Estimator> make_libsvm_estimator(std::string algorithm, EstimatorConfig config);

// gamma as scikit-learn resolves it: a number as given; 'auto' = 1 / n_features;
// 'scale' = 1 / (n_features * X.var()), the population variance of every value of
// X, or 1 when that variance is 0.
double resolve_gamma(const Json& gamma, const data::Matrix& x);

}  // namespace hone::models
