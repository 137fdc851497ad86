// Recommenders: the popularity baseline, and NCF/GMF through the libtorch
// backend, on interactions with a structure popularity cannot see.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "../support/files.hpp"
#include "data/interactions.hpp"
#include "models/catalog.hpp"
#include "models/recommender.hpp"
#include "models/torch/backend.hpp"

using namespace hone;
using namespace hone::models;

namespace {

// 4 groups of 25 users and 20 items: each user takes 9 items of its own group
// and 1 of another, in a random order (which the times follow). Every item is
// about as popular as any other, so only a model of users can rank well.
data::Interactions grouped_interactions() {
    data::Interactions d;
    constexpr int kGroups = 4, kUsers = 25, kItems = 20;
    for (int i = 0; i < kGroups * kItems; ++i) d.item_ids.push_back("item" + std::to_string(i));
    std::mt19937_64 rng(5);
    for (int u = 0; u < kGroups * kUsers; ++u) {
        d.user_ids.push_back("user" + std::to_string(u));
        const int group = u % kGroups;
        std::vector<int> own(kItems);
        for (int i = 0; i < kItems; ++i) own[static_cast<std::size_t>(i)] = group * kItems + i;
        std::shuffle(own.begin(), own.end(), rng);
        std::vector<int> items(own.begin(), own.begin() + 9);
        items.push_back(((group + 1 + static_cast<int>(rng() % 3)) % kGroups) * kItems + static_cast<int>(rng() % kItems));
        std::shuffle(items.begin(), items.end(), rng);
        for (int item : items) {
            d.users.push_back(u);
            d.items.push_back(item);
            d.times.push_back(static_cast<double>(d.times.size()));
        }
    }
    d.rows = d.users.size();
    return d;
}

struct Protocol {
    data::Interactions all = grouped_interactions();
    data::LeaveOneOut split = data::leave_one_out(all);
    data::UserItems seen_in_train = data::user_items(split.train);
    std::vector<std::vector<std::int32_t>> negatives;
    SampledEvaluation evaluation;

    Protocol() {
        std::mt19937_64 rng(9);
        negatives = data::evaluation_negatives(split, data::user_items(all), all.num_items(), 50, rng);
        evaluation = {.held_out = &split.held_out, .negatives = &negatives, .ks = {10}, .num_items = 80};
    }
    RecommenderFitInput input(bool validate) const {
        return {.train = split.train, .seen = seen_in_train, .validation = validate ? &evaluation : nullptr};
    }
};

double metric(const std::vector<std::pair<std::string, double>>& metrics, const std::string& name) {
    for (const auto& [n, v] : metrics)
        if (n == name) return v;
    ADD_FAILURE() << "no " << name;
    return 0;
}

// The catalog's parameters of `algorithm`, defaults filled, with `params` over them.
EstimatorConfig config(Json params, const char* algorithm = "ncf") {
    EstimatorConfig c;
    c.task = Task::recommendation;
    c.params = resolve_params(find_algorithm(algorithm), params, true).params;
    c.seed = 3;
    return c;
}

// The trainer's part, as its early stopping plays it: the best round by
// val_hr@10, a stop after `patience` rounds without a better one. Each round
// must report val_hr@10 and val_ndcg@10.
struct EarlyStopping {
    int patience = 2, rounds = 0, best = -1;
    double best_hr = -1;

    Callbacks callbacks() {
        Callbacks c;
        c.metrics_every_round = true;
        c.on_round = [this](const RoundReport& r) {
            ++rounds;
            EXPECT_TRUE(r.metrics.contains("val_ndcg@10")) << r.metrics.dump();
            const double hr = r.metrics.at("val_hr@10").get<double>();
            if (hr > best_hr) best_hr = hr, best = r.round;
            return RoundDecision{.stop = r.round - best >= patience, .best_round = best};
        };
        return c;
    }
};

std::vector<float> scores_of(const Recommender& r, std::int32_t user, const std::vector<std::int32_t>& items) {
    std::vector<float> out(items.size());
    r.score(user, items, out);
    return out;
}

}  // namespace

TEST(Popularity, ScoresItemsByTheirTrainingInteractions) {
    Protocol p;
    auto pop = make_popularity(config(Json::object(), "popularity"));
    pop->fit(p.input(false), {});
    const auto counts = data::item_counts(p.split.train);
    std::vector<std::int32_t> items = {0, 17, 42, 79};
    auto scores = scores_of(*pop, 3, items);
    for (std::size_t i = 0; i < items.size(); ++i)
        EXPECT_EQ(scores[i], static_cast<float>(counts[static_cast<std::size_t>(items[i])]));
    test_support::TempDir dir("hone-pop");
    EXPECT_EQ(pop->save(dir.path), (std::vector<std::string>{"popularity.json"}));
    auto again = make_popularity(config(Json::object(), "popularity"));
    again->load(dir.path);
    EXPECT_EQ(scores_of(*again, 3, items), scores);
}

// NeuMF learns the groups: its hit ratio at 10 among 50 sampled negatives is
// far above popularity's; it reports val_hr@10 and val_ndcg@10 each epoch and
// keeps the best epoch's weights when the trainer stops it; a reload scores
// exactly as before.
TEST(Ncf, LearnsWhatPopularityCannotAndReloadsExactly) {
    Protocol p;
    auto pop = make_popularity(config(Json::object(), "popularity"));
    pop->fit(p.input(false), {});
    const double pop_hr = metric(sampled_ranking_metrics(*pop, p.evaluation), "hr@10");

    auto ncf = torch_nn::make_ncf(config(Json{{"epochs", 30}, {"embedding_dim", 16}, {"hidden_layers", {32, 16}},
                                              {"batch_size", 64}, {"learning_rate", 0.01}}),
                                  false);
    EarlyStopping stopping;
    ncf->fit(p.input(true), stopping.callbacks());
    EXPECT_LT(stopping.rounds, 30) << "it overfits these few interactions within a few epochs";
    EXPECT_EQ(ncf->best_round(), stopping.best);
    const auto m = sampled_ranking_metrics(*ncf, p.evaluation);
    EXPECT_DOUBLE_EQ(metric(m, "hr@10"), stopping.best_hr) << "the best round's weights are kept";
    EXPECT_GT(metric(m, "hr@10"), 0.8) << "popularity: " << pop_hr;
    EXPECT_GT(metric(m, "hr@10"), pop_hr + 0.5);

    test_support::TempDir dir("hone-ncf");
    EXPECT_EQ(ncf->save(dir.path), (std::vector<std::string>{"ncf.json", "ncf.pt"}));
    auto again = torch_nn::make_ncf(config(Json::object()), false);
    again->load(dir.path);
    std::vector<std::int32_t> items(80);
    for (std::int32_t i = 0; i < 80; ++i) items[static_cast<std::size_t>(i)] = i;
    EXPECT_EQ(scores_of(*again, 7, items), scores_of(*ncf, 7, items));
}

TEST(Ncf, GmfAloneLearnsTheGroupsToo) {
    Protocol p;
    auto gmf = torch_nn::make_ncf(config(Json{{"epochs", 30}, {"embedding_dim", 16}, {"batch_size", 64},
                                              {"learning_rate", 0.01}},
                                         "gmf"),
                                  true);
    EarlyStopping stopping;
    gmf->fit(p.input(true), stopping.callbacks());
    EXPECT_GT(metric(sampled_ranking_metrics(*gmf, p.evaluation), "hr@10"), 0.75);
}
