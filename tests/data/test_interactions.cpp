#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "common/error.hpp"
#include "data/csv_reader.hpp"
#include "data/interactions.hpp"
#include "data/seed_formats.hpp"
#include "column_builders.hpp"
#include "../support/errors.hpp"

using hone::test_support::error_of;

using namespace hone;
using namespace hone::data;
using namespace hone::data::testing;

namespace {

using Ids = std::vector<std::int32_t>;
using Strings = std::vector<std::string>;
using Times = std::vector<double>;

Frame frame_of(std::vector<Column> columns) {
    Frame f;
    for (auto& c : columns) f.add(std::move(c));
    return f;
}

InteractionColumns cols(std::string user, std::string item, std::string timestamp = "", std::string rating = "",
                        std::optional<double> threshold = std::nullopt) {
    InteractionColumns c;
    c.user = std::move(user);
    c.item = std::move(item);
    c.timestamp = std::move(timestamp);
    c.rating = std::move(rating);
    c.rating_threshold = threshold;
    return c;
}

// Interactions written out: users and items as indices, times in seconds.
Interactions made(std::size_t users, std::size_t items, Ids u, Ids i, Times t) {
    Interactions x;
    for (std::size_t k = 0; k < users; ++k) x.user_ids.push_back("u" + std::to_string(k));
    for (std::size_t k = 0; k < items; ++k) x.item_ids.push_back("i" + std::to_string(k));
    x.users = std::move(u);
    x.items = std::move(i);
    x.times = std::move(t);
    return x;
}

Interactions synthetic_loaded(const SyntheticInteractions& o) {
    return interactions_from(synthetic_interactions(o), cols("user_id", "item_id", "timestamp"), "synthetic");
}

}  // namespace

TEST(Interactions, IndicesInFirstSeenOrderAndRowsWithoutIdsDropped) {
    Frame f = frame_of({
        string_col("user", {"alice", "bob", std::nullopt, "alice", "carol", "bob"}),
        int_col("item", {10, 20, 10, 30, std::nullopt, 10}),
        string_col("when", {"2024-01-01T00:00:00Z", "2024-01-01T00:00:10Z", "2024-01-05", "2024-01-02",
                            "2024-01-03", " 1704067300"}),
    });
    Interactions x = interactions_from(f, cols("user", "item", "when"), "clicks");
    EXPECT_EQ(x.user_ids, (Strings{"alice", "bob"}));  // carol's only row has no item: no index
    EXPECT_EQ(x.item_ids, (Strings{"10", "20", "30"}));
    EXPECT_EQ(x.users, (Ids{0, 1, 0, 1}));
    EXPECT_EQ(x.items, (Ids{0, 1, 2, 0}));
    EXPECT_EQ(x.times, (Times{1704067200, 1704067210, 1704153600, 1704067300}));
    EXPECT_TRUE(x.timed);
    EXPECT_EQ(x.rows, 6u);
    EXPECT_EQ(x.missing_ids, 2u);
    EXPECT_EQ(x.stats().dump(),
              R"({"users":2,"items":3,"interactions":4,"density":0.6666666666666666,"rows":6,"missing_ids":2,)"
              R"("missing_ratings":0,"below_threshold":0,"duplicates":0})");
}

TEST(Interactions, WithoutATimestampTimesAreRowNumbers) {
    Frame f = frame_of({int_col("u", {7, std::nullopt, 8, 7}), float_col("i", {1.5, 2.0, -0.0, 0.0})});
    Interactions x = interactions_from(f, cols("u", "i"), "d");
    EXPECT_EQ(x.user_ids, (Strings{"7", "8"}));
    EXPECT_EQ(x.item_ids, (Strings{"1.5", "0"}));  // -0 and 0 are one id
    EXPECT_EQ(x.users, (Ids{0, 1, 0}));
    EXPECT_EQ(x.items, (Ids{0, 1, 1}));
    EXPECT_EQ(x.times, (Times{0, 2, 3}));
    EXPECT_FALSE(x.timed);
}

TEST(Interactions, NumericTimestampsAndAnAllNullColumn) {
    Frame f = frame_of({string_col("u", {"a", "b"}), string_col("i", {"x", "y"}), int_col("secs", {100, -5}),
                        float_col("frac", {1.25, 2.5}), string_col("none", {std::nullopt, std::nullopt})});
    EXPECT_EQ(interactions_from(f, cols("u", "i", "secs"), "d").times, (Times{100, -5}));
    EXPECT_EQ(interactions_from(f, cols("u", "i", "frac"), "d").times, (Times{1.25, 2.5}));
    Interactions none = interactions_from(f, cols("u", "i", "none"), "d");
    EXPECT_EQ(none.times, (Times{0, 1}));
    EXPECT_FALSE(none.timed);
}

TEST(Interactions, RatingThresholdKeepsRatingsAtOrAboveIt) {
    Frame f = frame_of({string_col("u", {"a", "a", "b", "b", "c"}), string_col("i", {"x", "y", "x", "y", "x"}),
                        float_col("r", {5, 3, std::nullopt, 4, 1})});
    Interactions x = interactions_from(f, cols("u", "i", "", "r", 4.0), "d");
    EXPECT_EQ(x.user_ids, (Strings{"a", "b"}));
    EXPECT_EQ(x.item_ids, (Strings{"x", "y"}));
    EXPECT_EQ(x.users, (Ids{0, 1}));
    EXPECT_EQ(x.items, (Ids{0, 1}));
    EXPECT_EQ(x.times, (Times{0, 3}));
    EXPECT_EQ(x.below_threshold, 2u);
    EXPECT_EQ(x.missing_ratings, 1u);

    Interactions all = interactions_from(f, cols("u", "i", "", "r"), "d");
    EXPECT_EQ(all.size(), 4u);
    EXPECT_EQ(all.user_ids, (Strings{"a", "b", "c"}));
    EXPECT_EQ(all.below_threshold, 0u);
    EXPECT_EQ(all.missing_ratings, 1u);
}

TEST(Interactions, ARepeatedPairKeepsTheLatestAndTheLaterRowOnTies) {
    Frame f = frame_of({string_col("u", {"a", "a", "a", "b", "a", "b"}), string_col("i", {"x", "x", "x", "x", "y", "x"}),
                        int_col("t", {5, 9, 7, 1, 2, 1})});
    Interactions x = interactions_from(f, cols("u", "i", "t"), "d");
    EXPECT_EQ(x.users, (Ids{0, 0, 1}));  // rows 2 (a x 9), 5 (a y 2), 6 (b x 1)
    EXPECT_EQ(x.items, (Ids{0, 1, 0}));
    EXPECT_EQ(x.times, (Times{9, 2, 1}));
    EXPECT_EQ(x.duplicates, 3u);
    EXPECT_EQ(x.rows, x.size() + x.duplicates);

    // Without times, the later row is the later one.
    Interactions by_row = interactions_from(f, cols("u", "i"), "d");
    EXPECT_EQ(by_row.times, (Times{2, 4, 5}));

    // Ties among many interactions of one user (past the sizes sorted by insertion):
    // x, y, x, y, ..., x at one time keeps row 40's y then row 41's x.
    std::vector<std::optional<std::string>> items;
    for (int k = 0; k < 41; ++k) items.push_back(k % 2 ? "y" : "x");
    Frame many = frame_of({string_col("u", std::vector<std::optional<std::string>>(41, "a")), string_col("i", items),
                           int_col("t", std::vector<std::optional<std::int64_t>>(41, 7))});
    Interactions tied = interactions_from(many, cols("u", "i", "t"), "d");
    EXPECT_EQ(tied.items, (Ids{1, 0}));
    EXPECT_EQ(tied.duplicates, 39u);
}

TEST(Interactions, Iso8601ToSeconds) {
    EXPECT_EQ(iso8601_seconds("2024-01-15T10:30:00Z"), 1705314600.0);
    EXPECT_EQ(iso8601_seconds("2024-01-15T10:30:00"), 1705314600.0);
    EXPECT_EQ(iso8601_seconds("2024-01-15T10:30:00+02:00"), 1705307400.0);
    EXPECT_EQ(iso8601_seconds("2024-01-15T10:30:00-0530"), 1705334400.0);
    EXPECT_EQ(iso8601_seconds("2024-01-15 10:30+01"), 1705311000.0);
    EXPECT_EQ(iso8601_seconds("2024-01-15"), 1705276800.0);
    EXPECT_EQ(iso8601_seconds("2024-01-15T10:30:00.25Z"), 1705314600.25);
    EXPECT_EQ(iso8601_seconds("2024-12-31T23:59:59.5-23:59"), 1735775939.5);
    EXPECT_EQ(iso8601_seconds("2024-02-29T00:00:00Z"), 1709164800.0);
    EXPECT_EQ(iso8601_seconds("1970-01-01T00:00:00Z"), 0.0);
    EXPECT_EQ(iso8601_seconds("1969-12-31T23:59:59Z"), -1.0);
    EXPECT_EQ(iso8601_seconds("2023-02-29"), std::nullopt);
    EXPECT_EQ(iso8601_seconds("yesterday"), std::nullopt);
    EXPECT_EQ(iso8601_seconds("1704067200"), std::nullopt);
}

TEST(Interactions, FromCsvTextAndTheInteractionsFormat) {
    Frame csv = read_csv_text("user,item,stars,at\n1,100,4,2024-03-01T12:00:00+01:00\n2,100,2,2024-03-01\n1,200,5,1700000000\n");
    Interactions x = interactions_from(csv, cols("user", "item", "at", "stars", 3.0), "ratings.csv");
    EXPECT_EQ(x.user_ids, (Strings{"1"}));
    EXPECT_EQ(x.item_ids, (Strings{"100", "200"}));
    EXPECT_EQ(x.times, (Times{1709290800, 1700000000}));

    // No record has a timestamp: the format's timestamp column is all null, so rows give the order.
    Frame seed = read_seed_format_text(
        R"({"interactions": [{"user_id": "user_1", "item_id": "item_42", "implicit_rating": 1.0},
                             {"user_id": "user_2", "item_id": "item_42", "implicit_rating": 1.0},
                             {"user_id": "user_1", "item_id": "item_7", "implicit_rating": 0.5}]})",
        "interactions");
    Interactions y = interactions_from(seed, InteractionColumns{.timestamp = "timestamp"}, "recs.json");
    EXPECT_EQ(y.user_ids, (Strings{"user_1", "user_2"}));
    EXPECT_EQ(y.item_ids, (Strings{"item_42", "item_7"}));
    EXPECT_EQ(y.users, (Ids{0, 1, 0}));
    EXPECT_EQ(y.items, (Ids{0, 0, 1}));
    EXPECT_EQ(y.times, (Times{0, 1, 2}));
}

TEST(Interactions, AMissingColumnSuggestsTheNearest) {
    Frame f = frame_of({string_col("user_id", {"a"}), string_col("item_id", {"x"}), string_col("ts", {"2024-01-01"})});
    Error e = error_of([&] { interactions_from(f, cols("user", "item_id"), "clicks"); });
    EXPECT_EQ(e.kind(), ErrorKind::validation);
    EXPECT_EQ(e.code(), "missing_column");
    EXPECT_EQ(e.message(), "user column 'user' is not in dataset 'clicks'; did you mean 'user_id'?");
    EXPECT_EQ(e.hint(), "its columns are: user_id, item_id, ts");

    Error t = error_of([&] { interactions_from(f, cols("user_id", "item_id", "time"), "clicks"); });
    EXPECT_EQ(t.message(), "timestamp column 'time' is not in dataset 'clicks'");
    Error r = error_of([&] { interactions_from(f, cols("user_id", "item_id", "", "rating"), "clicks"); });
    EXPECT_EQ(r.message(), "rating column 'rating' is not in dataset 'clicks'");
}

TEST(Interactions, RatingColumnMistakes) {
    Frame f = frame_of({string_col("u", {"a"}), string_col("i", {"x"}), string_col("r", {"good"})});
    Error no_column = error_of([&] { interactions_from(f, cols("u", "i", "", "", 3.0), "d"); });
    EXPECT_EQ(no_column.code(), "invalid_field");
    EXPECT_EQ(no_column.message(), "rating_threshold needs a rating column to compare with");
    Error text = error_of([&] { interactions_from(f, cols("u", "i", "", "r"), "d"); });
    EXPECT_EQ(text.code(), "invalid_field");
    EXPECT_EQ(text.message(), "rating column 'r' of dataset 'd' holds text; a rating must be a number");
}

TEST(Interactions, AnInvalidTimestampNamesRowColumnAndValue) {
    Frame f = frame_of({string_col("u", {"a", "b", "c"}), string_col("i", {"x", "y", "z"}),
                        string_col("when", {"2024-01-01", "2024-01-02", "yesterday"}),
                        string_col("partly", {"2024-01-01", std::nullopt, "2024-01-03"})});
    Error e = error_of([&] { interactions_from(f, cols("u", "i", "when"), "clicks"); });
    EXPECT_EQ(e.kind(), ErrorKind::data);
    EXPECT_EQ(e.code(), "invalid_timestamp");
    EXPECT_EQ(e.message(),
              "timestamp 'yesterday' is neither ISO 8601 (such as 2024-01-15T10:30:00Z) nor a number of seconds since the epoch");
    EXPECT_EQ(std::string(e.what()),
              "clicks, row 3, column 'when': timestamp 'yesterday' is neither ISO 8601 (such as 2024-01-15T10:30:00Z) "
              "nor a number of seconds since the epoch");

    Error null = error_of([&] { interactions_from(f, cols("u", "i", "partly"), "clicks"); });
    EXPECT_EQ(null.code(), "invalid_timestamp");
    EXPECT_EQ(std::string(null.what()), "clicks, row 2, column 'partly': the timestamp is empty");
    EXPECT_EQ(null.hint(), "give every row a timestamp, or no timestamp column to order by row");
}

TEST(Interactions, NoInteractionsSaysWhy) {
    Frame f = frame_of({string_col("u", {"a", std::nullopt, "b"}), string_col("i", {"x", "y", "z"}),
                        int_col("r", {1, 5, 2})});
    Error e = error_of([&] { interactions_from(f, cols("u", "i", "", "r", 4.0), "clicks"); });
    EXPECT_EQ(e.kind(), ErrorKind::data);
    EXPECT_EQ(e.code(), "no_interactions");
    EXPECT_EQ(e.message(), "dataset 'clicks' has no interactions: of its 3 rows, 1 has no user or item and 2 have a rating below 4");
    EXPECT_EQ(e.hint(), "lower rating_threshold, or leave it out to count every rated row");

    Frame empty = frame_of({Column("u", DType::string), Column("i", DType::string)});
    Error none = error_of([&] { interactions_from(empty, cols("u", "i"), "clicks"); });
    EXPECT_EQ(none.message(), "dataset 'clicks' has no interactions: it has no rows");
}

TEST(Interactions, UserItemsAnswersWhoSawWhat) {
    Interactions x = made(3, 5, {1, 0, 1, 1, 0}, {4, 2, 0, 3, 1}, {0, 1, 2, 3, 4});
    UserItems seen = user_items(x);
    EXPECT_EQ(seen.offsets, (std::vector<std::size_t>{0, 2, 5, 5}));
    EXPECT_EQ(seen.items, (Ids{1, 2, 0, 3, 4}));
    EXPECT_TRUE(seen.contains(1, 3));
    EXPECT_FALSE(seen.contains(1, 2));
    EXPECT_FALSE(seen.contains(2, 0));
    EXPECT_FALSE(seen.contains(3, 0));
    EXPECT_FALSE(seen.contains(-1, 0));
    EXPECT_EQ(seen.of(2).size(), 0u);
    EXPECT_EQ(item_counts(x), (std::vector<std::int64_t>{1, 1, 1, 1, 1}));
    EXPECT_EQ(item_counts(made(2, 3, {0, 1, 1}, {2, 2, 0}, {0, 0, 0})), (std::vector<std::int64_t>{1, 0, 2}));
}

TEST(Interactions, LeaveOneOutHoldsOutTheLatest) {
    // u0: times 5, 9, 9 -> the later of the two 9s (item 3); u1: one interaction; u2: 4 then 2 -> item 1.
    Interactions x = made(3, 5, {0, 0, 1, 2, 0, 2}, {1, 2, 0, 1, 3, 4}, {5, 9, 1, 4, 9, 2});
    LeaveOneOut s = leave_one_out(x);
    EXPECT_EQ(s.held_out, (Ids{3, -1, 1}));
    EXPECT_EQ(s.evaluated_users(), 2u);
    EXPECT_EQ(s.train.users, (Ids{0, 0, 1, 2}));
    EXPECT_EQ(s.train.items, (Ids{1, 2, 0, 4}));
    EXPECT_EQ(s.train.times, (Times{5, 9, 1, 2}));
    EXPECT_EQ(s.train.user_ids, x.user_ids);
    EXPECT_EQ(s.train.item_ids, x.item_ids);
}

TEST(Interactions, TrainingPairsAreRatioUnseenNegativesPerPositive) {
    LeaveOneOut s = leave_one_out(synthetic_loaded({.users = 300, .items = 200, .density = 0.05, .seed = 3}));
    UserItems seen = user_items(s.train);
    std::mt19937_64 rng(7);
    TrainingPairs p = sample_training_pairs(s.train, seen, 4, rng);
    ASSERT_EQ(p.users.size(), s.train.size() * 5);
    ASSERT_EQ(p.items.size(), p.users.size());
    ASSERT_EQ(p.labels.size(), p.users.size());
    std::set<std::int32_t> negatives;
    for (std::size_t k = 0; k < s.train.size(); ++k) {
        EXPECT_EQ(p.users[5 * k], s.train.users[k]);
        EXPECT_EQ(p.items[5 * k], s.train.items[k]);
        EXPECT_EQ(p.labels[5 * k], 1.0f);
        for (std::size_t n = 1; n <= 4; ++n) {
            std::size_t at = 5 * k + n;
            EXPECT_EQ(p.users[at], s.train.users[k]);
            EXPECT_EQ(p.labels[at], 0.0f);
            EXPECT_FALSE(seen.contains(p.users[at], p.items[at])) << "pair " << at;
            ASSERT_GE(p.items[at], 0);
            ASSERT_LT(static_cast<std::size_t>(p.items[at]), s.train.num_items());
            negatives.insert(p.items[at]);
        }
    }
    EXPECT_GT(negatives.size(), 190u);  // uniform: nearly every item turns up

    std::mt19937_64 same(7), other(8);
    TrainingPairs again = sample_training_pairs(s.train, seen, 4, same);
    TrainingPairs different = sample_training_pairs(s.train, seen, 4, other);
    EXPECT_EQ(again.items, p.items);
    EXPECT_EQ(again.users, p.users);
    EXPECT_NE(different.items, p.items);
}

TEST(Interactions, AUserWhoSawEveryItemGetsNoNegatives) {
    Interactions x = made(2, 2, {0, 0, 1}, {0, 1, 0}, {0, 1, 2});
    std::mt19937_64 rng(1);
    TrainingPairs p = sample_training_pairs(x, user_items(x), 2, rng);
    EXPECT_EQ(p.users, (Ids{0, 0, 1, 1, 1}));
    EXPECT_EQ(p.items, (Ids{0, 1, 0, 1, 1}));
    EXPECT_EQ(p.labels, (std::vector<float>{1, 1, 1, 0, 0}));
    EXPECT_EQ(sample_training_pairs(x, user_items(x), 0, rng).labels, (std::vector<float>{1, 1, 1}));
    Error e = error_of([&] { sample_training_pairs(x, user_items(x), -1, rng); });
    EXPECT_EQ(e.message(), "the negative sampling ratio must be 0 or more, not -1");
}

TEST(Interactions, EvaluationNegativesAreDistinctAndNeverSeen) {
    // 99 of about 990 unseen items are drawn by rejection, 99 of about 190 by a partial shuffle.
    for (std::size_t items : {1000u, 200u}) {
        SCOPED_TRACE(std::to_string(items) + " items");
        Interactions all = synthetic_loaded({.users = 300, .items = items, .density = 10.0 / static_cast<double>(items), .seed = 3});
        LeaveOneOut s = leave_one_out(all);
        UserItems seen = user_items(all);
        std::mt19937_64 rng(11);
        auto negatives = evaluation_negatives(s, seen, all.num_items(), 99, rng);
        ASSERT_EQ(negatives.size(), all.num_users());
        for (std::size_t u = 0; u < negatives.size(); ++u) {
            auto user = static_cast<std::int32_t>(u);
            const auto& n = negatives[u];
            if (s.held_out[u] < 0) {
                EXPECT_TRUE(n.empty());
                continue;
            }
            ASSERT_EQ(n.size(), 99u) << "user " << u;
            EXPECT_TRUE(std::is_sorted(n.begin(), n.end()));
            EXPECT_EQ(std::adjacent_find(n.begin(), n.end()), n.end()) << "a repeated negative for user " << u;
            for (auto i : n) EXPECT_FALSE(seen.contains(user, i)) << "user " << u << " item " << i;
        }
        std::mt19937_64 same(11), other(12);
        EXPECT_EQ(evaluation_negatives(s, seen, all.num_items(), 99, same), negatives);
        EXPECT_NE(evaluation_negatives(s, seen, all.num_items(), 99, other), negatives);
    }
}

TEST(Interactions, EvaluationNegativesWhenFewItemsAreUnseen) {
    // u0 saw 6 of 10 items (held out: 5), u1 saw 2 of 10, u2 one (not evaluated).
    Interactions all = made(3, 10, {0, 0, 0, 0, 0, 0, 1, 1, 2}, {0, 2, 4, 6, 8, 5, 1, 3, 9}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
    LeaveOneOut s = leave_one_out(all);
    UserItems seen = user_items(all);
    std::mt19937_64 rng(5);
    auto three = evaluation_negatives(s, seen, 10, 3, rng);
    ASSERT_EQ(three[0].size(), 3u);  // drawn from the 4 unseen by a partial shuffle
    for (auto i : three[0]) EXPECT_TRUE(i == 1 || i == 3 || i == 7 || i == 9) << i;
    EXPECT_EQ(std::adjacent_find(three[0].begin(), three[0].end()), three[0].end());
    EXPECT_EQ(three[1].size(), 3u);
    EXPECT_TRUE(three[2].empty());

    // Over many draws every unseen item turns up, for both ways of drawing.
    std::set<std::int32_t> drawn0, drawn1;
    for (int k = 0; k < 50; ++k) {
        auto n = evaluation_negatives(s, seen, 10, 3, rng);
        drawn0.insert(n[0].begin(), n[0].end());
        drawn1.insert(n[1].begin(), n[1].end());
    }
    EXPECT_EQ(drawn0, (std::set<std::int32_t>{1, 3, 7, 9}));
    EXPECT_EQ(drawn1, (std::set<std::int32_t>{0, 2, 4, 5, 6, 7, 8, 9}));

    auto all_unseen = evaluation_negatives(s, seen, 10, 99, rng);
    EXPECT_EQ(all_unseen[0], (Ids{1, 3, 7, 9}));
    EXPECT_EQ(all_unseen[1], (Ids{0, 2, 4, 5, 6, 7, 8, 9}));

    Error e = error_of([&] { evaluation_negatives(s, user_items(s.train), 10, 3, rng); });
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_EQ(e.code(), "invalid_argument");
}

TEST(Interactions, SyntheticHasTheAskedShape) {
    Frame f = synthetic_interactions({.users = 200, .items = 100, .density = 0.05, .skew = 1.0, .seed = 9});
    ASSERT_EQ(f.rows(), 1000u);
    EXPECT_EQ(f.names(), (Strings{"user_id", "item_id", "timestamp", "implicit_rating"}));
    std::set<std::pair<std::string, std::string>> pairs;
    std::map<std::string, int> per_user, per_item;
    double last = -1;
    for (std::size_t r = 0; r < f.rows(); ++r) {
        std::string u = f.at("user_id").to_text(r), i = f.at("item_id").to_text(r);
        EXPECT_TRUE(pairs.emplace(u, i).second) << "repeated pair " << u << " " << i;
        ++per_user[u];
        ++per_item[i];
        auto t = iso8601_seconds(f.at("timestamp").to_text(r));
        ASSERT_TRUE(t) << f.at("timestamp").to_text(r);
        EXPECT_GE(*t, 1704067200.0);  // during 2024, in order
        EXPECT_LT(*t, 1735689600.0);
        EXPECT_GE(*t, last);
        last = *t;
        double rating = f.at("implicit_rating").floats()[r];
        EXPECT_TRUE(rating == 1 || rating == 2 || rating == 3 || rating == 4 || rating == 5) << rating;
    }
    EXPECT_EQ(per_user.size(), 200u);
    for (const auto& [u, n] : per_user) EXPECT_GE(n, 2) << u;
    EXPECT_LE(per_item.size(), 100u);

    // Zipf at skew 1: item_1 far ahead of the median item (about 30 times in expectation).
    std::vector<int> counts(100, 0);
    for (int k = 0; k < 100; ++k) counts[static_cast<std::size_t>(k)] = per_item["item_" + std::to_string(k + 1)];
    std::vector<int> sorted = counts;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), counts[0]);
    EXPECT_GT(counts[0], 10 * std::max(sorted[50], 1));
}

TEST(Interactions, SyntheticSkewZeroIsUniform) {
    Interactions x = synthetic_loaded({.users = 400, .items = 50, .density = 0.2, .skew = 0.0});
    std::vector<std::int64_t> counts = item_counts(x);
    std::sort(counts.begin(), counts.end());
    EXPECT_EQ(x.size(), 4000u);
    EXPECT_LT(counts.back(), 2 * counts[counts.size() / 2]);  // 80 expected each
}

TEST(Interactions, SyntheticEdgesAndDeterminism) {
    SyntheticInteractions o{.users = 50, .items = 10, .density = 0.01};
    Interactions sparse = synthetic_loaded(o);
    EXPECT_EQ(sparse.size(), 100u);  // raised to 2 per user
    UserItems seen = user_items(sparse);
    for (std::int32_t u = 0; u < 50; ++u) EXPECT_EQ(seen.of(u).size(), 2u);

    Interactions full = synthetic_loaded({.users = 20, .items = 30, .density = 1.0, .skew = 2.0});
    EXPECT_EQ(full.size(), 600u);  // every pair, the tail drawn without rejection
    EXPECT_EQ(full.duplicates, 0u);

    EXPECT_EQ(synthetic_interactions({.seed = 5}).fingerprint(), synthetic_interactions({.seed = 5}).fingerprint());
    EXPECT_NE(synthetic_interactions({.seed = 5}).fingerprint(), synthetic_interactions({.seed = 6}).fingerprint());

    Error e = error_of([] { synthetic_interactions({.items = 1}); });
    EXPECT_EQ(e.code(), "invalid_field");
    EXPECT_EQ(e.message(), "synthetic interactions need at least 2 items (every user has 2 interactions)");
    EXPECT_EQ(error_of([] { synthetic_interactions({.density = 0}); }).message(),
              "density must be above 0 and at most 1, not 0");
}
