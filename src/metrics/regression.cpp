#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/input.hpp"
#include "metrics/metrics.hpp"

namespace hone::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// NumPy's pairwise_sum for float64: plain loop under 8 values, eight interleaved
// accumulators up to a block of 128, halves (at a multiple of 8) above.
double pairwise(const double* a, std::size_t n) {
    if (n < 8) {
        double res = 0.0;
        for (std::size_t i = 0; i < n; ++i) res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - (n % 8); i += 8)
            for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += a[i];
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, n2) + pairwise(a + n2, n - n2);
}

template <class Term>
std::vector<double> terms(std::span<const double> y_true, std::span<const double> y_pred, Term term) {
    check_same_length(y_true.size(), y_pred.size());
    std::vector<double> out(y_true.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = term(y_true[i], y_pred[i]);
    return out;
}

}  // namespace

double pairwise_sum(std::span<const double> values) {
    // NumPy's reduction starts from the identity 0.0 (which turns -0.0 into 0.0).
    return 0.0 + pairwise(values.data(), values.size());
}

double mse(std::span<const double> y_true, std::span<const double> y_pred) {
    return mean(terms(y_true, y_pred, [](double t, double p) { return (t - p) * (t - p); }));
}

double rmse(std::span<const double> y_true, std::span<const double> y_pred) { return std::sqrt(mse(y_true, y_pred)); }

double mae(std::span<const double> y_true, std::span<const double> y_pred) {
    return mean(terms(y_true, y_pred, [](double t, double p) { return std::abs(p - t); }));
}

double r2(std::span<const double> y_true, std::span<const double> y_pred) {
    auto residuals = terms(y_true, y_pred, [](double t, double p) { return (t - p) * (t - p); });
    if (y_true.size() < 2) return kNaN;
    double y_mean = mean(y_true);
    std::vector<double> deviations(y_true.size());
    for (std::size_t i = 0; i < y_true.size(); ++i) deviations[i] = (y_true[i] - y_mean) * (y_true[i] - y_mean);
    double numerator = pairwise_sum(residuals);
    double denominator = pairwise_sum(deviations);
    // force_finite=True: a perfect fit scores 1 even on constant y_true; an
    // imperfect one on constant y_true scores 0 instead of -inf.
    if (numerator == 0.0) return 1.0;
    if (denominator == 0.0) return 0.0;
    return 1.0 - numerator / denominator;
}

double mape(std::span<const double> y_true, std::span<const double> y_pred) {
    const double eps = std::numeric_limits<double>::epsilon();
    return mean(terms(y_true, y_pred, [eps](double t, double p) {
        double scale = std::abs(t);
        // np.maximum propagates NaN.
        if (!std::isnan(scale) && scale < eps) scale = eps;
        return std::abs(p - t) / scale;
    }));
}

}  // namespace hone::metrics
