#pragma once
// Ranking metrics of recommenders, over users: each user's items ranked best
// first against the items that user is known to want (held out of training).
// Knows nothing but item indices.
//
// Definitions, for a user with relevant set R and ranking r_1, r_2, ... (1-based
// positions), at a cut-off K (the formulas of RecBole and the NCF paper):
//   hr@K        1 when some r_i with i <= K is in R, else 0
//   ndcg@K      sum over i <= K with r_i in R of 1 / log2(i + 1), divided by the
//               same sum for an ideal ranking: i = 1 .. min(|R|, K)
//   precision@K |{i <= K : r_i in R}| / K
//   recall@K    |{i <= K : r_i in R}| / |R|
//   map@K       sum over i <= K with r_i in R of precision@i, over min(|R|, K)
//   mrr         1 / the position of the first relevant item anywhere in the
//               ranking; 0 when none is ranked
// each averaged over the users with a non-empty R, and
//   coverage@K  distinct items in any user's top K, over the catalog's size.
// With leave-one-out evaluation (|R| = 1) hr@K is the NCF paper's hit ratio and
// ndcg@K its NDCG. A ranking shorter than K counts the positions it has.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace hone::metrics {

struct UserRanking {
    std::vector<std::int32_t> ranked;    // item indices, best first
    std::vector<std::int32_t> relevant;  // the user's relevant items, in any order, no repeats
};

struct RankingOptions {
    std::vector<int> ks = {10};     // cut-offs, each >= 1
    std::int64_t catalog_size = 0;  // items a recommender can rank (coverage's denominator); >= 1
};

// The metrics in this order: for each K, hr@K, ndcg@K, precision@K, recall@K,
// map@K; then mrr; then coverage@K for each K. Values are NaN when no user
// has a relevant item. hone::Error(validation): "invalid_k" for a K below 1,
// "k_exceeds_catalog" for a K above the catalog's size (naming both); a
// catalog size below 1 is the caller's bug: hone::Error(internal,
// "invalid_metric_input").
std::vector<std::pair<std::string, double>> ranking_metrics(std::span<const UserRanking> users,
                                                            const RankingOptions& options);

// The indices of the `k` highest scores, best first; equal scores in index
// order, so rankings are deterministic. `excluded` (sorted ascending) are
// never returned: the items a user has already seen. Fewer than k when fewer
// remain. O(n log k).
std::vector<std::int32_t> top_k(std::span<const float> scores, std::size_t k,
                                std::span<const std::int32_t> excluded = {});

}  // namespace hone::metrics
