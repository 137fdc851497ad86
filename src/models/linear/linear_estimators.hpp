#pragma once
// The estimators behind linear_algorithms(): logistic regression by L-BFGS or
// LIBLINEAR, LIBLINEAR's linear SVMs, and Eigen's least squares. Each reads its
// hyperparameters from the resolved config.params by their catalog names (see
// linear_models.cpp).
#include <memory>
#include <string>

#include "models/estimator.hpp"

namespace hone::models {

enum class LiblinearKind { logistic_regression, linear_svc, linear_svr };

// Validates the combination of penalty, loss and dual (each value alone was
// checked by the catalog) and throws hone::Error(validation,
// "invalid_hyperparameter") for one LIBLINEAR has no solver for.
std::unique_ptr<Estimator> make_liblinear_estimator(LiblinearKind kind, std::string algorithm, EstimatorConfig config);

// logistic_regression: LIBLINEAR for solver='liblinear', else the L-BFGS fit
// (make_lbfgs_logistic_estimator). Checks the solver's combination of penalty,
// dual and multi_class first (check_logistic_options).
std::unique_ptr<Estimator> make_logistic_regression(EstimatorConfig config);

// Throws hone::Error(validation, "invalid_hyperparameter") for a combination
// the chosen solver cannot fit, naming the values that would work: penalty 'l1'
// or dual=true without solver='liblinear'; no penalty (null or 'none') or
// multi_class='multinomial' with it.
void check_logistic_options(const Json& params);

// scikit-learn's LogisticRegression with an L-BFGS solver: multinomial (softmax)
// or binomial loss, L2 penalty or none, intercept unpenalized, class_weight as
// sample weights; stops as scikit-learn's lbfgs does (tol, max_iter).
// Classification only; the options must have passed check_logistic_options.
std::unique_ptr<Estimator> make_lbfgs_logistic_estimator(std::string algorithm, EstimatorConfig config);

// Ordinary least squares when `ridge` is false; ridge regression (params alpha)
// when true. Regression only.
std::unique_ptr<Estimator> make_least_squares_estimator(bool ridge, std::string algorithm, EstimatorConfig config);

}  // namespace hone::models
