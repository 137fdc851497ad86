#pragma once
// The penalized logistic loss that scikit-learn's solver='lbfgs' minimizes, and
// the L-BFGS run that minimizes it the way scikit-learn runs scipy's L-BFGS-B.
//
// Objective, on weights W (features x outputs) and intercepts b (outputs), with
// sample weights s_i (class weights, 1 without) and S = sum_i s_i:
//     f(W, b) = (1/S) sum_i s_i loss_i(x_i W + b) + (1/2) * l2 * ||W||^2
// with l2 = 1 / (C * S), the intercepts never penalized (l2 = 0 is no penalty).
// That is scikit-learn >= 1.4's scaling: the classic objective
//     sum_i s_i loss_i + 1/(2C) ||W||^2
// divided by S. The minimizer is the same; the scaling matters because the
// stopping test (tol) reads this gradient.
//  - multinomial (outputs = K >= 2): loss_i = logsumexp(z_i) - z_i[y_i], softmax;
//  - binomial (outputs = 1): loss_i = log(1 + exp(z_i)) - y_i z_i, y_i in {0, 1}.
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace hone::models::logistic {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One fitting problem. `x` is rows x features; `y[i]` is the output index of row
// i (0..outputs-1, or 0/1 when outputs is 1); `weight[i]` >= 0 its sample weight,
// not normalized (the loss divides by their sum, which must be > 0).
struct Problem {
    const RowMatrix* x = nullptr;
    std::vector<int> y;
    Eigen::VectorXd weight;
    int outputs = 1;
    bool fit_intercept = true;
    double C = 1.0;        // inverse penalty strength
    bool penalized = true; // false: scikit-learn's penalty=None
};

// The parameters as one vector: output k's features weights, then (with
// fit_intercept) its intercept, for k = 0..outputs-1. Size
// (features + fit_intercept) * outputs.
Eigen::Index parameter_count(const Problem& p);

// f and its gradient as L-BFGS calls them. Rows are summed in fixed blocks whose
// partial sums are added in order, so the result does not depend on how many
// threads (`threads`, 0 = all cores) share the blocks. `cancelled` (may be empty)
// is asked at every evaluation; when it answers true the call throws
// hone::Error(cancelled).
class Loss {
public:
    Loss(const Problem& problem, unsigned threads, std::function<bool()> cancelled);
    double operator()(const Eigen::VectorXd& w, Eigen::VectorXd& grad);

private:
    struct Block {
        double loss = 0;
        Eigen::MatrixXd grad;  // (features + intercept) x outputs
    };
    void evaluate_block(const Eigen::VectorXd& w, Eigen::Index begin, Eigen::Index end, Block& out) const;

    const Problem& p_;
    Eigen::VectorXd weight_;  // sample weights / their sum
    double l2_ = 0;
    Eigen::Index block_rows_ = 0;
    unsigned threads_ = 1;
    std::function<bool()> cancelled_;
};

// How a minimization ended.
struct Fit {
    Eigen::VectorXd w;     // parameters, laid out as parameter_count() says
    int iterations = 0;    // L-BFGS iterations (scikit-learn's n_iter_); 0 when a line search failed
    int evaluations = 0;   // of the objective and its gradient
    std::string stopped;   // "gradient", "objective", "max_iter" or "line_search"
};

// Minimizes Loss from w = 0 with LBFGSpp's L-BFGS-B solver on unbounded
// variables, set up as scikit-learn sets up scipy's L-BFGS-B: stop when the
// largest gradient component is <= tol (gtol), when one iteration lowers f by no
// more than 64 machine epsilons relative to max(|f|, 1) (ftol), or after
// max_iter iterations; 10 corrections, at most 50 line-search steps. A line
// search that fails ends the fit at the best point evaluated (scipy retries once
// with its memory cleared before it gives up the same way).
Fit minimize(const Problem& problem, int max_iter, double tol, unsigned threads, std::function<bool()> cancelled);

}  // namespace hone::models::logistic
