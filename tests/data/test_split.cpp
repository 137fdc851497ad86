#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>

#include "common/error.hpp"
#include "data/split.hpp"
#include "../support/errors.hpp"

using hone::test_support::error_of;

using namespace hone;
using namespace hone::data;

namespace {

using Rows = std::vector<std::size_t>;

lang::SplitSpec ratios(double train, double validation, double test) {
    lang::SplitSpec s;
    s.train = train;
    s.validation = validation;
    s.test = test;
    return s;
}

Column labels(const std::string& name, const std::vector<std::pair<std::string, std::size_t>>& counts) {
    // Classes interleaved (a b c a b c ...) so that consecutive rows are not one class.
    Column c(name, DType::string);
    std::vector<std::size_t> left;
    for (const auto& e : counts) left.push_back(e.second);
    for (bool any = true; any;) {
        any = false;
        for (std::size_t j = 0; j < counts.size(); ++j)
            if (left[j]) c.push_string(counts[j].first), --left[j], any = true;
    }
    return c;
}

std::map<std::string, std::size_t> class_counts(const Column& c, const Rows& rows) {
    std::map<std::string, std::size_t> out;
    for (auto r : rows) ++out[c.to_text(r)];
    return out;
}

// Every row 0..n-1 in exactly one part, each part sorted.
void expect_partition(const std::vector<const Rows*>& parts, std::size_t n) {
    std::vector<int> seen(n, 0);
    for (const Rows* p : parts) {
        EXPECT_TRUE(std::is_sorted(p->begin(), p->end()));
        for (auto r : *p) {
            ASSERT_LT(r, n);
            ++seen[r];
        }
    }
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "row " << i;
}

}  // namespace

TEST(Split, SizesFollowTheRatios) {
    auto sizes = [](std::size_t n, lang::SplitSpec s) {
        auto z = split_sizes(n, s);
        return std::vector<std::size_t>{z.train, z.validation, z.test};
    };
    using V = std::vector<std::size_t>;
    EXPECT_EQ(sizes(100, {}), (V{70, 15, 15}));  // 100 * 0.15 is 15.000000000000002 in doubles
    EXPECT_EQ(sizes(1000, ratios(0.8, 0.1, 0.1)), (V{800, 100, 100}));
    EXPECT_EQ(sizes(10, {}), (V{6, 2, 2}));  // 1.5 rounds up
    EXPECT_EQ(sizes(7, ratios(0.5, 0.25, 0.25)), (V{3, 2, 2}));
    EXPECT_EQ(sizes(3, {}), (V{1, 1, 1}));  // a part with a ratio above 0 gets a row
    EXPECT_EQ(sizes(50, ratios(0.8, 0.2, 0)), (V{40, 10, 0}));
    EXPECT_EQ(sizes(5, ratios(1, 0, 0)), (V{5, 0, 0}));
}

TEST(Split, PartsCoverEveryRowOnce) {
    auto s = split_rows(1000, {});
    EXPECT_EQ(s.train.size(), 700u);
    EXPECT_EQ(s.validation.size(), 150u);
    EXPECT_EQ(s.test.size(), 150u);
    expect_partition({&s.train, &s.validation, &s.test}, 1000);
}

TEST(Split, SameSeedSameRowsOtherSeedOtherRows) {
    auto a = split_rows(500, {});
    auto b = split_rows(500, {});
    EXPECT_EQ(a.train, b.train);
    EXPECT_EQ(a.validation, b.validation);
    EXPECT_EQ(a.test, b.test);
    lang::SplitSpec other;
    other.seed = 7;
    auto c = split_rows(500, other);
    EXPECT_NE(a.test, c.test);
    EXPECT_NE(a.train, c.train);
}

TEST(Split, FixedRowsForSeed42) {
    // Pins the generator (mt19937_64, rejection sampling, Fisher-Yates from the
    // end): the same rows on every platform and release.
    auto s = split_rows(10, ratios(0.6, 0.2, 0.2));
    EXPECT_EQ(s.train, (Rows{0, 1, 3, 7, 8, 9}));
    EXPECT_EQ(s.validation, (Rows{2, 4}));
    EXPECT_EQ(s.test, (Rows{5, 6}));
}

TEST(Split, WithoutShuffleThePartsAreConsecutive) {
    lang::SplitSpec s;
    s.shuffle = false;
    auto p = split_rows(20, s);
    Rows train(14), val(3), test(3);
    std::iota(train.begin(), train.end(), 0);
    std::iota(val.begin(), val.end(), 14);
    std::iota(test.begin(), test.end(), 17);
    EXPECT_EQ(p.train, train);
    EXPECT_EQ(p.validation, val);
    EXPECT_EQ(p.test, test);
}

TEST(Split, StratifiedKeepsClassProportions) {
    Column y = labels("churn", {{"no", 60}, {"yes", 30}, {"maybe", 10}});
    auto s = split_rows(100, {}, &y);
    expect_partition({&s.train, &s.validation, &s.test}, 100);
    EXPECT_EQ(s.train.size(), 70u);
    EXPECT_EQ(s.validation.size(), 15u);
    EXPECT_EQ(s.test.size(), 15u);
    using M = std::map<std::string, std::size_t>;
    // test 15: no 9, yes 4.5, maybe 1.5 -> the tied halves go to the larger class
    EXPECT_EQ(class_counts(y, s.test), (M{{"no", 9}, {"yes", 5}, {"maybe", 1}}));
    // validation 15 of the remaining 51/25/9: 9, 4.41, 1.59
    EXPECT_EQ(class_counts(y, s.validation), (M{{"no", 9}, {"yes", 4}, {"maybe", 2}}));
    EXPECT_EQ(class_counts(y, s.train), (M{{"no", 42}, {"yes", 21}, {"maybe", 7}}));

    auto again = split_rows(100, {}, &y);
    EXPECT_EQ(again.test, s.test);
    lang::SplitSpec other;
    other.seed = 1;
    EXPECT_NE(split_rows(100, other, &y).test, s.test);
}

TEST(Split, StratifiedOnIntBoolAndFloatTargets) {
    Column i("label", DType::int64), b("flag", DType::boolean), f("score", DType::float64);
    for (std::size_t r = 0; r < 40; ++r) {
        i.push_int(r % 4 == 0 ? 7 : -1);
        b.push_bool(r % 4 == 0);
        f.push_float(r % 4 == 0 ? 1.0 : 0.0);
    }
    auto a = split_rows(40, ratios(0.5, 0.25, 0.25), &i);
    auto c = split_rows(40, ratios(0.5, 0.25, 0.25), &b);
    auto d = split_rows(40, ratios(0.5, 0.25, 0.25), &f);
    using M = std::map<std::string, std::size_t>;
    EXPECT_EQ(class_counts(i, a.test), (M{{"-1", 8}, {"7", 2}}));
    EXPECT_EQ(class_counts(b, c.test), (M{{"false", 8}, {"true", 2}}));
    EXPECT_EQ(class_counts(f, d.test), (M{{"0", 8}, {"1", 2}}));
    // The same class structure in value order draws the same rows.
    EXPECT_EQ(a.test, c.test);
    EXPECT_EQ(c.test, d.test);
}

TEST(Split, StratifiedWithoutShuffleTakesRowsInOrder) {
    Column y = labels("y", {{"a", 4}, {"b", 4}});  // a b a b a b a b
    lang::SplitSpec s = ratios(0.5, 0.25, 0.25);
    s.shuffle = false;
    auto p = split_rows(8, s, &y);
    EXPECT_EQ(p.train, (Rows{0, 1, 2, 3}));
    EXPECT_EQ(p.validation, (Rows{4, 5}));
    EXPECT_EQ(p.test, (Rows{6, 7}));
}

TEST(Split, SingleMemberClassIsAnError) {
    Column y = labels("churn", {{"no", 10}, {"yes", 5}, {"maybe", 1}});
    Error e = error_of([&] { split_rows(16, {}, &y); });
    EXPECT_EQ(e.kind(), ErrorKind::data);
    EXPECT_EQ(e.code(), "split_failed");
    EXPECT_EQ(e.message(), "cannot stratify the split: class 'maybe' has only 1 row, and each class needs at least 2");
    EXPECT_EQ(e.where().column, "churn");
    EXPECT_STREQ(e.what(), "column 'churn': cannot stratify the split: class 'maybe' has only 1 row, and each class "
                           "needs at least 2");
    EXPECT_EQ(e.hint(), "add rows of class 'maybe', drop them, or set split.stratify to false");
    // Without stratification the same data splits.
    EXPECT_NO_THROW(split_rows(16, {}));
}

TEST(Split, NullTargetIsAnError) {
    Column y("y", DType::string);
    for (const char* v : {"a", "b", "a", "b"}) y.push_string(v);
    y.push_null();
    Error e = error_of([&] { split_rows(5, {}, &y); });
    EXPECT_EQ(e.code(), "split_failed");
    EXPECT_STREQ(e.what(), "row 5, column 'y': the target is null; rows without a target cannot be split by class");
}

TEST(Split, EmptyTrainingPartIsAnError) {
    Error e = error_of([&] { split_rows(2, {}); });
    EXPECT_EQ(e.kind(), ErrorKind::data);
    EXPECT_EQ(e.code(), "split_failed");
    EXPECT_EQ(e.message(), "the training part would be empty: 2 rows split 0.7/0.15/0.15 leave no rows for training");
    EXPECT_EQ(error_of([&] { split_rows(0, {}); }).message(),
              "the training part would be empty: 0 rows split 0.7/0.15/0.15 leave no rows for training");
}

TEST(Split, InvalidRatiosAreErrors) {
    auto message = [](lang::SplitSpec s) {
        Error e = error_of([&] { split_sizes(100, s); });
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(e.code(), "invalid_split");
        return e.message();
    };
    EXPECT_EQ(message(ratios(0.7, 0.2, 0.2)), "split ratios must sum to 1, but 0.7 + 0.2 + 0.2 = 1.0999999999999999");
    EXPECT_EQ(message(ratios(1.2, -0.1, -0.1)), "split.train must be between 0 and 1, not 1.2");
    EXPECT_EQ(message(ratios(0.8, -0.1, 0.3)), "split.validation must be between 0 and 1, not -0.1");
    EXPECT_EQ(message(ratios(0, 0.5, 0.5)), "split.train must be above 0, not 0");
}

TEST(KFold, EachRowInExactlyOneTestFold) {
    auto folds = kfold(10, 3);
    ASSERT_EQ(folds.size(), 3u);
    EXPECT_EQ(folds[0].test.size(), 4u);
    EXPECT_EQ(folds[1].test.size(), 3u);
    EXPECT_EQ(folds[2].test.size(), 3u);
    std::vector<const Rows*> tests;
    for (const auto& f : folds) {
        tests.push_back(&f.test);
        EXPECT_EQ(f.train.size() + f.test.size(), 10u);
        expect_partition({&f.train, &f.test}, 10);
    }
    expect_partition(tests, 10);
    EXPECT_EQ(kfold(10, 3)[1].test, folds[1].test);
    EXPECT_NE(kfold(10, 3, 43)[0].test, folds[0].test);
}

TEST(KFold, WithoutShuffleFoldsAreBlocks) {
    auto folds = kfold(7, 3, 42, false);
    EXPECT_EQ(folds[0].test, (Rows{0, 1, 2}));
    EXPECT_EQ(folds[1].test, (Rows{3, 4}));
    EXPECT_EQ(folds[2].test, (Rows{5, 6}));
    EXPECT_EQ(folds[1].train, (Rows{0, 1, 2, 5, 6}));
}

TEST(KFold, BadK) {
    Error e = error_of([] { kfold(3, 5); });
    EXPECT_EQ(e.kind(), ErrorKind::validation);
    EXPECT_EQ(e.code(), "invalid_folds");
    EXPECT_EQ(e.message(), "cannot make 5 folds from 3 rows: k must not exceed the number of rows");
    EXPECT_EQ(error_of([] { kfold(10, 1); }).message(), "k-fold needs at least 2 folds, not 1");
}

TEST(StratifiedKFold, ClassProportionsPerFold) {
    Column y = labels("y", {{"a", 7}, {"b", 3}});
    auto folds = stratified_kfold(y, 3);
    ASSERT_EQ(folds.size(), 3u);
    using M = std::map<std::string, std::size_t>;
    // Class-sorted positions dealt round-robin: a at 0..6 -> folds 0 1 2 0 1 2 0, b at 7..9 -> 1 2 0.
    EXPECT_EQ(class_counts(y, folds[0].test), (M{{"a", 3}, {"b", 1}}));
    EXPECT_EQ(class_counts(y, folds[1].test), (M{{"a", 2}, {"b", 1}}));
    EXPECT_EQ(class_counts(y, folds[2].test), (M{{"a", 2}, {"b", 1}}));
    std::vector<const Rows*> tests;
    for (const auto& f : folds) {
        tests.push_back(&f.test);
        expect_partition({&f.train, &f.test}, 10);
    }
    expect_partition(tests, 10);

    Column big = labels("y", {{"x", 600}, {"y", 300}, {"z", 100}});
    auto five = stratified_kfold(big, 5, 7);
    for (const auto& f : five)
        EXPECT_EQ(class_counts(big, f.test), (M{{"x", 120}, {"y", 60}, {"z", 20}}));
    EXPECT_EQ(stratified_kfold(big, 5, 7)[2].test, five[2].test);
    EXPECT_NE(stratified_kfold(big, 5, 8)[2].test, five[2].test);
}

TEST(StratifiedKFold, WithoutShuffleKeepsRowOrderWithinClass) {
    Column y = labels("y", {{"a", 4}, {"b", 2}});  // a b a b a a
    auto folds = stratified_kfold(y, 2, 42, false);
    EXPECT_EQ(folds[0].test, (Rows{0, 1, 2}));
    EXPECT_EQ(folds[1].test, (Rows{3, 4, 5}));
}

TEST(StratifiedKFold, ClassSmallerThanKIsAnError) {
    Column y = labels("label", {{"a", 10}, {"b", 3}, {"c", 3}});
    Error e = error_of([&] { stratified_kfold(y, 4); });
    EXPECT_EQ(e.kind(), ErrorKind::validation);
    EXPECT_EQ(e.code(), "invalid_folds");
    EXPECT_EQ(e.message(), "cannot make 4 stratified folds: class 'b' has only 3 rows, and each class needs at least 4");
    EXPECT_EQ(e.where().column, "label");
    EXPECT_NO_THROW(stratified_kfold(y, 3));
    EXPECT_EQ(error_of([&] { stratified_kfold(y, 20); }).message(),
              "cannot make 20 folds from 16 rows: k must not exceed the number of rows");
}

TEST(Random, UniformBelowAndShuffleArePinned) {
    // The first outputs of std::mt19937_64 are fixed by the C++ standard; ours on top.
    std::mt19937_64 rng(42);
    std::vector<std::uint64_t> draws;
    for (int i = 0; i < 5; ++i) draws.push_back(uniform_below(rng, 1000));
    std::mt19937_64 ref(42);
    std::vector<std::uint64_t> expected;
    for (int i = 0; i < 5; ++i) expected.push_back(ref() % 1000);  // 1000 rejects almost nothing
    EXPECT_EQ(draws, expected);

    Rows v(6);
    std::iota(v.begin(), v.end(), 0);
    std::mt19937_64 a(3), b(3);
    Rows w = v;
    shuffle_indices(v, a);
    shuffle_indices(w, b);
    EXPECT_EQ(v, w);
    Rows sorted = v;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (Rows{0, 1, 2, 3, 4, 5}));
}
