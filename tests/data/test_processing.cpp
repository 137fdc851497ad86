// A dataset's processing, one step at a time: each is fitted on the training
// rows only, saved, loaded, and replayed on the same rows to the very numbers
// the fit gave them; the rows held out never change a fitted number.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include "common/error.hpp"
#include "data/processing.hpp"
#include "lang/processing_keys.hpp"
#include "column_builders.hpp"
#include "../support/errors.hpp"

using hone::test_support::error_of;

using namespace hone;
using namespace hone::data;
using namespace hone::data::testing;

namespace {

using Names = std::vector<std::string>;
using Json = nlohmann::ordered_json;

// Rows 0-6 train, rows 7-9 are the held-out (validation and test) rows.
const std::vector<std::size_t> kTrain = {0, 1, 2, 3, 4, 5, 6};
const std::vector<std::size_t> kHeldOut = {7, 8, 9};

Frame data_frame() {
    Frame f;
    f.add(float_col("income", {0, 1, 3, 7, 15, 31, std::nullopt, 127, 255, -0.5}));
    f.add(int_col("age", {18, 21, 25, 30, 34, 41, 52, 60, 19, 33}));
    f.add(string_col("plan", {"a", "b", "a", "c", "b", "a", std::nullopt, "c", "d", "b"}));
    f.add(string_col("signup", {"2024-03-05", "2024-03-10T10:20:00", "2023-12-31 23:59:59", "2020-02-29T06:00:00Z",
                                "2024-01-01T00:30:00+02:00", std::nullopt, "1999-07-04", "2025-05-05", "2001-01-01",
                                "2010-10-10"}));
    f.add(string_col("notes", {"short", "a longer note", "", std::nullopt, "é!", "x", "yy", "zzz", "four", "fives"}));
    f.add(float_col("y", {1, 0, 1, 0, 0, 1, 1, 0, 1, 0}));
    return f;
}

// The same rows with every held-out value changed beyond recognition.
Frame with_other_held_out_rows() {
    Frame f = data_frame();
    for (auto& c : f.columns_mut()) {
        for (std::size_t r : kHeldOut) {
            if (c.name() == "y") continue;
            if (c.type() == DType::float64) c.floats_mut()[r] = 1e6 + static_cast<double>(r);
            if (c.type() == DType::int64) c.ints_mut()[r] = 900 + static_cast<std::int64_t>(r);
        }
        if (c.type() == DType::string) {
            std::vector<std::int32_t> codes = c.codes();
            std::vector<std::string> dict = c.dictionary();
            dict.push_back(c.name() == "signup" ? "1970-01-02" : "zzz_unseen");
            for (std::size_t r : kHeldOut) codes[r] = static_cast<std::int32_t>(dict.size() - 1);
            c.set_strings(codes, dict);
        }
    }
    return f;
}

const std::vector<float> kY = {1, 0, 1, 0, 0, 1, 1};  // the training rows' target

ProcessingContext context(Names features = {"income", "age", "plan", "signup", "notes"}) {
    ProcessingContext c;
    c.target = "y";
    c.y = &kY;
    c.classes = {"0", "1"};
    c.features = std::move(features);
    c.seed = 7;
    return c;
}

// A cell as the steps leave it: NaN for null.
double cell(const Column& c, std::size_t r) { return c.is_null(r) ? std::nan("") : c.as_double(r); }

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Every column of `expected` in `actual`, value for value, bit for bit.
void expect_same_columns(const Frame& expected, const Frame& actual, const std::vector<std::size_t>& rows,
                         const Names& columns) {
    for (const auto& name : columns) {
        const Column* e = expected.find(name);
        const Column* a = actual.find(name);
        ASSERT_TRUE(e && a) << name;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (e->type() == DType::string) {
                EXPECT_EQ(e->to_text(i), a->to_text(rows[i])) << name << " row " << rows[i];
                continue;
            }
            EXPECT_TRUE(same(cell(*e, i), cell(*a, rows[i])))
                << name << " row " << rows[i] << ": " << cell(*e, i) << " vs " << cell(*a, rows[i]);
        }
    }
}

struct Fitted {
    Processing fitted;
    Processing loaded;  // through its JSON
    Frame train_out;
};

// Fits on the training rows, checks the held-out rows changed nothing fitted,
// saves and loads; by default also that the loaded steps give the training rows
// (alone, and among the others) exactly what the fit gave them.
Fitted fit_and_replay(const lang::ProcessingSpec& spec, ProcessingContext ctx = context(), bool replay_train = true) {
    Fitted out;
    const Frame all = data_frame();
    out.fitted = Processing::fit(spec, all.take(kTrain), ctx, &out.train_out);
    Frame unused;
    Processing other = Processing::fit(spec, with_other_held_out_rows().take(kTrain), ctx, &unused);
    EXPECT_EQ(other.to_json(), out.fitted.to_json()) << "the held-out rows changed a fitted number";
    out.loaded = Processing::from_json(Json::parse(out.fitted.to_json().dump()));
    EXPECT_EQ(out.loaded.to_json(), out.fitted.to_json());
    if (replay_train) {
        expect_same_columns(out.train_out, out.loaded.transform(all.take(kTrain)), {0, 1, 2, 3, 4, 5, 6},
                            out.loaded.feature_columns());
        expect_same_columns(out.train_out, out.loaded.transform(all), kTrain, out.loaded.feature_columns());
    }
    return out;
}

lang::TransformStep step(const std::string& op, Names columns) {
    lang::TransformStep s;
    s.op = op;
    s.columns = std::move(columns);
    return s;
}

lang::ProcessingSpec with(lang::TransformStep s) {
    lang::ProcessingSpec p;
    p.transformations.push_back(std::move(s));
    return p;
}

std::vector<double> column_of(const Frame& f, const std::string& name) {
    std::vector<double> out;
    const Column& c = f.at(name);
    for (std::size_t r = 0; r < c.size(); ++r) out.push_back(cell(c, r));
    return out;
}

void expect_values(const std::vector<double>& actual, const std::vector<double>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        EXPECT_TRUE(same(actual[i], expected[i]) || std::fabs(actual[i] - expected[i]) < 1e-12)
            << "at " << i << ": " << actual[i] << " vs " << expected[i];
}

const double kNull = std::nan("");

}  // namespace

TEST(Processing, LogIsLog1pAndRefusesMinusOneAtFitAndNullsItAtPrediction) {
    auto f = fit_and_replay(with(step("log", {"income"})));
    expect_values(column_of(f.train_out, "income"),
                  {0, std::log1p(1), std::log1p(3), std::log1p(7), std::log1p(15), std::log1p(31), kNull});
    EXPECT_EQ(f.loaded.input_columns(), (Names{"income", "age", "plan", "signup", "notes"}));
    // At prediction a value of -1 or less has no log: it becomes null, which the preprocessing imputes.
    Frame rows;
    rows.add(float_col("income", {-1, -3, -0.5}));
    expect_values(column_of(f.loaded.transform(rows), "income"), {kNull, kNull, std::log1p(-0.5)});
    // At fit it is an error naming the step, the row and the column.
    Frame bad;
    bad.add(float_col("income", {1, -1}));
    auto e = error_of([&] { Processing::fit(with(step("log", {"income"})), bad, context({"income"}), nullptr); });
    EXPECT_EQ(e.code(), "invalid_processing");
    EXPECT_EQ(e.message(), "transformation log of 'income': log1p needs values above -1, found -1");
    EXPECT_EQ(e.where().row, 2);
    EXPECT_EQ(e.where().column, "income");
}

TEST(Processing, ClipBoundsAreFixedOrTheTrainingRowsQuantiles) {
    auto s = step("clip", {"income"});
    s.min_quantile = 0.25;  // of 0 1 3 7 15 31: 1.5
    s.max = 20;
    s.output = "income_clipped";
    auto f = fit_and_replay(with(s));
    expect_values(f.fitted.steps().front().numbers, {1.5, 20});
    expect_values(column_of(f.train_out, "income_clipped"), {1.5, 1.5, 3, 7, 15, 20, kNull});
    expect_values(column_of(f.train_out, "income"), {0, 1, 3, 7, 15, 31, kNull});  // `as` keeps the column
    expect_values(column_of(f.loaded.transform(data_frame()), "income_clipped"),
                  {1.5, 1.5, 3, 7, 15, 20, kNull, 20, 20, 1.5});
}

TEST(Processing, BinEdgesAreTheTrainingRowsQuantilesOrEvenSteps) {
    auto s = step("bin", {"age"});
    s.n_bins = 3;
    auto quantile = fit_and_replay(with(s));
    // ages 18 21 25 30 34 41 52: edges at the 1/3 and 2/3 quantiles; a value on an edge goes up
    expect_values(quantile.fitted.steps().front().numbers, {25, 34});
    expect_values(column_of(quantile.train_out, "age"), {0, 0, 1, 1, 2, 2, 2});
    s.strategy = "uniform";  // 18 to 52 in three: 29.3333, 40.6667
    auto uniform = fit_and_replay(with(s));
    expect_values(column_of(uniform.train_out, "age"), {0, 0, 0, 1, 1, 2, 2});
    // Values outside the training range fall in the first or the last bin.
    expect_values(column_of(uniform.loaded.transform(data_frame()), "age"), {0, 0, 0, 1, 1, 2, 2, 2, 0, 1});
}

TEST(Processing, PolynomialAddsEveryProductOfDegreeTwoToDegree) {
    auto s = step("polynomial", {"income", "age"});
    auto f = fit_and_replay(with(s));
    EXPECT_EQ(f.fitted.feature_columns(),
              (Names{"income", "age", "plan", "signup", "notes", "income^2", "income*age", "age^2"}));
    expect_values(column_of(f.train_out, "income*age"), {0, 21, 75, 210, 510, 1271, kNull});
    expect_values(column_of(f.train_out, "age^2"), {324, 441, 625, 900, 1156, 1681, 2704});
    s.degree = 3;
    auto cubic = fit_and_replay(with(s));
    EXPECT_EQ(cubic.fitted.steps().front().outputs,
              (Names{"income^2", "income*age", "age^2", "income^3", "income^2*age", "income*age^2", "age^3"}));
}

TEST(Processing, InteractionIsTheProductOfTwoColumns) {
    auto f = fit_and_replay(with(step("interaction", {"age", "income"})));
    expect_values(column_of(f.train_out, "age*income"), {0, 21, 75, 210, 510, 1271, kNull});
    expect_values(column_of(f.loaded.transform(data_frame()), "age*income"),
                  {0, 21, 75, 210, 510, 1271, kNull, 60 * 127, 19 * 255, 33 * -0.5});
}

TEST(Processing, DatePartsReplaceTheColumnByItsPartsInUtc) {
    auto f = fit_and_replay(with(step("date_parts", {"signup"})));
    EXPECT_EQ(f.fitted.feature_columns(), (Names{"income", "age", "plan", "notes", "signup_year", "signup_month",
                                                 "signup_day", "signup_weekday", "signup_hour"}));
    EXPECT_FALSE(f.train_out.find("signup"));
    expect_values(column_of(f.train_out, "signup_year"), {2024, 2024, 2023, 2020, 2023, kNull, 1999});
    expect_values(column_of(f.train_out, "signup_month"), {3, 3, 12, 2, 12, kNull, 7});
    expect_values(column_of(f.train_out, "signup_day"), {5, 10, 31, 29, 31, kNull, 4});
    // 2024-03-05 was a Tuesday; Monday is 0.
    expect_values(column_of(f.train_out, "signup_weekday"), {1, 6, 6, 5, 6, kNull, 6});
    expect_values(column_of(f.train_out, "signup_hour"), {0, 10, 23, 6, 22, kNull, 0});
    // Text that is no date: an error at fit, null at prediction.
    Frame rows;
    rows.add(string_col("signup", {"not a date"}));
    expect_values(column_of(f.loaded.transform(rows), "signup_year"), {kNull});
    auto e = error_of([&] { Processing::fit(with(step("date_parts", {"signup"})), rows, context({"signup"}), nullptr); });
    EXPECT_EQ(e.message(), "transformation date_parts of 'signup': expected an ISO 8601 date or time, found 'not a date'");
}

TEST(Processing, TextLengthCountsCharacters) {
    auto f = fit_and_replay(with(step("text_length", {"notes"})));
    expect_values(column_of(f.train_out, "notes"), {5, 13, 0, kNull, 2, 1, 2});
}

TEST(Processing, NormalizationStandardMinmaxAndRobust) {
    lang::ProcessingSpec spec;
    spec.normalization = {{"income", "robust"}, {"", "standard"}};
    auto f = fit_and_replay(spec);
    // income 0 1 3 7 15 31: median 5, quartiles 1.5 and 13
    expect_values(f.fitted.steps().front().numbers, {5, 11.5});
    expect_values(column_of(f.train_out, "income"), {-5 / 11.5, -4 / 11.5, -2 / 11.5, 2 / 11.5, 10 / 11.5, 26 / 11.5, kNull});
    // "every numeric column": age (not income, named, nor y, the target), population std
    ASSERT_EQ(f.fitted.steps().size(), 2u);
    EXPECT_EQ(f.fitted.steps()[1].inputs, (Names{"age"}));
    EXPECT_EQ(f.fitted.steps()[1].numbers[0], 221.0 / 7);
    spec.normalization = {{"age", "minmax"}};
    auto minmax = fit_and_replay(spec);
    expect_values(column_of(minmax.train_out, "age"), {0, 3 / 34.0, 7 / 34.0, 12 / 34.0, 16 / 34.0, 23 / 34.0, 1});
}

TEST(Processing, OneHotOrdinalAndHashingEncodings) {
    lang::ProcessingSpec spec;
    spec.encoding = {{.column = "plan", .method = "onehot"}};
    auto onehot = fit_and_replay(spec);
    EXPECT_EQ(onehot.fitted.feature_columns(),
              (Names{"income", "age", "signup", "notes", "plan=a", "plan=b", "plan=c", "plan=__other__"}));
    expect_values(column_of(onehot.train_out, "plan=a"), {1, 0, 1, 0, 0, 1, 0});
    // A null has no category; an unseen one goes to __other__.
    expect_values(column_of(onehot.loaded.transform(data_frame()), "plan=__other__"), {0, 0, 0, 0, 0, 0, 0, 0, 1, 0});

    spec.encoding = {{.column = "plan", .method = "ordinal"}};
    auto ordinal = fit_and_replay(spec);
    expect_values(column_of(ordinal.loaded.transform(data_frame()), "plan"), {0, 1, 0, 2, 1, 0, kNull, 2, -1, 1});

    spec.encoding = {{.column = "plan", .method = "hashing", .n_features = 4}};
    auto hashing = fit_and_replay(spec);
    EXPECT_EQ(hashing.fitted.steps().front().outputs, (Names{"plan#0", "plan#1", "plan#2", "plan#3"}));
    Frame encoded = hashing.loaded.transform(data_frame());
    for (std::size_t r = 0; r < 10; ++r) {
        double sum = 0;
        for (int k = 0; k < 4; ++k) sum += cell(encoded.at("plan#" + std::to_string(k)), r);
        EXPECT_EQ(sum, r == 6 ? 0 : 1) << r;  // one slot per category, none for a null
    }
}

TEST(Processing, TargetEncodingIsOutOfFoldForTrainingRowsAndFullMeansAfter) {
    lang::ProcessingSpec spec;
    spec.encoding = {{.column = "plan", .method = "target", .smoothing = 2, .folds = 3}};
    auto f = fit_and_replay(spec, context(), false);
    const auto& step = f.fitted.steps().front();
    // Prior 4/7; plan a: rows 0 2 5, all 1: (3 + 2 * 4/7) / 5; b: rows 1 4, both 0: (0 + 8/7) / 4; c: row 3, 0: (8/7) / 3
    expect_values(step.numbers, {4.0 / 7, (3 + 8.0 / 7) / 5, (8.0 / 7) / 4, (8.0 / 7) / 3});
    // Prediction (and every row but the training rows) gets the full means; null and unseen the prior.
    expect_values(column_of(f.loaded.transform(data_frame()), "plan"),
                  {(3 + 8.0 / 7) / 5, (8.0 / 7) / 4, (3 + 8.0 / 7) / 5, (8.0 / 7) / 3, (8.0 / 7) / 4, (3 + 8.0 / 7) / 5,
                   4.0 / 7, (8.0 / 7) / 3, 4.0 / 7, (8.0 / 7) / 4});
    // The training rows got out-of-fold means: none equals its full mean, none saw its own target.
    const auto oof = column_of(f.train_out, "plan");
    const auto full = column_of(f.loaded.transform(data_frame().take(kTrain)), "plan");
    for (std::size_t r = 0; r < 6; ++r) EXPECT_NE(oof[r], full[r]) << r;
    // The same seed gives the same folds.
    Frame again;
    Processing::fit(spec, data_frame().take(kTrain), context(), &again);
    expect_values(column_of(again, "plan"), oof);
    // Several classes: one column per class, the shares of each.
    std::vector<float> three = {0, 1, 2, 0, 1, 2, 0};
    auto ctx = context();
    ctx.y = &three;
    ctx.classes = {"low", "mid", "high"};
    Frame out;
    auto multi = Processing::fit(spec, data_frame().take(kTrain), ctx, &out);
    EXPECT_EQ(multi.steps().front().outputs, (Names{"plan:low", "plan:mid", "plan:high"}));
    EXPECT_FALSE(out.find("plan"));
}

TEST(Processing, StepsTheFeaturesDoNotNeedAreNotKept) {
    lang::ProcessingSpec spec;
    spec.transformations = {step("log", {"income"}), step("text_length", {"notes"})};
    ProcessingContext ctx = context({"income", "age"});
    Frame out;
    auto p = Processing::fit(spec, data_frame().take(kTrain), ctx, &out);
    ASSERT_EQ(p.steps().size(), 1u);
    EXPECT_EQ(p.steps().front().op, "log");
    EXPECT_EQ(p.input_columns(), (Names{"income", "age"}));
    Frame rows;  // prediction rows need only what the features need
    rows.add(float_col("income", {3}));
    rows.add(int_col("age", {40}));
    expect_values(column_of(p.transform(rows), "income"), {std::log1p(3)});
}

TEST(Processing, ErrorsNameTheStepAndTheColumn) {
    auto missing = error_of([] {
        auto s = step("log", {"incme"});
        s.line = 12;
        s.col = 21;
        auto ctx = context();
        ctx.file = "job.n3";
        Processing::fit(with(s), data_frame().take(kTrain), ctx, nullptr);
    });
    EXPECT_EQ(missing.code(), "missing_column");
    EXPECT_EQ(missing.message(), "transformation log names column 'incme', which the dataset does not have; did you mean 'income'?");
    EXPECT_EQ(missing.where().file, "job.n3");
    EXPECT_EQ(missing.where().line, 12);
    auto target = error_of([] { Processing::fit(with(step("log", {"y"})), data_frame().take(kTrain), context(), nullptr); });
    EXPECT_EQ(target.code(), "invalid_processing");
    EXPECT_NE(target.message().find("reads the target column 'y'"), std::string::npos) << target.message();
    auto bad = error_of([] { Processing::from_json(Json{{"format", "hone.processing"}, {"version", 1}}); });
    EXPECT_EQ(bad.code(), "invalid_processing_state");
}

TEST(Processing, FilterKeepsRowsMeetingEveryCondition) {
    auto parse = [](const std::string& text) {
        lang::RowFilter f;
        EXPECT_EQ(lang::parse_row_filter(text, f), "") << text;
        return f;
    };
    const Frame f = data_frame();
    EXPECT_EQ(filtered_rows({parse("age >= 30")}, f), (std::vector<std::size_t>{3, 4, 5, 6, 7, 9}));
    EXPECT_EQ(filtered_rows({parse("plan in [a, c]")}, f), (std::vector<std::size_t>{0, 2, 3, 5, 7}));
    EXPECT_EQ(filtered_rows({parse("plan not in [a, c]")}, f), (std::vector<std::size_t>{1, 4, 8, 9}));
    EXPECT_EQ(filtered_rows({parse("income not null"), parse("income < 10")}, f), (std::vector<std::size_t>{0, 1, 2, 3, 9}));
    EXPECT_EQ(filtered_rows({parse("plan null")}, f), (std::vector<std::size_t>{6}));
    EXPECT_EQ(filtered_rows({parse("plan == 'b'")}, f), (std::vector<std::size_t>{1, 4, 9}));
    lang::RowFilter bad;
    EXPECT_NE(lang::parse_row_filter("age between 1 and 2", bad), "");
    EXPECT_EQ(lang::parse_row_filter("age > old", bad), "filter 'age > old': '>' compares with a number, found 'old'");
    auto e = error_of([&] { filtered_rows({parse("agee > 3")}, f, "job.n3"); });
    EXPECT_EQ(e.code(), "missing_column");
    EXPECT_EQ(e.message(), "filter 'agee > 3' names column 'agee', which the dataset does not have; did you mean 'age'?");
}

TEST(Processing, SamplingDrawsFromTheTrainingRowsOnly) {
    const std::vector<float> y = {0, 0, 0, 0, 0, 0, 1, 1, 2, 0};
    lang::SamplingSpec under;
    under.method = "undersample";
    auto rows = sample_rows(under, y, true, 3);
    ASSERT_EQ(rows.size(), 3u);  // one of each class, the rarest's count
    EXPECT_EQ(rows, sample_rows(under, y, true, 3));
    lang::SamplingSpec over;
    over.method = "oversample";
    auto more = sample_rows(over, y, true, 3);
    ASSERT_EQ(more.size(), 21u);  // seven of each class
    std::vector<int> counts(3, 0);
    for (auto r : more) {
        ASSERT_LT(r, y.size());
        ++counts[static_cast<int>(y[r])];
    }
    EXPECT_EQ(counts, (std::vector<int>{7, 7, 7}));
    for (std::size_t r = 0; r < y.size(); ++r) EXPECT_EQ(more[r], r);  // every row once, then the draws
    lang::SamplingSpec strat;
    strat.method = "stratified";
    strat.fraction = 0.5;
    auto half = sample_rows(strat, y, true, 3);
    EXPECT_EQ(half.size(), 6u);  // 7 zeros -> 4 (halves round up), 2 ones -> 1, the one two kept
    EXPECT_TRUE(std::is_sorted(half.begin(), half.end()));
    EXPECT_EQ(sample_rows(strat, y, false, 3).size(), 5u);
    EXPECT_EQ(error_of([&] { sample_rows(under, y, false, 3); }).code(), "invalid_processing");
}

TEST(Processing, AugmentationAddsSeededNoisyCopiesOfTheNamedColumns) {
    Matrix x;
    x.rows = 4;
    x.cols = 2;
    x.data = {1, 10, 2, 20, 3, 30, 4, 40};
    std::vector<float> y = {0, 1, 0, 1};
    lang::NoiseAugmentationSpec spec;
    spec.enabled = true;
    spec.noise = 0.1;
    spec.copies = 2;
    Matrix a = x;
    std::vector<float> ya = y;
    add_noisy_copies(spec, {0}, a, ya, 5);
    ASSERT_EQ(a.rows, 12u);
    ASSERT_EQ(a.data.size(), 24u);
    EXPECT_EQ(ya, (std::vector<float>{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}));
    for (std::size_t r = 0; r < 4; ++r) EXPECT_EQ(a.at(r, 0), x.at(r, 0));  // the rows themselves unchanged
    for (std::size_t r = 4; r < 12; ++r) {
        EXPECT_EQ(a.at(r, 1), x.at(r % 4, 1));  // not named: no noise
        EXPECT_NE(a.at(r, 0), x.at(r % 4, 0));
        EXPECT_LT(std::fabs(a.at(r, 0) - x.at(r % 4, 0)), 0.6f);  // sd 0.1 * 1.118
    }
    Matrix b = x;
    std::vector<float> yb = y;
    add_noisy_copies(spec, {0}, b, yb, 5);
    EXPECT_EQ(a.data, b.data);  // seeded
}
