// The kernel SVMs on LIBSVM, with scikit-learn's SVC and SVR names and defaults.
#include "models/backends.hpp"
#include "models/linear/common_params.hpp"
#include "models/svm/libsvm_estimator.hpp"

namespace hone::models {
namespace {

// The parameters SVC and SVR share, in scikit-learn's order.
std::vector<ParamSpec> kernel_params() {
    ParamSpec gamma{.name = "gamma", .type = ParamType::number, .default_value = "scale", .min = 0.0,
                    .min_exclusive = true, .choices = {"scale", "auto"},
                    .doc = "kernel coefficient of rbf, poly and sigmoid: 'scale' = 1 / (n_features * X.var()), "
                           "'auto' = 1 / n_features, or a number"};
    gamma.tune_min = 1e-4;
    gamma.tune_max = 10.0;
    gamma.tune_log = true;
    ParamSpec degree{.name = "degree", .type = ParamType::integer, .default_value = 3, .min = 0.0,
                     .doc = "degree of the poly kernel"};
    degree.tune_min = 2;
    degree.tune_max = 5;
    return {
        {.name = "kernel", .type = ParamType::string, .default_value = "rbf",
         .choices = {"rbf", "linear", "poly", "sigmoid"},
         .doc = "rbf: exp(-gamma |x - x'|^2); linear: x.x'; poly: (gamma x.x' + coef0)^degree; sigmoid: "
                "tanh(gamma x.x' + coef0)"},
        degree,
        gamma,
        {.name = "coef0", .type = ParamType::number, .default_value = 0.0,
         .doc = "independent term of the poly and sigmoid kernels"},
        params::tol(1e-3, "tolerance of the stopping criterion (LIBSVM's eps)"),
    };
}

ParamSpec shrinking() {
    return {.name = "shrinking", .type = ParamType::boolean, .default_value = true,
            .doc = "use LIBSVM's shrinking heuristic"};
}

ParamSpec cache_size() {
    return {.name = "cache_size", .type = ParamType::number, .default_value = 200.0, .min = 0.0,
            .min_exclusive = true, .doc = "kernel cache in MB"};
}

const char* const libsvm_max_iter_doc =
    "accepted for scikit-learn compatibility and not used: LIBSVM 3.24 stops at its own limit of max(10^7, 100 * "
    "n_samples) iterations";

AlgorithmSpec svc() {
    AlgorithmSpec a;
    a.name = "svc";
    a.aliases = {{"SVC", Task::classification}, {"svm", std::nullopt}};
    a.tasks = {Task::classification};
    a.library = "LIBSVM";
    a.doc = "Kernel support vector classifier as scikit-learn's SVC: C-SVC, one-vs-one for more than two "
            "classes; probabilities by Platt scaling when probability is true.";
    a.params = kernel_params();
    a.params.insert(a.params.begin(), params::C());
    a.params.push_back(shrinking());
    a.params.push_back({.name = "probability", .type = ParamType::boolean, .default_value = false,
                        .doc = "fit Platt scaling (an internal 5-fold cross-validation, slower) for predict_proba"});
    a.params.push_back(cache_size());
    a.params.push_back(params::class_weight());
    a.params.push_back(params::max_iter(-1, libsvm_max_iter_doc));
    a.params.push_back(
        params::random_state("seed of the folds of Platt scaling (probability=true); null = the job's seed"));
    a.make = [](EstimatorConfig c) { return make_libsvm_estimator("svc", std::move(c)); };
    return a;
}

AlgorithmSpec svr() {
    AlgorithmSpec a;
    a.name = "svr";
    a.aliases = {{"SVR", Task::regression}};
    a.tasks = {Task::regression};
    a.library = "LIBSVM";
    a.doc = "Kernel support vector regression as scikit-learn's SVR (epsilon-SVR).";
    a.params = kernel_params();
    a.params.push_back(params::C());
    ParamSpec epsilon{.name = "epsilon", .type = ParamType::number, .default_value = 0.1, .min = 0.0,
                      .doc = "half-width of the band in which errors cost nothing, in target units"};
    a.params.push_back(epsilon);
    a.params.push_back(shrinking());
    a.params.push_back(cache_size());
    a.params.push_back(params::max_iter(-1, libsvm_max_iter_doc));
    a.make = [](EstimatorConfig c) { return make_libsvm_estimator("svr", std::move(c)); };
    return a;
}

}  // namespace

std::vector<AlgorithmSpec> svm_algorithms() { return {svc(), svr()}; }

}  // namespace hone::models
