#include "tune/sampler.hpp"

#include <functional>
#include <algorithm>
#include <limits>
#include <set>

#include "common/registry.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "tune/rng.hpp"
#include "tune/tpe.hpp"

namespace hone::tune {

namespace {

constexpr std::size_t kSaturated = std::numeric_limits<std::size_t>::max();
// Grids up to this size that are sampled get one seeded shuffle of every index; larger
// ones draw random points (each coordinate uniform) and skip repeats.
constexpr std::size_t kShuffleLimit = 1 << 16;
// Streams for the grid's own random order, apart from the per-trial streams.
constexpr std::uint64_t kGridStream = 0xC0FFEE0000000001ULL;

std::string count_text(std::size_t n) {
    return n == kSaturated ? std::string("more than 10^19") : std::to_string(n);
}

class RandomSampler : public Sampler {
public:
    RandomSampler(const SearchSpace& space, const SamplerOptions& options) : space_(space), options_(options) {}

    Json suggest(const std::vector<TrialRecord>&, int number) override {
        Rng rng(options_.seed, static_cast<std::uint64_t>(static_cast<std::int64_t>(number)));
        return random_params(space_, rng);
    }

    std::vector<std::string> notes() const override {
        return {"random: each dimension uniform (log-uniform under log), seeded by the study seed and trial number"};
    }

private:
    SearchSpace space_;
    SamplerOptions options_;
};

class GridSampler : public Sampler {
public:
    GridSampler(const SearchSpace& space, const SamplerOptions& options)
        : space_(space), options_(options), stream_rng_(options.seed, kGridStream) {
        total_ = space_.grid_size(options_.grid_points);
        for (std::size_t i = 0; i < space_.dims().size(); ++i) sizes_.push_back(space_.axis_size(i, options_.grid_points));
        const std::size_t max_trials = static_cast<std::size_t>(std::max(options_.max_trials, 0));
        sampled_ = total_ > max_trials;
        if (sampled_ && total_ <= kShuffleLimit) {
            order_.resize(total_);
            for (std::size_t i = 0; i < total_; ++i) order_[i] = i;
            Rng rng(options_.seed, kGridStream);
            for (std::size_t i = total_; i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
        }
    }

    Json suggest(const std::vector<TrialRecord>& trials, int) override {
        std::set<std::vector<std::size_t>> visited;
        for (const auto& t : trials) {
            auto c = coords_of(t.params);
            if (!c.empty() || space_.dims().empty()) visited.insert(std::move(c));
        }
        if (visited.size() >= total_)
            throw Error(ErrorKind::conflict, "grid_exhausted",
                        "every point of the grid has been tried (" + count_text(total_) + " points)", {},
                        "the study is complete; add points (more values, grid_points, smaller steps) to search further");
        for (std::size_t pos = 0;; ++pos) {
            std::vector<std::size_t> c = point_at(pos);
            if (!visited.count(c)) return decode(c);
        }
    }

    std::vector<std::string> notes() const override {
        std::string head = "the grid has " + count_text(total_) + (total_ == 1 ? " point" : " points");
        if (sampled_)
            return {head + "; " + std::to_string(options_.max_trials) + " are sampled without repetition"};
        std::string note = head + "; all are tried in order";
        if (total_ < static_cast<std::size_t>(std::max(options_.max_trials, 0)))
            note += " (the study ends after " + std::to_string(total_) + " trials, below max_trials " +
                    std::to_string(options_.max_trials) + ")";
        return {note};
    }

    std::optional<std::size_t> capacity() const override { return total_; }

private:
    // Coordinates of the pos-th point in the sampler's order.
    std::vector<std::size_t> point_at(std::size_t pos) {
        if (!sampled_) return unflatten(pos);
        if (!order_.empty()) return unflatten(order_[pos]);
        while (stream_.size() <= pos) {
            std::vector<std::size_t> c(sizes_.size());
            for (std::size_t i = 0; i < sizes_.size(); ++i) c[i] = stream_rng_.below(sizes_[i]);
            if (stream_seen_.insert(c).second) stream_.push_back(std::move(c));
        }
        return stream_[pos];
    }

    std::vector<std::size_t> unflatten(std::size_t index) const {
        std::vector<std::size_t> c(sizes_.size());
        for (std::size_t i = sizes_.size(); i-- > 0;) {  // last dimension fastest, as grid()
            c[i] = index % sizes_[i];
            index /= sizes_[i];
        }
        return c;
    }

    Json decode(const std::vector<std::size_t>& c) const {
        Json out = Json::object();
        for (std::size_t i = 0; i < c.size(); ++i)
            out[space_.dims()[i].name] = space_.axis_value(i, c[i], options_.grid_points);
        return out;
    }

    // A trial's grid coordinates, or empty when its params are not a grid point.
    std::vector<std::size_t> coords_of(const Json& params) const {
        if (!params.is_object()) return {};
        std::vector<std::size_t> c(sizes_.size());
        for (std::size_t i = 0; i < sizes_.size(); ++i) {
            auto it = params.find(space_.dims()[i].name);
            if (it == params.end()) return {};
            std::int64_t k = space_.axis_index(i, *it, options_.grid_points);
            if (k < 0) return {};
            c[i] = static_cast<std::size_t>(k);
        }
        return c;
    }

    SearchSpace space_;
    SamplerOptions options_;
    std::size_t total_ = 0;
    std::vector<std::size_t> sizes_;
    bool sampled_ = false;
    std::vector<std::size_t> order_;
    // The huge-grid order, drawn lazily but always from the same seeded stream.
    Rng stream_rng_;
    std::vector<std::vector<std::size_t>> stream_;
    std::set<std::vector<std::size_t>> stream_seen_;
};

void check_options(const SamplerOptions& o) {
    auto bad = [](const std::string& what) { throw Error(ErrorKind::validation, "invalid_sampler_options", what); };
    if (o.grid_points < 1) bad("grid_points must be at least 1, found " + std::to_string(o.grid_points));
    if (o.max_trials < 0) bad("max_trials must not be negative, found " + std::to_string(o.max_trials));
    if (o.n_startup_trials < 0) bad("n_startup_trials must not be negative, found " + std::to_string(o.n_startup_trials));
    if (o.n_ei_candidates < 1) bad("n_ei_candidates must be at least 1, found " + std::to_string(o.n_ei_candidates));
}

}  // namespace

namespace {

using SamplerFactory = std::function<std::unique_ptr<Sampler>(const SearchSpace&, const SamplerOptions&)>;

const Registry<Registered<SamplerFactory>>& samplers() {
    static const Registry<Registered<SamplerFactory>> registry(
        "sampler", "unknown_sampler",
        {{"grid", {}, "every point of the search space's grid, in a fixed order",
          [](const SearchSpace& s, const SamplerOptions& o) { return std::make_unique<GridSampler>(s, o); }},
         {"random", {}, "independent uniform (or log-uniform) draws, seeded",
          [](const SearchSpace& s, const SamplerOptions& o) { return std::make_unique<RandomSampler>(s, o); }},
         {"bayesian", {}, "the tree-structured Parzen estimator (TPE), as Optuna's TPESampler", make_tpe_sampler},
         {"tpe", {}, "the same as bayesian, by its algorithm's name", make_tpe_sampler}});
    return registry;
}

}  // namespace

const std::vector<std::string>& sampler_names() {
    static const std::vector<std::string> names = samplers().names();
    return names;
}

std::string check_sampler_name(const std::string& name) { return samplers().find(name).name; }

std::unique_ptr<Sampler> make_sampler(const std::string& name, const SearchSpace& space, const SamplerOptions& options) {
    const auto& entry = samplers().find(name);
    check_options(options);
    return entry.make(space, options);
}

}  // namespace hone::tune
