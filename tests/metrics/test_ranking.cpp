// Ranking metrics on a hand-worked example: four users, a catalog of six items.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "metrics/ranking.hpp"
#include "../support/errors.hpp"

using namespace hone::metrics;
using hone::ErrorKind;
using hone::test_support::expect_error;

namespace {

std::map<std::string, double> by_name(const std::vector<std::pair<std::string, double>>& metrics) {
    return {metrics.begin(), metrics.end()};
}

// A: the second of its two relevant items at position 2 (the other at 5);
// B: its one relevant item first; C: nothing relevant (left out of the means,
// counted in coverage); D: its relevant item last, at position 5.
const std::vector<UserRanking> kUsers = {
    {{3, 1, 4, 0, 2}, {1, 2}},
    {{0, 2, 1}, {0}},
    {{4, 3}, {}},
    {{2, 3, 4, 1, 0}, {0}},
};

}  // namespace

TEST(RankingMetrics, MatchTheirDefinitionsByHand) {
    auto m = by_name(ranking_metrics(kUsers, {.ks = {1, 3}, .catalog_size = 6}));
    const double a_ndcg3 = (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0));
    EXPECT_DOUBLE_EQ(m.at("hr@3"), 2.0 / 3);
    EXPECT_DOUBLE_EQ(m.at("ndcg@3"), (a_ndcg3 + 1 + 0) / 3);
    EXPECT_DOUBLE_EQ(m.at("precision@3"), (1.0 / 3 + 1.0 / 3 + 0) / 3);
    EXPECT_DOUBLE_EQ(m.at("recall@3"), (0.5 + 1 + 0) / 3);
    EXPECT_DOUBLE_EQ(m.at("map@3"), (0.5 / 2 + 1 + 0) / 3);  // A: precision 1/2 at its hit, over min(|R|, 3) = 2
    EXPECT_DOUBLE_EQ(m.at("mrr"), (0.5 + 1 + 0.2) / 3);
    EXPECT_DOUBLE_EQ(m.at("coverage@3"), 5.0 / 6);  // items 0..4 appear in some top 3
    EXPECT_DOUBLE_EQ(m.at("hr@1"), 1.0 / 3);
    EXPECT_DOUBLE_EQ(m.at("ndcg@1"), 1.0 / 3);
    EXPECT_DOUBLE_EQ(m.at("map@1"), 1.0 / 3);  // A over min(2, 1) = 1
    EXPECT_DOUBLE_EQ(m.at("recall@1"), 1.0 / 3);
    EXPECT_DOUBLE_EQ(m.at("coverage@1"), 4.0 / 6);
}

TEST(RankingMetrics, ComeInADocumentedOrder) {
    std::vector<std::string> names;
    for (const auto& [name, value] : ranking_metrics(kUsers, {.ks = {1, 3}, .catalog_size = 6})) names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{"hr@1", "ndcg@1", "precision@1", "recall@1", "map@1", "hr@3", "ndcg@3",
                                               "precision@3", "recall@3", "map@3", "mrr", "coverage@1",
                                               "coverage@3"}));
}

TEST(RankingMetrics, AreUndefinedWithoutARelevantItem) {
    std::vector<UserRanking> none = {{{0, 1}, {}}};
    auto m = by_name(ranking_metrics(none, {.ks = {2}, .catalog_size = 2}));
    EXPECT_TRUE(std::isnan(m.at("hr@2")));
    EXPECT_TRUE(std::isnan(m.at("mrr")));
    EXPECT_DOUBLE_EQ(m.at("coverage@2"), 1.0);
}

TEST(RankingMetrics, RefuseACutOffOutsideTheCatalog) {
    expect_error([] { ranking_metrics(kUsers, {.ks = {0}, .catalog_size = 6}); }, ErrorKind::validation, "invalid_k",
                 "k must be at least 1, got 0");
    auto e = expect_error([] { ranking_metrics(kUsers, {.ks = {10, 7}, .catalog_size = 6}); }, ErrorKind::validation,
                          "k_exceeds_catalog", "k 10 is larger than the catalog's 6 items");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->hint(), "choose k values of at most 6");
}

TEST(TopK, BestFirstTiesInIndexOrderSeenItemsLeftOut) {
    const std::vector<float> scores = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f};
    EXPECT_EQ(top_k(scores, 3), (std::vector<std::int32_t>{1, 4, 0}));
    const std::vector<std::int32_t> seen = {1};
    EXPECT_EQ(top_k(scores, 3, seen), (std::vector<std::int32_t>{4, 0, 2}));
    EXPECT_EQ(top_k(scores, 10), (std::vector<std::int32_t>{1, 4, 0, 2, 3}));
    const std::vector<std::int32_t> all = {0, 1, 2, 3, 4};
    EXPECT_TRUE(top_k(scores, 3, all).empty());
    EXPECT_TRUE(top_k(scores, 0).empty());
}
