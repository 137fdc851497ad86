#pragma once
// One L2-regularized logistic regression on sparse rows, the binary problem that
// tfidf_linear fits once per class (one-vs-rest) or per label:
//   min_w  0.5 |w|^2 + sum_i cost_i log(1 + exp(-y_i w.x_i)),  y_i in {-1, +1},
// with a constant feature of value 1 appended to every row whose weight is the
// intercept, regularized like the others (LIBLINEAR's L2R_LR with bias 1, as
// scikit-learn's liblinear solver). When every positive text costs the same and
// every negative text costs the same (C, or C times a class weight), LIBLINEAR
// solves it (its trust-region Newton method). Otherwise (per-text weights) the
// same objective is minimized by L-BFGS (LBFGSpp): Debian's LIBLINEAR 2.30 has no
// instance weights. Not LIBLINEAR's dual solver (L2R_LR_DUAL): it orders its
// coordinates with the C library's one shared rand(), so fits running on several
// threads at once would not repeat; the primal Newton method has no randomness.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "models/text/tfidf.hpp"

namespace hone::models::text {

struct BinaryOptions {
    double tol = 1e-4;   // LIBLINEAR's eps; L-BFGS: gradient norm relative to max(1, |w|)
    int max_iter = 100;  // L-BFGS iterations (LIBLINEAR 2.30 stops at its own 1000)
};

class BinaryLogistic {
public:
    // Keeps a LIBLINEAR copy of `x` (its rows plus the bias feature) for every fit.
    explicit BinaryLogistic(const SparseRows& x);
    ~BinaryLogistic();
    BinaryLogistic(const BinaryLogistic&) = delete;
    BinaryLogistic& operator=(const BinaryLogistic&) = delete;

    // The x.cols + 1 weights (the intercept last). `positive` and `cost` have one
    // entry per row; costs > 0. Safe to call from several threads at once.
    std::vector<double> fit(std::span<const std::uint8_t> positive, std::span<const double> cost,
                            const BinaryOptions& options) const;

private:
    struct Rows;
    std::unique_ptr<Rows> rows_;
    const SparseRows& x_;

    std::vector<double> fit_liblinear(std::span<const std::uint8_t> positive, double c_pos, double c_neg,
                                      double tol) const;
    std::vector<double> fit_lbfgs(std::span<const std::uint8_t> positive, std::span<const double> cost,
                                  const BinaryOptions& options) const;
};


}  // namespace hone::models::text
