#pragma once
// The estimators behind linear_algorithms(): logistic regression by L-BFGS or
// LIBLINEAR, LIBLINEAR's linear SVMs, and Eigen's least squares. Each reads its
// hyperparameters from the resolved config.params by their catalog names (see
// linear_models.cpp).
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/estimator.hpp"

namespace hone::models {

// What a fitted linear model computes, for writers that translate it (export):
// per row one score per weight vector, score[v] = sum_j x[j] * coef[j][v] +
// intercept[v] in double (x the float features as doubles), then `link` turns
// the scores into hone's answer. Quantized models give the weights they
// predict with.
struct LinearWeights {
    enum class Link {
        identity,  // regression: the one score is the value
        sign,      // one vector, two classes: classes[1] when the score is > 0, else classes[0]; no probabilities
        logistic,  // as sign, and p(classes[1]) = 1 / (1 + exp(-score)), p(classes[0]) = 1 - that
        argmax,    // one vector per class: the class of the highest score (the first on ties); no probabilities
        softmax,   // argmax; probabilities exp(score - max) normalized to sum 1
        ovr,       // argmax; probabilities the sigmoids of the scores normalized to sum 1
    };
    Link link = Link::identity;
    std::size_t features = 0;
    std::size_t vectors = 0;
    std::vector<double> coef;       // features x vectors, row-major
    std::vector<double> intercept;  // one per vector (LIBLINEAR: the bias feature's weight times its value)
    // Classification: the class index (0..num_classes-1) of each vector, or for
    // sign and logistic the two classes as above. Classes absent from the fit
    // are in none of them (their probability is 0). Empty for regression.
    std::vector<int> classes;
};

// Implemented by the estimators of linear_algorithms().
class LinearModel {
public:
    virtual ~LinearModel() = default;
    // The fitted weights; hone::Error(internal, "not_fitted") before fit or load.
    virtual LinearWeights linear_weights() const = 0;
};

// The weights of a logistic_regression, linear_svc, linear_svr,
// linear_regression or ridge estimator; nullopt for any other estimator.
std::optional<LinearWeights> linear_weights(const Estimator& estimator);

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
