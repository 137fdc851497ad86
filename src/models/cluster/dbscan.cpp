#include "models/cluster/dbscan.hpp"

#include <atomic>
#include <cmath>
#include <limits>

#include <nanoflann.hpp>

#include "models/cluster/shared.hpp"

namespace hone::models::cluster {
namespace {

constexpr std::size_t kChunk = 1024;
constexpr const char* kCoreFile = "core_points.bin";
constexpr const char* kCoreLabelFile = "core_labels.bin";

// nanoflann reads rows through this.
struct PointsSource {
    const Points* points = nullptr;
    std::size_t kdtree_get_point_count() const { return points->rows; }
    double kdtree_get_pt(std::size_t i, std::size_t dim) const { return points->row(i)[dim]; }
    template <class Box>
    bool kdtree_get_bbox(Box&) const { return false; }
};

// Every row within `radius` of the query, handed to `fn` until it answers
// false (the search stops there). nanoflann keeps points strictly closer than
// worstDist(); scikit-learn counts those at exactly eps too, hence the next
// representable distance.
template <typename Fn>
struct WithinRadius {
    double radius;
    Fn fn;
    bool full() const { return true; }
    double worstDist() const { return std::nextafter(radius, std::numeric_limits<double>::infinity()); }
    bool addPoint(double, std::uint32_t index) { return fn(index); }
};

// The neighbour search of one metric: euclidean and cosine on squared L2 (cosine
// on rows scaled to unit length, where the squared distance is twice the cosine
// distance), manhattan on L1.
class Neighbours {
public:
    Neighbours(const Points& points, const std::string& metric, double eps)
        : source_{&points}, l1_(metric == "manhattan") {
        radius_ = metric == "euclidean" ? eps * eps : metric == "cosine" ? 2 * eps : eps;
        const auto dims = static_cast<int>(points.cols);
        nanoflann::KDTreeSingleIndexAdaptorParams params(16);
        if (l1_) l1_tree_ = std::make_unique<L1Tree>(dims, source_, params);
        else l2_tree_ = std::make_unique<L2Tree>(dims, source_, params);
    }

    template <typename Fn>
    void each_within(const double* query, Fn&& fn) const {
        WithinRadius<Fn&> result{radius_, fn};
        if (l1_) l1_tree_->findNeighbors(result, query, nanoflann::SearchParams(32, 0, false));
        else l2_tree_->findNeighbors(result, query, nanoflann::SearchParams(32, 0, false));
    }

    // The nearest row within the radius, or -1.
    std::int64_t nearest_within(const double* query) const {
        std::uint32_t index = 0;
        double dist = 0;
        nanoflann::KNNResultSet<double, std::uint32_t> result(1);
        result.init(&index, &dist);
        if (l1_) l1_tree_->findNeighbors(result, query, nanoflann::SearchParams());
        else l2_tree_->findNeighbors(result, query, nanoflann::SearchParams());
        return result.size() == 1 && dist <= radius_ ? static_cast<std::int64_t>(index) : -1;
    }

private:
    using L2Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, PointsSource>,
                                                       PointsSource, -1, std::uint32_t>;
    using L1Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L1_Adaptor<double, PointsSource>, PointsSource, -1,
                                                       std::uint32_t>;
    PointsSource source_;
    bool l1_ = false;
    double radius_ = 0;
    std::unique_ptr<L2Tree> l2_tree_;
    std::unique_ptr<L1Tree> l1_tree_;
};

// Rows scaled to unit length for the cosine metric (a row of zeros stays zero).
void normalize_rows(Points& x) {
    for (std::size_t i = 0; i < x.rows; ++i) {
        double norm = 0;
        for (std::size_t j = 0; j < x.cols; ++j) norm += x.row(i)[j] * x.row(i)[j];
        norm = std::sqrt(norm);
        if (norm > 0)
            for (std::size_t j = 0; j < x.cols; ++j) x.row(i)[j] /= norm;
    }
}

// Union-find over core rows, safe from several threads: a root is always linked
// under a smaller one, so each component's root is its lowest row.
class Components {
public:
    explicit Components(std::size_t n) : parent_(n) {
        for (std::size_t i = 0; i < n; ++i) parent_[i].store(static_cast<std::uint32_t>(i), std::memory_order_relaxed);
    }
    std::uint32_t find(std::uint32_t x) const {
        for (std::uint32_t p; (p = parent_[x].load(std::memory_order_acquire)) != x;) x = p;
        return x;
    }
    void unite(std::uint32_t a, std::uint32_t b) {
        for (;;) {
            a = find(a);
            b = find(b);
            if (a == b) return;
            if (a < b) std::swap(a, b);
            std::uint32_t expected = a;
            if (parent_[a].compare_exchange_weak(expected, b, std::memory_order_acq_rel)) return;
        }
    }

private:
    std::vector<std::atomic<std::uint32_t>> parent_;
};

class Dbscan final : public Clusterer {
public:
    using Clusterer::Clusterer;

    void fit(const FitInput& input, const Callbacks& callbacks) override {
        const Json& p = config_.params;
        metric_ = p.at("metric").get<std::string>();
        eps_ = p.at("eps").get<double>();
        const auto min_samples = p.at("min_samples").get<std::size_t>();
        Points x = to_points(input.x_train);
        check_rows(x, 1);
        if (x.rows > std::numeric_limits<std::uint32_t>::max())
            throw Error(ErrorKind::data, "too_many_rows", "DBSCAN takes at most 4294967295 rows");
        if (metric_ == "cosine") normalize_rows(x);
        Neighbours search(x, metric_, eps_);
        std::vector<char> core = core_rows(x, search, min_samples, callbacks);
        Components parts(x.rows);
        join_cores(x, search, core, parts, callbacks);
        label_rows(x, search, core, parts);
        keep_cores(std::move(x), core);
    }

    std::vector<double> predict(const data::Matrix& input) const override {
        if (!search_) throw Error(ErrorKind::internal, "not_fitted", "dbscan is used before fit or load");
        Points x = to_points(input);
        if (metric_ == "cosine") normalize_rows(x);
        std::vector<double> out(x.rows, -1.0);
        parallel_chunks(x.rows, kChunk, config_.threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                auto nearest = search_->nearest_within(x.row(i));
                if (nearest >= 0) out[i] = core_labels_[static_cast<std::size_t>(nearest)];
            }
        });
        return out;
    }

    int num_clusters() const override { return clusters_; }
    Json fit_summary() const override { return Json{{"core_samples", core_.rows}}; }

    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        if (!search_) throw Error(ErrorKind::internal, "not_fitted", "dbscan is saved before fit");
        Json j = model_meta(config_, core_.cols);
        j["n_clusters"] = clusters_;
        j["core_samples"] = core_.rows;
        write_json_file(dir / kModelFile, j);
        write_array(dir / kCoreFile, core_.values);
        write_array(dir / kCoreLabelFile, core_labels_);
        return {kModelFile, kCoreFile, kCoreLabelFile};
    }

    void load(const std::filesystem::path& dir) override {
        const auto path = dir / kModelFile;
        Json j = read_model(path, config_);
        core_.cols = field<std::size_t>(j, "n_features", path);
        core_.rows = field<std::size_t>(j, "core_samples", path);
        clusters_ = field<int>(j, "n_clusters", path);
        {
            const auto core = read_doubles(dir / kCoreFile);
            core_.values.assign(core.begin(), core.end());
        }
        core_labels_ = read_ints(dir / kCoreLabelFile);
        if (core_.values.size() != core_.rows * core_.cols || core_labels_.size() != core_.rows)
            throw Error(ErrorKind::data, "invalid_model", path.string() + ": the core rows do not match their count");
        metric_ = config_.params.at("metric").get<std::string>();
        eps_ = config_.params.at("eps").get<double>();
        search_ = std::make_unique<Neighbours>(core_, metric_, eps_);
    }

private:
    // Pass 1: a row is core when at least min_samples rows (itself included)
    // lie within eps; the search stops at the min_samples-th, so dense
    // neighbourhoods cost no more than sparse ones.
    std::vector<char> core_rows(const Points& x, const Neighbours& search, std::size_t min_samples,
                                const Callbacks& callbacks) const {
        std::vector<char> core(x.rows, 0);
        parallel_chunks(x.rows, kChunk, config_.threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            check_cancelled(callbacks);
            for (std::size_t i = begin; i < end; ++i) {
                std::size_t count = 0;
                search.each_within(x.row(i), [&](std::uint32_t) { return ++count < min_samples; });
                core[i] = count >= min_samples;
            }
        });
        return core;
    }

    // Pass 2: core rows within eps of each other are one cluster.
    void join_cores(const Points& x, const Neighbours& search, const std::vector<char>& core, Components& parts,
                    const Callbacks& callbacks) const {
        parallel_chunks(x.rows, kChunk, config_.threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            check_cancelled(callbacks);
            for (std::size_t i = begin; i < end; ++i) {
                if (!core[i]) continue;
                const auto self = static_cast<std::uint32_t>(i);
                search.each_within(x.row(i), [&](std::uint32_t j) {
                    if (j < self && core[j]) parts.unite(self, j);
                    return true;
                });
            }
        });
    }

    // Pass 3: clusters numbered in the order of their lowest core row (as
    // scikit-learn meets them); a border row joins the lowest-numbered cluster
    // among its core neighbours (the first to reach it there); the rest is noise.
    void label_rows(const Points& x, const Neighbours& search, const std::vector<char>& core, const Components& parts) {
        labels_.assign(x.rows, -1);
        clusters_ = 0;
        for (std::size_t i = 0; i < x.rows; ++i) {
            if (!core[i]) continue;
            const std::uint32_t root = parts.find(static_cast<std::uint32_t>(i));
            labels_[i] = root == i ? clusters_++ : labels_[root];
        }
        parallel_chunks(x.rows, kChunk, config_.threads, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                if (core[i]) continue;
                std::int32_t best = -1;
                search.each_within(x.row(i), [&](std::uint32_t j) {
                    if (core[j] && (best < 0 || labels_[j] < best)) best = labels_[j];
                    return best != 0;  // no cluster comes before the first
                });
                labels_[i] = best;
            }
        });
    }

    void keep_cores(Points x, const std::vector<char>& core) {
        std::vector<std::size_t> rows;
        for (std::size_t i = 0; i < x.rows; ++i)
            if (core[i]) rows.push_back(i);
        core_ = subset(x, rows);
        core_labels_.clear();
        for (auto r : rows) core_labels_.push_back(labels_[r]);
        search_ = std::make_unique<Neighbours>(core_, metric_, eps_);
    }

    std::string metric_;
    double eps_ = 0;
    int clusters_ = 0;
    Points core_;  // in the metric's space (unit rows for cosine)
    std::vector<std::int32_t> core_labels_;
    std::unique_ptr<Neighbours> search_;  // over core_
};

}  // namespace

std::unique_ptr<Clusterer> make_dbscan(EstimatorConfig config) { return std::make_unique<Dbscan>(std::move(config)); }

}  // namespace hone::models::cluster
