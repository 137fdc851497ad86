#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>

#include "common/error.hpp"
#include "metrics/input.hpp"
#include "metrics/metrics.hpp"

namespace hone::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Per-class sufficient statistics: true positives, predicted and true counts.
struct ClassCounts {
    std::vector<std::int64_t> tp, predicted, actual;
};

ClassCounts count_classes(std::span<const int> y_true, std::span<const int> y_pred, int num_classes) {
    ClassCounts c;
    auto k = static_cast<std::size_t>(num_classes);
    c.tp.assign(k, 0);
    c.predicted.assign(k, 0);
    c.actual.assign(k, 0);
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        ++c.actual[static_cast<std::size_t>(y_true[i])];
        ++c.predicted[static_cast<std::size_t>(y_pred[i])];
        if (y_true[i] == y_pred[i]) ++c.tp[static_cast<std::size_t>(y_true[i])];
    }
    return c;
}

// numerator / denominator, 0.0 where the denominator is 0 (zero_division="warn").
double prf_divide(double numerator, double denominator) {
    return denominator == 0.0 ? 0.0 : numerator / denominator;
}

struct Prf {
    double precision = kNaN, recall = kNaN, f1 = kNaN;
};

// precision_recall_fscore_support(beta=1) of scikit-learn 1.2, averaged.
Prf precision_recall_f1(std::span<const int> y_true, std::span<const int> y_pred, int num_classes, Average average) {
    check_labels(y_true, y_pred, num_classes);
    if (average == Average::binary && num_classes != 2)
        throw_invalid_input("binary averaging needs 2 classes, got " + std::to_string(num_classes));
    if (y_true.empty()) return {};
    ClassCounts c = count_classes(y_true, y_pred, num_classes);

    // labels=None: the classes present in y_true or y_pred, or pos_label alone.
    std::vector<int> labels;
    if (average == Average::binary) {
        labels.push_back(1);
    } else {
        for (int j = 0; j < num_classes; ++j)
            if (c.actual[static_cast<std::size_t>(j)] > 0 || c.predicted[static_cast<std::size_t>(j)] > 0)
                labels.push_back(j);
    }
    std::vector<double> tp, predicted, actual;
    for (int j : labels) {
        tp.push_back(static_cast<double>(c.tp[static_cast<std::size_t>(j)]));
        predicted.push_back(static_cast<double>(c.predicted[static_cast<std::size_t>(j)]));
        actual.push_back(static_cast<double>(c.actual[static_cast<std::size_t>(j)]));
    }
    if (average == Average::micro) {
        // Integer sums, as scikit-learn sums the int64 counts before dividing.
        std::int64_t t = 0, p = 0, a = 0;
        for (int j : labels) {
            t += c.tp[static_cast<std::size_t>(j)];
            p += c.predicted[static_cast<std::size_t>(j)];
            a += c.actual[static_cast<std::size_t>(j)];
        }
        tp = {static_cast<double>(t)};
        predicted = {static_cast<double>(p)};
        actual = {static_cast<double>(a)};
    }

    std::size_t m = tp.size();
    std::vector<double> precision(m), recall(m), f(m);
    for (std::size_t j = 0; j < m; ++j) {
        precision[j] = prf_divide(tp[j], predicted[j]);
        recall[j] = prf_divide(tp[j], actual[j]);
        double denom = precision[j] + recall[j];
        if (denom == 0.0) denom = 1.0;
        // Same order of operations as (1 + beta2) * precision * recall / denom.
        f[j] = 2.0 * precision[j] * recall[j] / denom;
    }

    Prf out;
    if (average == Average::weighted) {
        // np.average(values, weights=true_sum): sum(v * w) / sum(w). The weights
        // sum to the number of rows, which is not zero here.
        double weight_sum = pairwise_sum(actual);
        auto weighted = [&](const std::vector<double>& v) {
            std::vector<double> products(m);
            for (std::size_t j = 0; j < m; ++j) products[j] = v[j] * actual[j];
            return pairwise_sum(products) / weight_sum;
        };
        out.precision = weighted(precision);
        out.recall = weighted(recall);
        out.f1 = weighted(f);
    } else {
        out.precision = mean(precision);
        out.recall = mean(recall);
        out.f1 = mean(f);
    }
    return out;
}

// ROC AUC of one binary problem: `positive(i)` says whether row i is positive,
// `score(i)` is its score. Equals the trapezoidal area under scikit-learn's
// roc_curve: per group of tied scores, the false positives of the group times the
// true positives above it plus half the group's. Summed in integers (twice the area)
// so the one rounding is the final division.
template <class Positive, class Score>
double binary_auc(std::size_t n, Positive positive, Score score) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = 0; i < n; ++i)
        if (std::isnan(score(i))) return kNaN;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score(a) > score(b); });
    std::uint64_t pos_total = 0, neg_total = 0, twice_area = 0;
    for (std::size_t i = 0; i < n;) {
        std::uint64_t pos = 0, neg = 0;
        std::size_t j = i;
        double s = score(order[i]);
        for (; j < n && score(order[j]) == s; ++j) (positive(order[j]) ? pos : neg) += 1;
        twice_area += neg * (2 * pos_total + pos);
        pos_total += pos;
        neg_total += neg;
        i = j;
    }
    if (pos_total == 0 || neg_total == 0) return kNaN;
    return static_cast<double>(twice_area) / (2.0 * static_cast<double>(pos_total) * static_cast<double>(neg_total));
}

}  // namespace

std::vector<std::vector<std::int64_t>> ConfusionMatrix::rows() const {
    std::vector<std::vector<std::int64_t>> out;
    for (int t = 0; t < num_classes; ++t) {
        auto first = counts.begin() + static_cast<std::ptrdiff_t>(t) * num_classes;
        out.emplace_back(first, first + num_classes);
    }
    return out;
}

ConfusionMatrix confusion_matrix(std::span<const int> y_true, std::span<const int> y_pred, int num_classes) {
    check_labels(y_true, y_pred, num_classes);
    ConfusionMatrix cm;
    cm.num_classes = num_classes;
    cm.counts.assign(static_cast<std::size_t>(num_classes) * static_cast<std::size_t>(num_classes), 0);
    for (std::size_t i = 0; i < y_true.size(); ++i)
        ++cm.counts[static_cast<std::size_t>(y_true[i]) * static_cast<std::size_t>(num_classes) +
                    static_cast<std::size_t>(y_pred[i])];
    return cm;
}

Average default_average(int num_classes) { return num_classes == 2 ? Average::binary : Average::macro; }

double accuracy(std::span<const int> y_true, std::span<const int> y_pred) {
    check_same_length(y_true.size(), y_pred.size());
    if (y_true.empty()) return kNaN;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < y_true.size(); ++i) correct += y_true[i] == y_pred[i];
    return static_cast<double>(correct) / static_cast<double>(y_true.size());
}

double balanced_accuracy(std::span<const int> y_true, std::span<const int> y_pred, int num_classes) {
    check_labels(y_true, y_pred, num_classes);
    if (y_true.empty()) return kNaN;
    ClassCounts c = count_classes(y_true, y_pred, num_classes);
    std::vector<double> per_class;
    for (std::size_t j = 0; j < c.actual.size(); ++j)
        if (c.actual[j] > 0) per_class.push_back(static_cast<double>(c.tp[j]) / static_cast<double>(c.actual[j]));
    return mean(per_class);
}

double precision(std::span<const int> y_true, std::span<const int> y_pred, int num_classes, Average average) {
    return precision_recall_f1(y_true, y_pred, num_classes, average).precision;
}

double recall(std::span<const int> y_true, std::span<const int> y_pred, int num_classes, Average average) {
    return precision_recall_f1(y_true, y_pred, num_classes, average).recall;
}

double f1(std::span<const int> y_true, std::span<const int> y_pred, int num_classes, Average average) {
    return precision_recall_f1(y_true, y_pred, num_classes, average).f1;
}

double roc_auc(std::span<const int> y_true, std::span<const double> proba, int num_classes) {
    check_labels(y_true, y_true, num_classes);
    check_proba(y_true.size(), proba, num_classes);
    std::size_t n = y_true.size();
    auto k = static_cast<std::size_t>(num_classes);
    if (num_classes == 2)
        return binary_auc(n, [&](std::size_t i) { return y_true[i] == 1; }, [&](std::size_t i) { return proba[i * k + 1]; });

    std::vector<bool> present(k, false);
    for (int y : y_true) present[static_cast<std::size_t>(y)] = true;
    if (std::count(present.begin(), present.end(), true) < 2) return kNaN;
    std::vector<double> per_class;
    for (std::size_t j = 0; j < k; ++j) {
        if (!present[j]) continue;
        per_class.push_back(binary_auc(
            n, [&](std::size_t i) { return static_cast<std::size_t>(y_true[i]) == j; },
            [&](std::size_t i) { return proba[i * k + j]; }));
    }
    return mean(per_class);
}

double log_loss(std::span<const int> y_true, std::span<const double> proba, int num_classes) {
    check_labels(y_true, y_true, num_classes);
    check_proba(y_true.size(), proba, num_classes);
    if (y_true.empty()) return kNaN;
    const double eps = std::numeric_limits<double>::epsilon();
    auto k = static_cast<std::size_t>(num_classes);
    std::vector<double> row(k), losses(y_true.size());
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        for (std::size_t j = 0; j < k; ++j) {
            double p = proba[i * k + j];
            // np.clip: NaN stays NaN.
            row[j] = p < eps ? eps : (p > 1.0 - eps ? 1.0 - eps : p);
        }
        double p_true = row[static_cast<std::size_t>(y_true[i])] / pairwise_sum(row);
        losses[i] = -std::log(p_true);
    }
    return mean(losses);
}

}  // namespace hone::metrics
