#pragma once
// Hyperparameters that LIBLINEAR, LIBSVM and Eigen algorithms share, with
// scikit-learn's names and meanings; each algorithm's declaration picks them with
// its own default where scikit-learn's differs.
#include <string>

#include "models/catalog.hpp"

namespace hone::models::params {

inline ParamSpec C(std::string doc = "inverse of the regularization strength: smaller is stronger",
                   double default_value = 1.0) {
    ParamSpec p{.name = "C", .type = ParamType::number, .default_value = default_value, .min = 0.0,
                .min_exclusive = true};
    p.doc = std::move(doc);
    p.tune_min = 1e-3;
    p.tune_max = 1e3;
    p.tune_log = true;
    return p;
}

inline ParamSpec tol(double default_value, std::string doc = "tolerance of the stopping criterion") {
    return {.name = "tol", .type = ParamType::number, .default_value = default_value, .min = 0.0, .min_exclusive = true,
            .doc = std::move(doc)};
}

inline ParamSpec fit_intercept() {
    return {.name = "fit_intercept", .type = ParamType::boolean, .default_value = true,
            .doc = "fit an intercept; false assumes centered data"};
}

inline ParamSpec intercept_scaling(
    std::string doc = "value of the constant feature that carries the intercept (LIBLINEAR's bias); its weight is "
                      "regularized like the others, so a larger value regularizes the intercept less") {
    return {.name = "intercept_scaling", .type = ParamType::number, .default_value = 1.0, .min = 0.0,
            .min_exclusive = true, .doc = std::move(doc)};
}

inline ParamSpec class_weight(
    std::string doc = "null: every class weighs 1; 'balanced': C of class k times n_samples / (n_classes * count_k)") {
    return {.name = "class_weight", .type = ParamType::string, .default_value = nullptr, .nullable = true,
            .choices = {"balanced"}, .doc = std::move(doc)};
}

inline ParamSpec random_state(std::string doc) {
    return {.name = "random_state", .type = ParamType::integer, .default_value = nullptr, .min = 0.0,
            .max = 4294967295.0, .nullable = true, .aliases = {"seed"}, .doc = std::move(doc)};
}

inline ParamSpec max_iter(int default_value, std::string doc) {
    return {.name = "max_iter", .type = ParamType::integer, .default_value = default_value,
            .min = default_value < 0 ? -1.0 : 1.0, .doc = std::move(doc)};
}

}  // namespace hone::models::params
