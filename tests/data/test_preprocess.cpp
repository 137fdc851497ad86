#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>

#include "common/error.hpp"
#include "data/preprocess.hpp"
#include "column_builders.hpp"
#include "../support/errors.hpp"

using hone::test_support::error_of;

using namespace hone;
using namespace hone::data;
using namespace hone::data::testing;

namespace {

using Names = std::vector<std::string>;
using Row = std::vector<float>;

// age: mean 30, median 20, most frequent 10 (all tie: the smallest).
Frame train_frame() {
    Frame f;
    f.add(int_col("age", {10, 20, std::nullopt, 60}));
    f.add(float_col("income", {1.0, 2.0, 3.0, 4.0}));
    f.add(string_col("plan", {"monthly", "yearly", "monthly", std::nullopt}));
    f.add(bool_col("active", {true, false, std::nullopt, true}));
    return f;
}

const Names features = {"age", "income", "plan", "active"};

Row row(const Matrix& m, std::size_t r) { return Row(m.data.begin() + r * m.cols, m.data.begin() + (r + 1) * m.cols); }

}  // namespace

TEST(Preprocess, DefaultsImputeMeanAndOneHot) {
    auto p = Preprocessor::fit({}, features, train_frame());
    EXPECT_EQ(p.feature_names(), (Names{"age", "income", "plan=monthly", "plan=yearly", "plan=__other__", "active"}));
    EXPECT_EQ(p.input_columns(), features);
    Matrix m = p.transform(train_frame());
    ASSERT_EQ(m.rows, 4u);
    ASSERT_EQ(m.cols, 6u);
    EXPECT_EQ(m.names, p.feature_names());
    EXPECT_EQ(row(m, 0), (Row{10, 1, 1, 0, 0, 1}));
    EXPECT_EQ(row(m, 1), (Row{20, 2, 0, 1, 0, 0}));
    // age null -> mean 30; active null -> mean 2/3; plan null -> most frequent "monthly"
    EXPECT_EQ(row(m, 2), (Row{30, 3, 1, 0, 0, static_cast<float>(2.0 / 3.0)}));
    EXPECT_EQ(row(m, 3), (Row{60, 4, 1, 0, 0, 1}));
    EXPECT_TRUE(p.warnings().empty());
}

TEST(Preprocess, NumericImputations) {
    auto fill_of = [](const std::string& how, nlohmann::ordered_json fill = nullptr) {
        lang::PreprocessSpec spec;
        spec.impute_numeric = how;
        spec.fill_value = fill;
        return Preprocessor::fit(spec, {"age"}, train_frame()).transform(train_frame()).at(2, 0);
    };
    EXPECT_EQ(fill_of("mean"), 30.0f);
    EXPECT_EQ(fill_of("median"), 20.0f);
    EXPECT_EQ(fill_of("most_frequent"), 10.0f);
    EXPECT_EQ(fill_of("constant", 5), 5.0f);
    EXPECT_EQ(fill_of("constant", -1.5), -1.5f);
    EXPECT_EQ(fill_of("constant"), 0.0f);  // no fill_value: 0
}

TEST(Preprocess, MedianOfEvenCountAveragesTheMiddle) {
    Frame f;
    f.add(float_col("v", {4.0, std::nullopt, 1.0, 2.0, 10.0}));
    lang::PreprocessSpec spec;
    spec.impute_numeric = "median";
    EXPECT_EQ(Preprocessor::fit(spec, {"v"}, f).transform(f).at(1, 0), 3.0f);
}

TEST(Preprocess, MostFrequentNumericPrefersTheLongestRun) {
    Frame f;
    f.add(float_col("v", {7.0, 3.0, 7.0, std::nullopt, 3.0, 7.0}));
    lang::PreprocessSpec spec;
    spec.impute_numeric = "most_frequent";
    EXPECT_EQ(Preprocessor::fit(spec, {"v"}, f).transform(f).at(3, 0), 7.0f);
}

TEST(Preprocess, CategoricalConstantFillBecomesACategory) {
    lang::PreprocessSpec spec;
    spec.impute_categorical = "constant";
    spec.fill_value = "unknown";
    auto p = Preprocessor::fit(spec, {"plan"}, train_frame());
    EXPECT_EQ(p.feature_names(), (Names{"plan=monthly", "plan=unknown", "plan=yearly", "plan=__other__"}));
    Matrix m = p.transform(train_frame());
    EXPECT_EQ(row(m, 3), (Row{0, 1, 0, 0}));

    spec.fill_value = nullptr;  // default: scikit-learn's "missing_value"
    auto q = Preprocessor::fit(spec, {"plan"}, train_frame());
    EXPECT_EQ(q.feature_names(), (Names{"plan=missing_value", "plan=monthly", "plan=yearly", "plan=__other__"}));
}

TEST(Preprocess, OneHotCapKeepsMostFrequentAndUnseenGoToOther) {
    Frame train;
    train.add(string_col("color", {"a", "c", "b", "a", "d", "b", "a", "c"}));
    lang::PreprocessSpec spec;
    spec.max_categories = 2;
    auto p = Preprocessor::fit(spec, {"color"}, train);
    // a x3 is kept; b and c tie with 2 each and b wins by value; c and d go to other.
    EXPECT_EQ(p.feature_names(), (Names{"color=a", "color=b", "color=__other__"}));
    EXPECT_EQ(p.steps()[0].categories, (Names{"a", "b"}));

    Frame test;
    test.add(string_col("color", {"b", "c", "zebra", std::nullopt, "a"}));
    Matrix m = p.transform(test);
    EXPECT_EQ(row(m, 0), (Row{0, 1, 0}));
    EXPECT_EQ(row(m, 1), (Row{0, 0, 1}));
    EXPECT_EQ(row(m, 2), (Row{0, 0, 1}));  // unseen at fit time
    EXPECT_EQ(row(m, 3), (Row{1, 0, 0}));  // null -> most frequent "a"
    EXPECT_EQ(row(m, 4), (Row{1, 0, 0}));
}

TEST(Preprocess, CategoryNamedOtherJoinsTheOtherBucket) {
    Frame train;
    train.add(string_col("k", {"__other__", "x", "__other__"}));
    auto p = Preprocessor::fit({}, {"k"}, train);
    EXPECT_EQ(p.feature_names(), (Names{"k=x", "k=__other__"}));
    EXPECT_EQ(row(p.transform(train), 0), (Row{0, 1}));
}

TEST(Preprocess, OrdinalCodesInValueOrderAndUnseenIsMinusOne) {
    lang::PreprocessSpec spec;
    spec.encode = "ordinal";
    auto p = Preprocessor::fit(spec, {"plan"}, train_frame());
    EXPECT_EQ(p.feature_names(), (Names{"plan"}));
    Frame test;
    test.add(string_col("plan", {"yearly", "monthly", "weekly", std::nullopt}));
    Matrix m = p.transform(test);
    EXPECT_EQ(m.data, (Row{1, 0, -1, 0}));
}

TEST(Preprocess, StandardScalingUsesPopulationStdAfterImputation) {
    lang::PreprocessSpec spec;
    spec.scale = "standard";
    auto p = Preprocessor::fit(spec, features, train_frame());
    Matrix m = p.transform(train_frame());
    // income 1..4: mean 2.5, population variance 1.25
    for (std::size_t r = 0; r < 4; ++r)
        EXPECT_EQ(m.at(r, 1), static_cast<float>((static_cast<double>(r + 1) - 2.5) / std::sqrt(1.25)));
    // age 10, 20, (30), 60: mean 30, variance (400 + 100 + 0 + 900) / 4 = 350
    EXPECT_EQ(m.at(0, 0), static_cast<float>(-20.0 / std::sqrt(350.0)));
    EXPECT_EQ(m.at(2, 0), 0.0f);
    EXPECT_EQ(m.at(3, 0), static_cast<float>(30.0 / std::sqrt(350.0)));
    // one-hot and bool outputs are never scaled
    EXPECT_EQ(row(m, 1)[2], 0.0f);
    EXPECT_EQ(row(m, 1)[3], 1.0f);
    EXPECT_EQ(row(m, 0)[5], 1.0f);
}

TEST(Preprocess, MinMaxScaling) {
    lang::PreprocessSpec spec;
    spec.scale = "minmax";
    auto p = Preprocessor::fit(spec, {"income", "age"}, train_frame());
    Matrix m = p.transform(train_frame());
    EXPECT_EQ(m.data, (Row{0, 0, static_cast<float>(1.0 / 3), 0.2f, static_cast<float>(2.0 / 3), 0.4f, 1, 1}));
    Frame beyond;
    beyond.add(float_col("income", {7.0}));
    beyond.add(int_col("age", {0}));
    EXPECT_EQ(p.transform(beyond).data, (Row{2, -0.2f}));  // outside the training range: not clipped
}

TEST(Preprocess, ConstantColumnDoesNotDivideByZero) {
    Frame f;
    f.add(float_col("k", {7.0, 7.0, std::nullopt, 7.0}));
    for (const char* scale : {"standard", "minmax"}) {
        lang::PreprocessSpec spec;
        spec.scale = scale;
        auto p = Preprocessor::fit(spec, {"k"}, f);
        EXPECT_EQ(p.transform(f).data, (Row{0, 0, 0, 0})) << scale;
        ASSERT_EQ(p.warnings().size(), 1u);
        EXPECT_EQ(p.warnings()[0].column, "k");
        EXPECT_EQ(p.warnings()[0].kind, "constant");
        EXPECT_EQ(p.warnings()[0].message, "feature 'k' has the single value 7 in the training data");
    }
}

TEST(Preprocess, AllNullAndConstantFeaturesAreReported) {
    Frame f;
    f.add(float_col("gone", {std::nullopt, std::nullopt, std::nullopt}));
    f.add(string_col("city", {std::nullopt, std::nullopt, std::nullopt}));
    f.add(string_col("country", {"NO", "NO", "NO"}));
    f.add(int_col("ok", {1, 2, 3}));
    auto p = Preprocessor::fit({}, {"gone", "city", "country", "ok"}, f);
    ASSERT_EQ(p.warnings().size(), 3u);
    EXPECT_EQ(p.warnings()[0].kind, "all_null");
    EXPECT_EQ(p.warnings()[0].message, "feature 'gone' is null in every training row; it is filled with 0");
    EXPECT_EQ(p.warnings()[1].kind, "all_null");
    EXPECT_EQ(p.warnings()[1].message,
              "feature 'city' is null in every training row; it is filled with 'missing_value'");
    EXPECT_EQ(p.warnings()[2].kind, "constant");
    EXPECT_EQ(p.warnings()[2].message, "feature 'country' has the single value 'NO' in the training data");
    EXPECT_EQ(p.feature_names(), (Names{"gone", "city=missing_value", "city=__other__", "country=NO",
                                        "country=__other__", "ok"}));
    EXPECT_EQ(row(p.transform(f), 0), (Row{0, 1, 0, 1, 0, 1}));
}

TEST(Preprocess, BoolIsZeroOne) {
    Frame f;
    f.add(bool_col("flag", {true, false, std::nullopt}));
    lang::PreprocessSpec spec;
    spec.impute_numeric = "most_frequent";  // tie between 0 and 1: the smaller
    spec.scale = "standard";
    auto p = Preprocessor::fit(spec, {"flag"}, f);
    EXPECT_EQ(p.transform(f).data, (Row{1, 0, 0}));
}

TEST(Preprocess, FeaturesArriveWithOtherTypes) {
    Frame train;
    train.add(string_col("zip", {"1001", "1002", "1001"}));
    train.add(float_col("amount", {1.5, 2.5, 3.5}));
    auto p = Preprocessor::fit({}, {"zip", "amount"}, train);

    // JSON input may give the zip code as a number and the amount as text.
    Frame request;
    request.add(int_col("zip", {1002, 1003, std::nullopt}));
    request.add(string_col("amount", {"42", " 0.25", std::nullopt}));
    Matrix m = p.transform(request);
    EXPECT_EQ(row(m, 0), (Row{0, 1, 0, 42}));
    EXPECT_EQ(row(m, 1), (Row{0, 0, 1, 0.25f}));
    EXPECT_EQ(row(m, 2), (Row{1, 0, 0, 2.5f}));

    Frame bad;
    bad.add(int_col("zip", {1001, 1001}));
    bad.add(string_col("amount", {"3", "lots"}));
    Error e = error_of([&] { p.transform(bad); });
    EXPECT_EQ(e.kind(), ErrorKind::data);
    EXPECT_EQ(e.code(), "feature_type_mismatch");
    EXPECT_STREQ(e.what(), "row 2, column 'amount': expected a number, found 'lots' (the feature was numeric when fitted)");
}

TEST(Preprocess, ExtraColumnsAndOrderDoNotMatter) {
    auto p = Preprocessor::fit({}, {"income", "plan"}, train_frame());
    Frame f;
    f.add(string_col("plan", {"yearly"}));
    f.add(int_col("unused", {5}));
    f.add(float_col("income", {9.0}));
    EXPECT_EQ(p.transform(f).data, (Row{9, 0, 1, 0}));
}

TEST(Preprocess, JsonRoundTripIsBitIdentical) {
    lang::PreprocessSpec spec;
    spec.scale = "standard";
    spec.max_categories = 1;
    Frame train = train_frame();
    train.add(float_col("ratio", {0.1, 0.2, 0.7, std::nullopt}));
    Names feats = {"age", "income", "plan", "active", "ratio"};
    auto p = Preprocessor::fit(spec, feats, train);

    std::string text = p.to_json().dump(2);
    auto q = Preprocessor::from_json(nlohmann::ordered_json::parse(text));
    EXPECT_EQ(q.to_json().dump(2), text);
    EXPECT_EQ(q.feature_names(), p.feature_names());

    Frame test;
    test.add(int_col("age", {33, std::nullopt, -4}));
    test.add(float_col("income", {1.0 / 3, 2.75, std::nullopt}));
    test.add(string_col("plan", {"weekly", std::nullopt, "yearly"}));
    test.add(bool_col("active", {std::nullopt, true, false}));
    test.add(float_col("ratio", {0.3, 1e-7, std::nullopt}));
    Matrix a = p.transform(test), b = q.transform(test);
    ASSERT_EQ(a.data.size(), b.data.size());
    EXPECT_EQ(std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)), 0);
}

TEST(Preprocess, JsonShape) {
    lang::PreprocessSpec spec;
    spec.scale = "minmax";
    auto p = Preprocessor::fit(spec, {"income", "plan", "active"}, train_frame());
    EXPECT_EQ(p.to_json().dump(),
              R"({"format":"hone.preprocessor","version":1,)"
              R"("settings":{"impute_numeric":"mean","impute_categorical":"most_frequent","fill_value":null,)"
              R"("encode":"onehot","max_categories":20,"scale":"minmax"},)"
              R"("steps":[{"column":"income","kind":"numeric","fill":2.5,"offset":1.0,"divisor":3.0},)"
              R"({"column":"plan","kind":"onehot","fill":"monthly","categories":["monthly","yearly"]},)"
              R"({"column":"active","kind":"boolean","fill":0.6666666666666666}],)"
              R"("features":["income","plan=monthly","plan=yearly","plan=__other__","active"],"warnings":[]})");
}

TEST(Preprocess, BrokenStateIsAnError) {
    auto p = Preprocessor::fit({}, {"income"}, train_frame());
    auto j = p.to_json();
    j["version"] = 9;
    Error e = error_of([&] { Preprocessor::from_json(j); });
    EXPECT_EQ(e.code(), "invalid_preprocessor");
    EXPECT_EQ(e.message(), "invalid preprocessor state: version 9 is not supported (this build reads version 1)");

    j = p.to_json();
    j["steps"][0]["kind"] = "hashing";
    EXPECT_EQ(error_of([&] { Preprocessor::from_json(j); }).message(),
              "invalid preprocessor state: step kind 'hashing' is not numeric, boolean, onehot or ordinal");

    j = p.to_json();
    j["features"] = {"other"};
    EXPECT_EQ(error_of([&] { Preprocessor::from_json(j); }).message(),
              "invalid preprocessor state: 'features' does not match the steps");

    j = p.to_json();
    j["steps"][0]["divisor"] = 0;
    EXPECT_EQ(error_of([&] { Preprocessor::from_json(j); }).message(),
              "invalid preprocessor state: the divisor of 'income' must be a positive number");

    auto q = Preprocessor::fit({}, {"plan"}, train_frame());
    j = q.to_json();
    j["steps"][0]["categories"] = {"yearly", "monthly"};
    EXPECT_EQ(error_of([&] { Preprocessor::from_json(j); }).message(),
              "invalid preprocessor state: the categories of 'plan' must be distinct and in byte order");

    j = p.to_json();
    j["steps"][0].erase("divisor");
    EXPECT_EQ(error_of([&] { Preprocessor::from_json(j); }).code(), "invalid_preprocessor");
}

TEST(Preprocess, InvalidSettingsNameTheFieldAndTheChoices) {
    auto check = [](lang::PreprocessSpec spec, const std::string& message, const std::string& hint = "") {
        Error e = error_of([&] { Preprocessor::fit(spec, {"age"}, train_frame()); });
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(e.code(), "invalid_preprocessing");
        EXPECT_EQ(e.message(), message);
        EXPECT_EQ(e.hint(), hint);
    };
    lang::PreprocessSpec s;
    s.impute_numeric = "avg";
    check(s, "preprocessing.impute must be mean, median, most_frequent or constant, not 'avg'");
    s = {};
    s.impute_numeric = "mediam";
    check(s, "preprocessing.impute must be mean, median, most_frequent or constant, not 'mediam'; did you mean "
             "'median'?");
    s = {};
    s.impute_categorical = "mean";
    check(s, "preprocessing.impute_categorical must be most_frequent or constant, not 'mean'");
    s = {};
    s.encode = "onehott";
    check(s, "preprocessing.encode must be onehot or ordinal, not 'onehott'; did you mean 'onehot'?");
    s = {};
    s.encode = "one-hot";  // the job file's spelling only, as the binder accepts
    check(s, "preprocessing.encode must be onehot or ordinal, not 'one-hot'; did you mean 'onehot'?");
    s = {};
    s.scale = "robust";
    check(s, "preprocessing.scale must be none, standard or minmax, not 'robust'");
    s = {};
    s.max_categories = 0;
    check(s, "preprocessing.max_categories must be at least 1, not 0");
    s = {};
    s.impute_numeric = "constant";
    s.fill_value = "abc";
    check(s, R"(preprocessing.fill_value must be a number when impute is constant, not "abc")");
    s = {};
    s.impute_categorical = "constant";
    s.fill_value = nlohmann::ordered_json::array({1, 2});
    check(s, "preprocessing.fill_value must be a string or a number when impute_categorical is constant, not [1,2]");
}

TEST(Preprocess, BadFeatureListsAndFrames) {
    Error e = error_of([&] { Preprocessor::fit({}, {"age", "incme"}, train_frame()); });
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
    EXPECT_EQ(e.code(), "missing_feature");
    EXPECT_EQ(e.message(), "feature column 'incme' is missing from the training data; did you mean 'income'?");
    EXPECT_EQ(e.hint(), "the columns are: age, income, plan, active");

    EXPECT_EQ(error_of([&] { Preprocessor::fit({}, {}, train_frame()); }).message(),
              "there are no feature columns to preprocess");
    EXPECT_EQ(error_of([&] { Preprocessor::fit({}, {"age", "age"}, train_frame()); }).message(),
              "feature 'age' is listed more than once");
    Frame empty = train_frame().take({});
    EXPECT_EQ(error_of([&] { Preprocessor::fit({}, {"age"}, empty); }).message(),
              "cannot fit preprocessing on a training part with no rows");
}

TEST(Preprocess, MissingFeatureAtTransformNamesTheColumn) {
    auto p = Preprocessor::fit({}, features, train_frame());
    Frame f = train_frame().select({"age", "plan", "active"});
    Error e = error_of([&] { p.transform(f); });
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
    EXPECT_EQ(e.code(), "missing_feature");
    EXPECT_EQ(e.message(), "feature column 'income' is missing from the data");
    EXPECT_EQ(e.hint(), "the model was fitted on: age, income, plan, active");

    Frame g;
    g.add(int_col("age", {1}));
    g.add(float_col("incomes", {1.0}));
    EXPECT_EQ(error_of([&] { p.transform(g); }).message(),
              "feature columns 'income', 'plan' and 'active' are missing from the data");
    Frame h = train_frame().select({"age", "plan", "active"});
    h.add(float_col("Income", {1, 2, 3, 4}));
    EXPECT_EQ(error_of([&] { p.transform(h); }).message(),
              "feature column 'income' is missing from the data; did you mean 'Income'?");
}

// A frame big enough to be filled by several threads transforms to the same
// bytes on one thread as on three (the rows are cut in blocks, not shared).
TEST(Preprocess, ThreadsDoNotChangeTheResult) {
    const std::size_t rows = 70'000;  // x 16 outputs: over the 2^20 values that start threads
    std::vector<std::optional<double>> a(rows), b(rows);
    std::vector<std::optional<std::string>> plan(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        a[r] = r % 97 == 0 ? std::nullopt : std::optional<double>(static_cast<double>(r % 1013) / 7.0);
        b[r] = static_cast<double>((r * 7919) % 10007);
        plan[r] = "p" + std::to_string(r % 14);
    }
    Frame f;
    f.add(float_col("a", a));
    f.add(float_col("b", b));
    f.add(string_col("plan", plan));
    lang::PreprocessSpec spec;
    spec.scale = "standard";
    auto pre = Preprocessor::fit(spec, {"a", "b", "plan"}, f);
    Matrix one = pre.transform(f, 1), three = pre.transform(f, 3);
    ASSERT_GE(one.rows * one.cols, std::size_t{1} << 20);
    EXPECT_EQ(one.data, three.data);
    EXPECT_EQ(one.names, three.names);
}
