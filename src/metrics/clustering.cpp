#include "metrics/clustering.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "metrics/input.hpp"
#include "metrics/metrics.hpp"

namespace hone::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Labels renamed 0..k-1 in sorted order (np.unique's inverse), and k.
struct Encoded {
    std::vector<int> index;
    std::size_t count = 0;
};

Encoded encode(std::span<const int> labels) {
    std::vector<int> values(labels.begin(), labels.end());
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    Encoded e;
    e.count = values.size();
    e.index.reserve(labels.size());
    for (int l : labels) e.index.push_back(static_cast<int>(std::lower_bound(values.begin(), values.end(), l) - values.begin()));
    return e;
}

const double* row_of(const ClusterRows& d, std::size_t r) { return d.x.data() + r * d.cols; }

double distance(const double* a, const double* b, std::size_t cols) {
    double s = 0;
    for (std::size_t j = 0; j < cols; ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
    return std::sqrt(s);
}

// Each cluster's mean row (NumPy's mean over axis 0: rows added in order) and size.
struct Means {
    std::vector<double> values;  // k x cols
    std::vector<double> sizes;
};

Means cluster_means(const ClusterRows& d, const Encoded& e) {
    Means m{std::vector<double>(e.count * d.cols, 0.0), std::vector<double>(e.count, 0.0)};
    for (std::size_t r = 0; r < d.rows; ++r) {
        const auto c = static_cast<std::size_t>(e.index[r]);
        m.sizes[c] += 1;
        for (std::size_t j = 0; j < d.cols; ++j) m.values[c * d.cols + j] += row_of(d, r)[j];
    }
    for (std::size_t c = 0; c < e.count; ++c)
        for (std::size_t j = 0; j < d.cols; ++j) m.values[c * d.cols + j] /= m.sizes[c];
    return m;
}

bool internal_defined(const ClusterRows& d, const Encoded& e) {
    check_same_length(d.rows, d.labels.size());
    return e.count >= 2 && e.count + 1 <= d.rows;
}

// One row's silhouette: its distances summed per cluster (in row order, as
// scikit-learn's bincount), then (b - a) / max(a, b); 0 alone in its cluster.
double row_silhouette(const ClusterRows& d, const Encoded& e, const std::vector<double>& sizes, std::size_t i,
                      std::vector<double>& sums) {
    std::fill(sums.begin(), sums.end(), 0.0);
    for (std::size_t j = 0; j < d.rows; ++j) sums[e.index[j]] += distance(row_of(d, i), row_of(d, j), d.cols);
    const auto own = static_cast<std::size_t>(e.index[i]);
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < e.count; ++c)
        if (c != own) b = std::min(b, sums[c] / sizes[c]);
    if (sizes[own] < 2) return 0.0;
    const double a = sums[own] / (sizes[own] - 1);
    const double s = (b - a) / std::max(a, b);
    return std::isnan(s) ? 0.0 : s;
}

double exact_silhouette(const ClusterRows& d, unsigned threads) {
    Encoded e = encode(d.labels);
    if (!internal_defined(d, e)) return kNaN;
    std::vector<double> sizes(e.count, 0.0), scores(d.rows);
    for (int c : e.index) sizes[c] += 1;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, d.rows / 256)));
    auto work = [&](std::size_t begin, std::size_t end) {
        std::vector<double> sums(e.count);
        for (std::size_t i = begin; i < end; ++i) scores[i] = row_silhouette(d, e, sizes, i, sums);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, d.rows * t / threads, d.rows * (t + 1) / threads);
    work(0, d.rows / threads);
    for (auto& t : pool) t.join();
    return mean(scores);
}

// The rows of a seeded draw without replacement (a partial Fisher-Yates on
// mt19937_64, whose sequence the standard fixes).
std::vector<std::size_t> draw_rows(std::size_t n, std::size_t count, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t span = n - i, limit = -span % span;
        std::uint64_t r;
        do r = engine();
        while (r < limit);
        std::swap(order[i], order[i + r % span]);
    }
    order.resize(count);
    return order;
}

// Contingency counts of (true, predicted) pairs, non-zero cells in row-major
// order (as scipy's sparse matrix lists them), with the row and column sums.
struct Contingency {
    std::vector<std::size_t> row, col;
    std::vector<double> count;
    std::vector<double> row_sums, col_sums;
    double total = 0;
};

Contingency contingency(std::span<const int> labels_true, std::span<const int> labels_pred) {
    check_same_length(labels_true.size(), labels_pred.size());
    Encoded t = encode(labels_true), p = encode(labels_pred);
    std::vector<std::pair<int, int>> cells;
    cells.reserve(labels_true.size());
    for (std::size_t i = 0; i < labels_true.size(); ++i) cells.emplace_back(t.index[i], p.index[i]);
    std::sort(cells.begin(), cells.end());
    Contingency c;
    c.row_sums.assign(t.count, 0.0);
    c.col_sums.assign(p.count, 0.0);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i == 0 || cells[i] != cells[i - 1]) {
            c.row.push_back(static_cast<std::size_t>(cells[i].first));
            c.col.push_back(static_cast<std::size_t>(cells[i].second));
            c.count.push_back(0);
        }
        c.count.back() += 1;
        c.row_sums[cells[i].first] += 1;
        c.col_sums[cells[i].second] += 1;
    }
    c.total = static_cast<double>(labels_true.size());
    return c;
}

// scikit-learn's entropy of a labelling from its counts (natural log).
double entropy(const std::vector<double>& counts) {
    if (counts.size() <= 1) return 0.0;
    const double total = pairwise_sum(counts), log_total = std::log(total);
    std::vector<double> terms;
    for (double c : counts) terms.push_back((c / total) * (std::log(c) - log_total));
    return -pairwise_sum(terms);
}

double mutual_info_of(const Contingency& c) {
    if (c.row_sums.size() == 1 || c.col_sums.size() == 1) return 0.0;
    const double log_sum = std::log(c.total), log_rows = std::log(pairwise_sum(c.row_sums)),
                 log_cols = std::log(pairwise_sum(c.col_sums));
    std::vector<double> terms(c.count.size());
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const double nm = c.count[i] / c.total;
        const double outer = c.row_sums[c.row[i]] * c.col_sums[c.col[i]];
        const double log_outer = -std::log(outer) + log_rows + log_cols;
        const double mi = nm * (std::log(c.count[i]) - log_sum) + nm * log_outer;
        terms[i] = std::fabs(mi) < std::numeric_limits<double>::epsilon() ? 0.0 : mi;
    }
    return std::max(0.0, pairwise_sum(terms));
}

}  // namespace

double silhouette(const ClusterRows& data, std::size_t sample_size, std::uint64_t seed, unsigned threads) {
    if (sample_size == 0 || sample_size >= data.rows) return exact_silhouette(data, threads);
    std::vector<std::size_t> rows = draw_rows(data.rows, sample_size, seed);
    std::vector<double> x;
    std::vector<int> labels;
    x.reserve(sample_size * data.cols);
    for (auto r : rows) {
        x.insert(x.end(), row_of(data, r), row_of(data, r) + data.cols);
        labels.push_back(data.labels[r]);
    }
    return exact_silhouette(ClusterRows{x, sample_size, data.cols, labels}, threads);
}

double davies_bouldin(const ClusterRows& d) {
    Encoded e = encode(d.labels);
    if (!internal_defined(d, e)) return kNaN;
    Means m = cluster_means(d, e);
    std::vector<std::vector<double>> to_center(e.count);
    for (std::size_t r = 0; r < d.rows; ++r)
        to_center[e.index[r]].push_back(distance(row_of(d, r), m.values.data() + e.index[r] * d.cols, d.cols));
    std::vector<double> intra(e.count);
    bool all_tight = true, all_same = true;
    for (std::size_t c = 0; c < e.count; ++c) {
        intra[c] = mean(to_center[c]);
        all_tight = all_tight && std::fabs(intra[c]) <= 1e-8;  // np.allclose(x, 0)
    }
    std::vector<double> between(e.count * e.count);
    for (std::size_t a = 0; a < e.count; ++a)
        for (std::size_t b = 0; b < e.count; ++b) {
            between[a * e.count + b] = distance(m.values.data() + a * d.cols, m.values.data() + b * d.cols, d.cols);
            all_same = all_same && between[a * e.count + b] <= 1e-8;
        }
    if (all_tight || all_same) return 0.0;
    std::vector<double> worst(e.count, -std::numeric_limits<double>::infinity());
    for (std::size_t a = 0; a < e.count; ++a)
        for (std::size_t b = 0; b < e.count; ++b) {
            const double sep = between[a * e.count + b];
            worst[a] = std::max(worst[a], (intra[a] + intra[b]) / (sep == 0 ? std::numeric_limits<double>::infinity() : sep));
        }
    return mean(worst);
}

double calinski_harabasz(const ClusterRows& d) {
    Encoded e = encode(d.labels);
    if (!internal_defined(d, e)) return kNaN;
    Means m = cluster_means(d, e);
    std::vector<double> overall(d.cols, 0.0);
    for (std::size_t r = 0; r < d.rows; ++r)
        for (std::size_t j = 0; j < d.cols; ++j) overall[j] += row_of(d, r)[j];
    for (auto& v : overall) v /= static_cast<double>(d.rows);
    double extra = 0, intra = 0;
    for (std::size_t c = 0; c < e.count; ++c) {
        std::vector<double> gap(d.cols), spread;
        for (std::size_t j = 0; j < d.cols; ++j)
            gap[j] = (m.values[c * d.cols + j] - overall[j]) * (m.values[c * d.cols + j] - overall[j]);
        extra += m.sizes[c] * pairwise_sum(gap);
        for (std::size_t r = 0; r < d.rows; ++r)
            if (static_cast<std::size_t>(e.index[r]) == c)
                for (std::size_t j = 0; j < d.cols; ++j) {
                    const double diff = row_of(d, r)[j] - m.values[c * d.cols + j];
                    spread.push_back(diff * diff);
                }
        intra += pairwise_sum(spread);
    }
    if (intra == 0.0) return 1.0;
    const double k = static_cast<double>(e.count);
    return extra * (static_cast<double>(d.rows) - k) / (intra * (k - 1.0));
}

double inertia(const ClusterRows& d) {
    check_same_length(d.rows, d.labels.size());
    if (d.rows == 0) return 0.0;
    Encoded e = encode(d.labels);
    Means m = cluster_means(d, e);
    std::vector<double> terms;
    terms.reserve(d.rows * d.cols);
    for (std::size_t r = 0; r < d.rows; ++r)
        for (std::size_t j = 0; j < d.cols; ++j) {
            const double diff = row_of(d, r)[j] - m.values[e.index[r] * d.cols + j];
            terms.push_back(diff * diff);
        }
    return pairwise_sum(terms);
}

// From the pair confusion matrix, its products in exact 128-bit integers as
// scikit-learn takes them in Python's integers (int64 overflows past ~50,000 rows).
double adjusted_rand(std::span<const int> labels_true, std::span<const int> labels_pred) {
    Contingency c = contingency(labels_true, labels_pred);
    using Wide = __int128;
    Wide n = static_cast<Wide>(c.total), squares = 0, rows_dot = 0, cols_dot = 0;
    for (std::size_t i = 0; i < c.count.size(); ++i) {
        const auto v = static_cast<Wide>(c.count[i]);
        squares += v * v;
        rows_dot += v * static_cast<Wide>(c.col_sums[c.col[i]]);
        cols_dot += v * static_cast<Wide>(c.row_sums[c.row[i]]);
    }
    const Wide tp = squares - n, fp = rows_dot - squares, fn = cols_dot - squares, tn = n * n - fp - fn - squares;
    if (fn == 0 && fp == 0) return 1.0;
    return 2.0 * static_cast<double>(tp * tn - fn * fp) /
           static_cast<double>((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

double mutual_info(std::span<const int> labels_true, std::span<const int> labels_pred) {
    return mutual_info_of(contingency(labels_true, labels_pred));
}

double normalized_mutual_info(std::span<const int> labels_true, std::span<const int> labels_pred) {
    Contingency c = contingency(labels_true, labels_pred);
    const std::size_t classes = c.row_sums.size(), clusters = c.col_sums.size();
    if (classes == clusters && classes <= 1) return 1.0;
    const double mi = mutual_info_of(c);
    if (mi == 0) return 0.0;
    return mi / ((entropy(c.row_sums) + entropy(c.col_sums)) / 2);
}

VMeasure homogeneity_completeness_v(std::span<const int> labels_true, std::span<const int> labels_pred) {
    VMeasure v;
    if (labels_true.empty()) return v;
    Contingency c = contingency(labels_true, labels_pred);
    const double h_true = entropy(c.row_sums), h_pred = entropy(c.col_sums), mi = mutual_info_of(c);
    v.homogeneity = h_true != 0 ? mi / h_true : 1.0;
    v.completeness = h_pred != 0 ? mi / h_pred : 1.0;
    const double sum = v.homogeneity + v.completeness;
    v.v_measure = sum == 0.0 ? 0.0 : (1 + 1.0) * v.homogeneity * v.completeness / (1.0 * v.homogeneity + v.completeness);
    return v;
}

}  // namespace hone::metrics
