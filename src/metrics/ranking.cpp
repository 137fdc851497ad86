#include "metrics/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <unordered_set>

#include "common/error.hpp"

namespace hone::metrics {

namespace {

void check_options(const RankingOptions& options) {
    if (options.catalog_size < 1)
        throw Error(ErrorKind::internal, "invalid_metric_input", "a ranking's catalog must hold at least one item");
    for (int k : options.ks) {
        if (k < 1) throw Error(ErrorKind::validation, "invalid_k", "k must be at least 1, got " + std::to_string(k));
        if (k > options.catalog_size)
            throw Error(ErrorKind::validation, "k_exceeds_catalog",
                        "k " + std::to_string(k) + " is larger than the catalog's " +
                            std::to_string(options.catalog_size) + " items",
                        {}, "choose k values of at most " + std::to_string(options.catalog_size));
    }
}

double discount(std::size_t position) { return 1.0 / std::log2(static_cast<double>(position) + 1.0); }

// One user's sums at one cut-off, added to the totals over users.
struct AtK {
    double hits = 0, ndcg = 0, precision = 0, recall = 0, map = 0;
};

void add_user_at_k(const UserRanking& user, const std::unordered_set<std::int32_t>& relevant, std::size_t k,
                   AtK& total) {
    double dcg = 0, precision_sum = 0;
    std::size_t found = 0;
    const std::size_t depth = std::min(k, user.ranked.size());
    for (std::size_t i = 0; i < depth; ++i) {
        if (!relevant.count(user.ranked[i])) continue;
        ++found;
        dcg += discount(i + 1);
        precision_sum += static_cast<double>(found) / static_cast<double>(i + 1);
    }
    double ideal = 0;
    const std::size_t ideal_depth = std::min(k, relevant.size());
    for (std::size_t i = 1; i <= ideal_depth; ++i) ideal += discount(i);
    total.hits += found > 0 ? 1.0 : 0.0;
    total.ndcg += dcg / ideal;
    total.precision += static_cast<double>(found) / static_cast<double>(k);
    total.recall += static_cast<double>(found) / static_cast<double>(relevant.size());
    total.map += precision_sum / static_cast<double>(ideal_depth);
}

double reciprocal_rank(const UserRanking& user, const std::unordered_set<std::int32_t>& relevant) {
    for (std::size_t i = 0; i < user.ranked.size(); ++i)
        if (relevant.count(user.ranked[i])) return 1.0 / static_cast<double>(i + 1);
    return 0.0;
}

}  // namespace

std::vector<std::pair<std::string, double>> ranking_metrics(std::span<const UserRanking> users,
                                                            const RankingOptions& options) {
    check_options(options);
    std::vector<AtK> totals(options.ks.size());
    std::vector<std::unordered_set<std::int32_t>> covered(options.ks.size());
    double reciprocal_ranks = 0;
    std::size_t evaluated = 0;
    for (const UserRanking& user : users) {
        for (std::size_t j = 0; j < options.ks.size(); ++j) {
            const auto k = static_cast<std::size_t>(options.ks[j]);
            covered[j].insert(user.ranked.begin(), user.ranked.begin() + static_cast<std::ptrdiff_t>(
                                                                             std::min(k, user.ranked.size())));
        }
        if (user.relevant.empty()) continue;
        const std::unordered_set<std::int32_t> relevant(user.relevant.begin(), user.relevant.end());
        ++evaluated;
        for (std::size_t j = 0; j < options.ks.size(); ++j)
            add_user_at_k(user, relevant, static_cast<std::size_t>(options.ks[j]), totals[j]);
        reciprocal_ranks += reciprocal_rank(user, relevant);
    }
    const double n = evaluated > 0 ? static_cast<double>(evaluated) : std::numeric_limits<double>::quiet_NaN();
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t j = 0; j < options.ks.size(); ++j) {
        const std::string at = "@" + std::to_string(options.ks[j]);
        out.emplace_back("hr" + at, totals[j].hits / n);
        out.emplace_back("ndcg" + at, totals[j].ndcg / n);
        out.emplace_back("precision" + at, totals[j].precision / n);
        out.emplace_back("recall" + at, totals[j].recall / n);
        out.emplace_back("map" + at, totals[j].map / n);
    }
    out.emplace_back("mrr", reciprocal_ranks / n);
    for (std::size_t j = 0; j < options.ks.size(); ++j)
        out.emplace_back("coverage@" + std::to_string(options.ks[j]),
                         static_cast<double>(covered[j].size()) / static_cast<double>(options.catalog_size));
    return out;
}

std::vector<std::int32_t> top_k(std::span<const float> scores, std::size_t k, std::span<const std::int32_t> excluded) {
    // A min-heap of the best k seen so far; its top is the worst of them.
    // "Better" is a higher score, or an equal score at a lower index.
    auto better = [&](std::int32_t a, std::int32_t b) {
        const float sa = scores[static_cast<std::size_t>(a)], sb = scores[static_cast<std::size_t>(b)];
        return sa > sb || (sa == sb && a < b);
    };
    std::priority_queue<std::int32_t, std::vector<std::int32_t>, decltype(better)> heap(better);
    std::size_t next_excluded = 0;
    for (std::size_t i = 0; i < scores.size() && k > 0; ++i) {
        const auto item = static_cast<std::int32_t>(i);
        while (next_excluded < excluded.size() && excluded[next_excluded] < item) ++next_excluded;
        if (next_excluded < excluded.size() && excluded[next_excluded] == item) continue;
        if (heap.size() < k) {
            heap.push(item);
        } else if (better(item, heap.top())) {
            heap.pop();
            heap.push(item);
        }
    }
    std::vector<std::int32_t> out(heap.size());
    for (std::size_t i = out.size(); i > 0; --i) {
        out[i - 1] = heap.top();
        heap.pop();
    }
    return out;
}

}  // namespace hone::metrics
