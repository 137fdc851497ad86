#include "models/linear/logistic_loss.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <thread>

#include <LBFGSB.h>

#include "common/error.hpp"

namespace hone::models::logistic {
namespace {

// Rows per block: at least this many, and at most 64 blocks, so the partial
// gradients stay small and their number depends on the data alone.
constexpr Eigen::Index kMinBlockRows = 1024;
constexpr Eigen::Index kMaxBlocks = 64;
// Below this many multiply-adds per evaluation, threads cost more than they save.
constexpr double kThreadedWork = 2e5;

// log(1 + exp(z)) without overflow.
double log1pexp(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

double sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    double e = std::exp(z);
    return e / (1.0 + e);
}

// Turns row i of z (raw scores) into its gradient residuals s * (p - onehot(y))
// and returns s * loss_i; the log-sum-exp is shifted by the row's maximum.
double softmax_row(RowMatrix& z, Eigen::Index i, int y, double s) {
    auto row = z.row(i);
    double top = row.maxCoeff(), zy = row(y), sum = 0;
    for (Eigen::Index k = 0; k < row.size(); ++k) {
        row(k) = std::exp(row(k) - top);
        sum += row(k);
    }
    row *= s / sum;
    row(y) -= s;
    return s * (top + std::log(sum) - zy);
}

double binomial_row(RowMatrix& z, Eigen::Index i, int y, double s) {
    double zi = z(i, 0);
    z(i, 0) = s * (sigmoid(zi) - y);
    return s * (log1pexp(zi) - (y ? zi : 0.0));
}

unsigned resolve_threads(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    return threads;
}

}  // namespace

Eigen::Index parameter_count(const Problem& p) {
    return (p.x->cols() + (p.fit_intercept ? 1 : 0)) * p.outputs;
}

Loss::Loss(const Problem& problem, unsigned threads, std::function<bool()> cancelled)
    : p_(problem), threads_(resolve_threads(threads)), cancelled_(std::move(cancelled)) {
    double total = p_.weight.sum();
    if (!(total > 0)) throw Error(ErrorKind::internal, "training_failed", "logistic loss: the sample weights sum to 0");
    weight_ = p_.weight / total;
    l2_ = p_.penalized ? 1.0 / (p_.C * total) : 0.0;
    Eigen::Index n = p_.x->rows();
    block_rows_ = std::max(kMinBlockRows, (n + kMaxBlocks - 1) / kMaxBlocks);
    double work = static_cast<double>(n) * static_cast<double>(p_.x->cols()) * p_.outputs;
    if (work < kThreadedWork) threads_ = 1;
}

void Loss::evaluate_block(const Eigen::VectorXd& w, Eigen::Index begin, Eigen::Index end, Block& out) const {
    const Eigen::Index d = p_.x->cols(), rows_w = d + (p_.fit_intercept ? 1 : 0);
    Eigen::Map<const Eigen::MatrixXd> W(w.data(), rows_w, p_.outputs);
    auto xb = p_.x->middleRows(begin, end - begin);
    RowMatrix z = xb * W.topRows(d);
    if (p_.fit_intercept) z.rowwise() += W.row(d);
    double loss = 0;
    for (Eigen::Index i = 0; i < z.rows(); ++i) {
        int y = p_.y[static_cast<std::size_t>(begin + i)];
        double s = weight_[begin + i];
        loss += p_.outputs == 1 ? binomial_row(z, i, y, s) : softmax_row(z, i, y, s);
    }
    out.loss = loss;
    out.grad.resize(rows_w, p_.outputs);
    out.grad.topRows(d).noalias() = xb.transpose() * z;
    if (p_.fit_intercept) out.grad.row(d) = z.colwise().sum();
}

double Loss::operator()(const Eigen::VectorXd& w, Eigen::VectorXd& grad) {
    if (cancelled_ && cancelled_()) throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
    const Eigen::Index n = p_.x->rows();
    const auto count = static_cast<std::size_t>((n + block_rows_ - 1) / block_rows_);
    std::vector<Block> blocks(count);
    auto run = [&](std::size_t b) {
        auto begin = static_cast<Eigen::Index>(b) * block_rows_;
        evaluate_block(w, begin, std::min(n, begin + block_rows_), blocks[b]);
    };
    unsigned workers = std::min<unsigned>(threads_, static_cast<unsigned>(count));
    if (workers <= 1) {
        for (std::size_t b = 0; b < count; ++b) run(b);
    } else {
        std::atomic<std::size_t> next{0};
        std::exception_ptr failure;
        std::atomic<bool> failed{false};
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < workers; ++t)
            pool.emplace_back([&] {
                try {
                    for (std::size_t b; (b = next++) < count;) run(b);
                } catch (...) {
                    if (!failed.exchange(true)) failure = std::current_exception();
                }
            });
        for (auto& t : pool) t.join();
        if (failure) std::rethrow_exception(failure);
    }
    // In block order, whoever computed them.
    double loss = 0;
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(blocks[0].grad.rows(), blocks[0].grad.cols());
    for (const auto& b : blocks) {
        loss += b.loss;
        g += b.grad;
    }
    const Eigen::Index d = p_.x->cols();
    Eigen::Map<const Eigen::MatrixXd> W(w.data(), g.rows(), g.cols());
    loss += 0.5 * l2_ * W.topRows(d).squaredNorm();
    g.topRows(d) += l2_ * W.topRows(d);
    grad = Eigen::Map<const Eigen::VectorXd>(g.data(), g.size());
    return loss;
}

namespace {

// What L-BFGS evaluates, with the lowest point seen (where a failed line search
// leaves the fit) and the gradient of the last point (which a normal return is).
struct Tracked {
    Loss& loss;
    Eigen::VectorXd best;
    double best_f = std::numeric_limits<double>::infinity();
    double last_grad_max = 0;
    int evaluations = 0;
    double operator()(const Eigen::VectorXd& w, Eigen::VectorXd& grad) {
        double f = loss(w, grad);
        ++evaluations;
        last_grad_max = grad.size() ? grad.cwiseAbs().maxCoeff() : 0.0;
        if (f < best_f) {
            best_f = f;
            best = w;
        }
        return f;
    }
};

// scikit-learn's options to scipy's L-BFGS-B, in LBFGSpp's terms.
LBFGSpp::LBFGSBParam<double> sklearn_param(int max_iter, double tol) {
    LBFGSpp::LBFGSBParam<double> param;
    param.m = 10;                    // scipy's maxcor
    param.epsilon = tol;             // gtol: the projected gradient's largest component
    param.epsilon_rel = 0;           // scipy's test has no relative part
    param.past = 1;                  // ftol: the decrease of one iteration,
    param.delta = 64 * std::numeric_limits<double>::epsilon();  // relative to max(|f|, 1)
    param.max_iterations = max_iter;
    param.max_linesearch = 50;       // scikit-learn's maxls
    param.ftol = 1e-3;               // scipy's line search (dcsrch): sufficient decrease
    param.wolfe = 0.9;               // and curvature
    return param;
}

}  // namespace

Fit minimize(const Problem& problem, int max_iter, double tol, unsigned threads, std::function<bool()> cancelled) {
    Loss loss(problem, threads, std::move(cancelled));
    Tracked f{loss, {}};
    auto param = sklearn_param(max_iter, tol);
    LBFGSpp::LBFGSBSolver<double> solver(param);
    const Eigen::Index n = parameter_count(problem);
    const double inf = std::numeric_limits<double>::infinity();
    Eigen::VectorXd w = Eigen::VectorXd::Zero(n), lower = Eigen::VectorXd::Constant(n, -inf),
                    upper = Eigen::VectorXd::Constant(n, inf);
    double fx = 0;
    Fit out;
    try {
        out.iterations = solver.minimize(f, w, fx, lower, upper);
        out.w = std::move(w);
        out.stopped = f.last_grad_max <= tol ? "gradient" : out.iterations >= max_iter ? "max_iter" : "objective";
    } catch (const Error&) {
        throw;  // cancelled
    } catch (const std::exception&) {
        // LBFGSpp throws when a line search finds no acceptable step (the
        // objective is flat to rounding along the direction): the best point is
        // as good as this fit gets.
        out.w = f.best.size() == n ? f.best : Eigen::VectorXd(Eigen::VectorXd::Zero(n));
        out.stopped = "line_search";
    }
    out.evaluations = f.evaluations;
    return out;
}

}  // namespace hone::models::logistic
