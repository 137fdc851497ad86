#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>

#include "data/stats.hpp"
#include "column_builders.hpp"

using namespace hone::data;
using namespace hone::data::testing;

namespace {

using Top = std::vector<std::pair<std::string, std::size_t>>;

// Five rows, one column of each type, with a null in each.
Frame small_frame() {
    Frame f;
    f.add(float_col("x", {1.0, 2.0, std::nullopt, 4.0, 2.0}));
    f.add(int_col("n", {3, -1, 3, 7, -1}));
    f.add(bool_col("b", {true, false, true, std::nullopt, true}));
    f.add(string_col("s", {"b", "a", std::nullopt, "a", "c"}));
    return f;
}

}  // namespace

TEST(Stats, FloatColumn) {
    auto s = describe(small_frame());
    ASSERT_EQ(s.size(), 4u);
    const auto& x = s[0];
    EXPECT_EQ(x.name, "x");
    EXPECT_EQ(x.type, DType::float64);
    EXPECT_EQ(x.count, 4u);
    EXPECT_EQ(x.nulls, 1u);
    EXPECT_DOUBLE_EQ(*x.mean, 2.25);
    // deviations -1.25, -0.25, 1.75, -0.25: squares sum to 4.75, over n - 1 = 3
    EXPECT_DOUBLE_EQ(*x.std, std::sqrt(4.75 / 3));
    EXPECT_EQ(*x.min, 1.0);
    EXPECT_EQ(*x.max, 4.0);
    EXPECT_EQ(x.distinct, 3u);
    EXPECT_EQ(x.top, (Top{{"2", 2}, {"1", 1}, {"4", 1}}));
}

TEST(Stats, IntColumnTiesByValue) {
    auto n = describe(small_frame())[1];
    EXPECT_EQ(n.type, DType::int64);
    EXPECT_EQ(n.count, 5u);
    EXPECT_EQ(n.nulls, 0u);
    EXPECT_DOUBLE_EQ(*n.mean, 2.2);
    EXPECT_DOUBLE_EQ(*n.std, std::sqrt(11.2));  // 44.8 / 4
    EXPECT_EQ(*n.min, -1.0);
    EXPECT_EQ(*n.max, 7.0);
    EXPECT_EQ(n.distinct, 3u);
    // -1 and 3 both appear twice: the smaller value comes first.
    EXPECT_EQ(n.top, (Top{{"-1", 2}, {"3", 2}, {"7", 1}}));
}

TEST(Stats, BoolColumn) {
    auto b = describe(small_frame())[2];
    EXPECT_EQ(b.count, 4u);
    EXPECT_EQ(b.nulls, 1u);
    EXPECT_DOUBLE_EQ(*b.mean, 0.75);
    EXPECT_DOUBLE_EQ(*b.std, 0.5);  // (3 * 0.0625 + 0.5625) / 3 = 0.25
    EXPECT_EQ(*b.min, 0.0);
    EXPECT_EQ(*b.max, 1.0);
    EXPECT_EQ(b.distinct, 2u);
    EXPECT_EQ(b.top, (Top{{"true", 3}, {"false", 1}}));
}

TEST(Stats, StringColumnHasNoMoments) {
    auto s = describe(small_frame())[3];
    EXPECT_EQ(s.type, DType::string);
    EXPECT_EQ(s.count, 4u);
    EXPECT_EQ(s.nulls, 1u);
    EXPECT_FALSE(s.mean);
    EXPECT_FALSE(s.std);
    EXPECT_FALSE(s.min);
    EXPECT_FALSE(s.max);
    EXPECT_EQ(s.distinct, 3u);
    EXPECT_EQ(s.top, (Top{{"a", 2}, {"b", 1}, {"c", 1}}));
}

TEST(Stats, TopKLimitsAndZeroDisables) {
    auto two = describe(small_frame(), 2);
    EXPECT_EQ(two[3].top, (Top{{"a", 2}, {"b", 1}}));
    auto none = describe(small_frame(), 0);
    EXPECT_TRUE(none[0].top.empty());
    EXPECT_EQ(none[0].distinct, 3u);
}

TEST(Stats, UnflaggedNanCountsAsNullAndSignedZeroIsOneValue) {
    Frame f;
    Column c("v", DType::float64);
    c.push_float(std::numeric_limits<double>::quiet_NaN());
    c.push_float(0.0);
    c.push_float(-0.0);
    c.push_float(5.0);
    f.add(std::move(c));
    auto s = describe(f)[0];
    EXPECT_EQ(s.count, 3u);
    EXPECT_EQ(s.nulls, 1u);
    EXPECT_EQ(s.distinct, 2u);
    EXPECT_EQ(s.top, (Top{{"0", 2}, {"5", 1}}));
    EXPECT_DOUBLE_EQ(*s.mean, 5.0 / 3);
}

TEST(Stats, NullInTheFirstRow) {
    Frame f;
    f.add(string_col("s", {std::nullopt, "a"}));
    f.add(bool_col("b", {std::nullopt, true}));
    auto s = describe(f);
    EXPECT_EQ(s[0].nulls, 1u);
    EXPECT_EQ(s[0].count, 1u);
    EXPECT_EQ(s[1].nulls, 1u);
    EXPECT_EQ(s[1].top, (Top{{"true", 1}}));
}

TEST(Stats, AllNullAndSingleValueColumns) {
    Frame f;
    f.add(float_col("empty", {std::nullopt, std::nullopt}));
    f.add(int_col("one", {std::nullopt, 9}));
    auto s = describe(f);
    EXPECT_EQ(s[0].count, 0u);
    EXPECT_EQ(s[0].nulls, 2u);
    EXPECT_FALSE(s[0].mean);
    EXPECT_FALSE(s[0].min);
    EXPECT_EQ(s[0].distinct, 0u);
    EXPECT_TRUE(s[0].top.empty());
    // One value: a mean, but no sample std (ddof 1), as pandas gives NaN.
    EXPECT_EQ(*s[1].mean, 9.0);
    EXPECT_FALSE(s[1].std);
    EXPECT_EQ(*s[1].min, 9.0);
    EXPECT_EQ(s[1].top, (Top{{"9", 1}}));
}

TEST(Stats, WideIntRangeIsCountedExactly) {
    Frame f;
    f.add(int_col("id", {1'000'000'000'000, -5, 1'000'000'000'000, std::numeric_limits<std::int64_t>::max()}));
    auto s = describe(f)[0];
    EXPECT_EQ(s.distinct, 3u);
    EXPECT_EQ(s.top, (Top{{"1000000000000", 2}, {"-5", 1}, {"9223372036854775807", 1}}));
    EXPECT_EQ(*s.min, -5.0);
}

TEST(Stats, ManyDistinctValuesAreCountedExactly) {
    // Beyond what the hash table keeps in cache, values are counted by sorting.
    Column f("f", DType::float64), w("w", DType::int64);
    for (int i = 0; i < 40'000; ++i) {
        f.push_float((i - 20'000) * 0.25);
        w.push_int(static_cast<std::int64_t>(i - 20'000) * 1'000'003);
    }
    for (double extra : {7.5, 7.5, 7.5, -3.0, -0.0}) f.push_float(extra);
    for (std::int64_t extra : {1'000'003 * 5, 1'000'003 * 5, -2'000'006}) w.push_int(extra);
    w.push_null();
    w.push_null();
    Frame frame;
    frame.add(std::move(f));
    frame.add(std::move(w));
    auto s = describe(frame);
    EXPECT_EQ(s[0].distinct, 40'000u);
    EXPECT_EQ(s[0].top, (Top{{"7.5", 4}, {"-3", 2}, {"0", 2}}));
    EXPECT_EQ(*s[0].min, -5000.0);
    EXPECT_EQ(*s[0].max, 4999.75);
    EXPECT_EQ(s[1].count, 40'003u);
    EXPECT_EQ(s[1].nulls, 2u);
    EXPECT_EQ(s[1].distinct, 40'000u);
    EXPECT_EQ(s[1].top, (Top{{"5000015", 3}, {"-2000006", 2}, {"-20000060000", 1}}));
}

TEST(Stats, UnusedDictionaryEntriesAreNotDistinct) {
    Frame f;
    f.add(string_col("s", {"a", "b", "c", "a"}));
    Frame part = f.take({0, 3, 1});  // keeps the whole dictionary; "c" is unused
    auto s = describe(part)[0];
    EXPECT_EQ(s.distinct, 2u);
    EXPECT_EQ(s.top, (Top{{"a", 2}, {"b", 1}}));
}

TEST(Stats, ParallelMatchesOneColumnAtATime) {
    // Large enough to take the two-thread path.
    const std::size_t rows = 60'000;
    Frame f;
    Column a("a", DType::float64), b("b", DType::int64), c("c", DType::string), d("d", DType::boolean);
    for (std::size_t i = 0; i < rows; ++i) {
        if (i % 17 == 0)
            a.push_null();
        else
            a.push_float(static_cast<double>(i % 1000) * 0.25);
        b.push_int(static_cast<std::int64_t>((i * 7919) % 5003));
        c.push_string("k" + std::to_string(i % 37));
        d.push_bool(i % 3 == 0);
    }
    f.add(a);
    f.add(b);
    f.add(c);
    f.add(d);
    auto all = describe(f, 5);
    ASSERT_EQ(all.size(), 4u);
    for (std::size_t j = 0; j < f.cols(); ++j) {
        Frame single;
        single.add(f.columns()[j]);
        auto one = describe(single, 5)[0];
        EXPECT_EQ(all[j].name, one.name);
        EXPECT_EQ(all[j].count, one.count);
        EXPECT_EQ(all[j].mean, one.mean);
        EXPECT_EQ(all[j].std, one.std);
        EXPECT_EQ(all[j].distinct, one.distinct);
        EXPECT_EQ(all[j].top, one.top);
    }
    EXPECT_EQ(all[0].nulls, (rows + 16) / 17);
    EXPECT_EQ(all[0].distinct, 1000u);
    EXPECT_EQ(all[2].distinct, 37u);
    EXPECT_EQ(all[2].top.front(), (std::pair<std::string, std::size_t>{"k0", 1622}));
}

TEST(Stats, Json) {
    Frame f;
    f.add(float_col("x", {1.0, 2.0, std::nullopt, 4.0, 2.0}));
    f.add(string_col("s", {"b", "a", std::nullopt, "a", "c"}));
    auto j = to_json(describe(f, 2), f.rows());
    EXPECT_EQ(j["rows"], 5);
    ASSERT_EQ(j["columns"].size(), 2u);
    const auto& x = j["columns"][0];
    EXPECT_EQ(x["name"], "x");
    EXPECT_EQ(x["type"], "float");
    EXPECT_EQ(x["count"], 4);
    EXPECT_EQ(x["nulls"], 1);
    EXPECT_EQ(x["mean"], 2.25);
    EXPECT_EQ(x["min"], 1.0);
    EXPECT_EQ(x["max"], 4.0);
    EXPECT_EQ(x["distinct"], 3);
    EXPECT_EQ(x["top"].dump(), R"([{"value":"2","count":2},{"value":"1","count":1}])");
    const auto& s = j["columns"][1];
    EXPECT_EQ(s.dump(),
              R"({"name":"s","type":"string","count":4,"nulls":1,"mean":null,"std":null,"min":null,"max":null,)"
              R"("distinct":3,"top":[{"value":"a","count":2},{"value":"b","count":1}]})");
}

TEST(Stats, Table) {
    Frame f = small_frame();
    Column wide("city", DType::string);
    for (const char* v : {"Saint-Rémy-de-Provence-sur-Mer", "Oslo", "Oslo", "Oslo", "Oslo"}) wide.push_string(v);
    f.add(std::move(wide));
    f.add(int_col("id", {101, 102, 103, 104, 105}));
    std::string expected =
        "5 rows, 6 columns\n"
        "name  type    count  nulls  mean    std  min  max  distinct  top\n"
        "x     float       4      1  2.25  1.258    1    4         3  2 (2), 1 (1), 4 (1)\n"
        "n     int         5      0   2.2  3.347   -1    7         3  -1 (2), 3 (2), 7 (1)\n"
        "b     bool        4      1  0.75    0.5    0    1         2  true (3), false (1)\n"
        "s     string      4      1     -      -    -    -         3  a (2), b (1), c (1)\n"
        "city  string      5      0     -      -    -    -         2  Oslo (4), Saint-Rémy-de-Pro... (1)\n"
        "id    int         5      0   103  1.581  101  105         5  all distinct\n";
    EXPECT_EQ(format_table(describe(f), f.rows()), expected);
}
