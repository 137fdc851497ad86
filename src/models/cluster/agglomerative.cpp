#include "models/cluster/agglomerative.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "common/text.hpp"
#include "models/cluster/shared.hpp"

namespace hone::models::cluster {
namespace {

constexpr const char* kChildrenFile = "children.bin";
constexpr const char* kDistancesFile = "distances.bin";
constexpr double kInf = std::numeric_limits<double>::infinity();

// One merge of the dendrogram: the two nodes (rows are 0..n-1, the merge of
// step s is node n+s) at `distance`.
struct Merge {
    std::int64_t a = 0, b = 0;
    double distance = 0;
};

double row_distance(const double* a, const double* b, std::size_t d, const std::string& metric) {
    if (metric == "euclidean") return std::sqrt(squared_distance(a, b, d));
    double s = 0;
    if (metric == "manhattan") {
        for (std::size_t j = 0; j < d; ++j) s += std::fabs(a[j] - b[j]);
        return s;
    }
    double na = 0, nb = 0;  // cosine: 1 - cos; a row of zeros (no direction) is 1 from every row
    for (std::size_t j = 0; j < d; ++j) {
        s += a[j] * b[j];
        na += a[j] * a[j];
        nb += b[j] * b[j];
    }
    return na == 0 || nb == 0 ? 1.0 : std::max(0.0, 1.0 - s / std::sqrt(na * nb));
}

// The condensed upper triangle, row-major as SciPy's pdist.
class Condensed {
public:
    Condensed(const Points& x, const std::string& metric, unsigned threads) : n_(x.rows), row_start_(x.rows) {
        // index(i, j) for i < j is row_start_[i] + j: one addition per lookup.
        for (std::size_t i = 0; i < n_; ++i) row_start_[i] = n_ * i - i * (i + 1) / 2 - i - 1;
        values_.resize(n_ * (n_ - 1) / 2);
        parallel_chunks(n_, 64, threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t j = i + 1; j < n_; ++j)
                    values_[index(i, j)] = row_distance(x.row(i), x.row(j), x.cols, metric);
        });
    }
    double& at(std::size_t i, std::size_t j) { return values_[i < j ? index(i, j) : index(j, i)]; }

private:
    std::size_t index(std::size_t i, std::size_t j) const { return row_start_[i] + j; }
    std::size_t n_;
    std::vector<std::size_t> row_start_;
    std::vector<double> values_;
};

// Lance-Williams updates: the distance from cluster i to the merge of x and y
// (nx, ny rows).
double merged_distance(bool complete, double xi, double yi, double nx, double ny) {
    return complete ? std::max(xi, yi) : (nx * xi + ny * yi) / (nx + ny);
}

// The nearest-neighbour chain: follow nearest neighbours until two clusters
// are each other's nearest (preferring the previous link on ties, so the chain
// never cycles), merge them, and go on from what is left of the chain.
std::vector<Merge> nn_chain(Condensed& dist, std::size_t n, bool complete, const Callbacks& callbacks) {
    std::vector<Merge> merges;
    std::vector<double> size(n, 1.0);
    // The clusters still there, ascending: scanning them in this order breaks
    // ties toward the lowest index, as SciPy's scan over every index does.
    std::vector<std::size_t> active(n), chain;
    std::iota(active.begin(), active.end(), 0);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (k % 256 == 0) check_cancelled(callbacks);
        if (chain.empty()) chain.push_back(active.front());
        std::size_t x = 0, y = 0;
        double best = kInf;
        for (;;) {
            x = chain.back();
            best = kInf;
            if (chain.size() > 1) {
                y = chain[chain.size() - 2];
                best = dist.at(x, y);
            }
            for (std::size_t i : active) {
                if (i == x) continue;
                const double d = dist.at(x, i);
                if (d < best) {
                    best = d;
                    y = i;
                }
            }
            if (chain.size() > 1 && y == chain[chain.size() - 2]) break;
            chain.push_back(y);
        }
        chain.resize(chain.size() - 2);
        if (x > y) std::swap(x, y);
        const double nx = size[x], ny = size[y];
        merges.push_back({static_cast<std::int64_t>(x), static_cast<std::int64_t>(y), best});
        size[x] = 0;
        size[y] = nx + ny;
        active.erase(std::lower_bound(active.begin(), active.end(), x));
        for (std::size_t i : active) {
            if (i == y) continue;
            dist.at(i, y) = merged_distance(complete, dist.at(i, x), dist.at(i, y), nx, ny);
        }
    }
    return merges;
}

// Ward's linkage by the nearest-neighbour chain on cluster centroids (as
// fastcluster's memory-saving ward): the Lance-Williams ward distance between
// clusters a and b is sqrt(2 na nb / (na + nb)) |ca - cb|, so no distance
// matrix is kept: memory grows with the rows, and each scan reads the
// centroids in order instead of a row of an n^2 matrix.
class WardClusters {
public:
    explicit WardClusters(const Points& x) : d_(x.cols), centroids_(x.values.begin(), x.values.end()), size_(x.rows, 1.0) {}
    // The squared ward distance (monotone in the distance: what the scans compare).
    double squared(std::size_t a, std::size_t b) const {
        return 2 * size_[a] * size_[b] / (size_[a] + size_[b]) *
               squared_distance(centroids_.data() + a * d_, centroids_.data() + b * d_, d_);
    }
    double size(std::size_t a) const { return size_[a]; }
    // x joins y: y becomes their union.
    void merge(std::size_t x, std::size_t y) {
        const double nx = size_[x], ny = size_[y];
        for (std::size_t j = 0; j < d_; ++j)
            centroids_[y * d_ + j] = (nx * centroids_[x * d_ + j] + ny * centroids_[y * d_ + j]) / (nx + ny);
        size_[y] = nx + ny;
        size_[x] = 0;
    }

private:
    std::size_t d_;
    std::vector<double> centroids_;
    std::vector<double> size_;
};

std::vector<Merge> ward_chain(const Points& x, const Callbacks& callbacks) {
    const std::size_t n = x.rows;
    WardClusters clusters(x);
    std::vector<Merge> merges;
    std::vector<std::size_t> active(n), chain;  // ascending, as in nn_chain
    std::iota(active.begin(), active.end(), 0);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (k % 256 == 0) check_cancelled(callbacks);
        if (chain.empty()) chain.push_back(active.front());
        std::size_t a = 0, b = 0;
        double best = kInf;
        for (;;) {
            a = chain.back();
            best = kInf;
            if (chain.size() > 1) {
                b = chain[chain.size() - 2];
                best = clusters.squared(a, b);
            }
            for (std::size_t i : active) {
                if (i == a) continue;
                const double d = clusters.squared(a, i);
                if (d < best) {
                    best = d;
                    b = i;
                }
            }
            if (chain.size() > 1 && b == chain[chain.size() - 2]) break;
            chain.push_back(b);
        }
        chain.resize(chain.size() - 2);
        if (a > b) std::swap(a, b);
        merges.push_back({static_cast<std::int64_t>(a), static_cast<std::int64_t>(b), std::sqrt(best)});
        clusters.merge(a, b);
        active.erase(std::lower_bound(active.begin(), active.end(), a));
    }
    return merges;
}

// Prim's minimum spanning tree, distances computed as needed (SciPy's
// mst_single_linkage, without the matrix).
std::vector<Merge> minimum_spanning_tree(const Points& x, const std::string& metric, const Callbacks& callbacks) {
    const std::size_t n = x.rows;
    std::vector<Merge> merges;
    std::vector<char> merged(n, 0);
    std::vector<double> nearest(n, kInf);
    std::size_t current = 0;
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (k % 256 == 0) check_cancelled(callbacks);
        merged[current] = 1;
        std::size_t next = 0;
        double best = kInf;
        for (std::size_t i = 0; i < n; ++i) {
            if (merged[i]) continue;
            nearest[i] = std::min(nearest[i], row_distance(x.row(current), x.row(i), x.cols, metric));
            if (nearest[i] < best) {
                best = nearest[i];
                next = i;
            }
        }
        merges.push_back({static_cast<std::int64_t>(current), static_cast<std::int64_t>(next), best});
        current = next;
    }
    return merges;
}

// Sorts the merges by distance (stably) and renames their nodes so that each
// merge names the nodes made before it: the dendrogram as scikit-learn's
// children_ and distances_. SciPy's label() writes each pair smaller node
// first (`ordered`); scikit-learn's single linkage keeps the spanning tree's
// edge order.
void relabel(std::vector<Merge>& merges, std::size_t n, bool ordered) {
    std::stable_sort(merges.begin(), merges.end(),
                     [](const Merge& a, const Merge& b) { return a.distance < b.distance; });
    std::vector<std::int64_t> parent(2 * n - 1);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](std::int64_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    };
    for (std::size_t s = 0; s < merges.size(); ++s) {
        std::int64_t a = find(merges[s].a), b = find(merges[s].b), node = static_cast<std::int64_t>(n + s);
        merges[s].a = ordered ? std::min(a, b) : a;
        merges[s].b = ordered ? std::max(a, b) : b;
        parent[a] = parent[b] = node;
    }
}

// The clusters after all but the last `clusters - 1` merges, numbered by their
// first row.
std::vector<std::int32_t> cut(const std::vector<Merge>& merges, std::size_t n, std::size_t clusters) {
    std::vector<std::int64_t> parent(2 * n - 1);
    std::iota(parent.begin(), parent.end(), 0);
    for (std::size_t s = 0; s + clusters < n; ++s)
        parent[merges[s].a] = parent[merges[s].b] = static_cast<std::int64_t>(n + s);
    auto find = [&](std::int64_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    };
    std::vector<std::int32_t> labels(n), number(2 * n - 1, -1);
    std::int32_t next = 0;
    for (std::size_t i = 0; i < n; ++i) {
        auto root = find(static_cast<std::int64_t>(i));
        if (number[root] < 0) number[root] = next++;
        labels[i] = number[root];
    }
    return labels;
}

class Agglomerative final : public Clusterer {
public:
    using Clusterer::Clusterer;

    void fit(const FitInput& input, const Callbacks& callbacks) override {
        const Json& p = config_.params;
        const std::string linkage = p.at("linkage").get<std::string>(), metric = p.at("metric").get<std::string>();
        Points x = to_points(input.x_train);
        check_rows(x, p.at("n_clusters").is_null() ? 1 : p.at("n_clusters").get<std::size_t>());
        if (x.rows < 2) throw Error(ErrorKind::data, "too_few_rows", "agglomerative clustering needs at least 2 rows");
        if (linkage == "single") {
            merges_ = minimum_spanning_tree(x, metric, callbacks);
        } else if (linkage == "ward") {
            merges_ = ward_chain(x, callbacks);
        } else {
            check_memory(x.rows, linkage);
            Condensed dist(x, metric, config_.threads);
            merges_ = nn_chain(dist, x.rows, linkage == "complete", callbacks);
        }
        relabel(merges_, x.rows, linkage != "single");
        rows_ = x.rows;
        clusters_ = cluster_count(p);
        labels_ = cut(merges_, rows_, clusters_);
        keep_centers(x);
    }

    std::vector<double> predict(const data::Matrix& input) const override {
        if (centers_.empty()) throw Error(ErrorKind::internal, "not_fitted", "agglomerative is used before fit or load");
        Points x = to_points(input);
        std::vector<double> out(x.rows);
        parallel_chunks(x.rows, 4096, config_.threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) out[i] = nearest_center(x.row(i), centers_, clusters_, x.cols).first;
        });
        return out;
    }

    int num_clusters() const override { return static_cast<int>(clusters_); }
    Json fit_summary() const override {
        return Json{{"merges", merges_.size()}, {"cut_distance", cut_distance()}};
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        if (centers_.empty()) throw Error(ErrorKind::internal, "not_fitted", "agglomerative is saved before fit");
        Json j = model_meta(config_, centers_.size() / clusters_);
        j["n_clusters"] = clusters_;
        j["n_leaves"] = rows_;
        j["centers"] = centers_;
        write_json_file(dir / kModelFile, j);
        std::vector<std::int32_t> children;
        std::vector<double> distances;
        for (const auto& m : merges_) {
            children.push_back(static_cast<std::int32_t>(m.a));
            children.push_back(static_cast<std::int32_t>(m.b));
            distances.push_back(m.distance);
        }
        write_array(dir / kChildrenFile, children);
        write_array(dir / kDistancesFile, distances);
        return {kModelFile, kChildrenFile, kDistancesFile};
    }

    void load(const std::filesystem::path& dir) override {
        const auto path = dir / kModelFile;
        Json j = read_model(path, config_);
        const auto d = field<std::size_t>(j, "n_features", path);
        clusters_ = field<std::size_t>(j, "n_clusters", path);
        rows_ = field<std::size_t>(j, "n_leaves", path);
        centers_ = field<std::vector<double>>(j, "centers", path);
        auto children = read_ints(dir / kChildrenFile);
        auto distances = read_doubles(dir / kDistancesFile);
        if (clusters_ == 0 || centers_.size() != clusters_ * d || distances.size() + 1 != rows_ ||
            children.size() != 2 * distances.size())
            throw Error(ErrorKind::data, "invalid_model", path.string() + ": the dendrogram does not match its sizes");
        merges_.clear();
        for (std::size_t s = 0; s < distances.size(); ++s) merges_.push_back({children[2 * s], children[2 * s + 1], distances[s]});
    }

private:
    // n_clusters, or with distance_threshold one more than the merges at or
    // above it (scikit-learn's rule).
    std::size_t cluster_count(const Json& p) const {
        if (!p.at("n_clusters").is_null()) return p.at("n_clusters").get<std::size_t>();
        const double threshold = p.at("distance_threshold").get<double>();
        std::size_t above = 0;
        for (const auto& m : merges_) above += m.distance >= threshold;
        return above + 1;
    }

    // The distance of the first merge the cut leaves out (null: none).
    Json cut_distance() const {
        if (clusters_ < 2 || clusters_ > rows_) return nullptr;
        return merges_[rows_ - clusters_].distance;
    }

    void keep_centers(const Points& x) {
        centers_.assign(clusters_ * x.cols, 0.0);
        std::vector<double> counts(clusters_, 0.0);
        for (std::size_t i = 0; i < x.rows; ++i) {
            counts[static_cast<std::size_t>(labels_[i])] += 1;
            for (std::size_t j = 0; j < x.cols; ++j) centers_[static_cast<std::size_t>(labels_[i]) * x.cols + j] += x.row(i)[j];
        }
        for (std::size_t c = 0; c < clusters_; ++c)
            for (std::size_t j = 0; j < x.cols; ++j) centers_[c * x.cols + j] /= counts[c];
    }

    static void check_memory(std::size_t rows, const std::string& linkage) {
        const double bytes = static_cast<double>(rows) * static_cast<double>(rows - 1) / 2 * sizeof(double);
        if (bytes > kMaxDistanceBytes)
            throw Error(ErrorKind::data, "too_many_rows",
                        linkage + " linkage keeps every pairwise distance: " + std::to_string(rows) + " rows need " +
                            format_double(std::round(bytes / 1e9)) + " GB",
                        {}, "use linkage ward or single (their memory grows with the rows), or kmeans / minibatch_kmeans");
    }

    std::vector<Merge> merges_;
    std::size_t rows_ = 0, clusters_ = 0;
    std::vector<double> centers_;  // clusters x features
};

}  // namespace

std::unique_ptr<Clusterer> make_agglomerative(EstimatorConfig config) {
    return std::make_unique<Agglomerative>(std::move(config));
}

}  // namespace hone::models::cluster
