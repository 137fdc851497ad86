#pragma once
// The estimator behind svm_algorithms(): LIBSVM's C-SVC for classification and
// epsilon-SVR for regression, reading its hyperparameters from the resolved
// config.params by their catalog names (see svm_models.cpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/estimator.hpp"

namespace hone::models {

std::unique_ptr<Estimator> make_libsvm_estimator(std::string algorithm, EstimatorConfig config);

// A fitted LIBSVM model as plain numbers, for writers that translate it
// (export/): exactly what svm_predict, svm_predict_values and
// svm_predict_probability compute with. For pair p = (i, j), i < j in
// `classes` order (LIBSVM's: (0,1), (0,2), ..., (1,2), ...), the decision value
// is  sum over the support vectors s of classes i and j of
// coefficients[row(s)][s] * K(x, sv_s) - rho[p], where row(s) = j - 1 for the
// vectors of class i and i for those of class j; > 0 votes for i, else for j;
// the label is the first class with the most votes. Regression: one row of
// coefficients, value = sum coefficients[0][s] * K(x, sv_s) - rho[0].
struct LibsvmModel {
    enum class Kernel { linear, poly, rbf, sigmoid };
    Kernel kernel = Kernel::rbf;
    int degree = 3;      // poly: (gamma x.x' + coef0)^degree
    double gamma = 0;    // as LIBSVM predicts with ('scale' and 'auto' resolved at fit)
    double coef0 = 0;    // poly, sigmoid
    std::size_t features = 0;
    // Classification: hone's class index of each LIBSVM class, in LIBSVM's order
    // (first seen in training; classes absent from the fit are missing), and
    // the count of support vectors of each, which come in that order.
    // Regression: both empty.
    std::vector<int> classes;
    std::vector<int> vectors_per_class;
    std::size_t vectors = 0;
    std::vector<double> support_vectors;  // [vectors, features], row-major, zeros written out
    std::vector<double> coefficients;     // [max(1, classes - 1), vectors], LIBSVM's sv_coef
    std::vector<double> rho;              // one per pair (regression: one)
    std::vector<double> prob_a, prob_b;   // Platt's A and B per pair; empty without probabilities
};

// The fitted model of a svc or svr estimator; nullopt for any other estimator.
// An estimator not yet fitted or loaded is hone::Error(internal, "not_fitted").
std::optional<LibsvmModel> libsvm_model(const Estimator& estimator);

// gamma as scikit-learn resolves it: a number as given; 'auto' = 1 / n_features;
// 'scale' = 1 / (n_features * X.var()), the population variance of every value of
// X, or 1 when that variance is 0.
double resolve_gamma(const Json& gamma, const data::Matrix& x);

}  // namespace hone::models
