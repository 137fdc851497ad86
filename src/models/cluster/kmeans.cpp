#include "models/cluster/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "common/error.hpp"
#include "models/cluster/rows.hpp"
#include "models/cluster/shared.hpp"

namespace hone::models::cluster {
namespace {

constexpr std::size_t kChunk = 4096;  // rows per partial sum: fixed, so sums do not depend on threads
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// One k-means solution: centers (k x d, row-major), each row's center, inertia.
struct Solution {
    std::vector<double> centers;
    std::vector<std::int32_t> labels;
    double inertia = std::numeric_limits<double>::infinity();
    int n_iter = 0;
};

// The sums of the rows of each cluster and their counts, per chunk, combined in
// chunk order; labels and squared distances to the nearest center on the way.
struct Assignment {
    std::vector<double> sums;    // k x d
    std::vector<double> counts;  // k
    double inertia = 0;
};

// Centers column by column, each column padded to a multiple of kLanes with
// zeros: one row's distances to every center are then independent sums over
// fixed-width groups that the compiler turns into vector operations. Each sum
// adds the same terms in the same order as squared_distance, so the results
// are equal.
constexpr std::size_t kLanes = 8;  // doubles in one AVX-512 register
struct CenterColumns {
    std::size_t k = 0, width = 0;  // width: k rounded up to kLanes
    std::vector<double> values;    // d x width
};
CenterColumns by_column(const std::vector<double>& centers, std::size_t k, std::size_t d) {
    CenterColumns t{k, (k + kLanes - 1) / kLanes * kLanes, {}};
    t.values.assign(d * t.width, 0.0);
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t j = 0; j < d; ++j) t.values[j * t.width + c] = centers[c * d + j];
    return t;
}

// Built for AVX-512 and AVX2 too, picked when the process starts; with
// -ffp-contract=off (CMakeLists) every build rounds each operation alike, so the
// distances are the same on every machine.
#define HONE_KMEANS_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

// Squared distances from rows [begin, end) of `x` to the centers into out
// ((end - begin) x centers.width; the padding lanes hold distances to zero
// rows, to be ignored). Four rows and kLanes centers at a time in local
// arrays: sixteen-odd independent sums, so no add waits on the one before.
HONE_KMEANS_CLONES
void distances_to(const Points& x, std::size_t begin, std::size_t end, const CenterColumns& centers, double* out) {
    const std::size_t d = x.cols, width = centers.width;
    const double* columns = centers.values.data();
    std::size_t i = begin;
    for (; i + 4 <= end; i += 4) {
        const double *x0 = x.row(i), *x1 = x.row(i + 1), *x2 = x.row(i + 2), *x3 = x.row(i + 3);
        for (std::size_t group = 0; group < width; group += kLanes) {
            double s0[kLanes] = {}, s1[kLanes] = {}, s2[kLanes] = {}, s3[kLanes] = {};
            for (std::size_t j = 0; j < d; ++j) {
                const double* column = columns + j * width + group;
                for (std::size_t c = 0; c < kLanes; ++c) {
                    const double d0 = x0[j] - column[c], d1 = x1[j] - column[c];
                    const double d2 = x2[j] - column[c], d3 = x3[j] - column[c];
                    s0[c] += d0 * d0;
                    s1[c] += d1 * d1;
                    s2[c] += d2 * d2;
                    s3[c] += d3 * d3;
                }
            }
            double* w = out + (i - begin) * width + group;
            std::copy(s0, s0 + kLanes, w);
            std::copy(s1, s1 + kLanes, w + width);
            std::copy(s2, s2 + kLanes, w + 2 * width);
            std::copy(s3, s3 + kLanes, w + 3 * width);
        }
    }
    for (; i < end; ++i)
        for (std::size_t c = 0; c < width; ++c) {
            double sum = 0;
            for (std::size_t j = 0; j < d; ++j) {
                const double diff = x.row(i)[j] - columns[j * width + c];
                sum += diff * diff;
            }
            out[(i - begin) * width + c] = sum;
        }
}

constexpr std::size_t kBlock = 256;  // rows whose distances are held at once

// Each row of [begin, end) to its nearest center (ties to the lower index) and
// its squared distance, through distances_to a block of rows at a time.
void nearest_rows(const Points& x, std::size_t begin, std::size_t end, const CenterColumns& centers,
                  std::int32_t* labels, double* nearest) {
    std::vector<double> work(kBlock * centers.width);
    for (std::size_t b = begin; b < end; b += kBlock) {
        const std::size_t e = std::min(end, b + kBlock);
        distances_to(x, b, e, centers, work.data());
        for (std::size_t i = b; i < e; ++i) {
            const double* w = work.data() + (i - b) * centers.width;
            const auto best = static_cast<std::size_t>(std::min_element(w, w + centers.k) - w);
            labels[i - begin] = static_cast<std::int32_t>(best);
            nearest[i - begin] = w[best];
        }
    }
}

// The chunks' partial sums, counts and inertias added in chunk order, so the
// total does not depend on how many threads made them.
Assignment combined(const std::vector<Assignment>& parts, std::size_t k, std::size_t d) {
    Assignment total{std::vector<double>(k * d, 0.0), std::vector<double>(k, 0.0), 0.0};
    for (const auto& a : parts) {
        for (std::size_t j = 0; j < k * d; ++j) total.sums[j] += a.sums[j];
        for (std::size_t j = 0; j < k; ++j) total.counts[j] += a.counts[j];
        total.inertia += a.inertia;
    }
    return total;
}

Assignment assign(const Points& x, const std::vector<double>& centers, std::size_t k, unsigned threads,
                  std::vector<std::int32_t>& labels, std::vector<double>* distances = nullptr) {
    const std::size_t d = x.cols, chunks = chunk_count(x.rows, kChunk);
    std::vector<Assignment> parts(chunks);
    const CenterColumns columns = by_column(centers, k, d);
    parallel_chunks(x.rows, kChunk, threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
        Assignment& a = parts[c];
        a.sums.assign(k * d, 0.0);
        a.counts.assign(k, 0.0);
        std::vector<double> nearest(end - begin);
        nearest_rows(x, begin, end, columns, labels.data() + begin, nearest.data());
        for (std::size_t i = begin; i < end; ++i) {
            const std::int32_t label = labels[i];
            const double dist = nearest[i - begin];
            if (distances) (*distances)[i] = dist;
            a.inertia += dist;
            a.counts[label] += 1;
            double* sum = a.sums.data() + label * d;
            for (std::size_t j = 0; j < d; ++j) sum[j] += x.row(i)[j];
        }
    });
    return combined(parts, k, d);
}

// The sums of the rows of each cluster, as labelled, and their counts.
Assignment sums_of(const Points& x, const std::vector<std::int32_t>& labels, std::size_t k, unsigned threads) {
    const std::size_t d = x.cols, chunks = chunk_count(x.rows, kChunk);
    std::vector<Assignment> parts(chunks);
    parallel_chunks(x.rows, kChunk, threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
        Assignment& a = parts[c];
        a.sums.assign(k * d, 0.0);
        a.counts.assign(k, 0.0);
        for (std::size_t i = begin; i < end; ++i) {
            a.counts[labels[i]] += 1;
            for (std::size_t j = 0; j < d; ++j) a.sums[labels[i] * d + j] += x.row(i)[j];
        }
    });
    return combined(parts, k, d);
}

// An empty cluster takes the row farthest from its own center, as scikit-learn
// relocates them (the farthest row to the first empty cluster), leaving the
// row's cluster without it; labels are not changed until the next assignment.
void relocate_empty(const Points& x, const std::vector<std::int32_t>& labels, const std::vector<double>& distances,
                    Assignment& a, std::size_t k) {
    std::vector<std::size_t> empty;
    for (std::size_t c = 0; c < k; ++c)
        if (a.counts[c] == 0) empty.push_back(c);
    if (empty.empty()) return;
    std::vector<std::size_t> order(x.rows);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(empty.size()), order.end(),
                      [&](std::size_t a_, std::size_t b_) {
                          return distances[a_] != distances[b_] ? distances[a_] > distances[b_] : a_ < b_;
                      });
    const std::size_t d = x.cols;
    for (std::size_t e = 0; e < empty.size(); ++e) {
        const std::size_t row = order[e], from = static_cast<std::size_t>(labels[row]), to = empty[e];
        for (std::size_t j = 0; j < d; ++j) {
            a.sums[from * d + j] -= x.row(row)[j];
            a.sums[to * d + j] = x.row(row)[j];
        }
        a.counts[from] -= 1;
        a.counts[to] = 1;
    }
}

// Centers from the sums; a cluster left empty keeps its center.
std::vector<double> averaged(const Assignment& a, const std::vector<double>& old, std::size_t k, std::size_t d) {
    std::vector<double> out = old;
    for (std::size_t c = 0; c < k; ++c)
        if (a.counts[c] > 0)
            for (std::size_t j = 0; j < d; ++j) out[c * d + j] = a.sums[c * d + j] / a.counts[c];
    return out;
}

// Lloyd's iterations from `centers` (scikit-learn's _kmeans_single_lloyd): stop
// when the labels repeat (strict convergence) or the centers move less than
// `tol` in total squared shift; without strict convergence the rows are
// assigned once more to the final centers, so labels and centers agree.
Solution lloyd(const Points& x, std::vector<double> centers, std::size_t k, int max_iter, double tol,
               unsigned threads, const Callbacks& callbacks) {
    const std::size_t d = x.cols;
    Solution s;
    s.labels.assign(x.rows, -1);
    std::vector<std::int32_t> previous(x.rows, -1);
    std::vector<double> distances(x.rows);
    for (int it = 0; it < max_iter; ++it) {
        check_cancelled(callbacks);
        Assignment a = assign(x, centers, k, threads, s.labels, &distances);
        relocate_empty(x, s.labels, distances, a, k);
        std::vector<double> next = averaged(a, centers, k, d);
        s.n_iter = it + 1;
        double shift = 0;
        for (std::size_t j = 0; j < k * d; ++j) shift += (next[j] - centers[j]) * (next[j] - centers[j]);
        centers = std::move(next);
        if (s.labels == previous || shift <= tol) break;
        previous = s.labels;
    }
    // Labels that repeated mean centers that did not move: assigning again to
    // the final centers changes nothing then, and is needed otherwise.
    s.inertia = assign(x, centers, k, threads, s.labels).inertia;
    s.centers = std::move(centers);
    return s;
}

// Exact distances from every row to every center (lower), each row's nearest
// (ties to the lower index) and its distance (upper): Elkan's starting bounds.
void exact_bounds(const Points& x, const std::vector<double>& centers, std::size_t k, unsigned threads,
                  std::vector<std::int32_t>& labels, std::vector<double>& upper, std::vector<double>& lower) {
    parallel_chunks(x.rows, kChunk, threads, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            double* l = lower.data() + i * k;
            for (std::size_t c = 0; c < k; ++c) l[c] = std::sqrt(squared_distance(x.row(i), centers.data() + c * x.cols, x.cols));
            labels[i] = static_cast<std::int32_t>(std::min_element(l, l + k) - l);
            upper[i] = l[labels[i]];
        }
    });
}

// Half the distance between each two centers, and each center's least such.
struct CenterGaps {
    std::vector<double> half, nearest;
};
CenterGaps center_gaps(const std::vector<double>& centers, std::size_t k, std::size_t d) {
    CenterGaps g{std::vector<double>(k * k, 0.0), std::vector<double>(k, kInfinity)};
    for (std::size_t a = 0; a < k; ++a)
        for (std::size_t b = 0; b < k; ++b) {
            if (a == b) continue;
            g.half[a * k + b] = std::sqrt(squared_distance(centers.data() + a * d, centers.data() + b * d, d)) / 2;
            g.nearest[a] = std::min(g.nearest[a], g.half[a * k + b]);
        }
    return g;
}

// One row's nearest center by Elkan's bounds: a center is measured only when
// neither the row's lower bound for it nor half the gap between the centers
// already rules it out.
void elkan_row(const Points& x, std::size_t i, const std::vector<double>& centers, std::size_t k, const CenterGaps& g,
               std::int32_t& label, double& upper, double* lower) {
    auto l = static_cast<std::size_t>(label);
    if (upper <= g.nearest[l]) return;
    bool tight = false;
    for (std::size_t c = 0; c < k; ++c) {
        if (c == l || upper <= lower[c] || upper <= g.half[l * k + c]) continue;
        if (!tight) {
            upper = lower[l] = std::sqrt(squared_distance(x.row(i), centers.data() + l * x.cols, x.cols));
            tight = true;
            if (upper <= lower[c] || upper <= g.half[l * k + c]) continue;
        }
        lower[c] = std::sqrt(squared_distance(x.row(i), centers.data() + c * x.cols, x.cols));
        if (lower[c] < upper) {
            upper = lower[c];
            l = c;
        }
    }
    label = static_cast<std::int32_t>(l);
}

// Elkan's iterations (scikit-learn's _kmeans_single_elkan): Lloyd's centers,
// with distances skipped where the triangle inequality already decides them;
// the same stopping rule and final assignment as lloyd().
Solution elkan(const Points& x, std::vector<double> centers, std::size_t k, int max_iter, double tol,
               unsigned threads, const Callbacks& callbacks) {
    const std::size_t d = x.cols;
    Solution s;
    s.labels.assign(x.rows, 0);
    std::vector<std::int32_t> previous(x.rows, -1);
    std::vector<double> upper(x.rows), lower(x.rows * k);
    exact_bounds(x, centers, k, threads, s.labels, upper, lower);
    for (int it = 0; it < max_iter; ++it) {
        check_cancelled(callbacks);
        CenterGaps gaps = center_gaps(centers, k, d);
        parallel_chunks(x.rows, kChunk, threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                elkan_row(x, i, centers, k, gaps, s.labels[i], upper[i], lower.data() + i * k);
        });
        std::vector<double> distances;  // exact, only to relocate empty clusters
        Assignment a = sums_of(x, s.labels, k, threads);
        if (std::find(a.counts.begin(), a.counts.end(), 0.0) != a.counts.end()) {
            distances.resize(x.rows);
            for (std::size_t i = 0; i < x.rows; ++i)
                distances[i] = squared_distance(x.row(i), centers.data() + s.labels[i] * d, d);
            relocate_empty(x, s.labels, distances, a, k);
        }
        std::vector<double> next = averaged(a, centers, k, d);
        s.n_iter = it + 1;
        double total = 0;
        std::vector<double> moved(k);
        for (std::size_t c = 0; c < k; ++c) {
            const double sq = squared_distance(next.data() + c * d, centers.data() + c * d, d);
            total += sq;
            moved[c] = std::sqrt(sq);
        }
        centers = std::move(next);
        for (std::size_t i = 0; i < x.rows; ++i) {
            upper[i] += moved[s.labels[i]];
            for (std::size_t c = 0; c < k; ++c) lower[i * k + c] = std::max(0.0, lower[i * k + c] - moved[c]);
        }
        if (s.labels == previous || total <= tol) break;
        previous = s.labels;
    }
    s.inertia = assign(x, centers, k, threads, s.labels).inertia;
    s.centers = std::move(centers);
    return s;
}

// Greedy k-means++ (scikit-learn's _kmeans_plusplus): each new center is the
// best, by total squared distance to the nearest center, of 2 + ln(k)
// candidates drawn with probability proportional to that distance.
// `trials` rows drawn with probability proportional to `cumulative`'s steps
// (the running total of each row's squared distance to its nearest center).
std::vector<std::size_t> draw_candidates(const std::vector<double>& cumulative, double potential, std::size_t trials,
                                         Random& rng) {
    std::vector<std::size_t> candidates(trials);
    for (auto& cand : candidates) {
        double r = rng.uniform() * potential;
        cand = static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
        cand = std::min(cand, cumulative.size() - 1);
    }
    return candidates;
}

// Into `trial` (n x trials, row-major): each row's squared distance to its
// nearest center were candidate t added. Returns each candidate's total: the
// rows of each fixed chunk added in order, then the chunks in order.
std::vector<double> candidate_potentials(const Points& x, const std::vector<double>& closest,
                                         const std::vector<std::size_t>& candidates, unsigned threads,
                                         std::vector<double>& trial) {
    const std::size_t n = x.rows, d = x.cols, trials = candidates.size();
    std::vector<double> picked;
    for (auto cand : candidates) picked.insert(picked.end(), x.row(cand), x.row(cand) + d);
    const CenterColumns columns = by_column(picked, trials, d);
    std::vector<double> partial(chunk_count(n, kChunk) * trials, 0.0);  // per chunk, per candidate
    parallel_chunks(n, kChunk, threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
        std::vector<double> work(kBlock * columns.width);
        double* sums = partial.data() + c * trials;
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t e = std::min(end, b + kBlock);
            distances_to(x, b, e, columns, work.data());
            for (std::size_t i = b; i < e; ++i)
                for (std::size_t t = 0; t < trials; ++t) {
                    trial[i * trials + t] = std::min(closest[i], work[(i - b) * columns.width + t]);
                    sums[t] += trial[i * trials + t];
                }
        }
    });
    std::vector<double> potentials(trials, 0.0);  // the chunks' sums in chunk order: the same for any threads
    for (std::size_t c = 0; c < chunk_count(n, kChunk); ++c)
        for (std::size_t t = 0; t < trials; ++t) potentials[t] += partial[c * trials + t];
    return potentials;
}

// Greedy k-means++ (scikit-learn's _kmeans_plusplus): each new center is the
// best, by total squared distance to the nearest center, of 2 + ln(k)
// candidates drawn with probability proportional to that distance.
std::vector<double> plusplus(const Points& x, std::size_t k, Random& rng, unsigned threads) {
    const std::size_t n = x.rows, d = x.cols;
    const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
    std::vector<double> centers(k * d);
    std::size_t first = rng.below(n);
    std::copy(x.row(first), x.row(first) + d, centers.begin());
    std::vector<double> closest(n);
    parallel_chunks(n, kChunk, threads, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) closest[i] = squared_distance(x.row(i), x.row(first), d);
    });
    double potential = ordered_sum(closest);
    std::vector<double> cumulative(n), trial(n * trials);
    for (std::size_t c = 1; c < k; ++c) {
        std::partial_sum(closest.begin(), closest.end(), cumulative.begin());
        const auto candidates = draw_candidates(cumulative, potential, trials, rng);
        const auto potentials = candidate_potentials(x, closest, candidates, threads, trial);
        const auto best = static_cast<std::size_t>(std::min_element(potentials.begin(), potentials.end()) -
                                                   potentials.begin());  // ties: the first drawn
        potential = potentials[best];
        parallel_chunks(n, kChunk, threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) closest[i] = trial[i * trials + best];
        });
        std::copy(x.row(candidates[best]), x.row(candidates[best]) + d, centers.begin() + static_cast<std::ptrdiff_t>(c * d));
    }
    return centers;
}

// k distinct rows drawn at random.
std::vector<double> random_rows(const Points& x, std::size_t k, Random& rng) {
    std::vector<double> centers;
    for (std::size_t r : rng.sample(x.rows, k)) centers.insert(centers.end(), x.row(r), x.row(r) + x.cols);
    return centers;
}

std::vector<double> initial_centers(const Points& x, std::size_t k, const std::string& init, Random& rng,
                                    unsigned threads) {
    return init == "random" ? random_rows(x, k, rng) : plusplus(x, k, rng, threads);
}

// scikit-learn's tolerance: tol times the mean of the features' variances.
double scaled_tol(const Points& x, double tol) {
    if (tol == 0 || x.rows == 0) return 0;
    // Row by row, every column at once: each column's sums still add its
    // values in row order, and the rows are read once from memory, not once per column.
    const auto n = static_cast<double>(x.rows);
    std::vector<double> mean(x.cols, 0.0), var(x.cols, 0.0);
    for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < x.cols; ++j) mean[j] += x.row(i)[j];
    for (double& m : mean) m /= n;
    for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < x.cols; ++j) var[j] += (x.row(i)[j] - mean[j]) * (x.row(i)[j] - mean[j]);
    double total = 0;
    for (double v : var) total += v / n;
    return total / static_cast<double>(x.cols) * tol;
}

// n_init: an integer, or 'auto' (1 run for k-means++, 10 for random, as
// scikit-learn 1.4 does).
int init_runs(const Json& p) {
    const Json& v = p.at("n_init");
    if (v.is_string()) return p.at("init").get<std::string>() == "random" ? 10 : 1;
    return v.get<int>();
}

class CentroidModel : public Clusterer {
public:
    using Clusterer::Clusterer;

    std::vector<double> predict(const data::Matrix& x) const override {
        require_fitted();
        Points p = to_points(x);
        std::vector<double> out(p.rows);
        parallel_chunks(p.rows, kChunk, config_.threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) out[i] = nearest_center(p.row(i), centers_, k_, p.cols).first;
        });
        return out;
    }

    int num_clusters() const override { return static_cast<int>(k_); }
    Json fit_summary() const override { return Json{{"inertia", inertia_}, {"n_iter", n_iter_}}; }

    Centers centers() const {
        require_fitted();
        return {k_, d_, centers_};
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        require_fitted();
        Json j = model_meta(config_, d_);
        j["centers"] = centers_;
        j["inertia"] = inertia_;
        j["n_iter"] = n_iter_;
        write_json_file(dir / kModelFile, j);
        return {kModelFile};
    }

    void load(const std::filesystem::path& dir) override {
        Json j = read_model(dir / kModelFile, config_);
        auto centers = field<std::vector<double>>(j, "centers", dir / kModelFile);
        d_ = field<std::size_t>(j, "n_features", dir / kModelFile);
        k_ = d_ ? centers.size() / d_ : 0;
        if (k_ == 0 || k_ * d_ != centers.size())
            throw Error(ErrorKind::data, "invalid_model", (dir / kModelFile).string() + ": centers do not fit the features");
        centers_ = std::move(centers);
        inertia_ = field<double>(j, "inertia", dir / kModelFile);
        n_iter_ = field<int>(j, "n_iter", dir / kModelFile);
    }

protected:
    // What every k-means fit starts from: the number of clusters, the rows
    // checked against it and centered on their column means (as
    // scikit-learn: more precise distances), and those means, which keep()
    // adds back to the centers.
    struct Rows {
        std::size_t k;
        Points x;
        std::vector<double> mean;
    };
    Rows centered_rows(const FitInput& input) const {
        const auto k = static_cast<std::size_t>(config_.params.at("n_clusters").get<int>());
        Points x = to_points(input.x_train);
        check_rows(x, k);
        std::vector<double> mean = center_columns(x);
        return {k, std::move(x), std::move(mean)};
    }

    void keep(Solution best, const Points& x, const std::vector<double>& mean) {
        k_ = best.centers.size() / x.cols;
        d_ = x.cols;
        for (std::size_t c = 0; c < k_; ++c)
            for (std::size_t j = 0; j < d_; ++j) best.centers[c * d_ + j] += mean[j];
        centers_ = std::move(best.centers);
        labels_ = std::move(best.labels);
        inertia_ = best.inertia;
        n_iter_ = best.n_iter;
    }

    void require_fitted() const {
        if (centers_.empty()) throw Error(ErrorKind::internal, "not_fitted", "k-means is used before fit or load");
    }

    std::vector<double> centers_;
    std::size_t k_ = 0, d_ = 0;
    double inertia_ = 0;
    int n_iter_ = 0;
};

// Lloyd's algorithm, or Elkan's (the same centers, fewer distances: faster
// for many clusters).
class KMeans final : public CentroidModel {
public:
    using CentroidModel::CentroidModel;

    // The n_init runs are independent: with more runs than threads each
    // thread takes whole runs (no synchronisation inside a run); otherwise
    // each run spreads its rows over the threads. Either way the result is the
    // same, since every run has its own seed drawn beforehand and its sums
    // are combined in a fixed order.
    void fit(const FitInput& input, const Callbacks& callbacks) override {
        const Json& p = config_.params;
        auto [k, x, mean] = centered_rows(input);
        Random rng(seed_of(config_));
        const double tol = scaled_tol(x, p.at("tol").get<double>());
        const int runs = init_runs(p), max_iter = p.at("max_iter").get<int>();
        std::vector<std::uint64_t> seeds(static_cast<std::size_t>(runs));
        for (auto& seed : seeds) seed = rng.below(std::numeric_limits<std::uint64_t>::max());
        const unsigned outer = std::max(1u, std::min<unsigned>(config_.threads, static_cast<unsigned>(runs)));
        const unsigned inner = std::max(1u, config_.threads / outer);
        std::vector<Solution> solutions(seeds.size());
        parallel_tasks(seeds.size(), outer, [&](std::size_t run) {
            check_cancelled(callbacks);
            Random run_rng(seeds[run]);
            auto start = initial_centers(x, k, p.at("init").get<std::string>(), run_rng, inner);
            solutions[run] = p.at("algorithm").get<std::string>() == "elkan"
                                 ? elkan(x, std::move(start), k, max_iter, tol, inner, callbacks)
                                 : lloyd(x, std::move(start), k, max_iter, tol, inner, callbacks);
        });
        Solution best;  // the lowest inertia; ties to the earlier run
        for (auto& s : solutions)
            if (s.inertia < best.inertia) best = std::move(s);
        keep(std::move(best), x, mean);
    }
};

// Mini-batch k-means (scikit-learn's MiniBatchKMeans): each step assigns a
// random batch and moves every center to the running mean of the rows it has
// been given; centers that got few rows are moved to random batch rows; stops
// after max_iter passes' worth of steps, or when the smoothed batch inertia
// has not improved for max_no_improvement steps.
class MiniBatchKMeans final : public CentroidModel {
public:
    using CentroidModel::CentroidModel;

    void fit(const FitInput& input, const Callbacks& callbacks) override {
        const Json& p = config_.params;
        auto [k, x, mean] = centered_rows(input);
        Random rng(seed_of(config_));
        const std::size_t batch = std::min<std::size_t>(x.rows, p.at("batch_size").get<std::size_t>());
        std::vector<double> centers = best_start(x, k, batch, rng, callbacks);
        std::vector<double> weights(k, 0.0);
        const std::size_t steps = std::max<std::size_t>(
            1, p.at("max_iter").get<std::size_t>() * x.rows / std::max<std::size_t>(1, batch));
        double smoothed = -1, best_smoothed = std::numeric_limits<double>::infinity();
        int no_improvement = 0, n_steps = 0;
        const int patience = p.at("max_no_improvement").is_null() ? -1 : p.at("max_no_improvement").get<int>();
        const double tol = scaled_tol(x, p.at("tol").get<double>());
        for (std::size_t step = 0; step < steps; ++step) {
            if (step % 64 == 0) check_cancelled(callbacks);
            std::vector<std::size_t> rows(batch);
            for (auto& r : rows) r = rng.below(x.rows);
            auto [batch_inertia, shift] = batch_step(x, rows, centers, weights, k, rng, step);
            n_steps = static_cast<int>(step) + 1;
            batch_inertia /= static_cast<double>(batch);
            const double alpha = std::min(1.0, static_cast<double>(batch) * 2.0 / (static_cast<double>(x.rows) + 1));
            smoothed = smoothed < 0 ? batch_inertia : smoothed * (1 - alpha) + batch_inertia * alpha;
            if (tol > 0 && shift <= tol) break;
            if (smoothed < best_smoothed) {
                best_smoothed = smoothed;
                no_improvement = 0;
            } else if (patience >= 0 && ++no_improvement >= patience) {
                break;
            }
        }
        Solution s;
        s.labels.assign(x.rows, 0);
        s.inertia = assign(x, centers, k, config_.threads, s.labels).inertia;
        s.centers = std::move(centers);
        s.n_iter = n_steps;
        keep(std::move(s), x, mean);
    }

private:
    // The best of n_init starts by inertia on one random sample of init_size
    // rows, each start drawn from its own sample of that size.
    std::vector<double> best_start(const Points& x, std::size_t k, std::size_t batch, Random& rng,
                                   const Callbacks& callbacks) {
        const Json& p = config_.params;
        std::size_t init_size = p.at("init_size").is_null() ? 3 * batch : p.at("init_size").get<std::size_t>();
        init_size = std::min(x.rows, std::max(init_size, k));
        Points check = subset(x, rng.sample(x.rows, init_size));
        const int runs = init_runs(p);
        std::vector<double> best;
        double best_inertia = std::numeric_limits<double>::infinity();
        std::vector<std::int32_t> labels(check.rows);
        for (int run = 0; run < runs; ++run) {
            check_cancelled(callbacks);
            Points sample = subset(x, rng.sample(x.rows, init_size));
            auto centers = initial_centers(sample, k, p.at("init").get<std::string>(), rng, config_.threads);
            double inertia = assign(check, centers, k, config_.threads, labels).inertia;
            if (inertia < best_inertia) {
                best_inertia = inertia;
                best = std::move(centers);
            }
        }
        return best;
    }

    // One mini-batch: running means per center, then reassignment of the centers
    // whose weight is below reassignment_ratio of the largest (every tenth
    // step). Returns the batch's inertia and the centers' total squared shift.
    std::pair<double, double> batch_step(const Points& x, const std::vector<std::size_t>& rows,
                                         std::vector<double>& centers, std::vector<double>& weights, std::size_t k,
                                         Random& rng, std::size_t step) {
        const std::size_t d = x.cols;
        Points batch = subset(x, rows);
        std::vector<std::int32_t> labels(batch.rows);
        Assignment a = assign(batch, centers, k, config_.threads, labels);
        std::vector<double> old = centers;
        for (std::size_t c = 0; c < k; ++c) {
            if (a.counts[c] == 0) continue;
            const double total = weights[c] + a.counts[c];
            for (std::size_t j = 0; j < d; ++j)
                centers[c * d + j] = (centers[c * d + j] * weights[c] + a.sums[c * d + j]) / total;
            weights[c] = total;
        }
        const double ratio = config_.params.at("reassignment_ratio").get<double>();
        if (ratio > 0 && step % 10 == 9) reassign_small(batch, centers, weights, k, ratio, rng);
        double shift = 0;
        for (std::size_t j = 0; j < k * d; ++j) shift += (centers[j] - old[j]) * (centers[j] - old[j]);
        return {a.inertia, shift};
    }

    void reassign_small(const Points& batch, std::vector<double>& centers, std::vector<double>& weights,
                        std::size_t k, double ratio, Random& rng) {
        const double top = *std::max_element(weights.begin(), weights.end());
        double least_kept = std::numeric_limits<double>::infinity();
        std::vector<std::size_t> small;
        for (std::size_t c = 0; c < k; ++c) {
            if (weights[c] < ratio * top) small.push_back(c);
            else least_kept = std::min(least_kept, weights[c]);
        }
        if (small.empty() || small.size() == k) return;
        auto picks = rng.sample(batch.rows, std::min(small.size(), batch.rows));
        for (std::size_t s = 0; s < picks.size(); ++s) {
            std::copy(batch.row(picks[s]), batch.row(picks[s]) + batch.cols,
                      centers.begin() + static_cast<std::ptrdiff_t>(small[s] * batch.cols));
            weights[small[s]] = least_kept;
        }
    }
};

}  // namespace

std::optional<Centers> kmeans_centers(const Estimator& estimator) {
    if (const auto* model = dynamic_cast<const CentroidModel*>(&estimator)) return model->centers();
    return std::nullopt;
}

std::unique_ptr<Clusterer> make_kmeans(EstimatorConfig config) { return std::make_unique<KMeans>(std::move(config)); }
std::unique_ptr<Clusterer> make_minibatch_kmeans(EstimatorConfig config) {
    return std::make_unique<MiniBatchKMeans>(std::move(config));
}

}  // namespace hone::models::cluster
