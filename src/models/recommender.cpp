#include "models/recommender.hpp"

#include <algorithm>


#include "common/error.hpp"
#include "common/file.hpp"
#include "metrics/ranking.hpp"

namespace hone::models {

void Recommender::score_all(std::int32_t user, std::span<float> out) const {
    std::vector<std::int32_t> items(out.size());
    for (std::size_t i = 0; i < items.size(); ++i) items[i] = static_cast<std::int32_t>(i);
    score(user, items, out);
}

std::vector<std::pair<std::string, double>> sampled_ranking_metrics(const Recommender& recommender,
                                                                    const SampledEvaluation& evaluation) {
    if (!evaluation.held_out || !evaluation.negatives || evaluation.held_out->size() != evaluation.negatives->size())
        throw Error(ErrorKind::internal, "invalid_argument", "a sampled evaluation needs negatives for every user");
    std::vector<metrics::UserRanking> users;
    std::vector<std::int32_t> candidates;
    std::vector<float> scores;
    for (std::size_t u = 0; u < evaluation.held_out->size(); ++u) {
        const std::int32_t held = (*evaluation.held_out)[u];
        if (held < 0) continue;
        // The held-out item last: top_k ranks equal scores in index order.
        candidates = (*evaluation.negatives)[u];
        candidates.push_back(held);
        scores.resize(candidates.size());
        recommender.score(static_cast<std::int32_t>(u), candidates, scores);
        metrics::UserRanking ranking;
        for (std::int32_t position : metrics::top_k(scores, candidates.size()))
            ranking.ranked.push_back(candidates[static_cast<std::size_t>(position)]);
        ranking.relevant = {held};
        users.push_back(std::move(ranking));
    }
    return metrics::ranking_metrics(users, {.ks = evaluation.ks, .catalog_size = evaluation.num_items});
}

std::vector<std::pair<std::string, double>> full_ranking_metrics(const Recommender& recommender,
                                                                 const std::vector<std::int32_t>& held_out,
                                                                 const data::UserItems& seen, std::vector<int> ks,
                                                                 std::int64_t num_items) {
    std::vector<std::int32_t> all(static_cast<std::size_t>(num_items));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int32_t>(i);
    std::vector<float> scores(all.size());
    std::vector<metrics::UserRanking> users;
    for (std::size_t u = 0; u < held_out.size(); ++u) {
        const std::int32_t held = held_out[u];
        if (held < 0) continue;
        const auto user = static_cast<std::int32_t>(u);
        recommender.score(user, all, scores);
        metrics::UserRanking ranking;
        for (std::int32_t item : all)
            if (item == held || !seen.contains(user, item)) ranking.ranked.push_back(item);
        // Best first; among equal scores the held-out item last, the rest by index.
        std::sort(ranking.ranked.begin(), ranking.ranked.end(), [&](std::int32_t a, std::int32_t b) {
            const float sa = scores[static_cast<std::size_t>(a)], sb = scores[static_cast<std::size_t>(b)];
            if (sa != sb) return sa > sb;
            if ((a == held) != (b == held)) return b == held;
            return a < b;
        });
        ranking.relevant = {held};
        users.push_back(std::move(ranking));
    }
    return metrics::ranking_metrics(users, {.ks = std::move(ks), .catalog_size = num_items});
}

namespace {

constexpr const char* kPopularityFile = "popularity.json";

class Popularity final : public Recommender {
public:
    using Recommender::Recommender;

    void fit(const RecommenderFitInput& input, const Callbacks& callbacks) override {
        if (callbacks.cancelled && callbacks.cancelled())
            throw Error(ErrorKind::cancelled, "cancelled", "training was cancelled");
        counts_ = data::item_counts(input.train);
    }

    void score(std::int32_t, std::span<const std::int32_t> items, std::span<float> out) const override {
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto item = static_cast<std::size_t>(items[i]);
            out[i] = item < counts_.size() ? static_cast<float>(counts_[item]) : 0.0f;
        }
    }

    void score_all(std::int32_t, std::span<float> out) const override {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = i < counts_.size() ? static_cast<float>(counts_[i]) : 0.0f;
    }

    std::vector<std::string> save(const std::filesystem::path& dir) const override {
        write_json_file(dir / kPopularityFile, Json{{"item_counts", counts_}});
        return {kPopularityFile};
    }

    void load(const std::filesystem::path& dir) override {
        const auto path = dir / kPopularityFile;
        auto text = read_file(path);
        if (!text)
            throw Error(ErrorKind::not_found, "model_not_found",
                        "no popularity model (" + std::string(kPopularityFile) + ") in " + dir.string());
        Json j = Json::parse(*text, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("item_counts") || !j["item_counts"].is_array())
            throw Error(ErrorKind::data, "model_load_failed", path.string() + " is not a popularity model");
        counts_ = j["item_counts"].get<std::vector<std::int64_t>>();
    }

private:
    std::vector<std::int64_t> counts_;
};

}  // namespace

std::unique_ptr<Recommender> make_popularity(EstimatorConfig config) {
    return std::make_unique<Popularity>(std::move(config));
}

}  // namespace hone::models
