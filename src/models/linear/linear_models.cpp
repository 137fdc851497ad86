// The linear algorithms: logistic regression (L-BFGS by default, or LIBLINEAR),
// LIBLINEAR's linear SVMs, and Eigen's least squares. Names and defaults are
// scikit-learn's; where LIBLINEAR differs from scikit-learn's patched copy of it,
// the parameter's doc says how.
#include "models/backends.hpp"
#include "models/linear/common_params.hpp"
#include "models/linear/linear_estimators.hpp"

namespace hone::models {
namespace {

const char* const liblinear_max_iter_doc =
    "accepted for scikit-learn compatibility and not used: LIBLINEAR 2.3 stops each solver at its own limit of "
    "1000 iterations";
const char* const liblinear_random_state_doc =
    "seed of the coordinate-descent shuffling (dual and L1 solvers); null = the job's seed";

ParamSpec dual_auto(std::string doc) {
    return {.name = "dual", .type = ParamType::boolean, .default_value = "auto", .choices = {"auto"},
            .doc = std::move(doc)};
}

AlgorithmSpec logistic_regression() {
    AlgorithmSpec a;
    a.name = "logistic_regression";
    a.quantizable = true;
    a.aliases = {{"LogisticRegression", Task::classification}, {"logreg", std::nullopt}};
    a.tasks = {Task::classification};
    a.library = "LBFGSpp, LIBLINEAR";
    a.doc = "Logistic regression as scikit-learn's LogisticRegression: by default solver='lbfgs', the multinomial "
            "(softmax) model for more than two classes and one sigmoid weight vector for two, L2 penalty, "
            "intercept not penalized, fitted by L-BFGS (LBFGSpp); solver='liblinear' is LIBLINEAR's one-vs-rest "
            "fit, with L1 as well, probabilities the per-class sigmoids normalized to sum 1.";
    a.params = {
        {.name = "penalty", .type = ParamType::string, .default_value = "l2", .nullable = true,
         .choices = {"l2", "l1", "none"},
         .doc = "l2: half the squared norm of the coefficients, times 1/C; l1: sparse coefficients (solver="
                "'liblinear' only: LIBLINEAR's L1R_LR); null or 'none': no penalty, C unused (the L-BFGS solvers "
                "only)"},
        {.name = "dual", .type = ParamType::boolean, .default_value = false,
         .doc = "solve the dual problem (solver='liblinear' with penalty='l2' only); faster when samples are "
                "fewer than features"},
        params::tol(1e-4, "tolerance of the stopping criterion: for the L-BFGS solvers the largest gradient "
                          "component of the objective divided by the sum of sample weights (scipy's gtol, as "
                          "scikit-learn passes it); for liblinear LIBLINEAR's eps"),
        params::C(),
        params::fit_intercept(),
        params::intercept_scaling("solver='liblinear' only: value of the constant feature that carries the "
                                  "intercept (LIBLINEAR's bias), whose weight is regularized like the others, so a "
                                  "larger value regularizes the intercept less; the L-BFGS solvers never penalize "
                                  "the intercept"),
        params::class_weight("null: every class weighs 1; 'balanced': each sample weighs n_samples / (n_classes * "
                             "count of its class), as a sample weight (liblinear: C of class k times that)"),
        params::random_state("seed of LIBLINEAR's coordinate-descent shuffling (solver='liblinear' with dual or "
                             "L1); the L-BFGS fit draws nothing; null = the job's seed"),
        {.name = "solver", .type = ParamType::string, .default_value = "lbfgs",
         .choices = {"lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga"},
         .doc = "lbfgs: L-BFGS on the penalized multinomial or binomial log loss, as scikit-learn's default; "
                "liblinear: LIBLINEAR (one-vs-rest, intercept penalized, penalty 'l1' possible); newton-cg, "
                "newton-cholesky, sag and saga minimize the same objective as lbfgs, so hone fits them with "
                "L-BFGS to the same optimum (within tol)"},
        params::max_iter(100, "most L-BFGS iterations of a fit (of each class's fit with multi_class='ovr'); "
                              "liblinear does not use it: LIBLINEAR 2.3 stops each solver at its own limit of 1000 "
                              "iterations"),
        {.name = "multi_class", .type = ParamType::string, .default_value = "auto",
         .choices = {"auto", "multinomial", "ovr"},
         .doc = "auto: multinomial for more than two classes, one sigmoid vector for two (liblinear: always "
                "one-vs-rest); multinomial: softmax even for two classes (not with liblinear); ovr: one binary "
                "fit per class, probabilities the sigmoids normalized to sum 1"},
    };
    a.make = [](EstimatorConfig c) { return make_logistic_regression(std::move(c)); };
    return a;
}

AlgorithmSpec linear_svc() {
    AlgorithmSpec a;
    a.name = "linear_svc";
    a.quantizable = true;
    a.aliases = {{"LinearSVC", Task::classification}};
    a.tasks = {Task::classification};
    a.library = "LIBLINEAR";
    a.doc = "Linear support vector classifier as scikit-learn's LinearSVC: one-vs-rest (or Crammer-Singer), no "
            "probabilities.";
    a.params = {
        {.name = "penalty", .type = ParamType::string, .default_value = "l2", .choices = {"l2", "l1"},
         .doc = "l1 (with loss='squared_hinge' and the primal) gives sparse coefficients"},
        {.name = "loss", .type = ParamType::string, .default_value = "squared_hinge",
         .choices = {"squared_hinge", "hinge"}, .doc = "hinge is the standard SVM loss (dual, penalty='l2' only)"},
        dual_auto("solve the dual; 'auto' = the dual when samples are fewer than features, else the primal, "
                  "whichever the penalty and loss allow"),
        params::tol(1e-4, "tolerance of the stopping criterion (LIBLINEAR's eps)"),
        params::C(),
        {.name = "multi_class", .type = ParamType::string, .default_value = "ovr",
         .choices = {"ovr", "crammer_singer"},
         .doc = "ovr: one-vs-rest; crammer_singer: one joint multi-class objective (penalty, loss and dual then "
                "do not apply)"},
        params::fit_intercept(),
        params::intercept_scaling(),
        params::class_weight(),
        params::random_state(liblinear_random_state_doc),
        params::max_iter(1000, liblinear_max_iter_doc),
    };
    a.make = [](EstimatorConfig c) {
        return make_liblinear_estimator(LiblinearKind::linear_svc, "linear_svc", std::move(c));
    };
    return a;
}

AlgorithmSpec linear_svr() {
    AlgorithmSpec a;
    a.name = "linear_svr";
    a.quantizable = true;
    a.aliases = {{"LinearSVR", Task::regression}};
    a.tasks = {Task::regression};
    a.library = "LIBLINEAR";
    a.doc = "Linear support vector regression as scikit-learn's LinearSVR.";
    a.params = {
        {.name = "epsilon", .type = ParamType::number, .default_value = 0.0, .min = 0.0,
         .doc = "half-width of the band in which errors cost nothing, in target units"},
        params::tol(1e-4, "tolerance of the stopping criterion (LIBLINEAR's eps)"),
        params::C(),
        {.name = "loss", .type = ParamType::string, .default_value = "epsilon_insensitive",
         .choices = {"epsilon_insensitive", "squared_epsilon_insensitive"},
         .doc = "epsilon_insensitive is L1 (dual only); squared_epsilon_insensitive is L2"},
        params::fit_intercept(),
        params::intercept_scaling(),
        dual_auto("solve the dual; 'auto' = the dual when samples are fewer than features, else the primal, "
                  "whichever the loss allows"),
        params::random_state(liblinear_random_state_doc),
        params::max_iter(1000, liblinear_max_iter_doc),
    };
    a.make = [](EstimatorConfig c) {
        return make_liblinear_estimator(LiblinearKind::linear_svr, "linear_svr", std::move(c));
    };
    return a;
}

AlgorithmSpec linear_regression() {
    AlgorithmSpec a;
    a.name = "linear_regression";
    a.quantizable = true;
    a.aliases = {{"LinearRegression", Task::regression}, {"ols", std::nullopt}};
    a.tasks = {Task::regression};
    a.library = "Eigen";
    a.doc = "Ordinary least squares as scikit-learn's LinearRegression: the minimum-norm solution on centered "
            "data.";
    a.params = {params::fit_intercept()};
    a.make = [](EstimatorConfig c) { return make_least_squares_estimator(false, "linear_regression", std::move(c)); };
    return a;
}

AlgorithmSpec ridge() {
    AlgorithmSpec a;
    a.name = "ridge";
    a.quantizable = true;
    a.aliases = {{"Ridge", Task::regression}};
    a.tasks = {Task::regression};
    a.library = "Eigen";
    a.doc = "Least squares with an L2 penalty as scikit-learn's Ridge (closed form, intercept not penalized).";
    ParamSpec alpha{.name = "alpha", .type = ParamType::number, .default_value = 1.0, .min = 0.0,
                    .doc = "strength of the L2 penalty on the coefficients; 0 is ordinary least squares"};
    alpha.tune_min = 1e-4;
    alpha.tune_max = 1e3;
    alpha.tune_log = true;
    a.params = {alpha, params::fit_intercept()};
    a.make = [](EstimatorConfig c) { return make_least_squares_estimator(true, "ridge", std::move(c)); };
    return a;
}

}  // namespace

std::optional<LinearWeights> linear_weights(const Estimator& estimator) {
    if (const auto* linear = dynamic_cast<const LinearModel*>(&estimator)) return linear->linear_weights();
    return std::nullopt;
}

std::vector<AlgorithmSpec> linear_algorithms() {
    return {logistic_regression(), linear_svc(), linear_svr(), linear_regression(), ridge()};
}

}  // namespace hone::models
