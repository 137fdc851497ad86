#pragma once
// Recommenders: models that score items for users, trained on indexed
// interactions (data/interactions.hpp) rather than on a feature matrix. The
// popularity baseline lives here; NCF and GMF in the libtorch backend
// (torch/ncf.cpp), loaded like the MLP.
//
// Users and items are the dense indices of data::Interactions; the registry
// entry keeps the id tables that map them back to the user's own ids.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "data/interactions.hpp"
#include "models/estimator.hpp"

namespace hone::models {

// The sampled leave-one-out protocol (the NCF paper's): each evaluated user's
// held-out item is ranked among that user's sampled negatives.
struct SampledEvaluation {
    const std::vector<std::int32_t>* held_out = nullptr;                // per user; -1: not evaluated
    const std::vector<std::vector<std::int32_t>>* negatives = nullptr;  // per user, as evaluation_negatives draws them
    std::vector<int> ks = {10};
    std::int64_t num_items = 0;
};

struct RecommenderFitInput {
    const data::Interactions& train;  // the positives
    const data::UserItems& seen;      // what negatives are drawn outside of: user_items(train)
    // Per-epoch validation of models that train by epochs: its hr@K and ndcg@K
    // are reported as val_hr@K and val_ndcg@K each round. May be absent.
    const SampledEvaluation* validation = nullptr;
};

class Recommender {
public:
    explicit Recommender(EstimatorConfig config) : config_(std::move(config)) {}
    virtual ~Recommender() = default;
    Recommender(const Recommender&) = delete;
    Recommender& operator=(const Recommender&) = delete;

    // Fits from scratch. Throws hone::Error(cancelled) when callbacks.cancelled()
    // turns true.
    virtual void fit(const RecommenderFitInput& input, const Callbacks& callbacks) = 0;

    // Scores of `items` for `user`, higher for items the user more likely wants;
    // `out` has items.size() entries. `user` and `items` are indices the fit saw.
    // Safe to call from several threads at once.
    virtual void score(std::int32_t user, std::span<const std::int32_t> items, std::span<float> out) const = 0;

    // Scores of every item 0 .. out.size() - 1 for `user`, as score() gives
    // them for those items (to float rounding: a model may add the same terms
    // in another order); out.size() is at most the number of items the fit
    // saw. What serving asks for: models whose scoring has work that does not
    // depend on the user do it once, not at every call. Runs on the calling
    // thread alone. The default calls score() with every item.
    virtual void score_all(std::int32_t user, std::span<float> out) const;

    // Writes the model's own files into `dir` (which exists) and names them,
    // as Estimator::save does; load reads them back.
    virtual std::vector<std::string> save(const std::filesystem::path& dir) const = 0;
    virtual void load(const std::filesystem::path& dir) = 0;

    virtual bool iterative() const { return false; }
    // The epoch whose weights the model kept (0-based), or -1 when not iterative.
    virtual int best_round() const { return -1; }

    const EstimatorConfig& config() const { return config_; }

protected:
    EstimatorConfig config_;
};

// The metrics of the sampled protocol: hr@K, ndcg@K, ... as metrics/ranking.hpp
// defines them, each user's held-out item ranked among its negatives by
// `recommender`'s scores. Equal scores rank the held-out item below the
// negatives, so a model that scores everything alike gets no credit.
std::vector<std::pair<std::string, double>> sampled_ranking_metrics(const Recommender& recommender,
                                                                    const SampledEvaluation& evaluation);

// The metrics of the full-ranking protocol: each evaluated user's held-out item
// (held_out[u] >= 0) ranked among every item of [0, num_items) the user has not
// interacted with. `seen` holds every interaction, the held-out ones included.
// Equal scores rank the held-out item below the others, as above. Scores every
// item for every evaluated user: users x items calls' worth of work.
std::vector<std::pair<std::string, double>> full_ranking_metrics(const Recommender& recommender,
                                                                 const std::vector<std::int32_t>& held_out,
                                                                 const data::UserItems& seen, std::vector<int> ks,
                                                                 std::int64_t num_items);

// The popularity baseline: an item's score is its number of training
// interactions, the same for every user.
std::unique_ptr<Recommender> make_popularity(EstimatorConfig config);

}  // namespace hone::models
