#pragma once
// Clustering metrics with scikit-learn's (1.2) definitions. Internal ones score
// rows (row-major float64, rows x cols) against their cluster labels; external
// ones compare the labels with true classes. Labels are any integers (-1, noise,
// is a label like the others here: callers leave noise out where they mean to).
//
// Agreement with scikit-learn: the external metrics, calinski_harabasz and
// inertia repeat its order of operations (NumPy's pairwise sums) and agree to a
// few ulps. silhouette and davies_bouldin compute each distance directly, where
// scikit-learn expands |x - y|^2 as x.x - 2 x.y + y.y through BLAS: they agree to
// about 1e-10 relative (the direct form is the more precise one).
//
// Undefined values are NaN, where scikit-learn raises: the internal metrics
// need 2 <= clusters <= rows - 1 (inertia: any).
#include <cstdint>
#include <span>
#include <vector>

namespace hone::metrics {

struct ClusterRows {
    std::span<const double> x;  // rows x cols, row-major
    std::size_t rows = 0, cols = 0;
    std::span<const int> labels;  // rows
};

// Mean silhouette coefficient over the rows: (b - a) / max(a, b) per row, a the
// mean distance to its own cluster's other rows, b the least mean distance to
// another cluster's rows, 0 for a row alone in its cluster. Euclidean. Exact on
// every row with sample_size 0 or >= rows; else on `sample_size` rows drawn
// without replacement from `seed` (scikit-learn's sample_size, another draw).
// Computed on up to `threads` threads (0: every core); the result does not
// depend on how many.
double silhouette(const ClusterRows& data, std::size_t sample_size = 0, std::uint64_t seed = 0,
                  unsigned threads = 0);
double davies_bouldin(const ClusterRows& data);
double calinski_harabasz(const ClusterRows& data);
// Sum of squared distances of the rows to their cluster's mean.
double inertia(const ClusterRows& data);

double adjusted_rand(std::span<const int> labels_true, std::span<const int> labels_pred);
double mutual_info(std::span<const int> labels_true, std::span<const int> labels_pred);
// Arithmetic normalisation, scikit-learn's default.
double normalized_mutual_info(std::span<const int> labels_true, std::span<const int> labels_pred);
struct VMeasure {
    double homogeneity = 1, completeness = 1, v_measure = 1;
};
VMeasure homogeneity_completeness_v(std::span<const int> labels_true, std::span<const int> labels_pred);

}  // namespace hone::metrics
