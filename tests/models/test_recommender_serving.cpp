// Serving's scores of every item for one user (Recommender::score_all) against
// score() over all items: equal to float rounding (NCF's fast path adds the
// same terms in another order: the tower's first layer in a user and an item
// half, the output layer's GMF and MLP parts apart) and the same top k, for
// NeuMF with tower widths that are and are not multiples of the kernel's 16
// lanes, GMF, a reloaded NeuMF and the popularity baseline.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "../support/files.hpp"
#include "data/interactions.hpp"
#include "metrics/ranking.hpp"
#include "models/catalog.hpp"
#include "models/recommender.hpp"
#include "models/torch/backend.hpp"

using namespace hone;
using namespace hone::models;

namespace {

// 60 users over 203 items (not a multiple of the 4 items the tower scores
// together), 12 interactions each: items near the user's own part of the
// catalog, so the model learns more than popularity.
constexpr int kUsers = 60, kItems = 203;

data::Interactions interactions() {
    data::Interactions d;
    for (int i = 0; i < kItems; ++i) d.item_ids.push_back("item" + std::to_string(i));
    std::mt19937_64 rng(11);
    for (int u = 0; u < kUsers; ++u) {
        d.user_ids.push_back("user" + std::to_string(u));
        std::vector<int> items;
        while (items.size() < 12) {
            const int item = (u * kItems / kUsers + static_cast<int>(rng() % 40)) % kItems;
            if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
        }
        for (int item : items) {
            d.users.push_back(u);
            d.items.push_back(item);
            d.times.push_back(static_cast<double>(d.times.size()));
        }
    }
    d.rows = d.users.size();
    return d;
}

EstimatorConfig config(Json params, const char* algorithm) {
    EstimatorConfig c;
    c.task = Task::recommendation;
    c.params = resolve_params(find_algorithm(algorithm), params, true).params;
    c.seed = 4;
    c.threads = 1;
    return c;
}

struct Fitted {
    data::Interactions all = interactions();
    data::UserItems seen = data::user_items(all);

    std::unique_ptr<Recommender> fit(const char* algorithm, Json params) const {
        auto r = make_recommender(find_algorithm(algorithm), config(std::move(params), algorithm));
        r->fit({.train = all, .seen = seen}, {});
        return r;
    }
};

// score_all(u) against score(u, every item) for every user: each score within
// float rounding, the same top 10 (seen items left out, as serving does) and the
// same top 10 of everything; a shorter `out` scores the first items alike.
void expect_serving_scores(const Recommender& reference, const Recommender& served, const data::UserItems& seen) {
    std::vector<std::int32_t> all(kItems);
    std::iota(all.begin(), all.end(), 0);
    std::vector<float> expected(kItems), got(kItems);
    float worst = 0;
    for (std::int32_t u = 0; u < kUsers; ++u) {
        reference.score(u, all, expected);
        std::fill(got.begin(), got.end(), std::nanf(""));
        served.score_all(u, got);
        for (std::size_t i = 0; i < got.size(); ++i) {
            const float tolerance = 1e-5f * std::max(1.0f, std::abs(expected[i]));
            ASSERT_NEAR(got[i], expected[i], tolerance) << "user " << u << ", item " << i;
            worst = std::max(worst, std::abs(got[i] - expected[i]));
        }
        EXPECT_EQ(metrics::top_k(got, 10, seen.of(u)), metrics::top_k(expected, 10, seen.of(u))) << "user " << u;
        EXPECT_EQ(metrics::top_k(got, 10), metrics::top_k(expected, 10)) << "user " << u;
        std::vector<float> first(37);
        served.score_all(u, first);
        for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i], got[i]) << "user " << u << ", item " << i;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", static_cast<double>(worst));
    ::testing::Test::RecordProperty("largest_difference", text);
}

}  // namespace

TEST(RecommenderServing, NeumfScoresEveryItemAsItsForwardPassDoes) {
    Fitted f;
    // The catalog's tower, 16-lane widths; then widths and an embedding that are not.
    for (const Json& params : {Json{{"epochs", 3}},
                               Json{{"epochs", 3}, {"embedding_dim", 24}, {"hidden_layers", {40, 20, 7}}},
                               Json{{"epochs", 3}, {"embedding_dim", 8}, {"hidden_layers", {24}}}}) {
        SCOPED_TRACE(params.dump());
        auto ncf = f.fit("ncf", params);
        expect_serving_scores(*ncf, *ncf, f.seen);
    }
}

TEST(RecommenderServing, GmfScoresEveryItemAsItsForwardPassDoes) {
    Fitted f;
    for (const Json& params : {Json{{"epochs", 3}}, Json{{"epochs", 3}, {"embedding_dim", 13}}}) {
        SCOPED_TRACE(params.dump());
        auto gmf = f.fit("gmf", params);
        expect_serving_scores(*gmf, *gmf, f.seen);
    }
}

TEST(RecommenderServing, AReloadedNeumfServesTheScoresOfTheFittedOne) {
    Fitted f;
    const Json params{{"epochs", 2}, {"embedding_dim", 16}, {"hidden_layers", {32, 16}}};
    auto ncf = f.fit("ncf", params);
    test_support::TempDir dir("hone-ncf-serving");
    ncf->save(dir.path);
    auto again = make_recommender(find_algorithm("ncf"), config(params, "ncf"));
    again->load(dir.path);
    expect_serving_scores(*ncf, *again, f.seen);
}

TEST(RecommenderServing, PopularityScoresEveryItemExactly) {
    Fitted f;
    auto pop = f.fit("popularity", Json::object());
    std::vector<std::int32_t> all(kItems);
    std::iota(all.begin(), all.end(), 0);
    std::vector<float> expected(kItems), got(kItems);
    pop->score(3, all, expected);
    pop->score_all(3, got);
    EXPECT_EQ(got, expected);
}

// A recommender with score() alone serves through the default: score() with
// every item.
TEST(RecommenderServing, TheDefaultScoresEveryItemThroughScore) {
    class Reversed final : public Recommender {
    public:
        using Recommender::Recommender;
        void fit(const RecommenderFitInput&, const Callbacks&) override {}
        void score(std::int32_t user, std::span<const std::int32_t> items, std::span<float> out) const override {
            for (std::size_t i = 0; i < items.size(); ++i) out[i] = static_cast<float>(user * 1000 - items[i]);
        }
        std::vector<std::string> save(const std::filesystem::path&) const override { return {}; }
        void load(const std::filesystem::path&) override {}
    };
    Reversed r{EstimatorConfig{}};
    std::vector<float> got(5);
    r.score_all(2, got);
    EXPECT_EQ(got, (std::vector<float>{2000, 1999, 1998, 1997, 1996}));
}
