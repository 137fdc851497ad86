// The XGBoost backend: the five tree algorithms' round reports, early stopping,
// cancellation mid-fit, seeds, concurrent prediction, errors, tree-shape
// parameters, native prediction (bit-identical to XGBoost's), and their catalog
// declarations, on the seeded data of tests/support. What every estimator does (a
// default fit's score, save/load, probabilities) is test_estimators.cpp's.
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>

#include <xgboost/c_api.h>

#include "../support/estimators.hpp"
#include "models/xgboost/booster_estimator.hpp"
#include "models/xgboost/tree_ensemble.hpp"

namespace hone::models {
namespace {

using namespace test_support;

// Larger sets than the suite's: the tests below count leaves and rounds.
const Split& moons() {
    static const Split s = split(two_moons(2000, 0.25, 7), 1500);
    return s;
}
const Split& blobs() {
    static const Split s = split(three_class_set(1800, 11, 1), 1200);
    return s;
}
const Split& regression_data() {
    static const Split s = split(friedman(2000, 13), 1500);
    return s;
}

// Callbacks that keep every round's report and let training go on.
Callbacks recording(std::vector<RoundReport>& reports) {
    Callbacks cb;
    cb.on_round = [&reports](const RoundReport& r) {
        reports.push_back(r);
        return RoundDecision{};
    };
    return cb;
}

TEST(Xgboost, RoundReportsCarryTheMetricsEstimatorHppNames) {
    std::vector<RoundReport> reports;
    Callbacks cb = recording(reports);
    const Split& d = moons();
    auto est = fitted("xgboost", {{"n_estimators", 12}}, d, Task::classification, 2, cb);
    ASSERT_EQ(reports.size(), 12u);
    for (int i = 0; i < 12; ++i) {
        EXPECT_EQ(reports[i].round, i);
        EXPECT_EQ(reports[i].total_rounds, 12);
    }
    std::vector<std::string> keys;
    for (auto it = reports.back().metrics.begin(); it != reports.back().metrics.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"val_loss", "val_accuracy", "val_auc"}));
    // The last round's numbers are the final model's, measured here independently.
    auto proba = est->predict_proba(d.test.x);
    double loss = 0;
    for (std::size_t i = 0; i < d.test.y.size(); ++i) loss -= std::log(proba[2 * i + static_cast<int>(d.test.y[i])]);
    loss /= static_cast<double>(d.test.y.size());
    EXPECT_NEAR(reports.back().metrics["val_loss"].get<double>(), loss, 1e-5);
    EXPECT_NEAR(reports.back().metrics["val_accuracy"].get<double>(), accuracy(est->predict(d.test.x), d.test.y),
                1e-9);
    EXPECT_GT(reports.back().metrics["val_auc"].get<double>(), 0.95);
    EXPECT_LT(reports.back().metrics["val_loss"].get<double>(), reports.front().metrics["val_loss"].get<double>());

    reports.clear();
    const Split& b = blobs();
    fitted("lightgbm", {{"n_estimators", 3}}, b, Task::classification, 3, cb);
    ASSERT_EQ(reports.size(), 3u);
    keys.clear();
    for (auto it = reports.back().metrics.begin(); it != reports.back().metrics.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"val_loss", "val_accuracy"}));

    reports.clear();
    const Split& g = regression_data();
    auto reg = fitted("gradient_boosting", {{"n_estimators", 5}}, g, Task::regression, 0, cb);
    ASSERT_EQ(reports.size(), 5u);
    keys.clear();
    const Json& m = reports.back().metrics;
    for (auto it = m.begin(); it != m.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"val_loss", "val_rmse", "val_mae"}));
    EXPECT_NEAR(m["val_loss"].get<double>(), std::pow(m["val_rmse"].get<double>(), 2), 1e-9);
    auto pred = reg->predict(g.test.x);
    double mse = 0, mae = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) {
        mse += (pred[i] - g.test.y[i]) * (pred[i] - g.test.y[i]);
        mae += std::abs(pred[i] - g.test.y[i]);
    }
    EXPECT_NEAR(m["val_loss"].get<double>(), mse / pred.size(), 1e-4);
    EXPECT_NEAR(m["val_mae"].get<double>(), mae / pred.size(), 1e-4);
}

TEST(Xgboost, TrainingSetMetricsAreTakenOnTwentyRoundsAtMost) {
    // Without validation rows every round still reports progress, but only every
    // ceil(rounds / 20)-th round and the last carry training-set metrics.
    std::vector<RoundReport> reports;
    Callbacks cb = recording(reports);
    const Split& d = moons();
    auto est = make("xgboost", {{"n_estimators", 50}}, Task::classification, 2);
    est->fit({d.train.x, d.train.y}, cb);
    ASSERT_EQ(reports.size(), 50u);
    std::vector<int> evaluated;
    for (const auto& r : reports)
        if (!r.metrics.empty()) evaluated.push_back(r.round);
    EXPECT_EQ(evaluated, (std::vector<int>{2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47, 49}));
    std::vector<std::string> keys;
    for (auto it = reports.back().metrics.begin(); it != reports.back().metrics.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"train_loss", "train_accuracy"}));
}

TEST(Xgboost, EarlyStoppingKeepsTheBestRound) {
    // Stop after round 7, calling round 4 the best: the model keeps rounds 0..4.
    for (const auto& [algorithm, task, classes] :
         {std::tuple{"xgboost", Task::classification, 2}, std::tuple{"lightgbm", Task::classification, 3},
          std::tuple{"gradient_boosting", Task::regression, 0}}) {
        SCOPED_TRACE(algorithm);
        const Split& d = classes == 2 ? moons() : classes == 3 ? blobs() : regression_data();
        Json params = {{"n_estimators", 50}, {"subsample", 0.8}};
        int last_round = -1;
        Callbacks cb;
        cb.on_round = [&](const RoundReport& r) {
            last_round = r.round;
            return RoundDecision{r.round == 7, 4};
        };
        auto est = fitted(algorithm, params, d, task, classes, cb);
        EXPECT_EQ(last_round, 7);
        EXPECT_EQ(est->best_iteration(), 4);
        EXPECT_EQ(dynamic_cast<xgb::BoosterEstimator&>(*est).rounds(), 5);

        auto back = reloaded(*est, algorithm);
        EXPECT_EQ(back->best_iteration(), 4);
        EXPECT_EQ(back->predict(d.test.x), est->predict(d.test.x));

        params["n_estimators"] = 5;
        auto five = fitted(algorithm, params, d, task, classes);
        EXPECT_EQ(five->best_iteration(), -1);
        if (task == Task::classification) {
            EXPECT_EQ(est->predict_proba(d.test.x), five->predict_proba(d.test.x));
            EXPECT_EQ(back->predict_proba(d.test.x), five->predict_proba(d.test.x));
        } else {
            EXPECT_EQ(est->predict(d.test.x), five->predict(d.test.x));
        }
    }
}

TEST(Xgboost, BestRoundAtTheEndKeepsEveryRound) {
    Callbacks cb;
    cb.on_round = [](const RoundReport& r) { return RoundDecision{false, r.round}; };
    auto est = fitted("xgboost", {{"n_estimators", 6}}, regression_data(), Task::regression, 0, cb);
    EXPECT_EQ(est->best_iteration(), 5);
    EXPECT_EQ(dynamic_cast<xgb::BoosterEstimator&>(*est).rounds(), 6);
}

TEST(Xgboost, CancellationThrowsCancelledAndLeavesNoModel) {
    for (const char* algorithm : {"xgboost", "random_forest"}) {
        SCOPED_TRACE(algorithm);
        int checks = 0;
        Callbacks cb;
        cb.cancelled = [&] { return ++checks > 2; };  // after the first round
        auto est = make(algorithm, {{"n_estimators", 20}}, Task::classification, 2);
        expect_error([&] { est->fit({moons().train.x, moons().train.y, &moons().test.x, &moons().test.y}, cb); },
                     ErrorKind::cancelled, "cancelled", "training was cancelled");
        expect_error([&] { est->predict(moons().test.x); }, ErrorKind::validation, "not_fitted");
    }
}

TEST(Xgboost, SameSeedSameModelOtherSeedOtherModel) {
    const Split& d = moons();
    Json params = {{"n_estimators", 20}, {"subsample", 0.7}, {"colsample_bytree", 0.6}};
    auto a = fitted("xgboost", params, d, Task::classification, 2);
    auto b = fitted("xgboost", params, d, Task::classification, 2);
    EXPECT_EQ(a->predict_proba(d.test.x), b->predict_proba(d.test.x));
    params["random_state"] = 7;
    auto c = fitted("xgboost", params, d, Task::classification, 2);
    EXPECT_NE(a->predict_proba(d.test.x), c->predict_proba(d.test.x));
    params.erase("random_state");
    params["seed"] = 7;  // XGBoost's name for it
    auto e = fitted("xgboost", params, d, Task::classification, 2);
    EXPECT_EQ(c->predict_proba(d.test.x), e->predict_proba(d.test.x));
}

TEST(Xgboost, ConcurrentPredictionOnOneLoadedModel) {
    const Split& d = blobs();
    auto est = fitted("xgboost", Json::object(), d, Task::classification, 3);
    auto model = reloaded(*est, "xgboost");
    // Single rows and small batches, as a server sees them.
    std::vector<data::Matrix> rows(d.test.x.rows);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        rows[r].rows = 1;
        rows[r].cols = d.test.x.cols;
        rows[r].data.assign(d.test.x.data.begin() + r * d.test.x.cols, d.test.x.data.begin() + (r + 1) * d.test.x.cols);
    }
    auto expected = est->predict_proba(d.test.x);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int pass = 0; pass < 3; ++pass)
                for (std::size_t r = t; r < rows.size(); r += 2) {
                    auto p = model->predict_proba(rows[r]);
                    for (int c = 0; c < 3; ++c)
                        if (p[c] != expected[r * 3 + c]) ++mismatches;
                }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(Xgboost, BadInputIsAClearError) {
    const Split& d = moons();
    auto est = fitted("decision_tree", Json::object(), d, Task::classification, 2);
    expect_error([&] { est->predict(matrix(1, 3)); }, ErrorKind::data, "feature_count_mismatch",
                 "the model takes 5 features, the input has 3");

    // A class index outside 0..k-1 names its row.
    std::vector<float> y = d.train.y;
    y[9] = 2;
    auto fresh = make("xgboost", Json::object(), Task::classification, 2);
    auto bad_target = expect_error([&] { fresh->fit({d.train.x, y}, {}); }, ErrorKind::data, "invalid_target",
                                   "training target 2 is not a class index in 0..1");
    if (bad_target) {
        EXPECT_EQ(bad_target->where().row, 10);
    }
    expect_error([&] { fresh->fit({matrix(0, 5), {}}, {}); }, ErrorKind::data, "empty_training_data");

    // XGBoost's own complaints come through as hone errors with its text.
    auto deep = make("xgboost", {{"max_depth", 0}, {"tree_method", "exact"}}, Task::regression, 0);
    expect_error([&] { deep->fit({d.train.x, d.train.y}, {}); }, ErrorKind::data, "training_failed",
                 "boosting round 0: XGBoost: Check failed: param_.max_depth > 0 (0 vs. 0) : exact tree method "
                 "doesn't support unlimited depth.");

    // A saved classifier (one JSON file) is not a regressor, and a missing file is not found.
    TempDir dir;
    EXPECT_EQ(est->save(dir.path), std::vector<std::string>{"model.json"});
    auto reg = make("decision_tree", Json::object(), Task::regression, 0);
    expect_error([&] { reg->load(dir.path); }, ErrorKind::data, "model_mismatch",
                 (dir.path / "model.json").string() +
                     " holds a classification model with objective 'reg:squarederror', expected a regression model "
                     "with objective 'reg:squarederror'");
    auto three = make("xgboost", Json::object(), Task::classification, 3);
    three->fit({blobs().train.x, blobs().train.y}, {});
    TempDir other;
    three->save(other.path);
    auto two = make("xgboost", Json::object(), Task::classification, 2);
    expect_error([&] { two->load(other.path); }, ErrorKind::data, "model_mismatch",
                 (other.path / "model.json").string() +
                     " holds a classification model with objective 'multi:softprob' and 3 classes, expected a "
                     "classification model with objective 'binary:logistic'");
    TempDir empty_dir;
    expect_error([&] { reg->load(empty_dir.path); }, ErrorKind::not_found, "model_not_found");
    expect_error([&] { make("xgboost", Json::object(), Task::regression, 0)->save(dir.path); }, ErrorKind::validation,
                 "not_fitted");
}

// The parameter mappings do what their docs say.

std::size_t distinct(const std::vector<double>& v) { return std::set<double>(v.begin(), v.end()).size(); }

TEST(Xgboost, TreeShapeParameters) {
    const Split& g = regression_data();
    // Unlimited depth and one row per leaf: a tree fits distinct training rows exactly.
    Split tiny = split(friedman(64, 3), 64);
    auto tree = fitted("decision_tree", {{"max_bin", 1024}}, tiny, Task::regression, 0);
    auto fit = tree->predict(tiny.train.x);
    for (std::size_t i = 0; i < fit.size(); ++i) EXPECT_NEAR(fit[i], tiny.train.y[i], 1e-4);

    auto stump = fitted("decision_tree", {{"max_depth", 1}}, g, Task::regression, 0);
    EXPECT_EQ(distinct(stump->predict(g.train.x)), 2u);

    // min_samples_leaf 100 on 1500 rows: at most 15 leaves, each of 100+ rows.
    auto leafy = fitted("decision_tree", {{"min_samples_leaf", 100}}, g, Task::regression, 0);
    auto pred = leafy->predict(g.train.x);
    std::map<double, int> sizes;
    for (double p : pred) sizes[p]++;
    EXPECT_LE(sizes.size(), 15u);
    EXPECT_GE(sizes.size(), 5u);
    for (const auto& [value, rows] : sizes) EXPECT_GE(rows, 100) << value;

    // Classification trees hold class shares: each leaf's probability is the share
    // of class 1 among its training rows, as in scikit-learn.
    const Split& m = moons();
    auto cls = fitted("decision_tree", {{"min_samples_leaf", 60}}, m, Task::classification, 2);
    auto proba = cls->predict_proba(m.train.x);
    std::map<double, std::pair<int, int>> leaves;  // p -> rows, positives
    for (std::size_t i = 0; i < m.train.x.rows; ++i) {
        auto& [rows, positives] = leaves[proba[2 * i + 1]];
        ++rows;
        positives += m.train.y[i] == 1;
    }
    EXPECT_GE(leaves.size(), 4u);
    for (const auto& [p, counts] : leaves) {
        EXPECT_GE(counts.first, 60) << p;
        // ... give or take a thousandth of a row at the prior, the tie-breaker
        EXPECT_NEAR(p, static_cast<double>(counts.second) / counts.first, 0.001 / counts.first);
    }
    // Grown out, a tree's leaves are pure: probabilities 0 or 1 on its training rows,
    // up to the tie-breaker.
    auto full = fitted("decision_tree", Json::object(), blobs(), Task::classification, 3);
    for (double p : full->predict_proba(blobs().train.x)) EXPECT_TRUE(p < 0.001 || p > 0.999) << p;
    EXPECT_EQ(accuracy(full->predict(blobs().train.x), blobs().train.y), 1.0);

    auto lgbm = fitted("lightgbm", {{"n_estimators", 1}, {"num_leaves", 4}}, g, Task::regression, 0);
    EXPECT_EQ(distinct(lgbm->predict(g.train.x)), 4u);
    auto leaf_limited = fitted("random_forest", {{"n_estimators", 1}, {"max_leaf_nodes", 6}, {"bootstrap", false}}, g,
                               Task::regression, 0);
    EXPECT_EQ(distinct(leaf_limited->predict(g.train.x)), 6u);

    // A forest of one tree on every row and feature is that decision tree.
    auto one = fitted("random_forest",
                      {{"n_estimators", 1}, {"bootstrap", false}, {"max_features", nullptr}, {"max_depth", 6}}, g,
                      Task::regression, 0);
    auto same = fitted("decision_tree", {{"max_depth", 6}}, g, Task::regression, 0);
    EXPECT_EQ(one->predict(g.test.x), same->predict(g.test.x));
}

TEST(Xgboost, MulticlassBoostingTakesScikitLearnSteps) {
    // One round, rate 1, one leaf: min_samples_leaf 2000 at a quarter of the first
    // hessian weighs more than half of the 600 rows and less than all of them, so no
    // split is allowed. scikit-learn's step for class c from a uniform start is
    // k n_c / n - 1.
    Dataset d;
    d.x.cols = 2;
    const int counts[3] = {300, 200, 100};
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < counts[c]; ++i) {
            d.x.data.push_back(static_cast<float>(i % 7));
            d.x.data.push_back(static_cast<float>(i % 5));
            d.y.push_back(static_cast<float>(c));
            ++d.x.rows;
        }
    auto est = make("gradient_boosting", {{"n_estimators", 1}, {"learning_rate", 1.0}, {"min_samples_leaf", 2000}},
                    Task::classification, 3);
    est->fit({d.x, d.y}, {});
    double margin[3], sum = 0;
    for (int c = 0; c < 3; ++c) sum += std::exp(margin[c] = 3.0 * counts[c] / 600.0 - 1.0);
    auto proba = est->predict_proba(d.x);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(proba[c], std::exp(margin[c]) / sum, 1e-6) << c;
}

// Native prediction: TreeEnsemble gives XGBoost's own floats, bit for bit.

// A copy with about one value in `every` missing (NaN), anywhere.
Dataset with_missing(Dataset d, int every, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> pick(0, every - 1);
    for (float& v : d.x.data)
        if (pick(rng) == 0) v = std::nanf("");
    return d;
}

// Rows first..first+count of `x`.
data::Matrix rows_of(const data::Matrix& x, std::size_t first, std::size_t count) {
    data::Matrix out;
    out.rows = count;
    out.cols = x.cols;
    out.data.assign(x.data.begin() + first * x.cols, x.data.begin() + (first + count) * x.cols);
    return out;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct BoosterHandleOwner {
    BoosterHandle handle = nullptr;
    ~BoosterHandleOwner() {
        if (handle) XGBoosterFree(handle);
    }
};

// XGBoost's in-place prediction (type 0: probabilities for classifiers), as
// BoosterEstimator calls it for large batches.
std::vector<float> xgboost_predict(BoosterHandle handle, const data::Matrix& x) {
    std::string array = "{\"data\":[" + std::to_string(reinterpret_cast<std::uintptr_t>(x.data.data())) +
                        ",true],\"shape\":[" + std::to_string(x.rows) + "," + std::to_string(x.cols) +
                        "],\"typestr\":\"<f4\",\"version\":3}";
    const char* config =
        "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false,"
        "\"missing\":NaN,\"cache_id\":0}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    int rc = XGBoosterPredictFromDense(handle, array.c_str(), config, nullptr, &shape, &dim, &out);
    EXPECT_EQ(rc, 0) << XGBGetLastError();
    if (rc != 0) return {};
    std::size_t n = 1;
    for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
    return std::vector<float>(out, out + n);
}

std::vector<float> native_predict(const xgb::TreeEnsemble& ensemble, const data::Matrix& x) {
    std::vector<float> out(x.rows * ensemble.outputs());
    ensemble.predict(x.data.data(), x.rows, x.cols, out.data());
    return out;
}

// Every value bit for bit (a NaN would fail ==, a -0 pass it); reports the first
// few differences only.
void expect_same_floats(const std::vector<float>& got, const std::vector<float>& want) {
    ASSERT_EQ(got.size(), want.size());
    int reported = 0;
    std::size_t different = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (std::bit_cast<std::uint32_t>(got[i]) == std::bit_cast<std::uint32_t>(want[i])) continue;
        ++different;
        if (reported++ < 5) {
            EXPECT_EQ(got[i], want[i]) << "value " << i;
        }
    }
    EXPECT_EQ(different, 0u) << "of " << got.size() << " values";
}

const xgb::BoosterEstimator& booster_of(const Estimator& est) { return dynamic_cast<const xgb::BoosterEstimator&>(est); }

// What a caller sees: classes and probabilities, or values.
std::vector<double> outputs_of(const Estimator& est, const data::Matrix& x) {
    return est.has_proba() ? est.predict_proba(x) : est.predict(x);
}

// The saved model through TreeEnsemble and through XGBoost's predictor, on every row;
// then the estimator itself: one call (more than kNativeRows rows: XGBoost), batches
// of kNativeRows rows and single rows (native) agree, and predict_with_proba gives
// predict() and predict_proba().
void check_native_prediction(const Estimator& est, const data::Matrix& x) {
    ASSERT_GT(x.rows, xgb::BoosterEstimator::kNativeRows);
    EXPECT_TRUE(booster_of(est).native_prediction());
    TempDir dir;
    est.save(dir.path);
    auto ensemble = xgb::TreeEnsemble::from_json(read_text(dir.path / "model.json"));
    ASSERT_TRUE(ensemble.has_value());
    BoosterHandleOwner xgboost;
    ASSERT_EQ(XGBoosterCreate(nullptr, 0, &xgboost.handle), 0);
    ASSERT_EQ(XGBoosterLoadModel(xgboost.handle, (dir.path / "model.json").c_str()), 0);
    XGBoosterSetParam(xgboost.handle, "nthread", "1");
    expect_same_floats(native_predict(*ensemble, x), xgboost_predict(xgboost.handle, x));
    // Infinite inputs (which training data cannot hold) go where XGBoost sends them.
    data::Matrix infinite = x;
    for (std::size_t i = 0; i < infinite.data.size(); i += 7)
        infinite.data[i] = (i / 7) % 2 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
    expect_same_floats(native_predict(*ensemble, infinite), xgboost_predict(xgboost.handle, infinite));
    expect_same_floats(native_predict(*ensemble, rows_of(infinite, 3, 1)),
                       xgboost_predict(xgboost.handle, rows_of(infinite, 3, 1)));

    std::vector<double> whole = outputs_of(est, x);
    std::vector<double> batched, single;
    for (std::size_t first = 0; first < x.rows; first += xgb::BoosterEstimator::kNativeRows) {
        auto part = outputs_of(est, rows_of(x, first, std::min(xgb::BoosterEstimator::kNativeRows, x.rows - first)));
        batched.insert(batched.end(), part.begin(), part.end());
    }
    for (std::size_t r = 0; r < x.rows; ++r) {
        auto part = outputs_of(est, rows_of(x, r, 1));
        single.insert(single.end(), part.begin(), part.end());
    }
    EXPECT_TRUE(whole == batched) << "batches of " << xgb::BoosterEstimator::kNativeRows;
    EXPECT_TRUE(whole == single) << "single rows";

    for (const data::Matrix& part : {rows_of(x, 0, 1), rows_of(x, 0, 64), x}) {
        Prediction both = est.predict_with_proba(part);
        EXPECT_EQ(both.values, est.predict(part));
        if (est.has_proba())
            EXPECT_EQ(both.proba, est.predict_proba(part));
        else
            EXPECT_TRUE(both.proba.empty());
    }
}

const Dataset& moons_with_missing() {
    static const Dataset d = with_missing(two_moons(4000, 0.25, 21), 8, 1);
    return d;
}
const Dataset& blobs_with_missing() {
    static const Dataset d = with_missing(three_class_set(3600, 23, 1), 8, 2);
    return d;
}
const Dataset& friedman_with_missing() {
    static const Dataset d = with_missing(friedman(4000, 25), 8, 3);
    return d;
}

class NativePredictionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NativePredictionTest, BitIdenticalToXgboostOnEveryTask) {
    const std::string& algorithm = GetParam();
    struct Task3 {
        const char* name;
        Task task;
        int classes;
        const Dataset& data;
    };
    for (const Task3& t : {Task3{"binary", Task::classification, 2, moons_with_missing()},
                           Task3{"multiclass", Task::classification, 3, blobs_with_missing()},
                           Task3{"regression", Task::regression, 0, friedman_with_missing()}}) {
        SCOPED_TRACE(std::string(algorithm) + " " + t.name);
        // Trained on the first 2/3 of the rows, predicted on all of them.
        Split s = split(t.data, t.data.x.rows * 2 / 3);
        // 25 deep trees walk the same code as the default 100, in a quarter of the suite's time.
        Json params = algorithm == "random_forest" ? Json{{"n_estimators", 25}} : Json::object();
        auto est = fitted(algorithm, params, s, t.task, t.classes);
        EXPECT_EQ(est->has_proba(), t.task == Task::classification) << "every classifier gives probabilities";
        check_native_prediction(*est, t.data.x);
        auto back = reloaded(*est, algorithm);
        check_native_prediction(*back, t.data.x);
        EXPECT_EQ(outputs_of(*back, t.data.x), outputs_of(*est, t.data.x));
        EXPECT_EQ(outputs_of(*back, rows_of(t.data.x, 5, 1)), outputs_of(*est, rows_of(t.data.x, 5, 1)));
    }
}

INSTANTIATE_TEST_SUITE_P(Xgboost, NativePredictionTest,
                         ::testing::Values("xgboost", "gradient_boosting", "lightgbm", "random_forest",
                                           "decision_tree"),
                         [](const auto& info) { return info.param; });

TEST(XgboostNative, EarlyStoppedModelsKeepOnlyTheirBestRounds) {
    const Dataset& d = blobs_with_missing();
    Split s = split(d, 2400);
    Callbacks cb;
    cb.on_round = [](const RoundReport& r) { return RoundDecision{r.round == 9, 3}; };
    auto est = fitted("xgboost", {{"n_estimators", 40}}, s, Task::classification, 3, cb);
    EXPECT_EQ(booster_of(*est).rounds(), 4);
    check_native_prediction(*est, d.x);
}

// A booster trained directly through XGBoost's C API, for models hone would not train.
struct RawBooster {
    BoosterHandleOwner booster;
    DMatrixHandle dmatrix = nullptr;
    ~RawBooster() {
        if (dmatrix) XGDMatrixFree(dmatrix);
    }
    RawBooster(const Dataset& d, const std::vector<std::pair<std::string, std::string>>& params, int rounds,
               const std::vector<const char*>& feature_types = {}) {
        EXPECT_EQ(XGDMatrixCreateFromMat(d.x.data.data(), d.x.rows, d.x.cols, std::nanf(""), &dmatrix), 0);
        EXPECT_EQ(XGDMatrixSetFloatInfo(dmatrix, "label", d.y.data(), d.y.size()), 0);
        if (!feature_types.empty()) {
            std::vector<const char*> types = feature_types;
            EXPECT_EQ(XGDMatrixSetStrFeatureInfo(dmatrix, "feature_type", types.data(), types.size()), 0)
                << XGBGetLastError();
        }
        EXPECT_EQ(XGBoosterCreate(&dmatrix, 1, &booster.handle), 0);
        XGBoosterSetParam(booster.handle, "nthread", "1");
        XGBoosterSetParam(booster.handle, "verbosity", "0");
        for (const auto& [name, value] : params)
            EXPECT_EQ(XGBoosterSetParam(booster.handle, name.c_str(), value.c_str()), 0) << name;
        for (int i = 0; i < rounds; ++i)
            EXPECT_EQ(XGBoosterUpdateOneIter(booster.handle, i, dmatrix), 0) << XGBGetLastError();
    }
    std::string json() const {
        bst_ulong len = 0;
        const char* text = nullptr;
        EXPECT_EQ(XGBoosterSaveModelToBuffer(booster.handle, "{\"format\": \"json\"}", &len, &text), 0);
        return std::string(text, len);
    }
};

// Column 0 becomes a category 0..4 that carries the signal.
Dataset with_category(const Dataset& d) {
    Dataset out = d;
    for (std::size_t r = 0; r < out.x.rows; ++r) {
        float c = static_cast<float>(r * 7 % 5);
        out.x.data[r * out.x.cols] = c;
        out.y[r] += c == 3 ? 30.0f : c == 1 ? -20.0f : 0.0f;
    }
    return out;
}

// Any split_type other than 0 (numerical). Read from the text: XGBoost writes NaN
// conditions for categorical splits, which is not JSON.
bool has_categorical_split(const std::string& json) {
    const std::string key = "\"split_type\":[";
    for (auto at = json.find(key); at != std::string::npos; at = json.find(key, at + 1)) {
        auto close = json.find(']', at);
        if (json.substr(at + key.size(), close - at - key.size()).find_first_not_of("0,") != std::string::npos)
            return true;
    }
    return false;
}

TEST(XgboostNative, UnsupportedModelsAreDeclined) {
    const Dataset& moons = moons_with_missing();
    const Dataset& reg = friedman_with_missing();
    using Params = std::vector<std::pair<std::string, std::string>>;
    // A supported model first, so that the declines below are about what they change.
    EXPECT_TRUE(xgb::TreeEnsemble::from_json(RawBooster(moons, {{"objective", "binary:logistic"}}, 3).json()));
    EXPECT_TRUE(xgb::TreeEnsemble::from_json(RawBooster(reg, {{"objective", "reg:squarederror"}}, 3).json()));
    for (const auto& [what, data, params] :
         {std::tuple{"dart", &moons, Params{{"objective", "binary:logistic"}, {"booster", "dart"}}},
          std::tuple{"gblinear", &moons, Params{{"objective", "binary:logistic"}, {"booster", "gblinear"}}},
          std::tuple{"logitraw", &moons, Params{{"objective", "binary:logitraw"}}},
          std::tuple{"reg:logistic", &moons, Params{{"objective", "reg:logistic"}}},
          std::tuple{"multi:softmax", &moons, Params{{"objective", "multi:softmax"}, {"num_class", "2"}}},
          std::tuple{"absolute error", &reg, Params{{"objective", "reg:absoluteerror"}}},
          std::tuple{"pseudo-huber", &reg, Params{{"objective", "reg:pseudohubererror"}}}}) {
        SCOPED_TRACE(what);
        EXPECT_FALSE(xgb::TreeEnsemble::from_json(RawBooster(*data, params, 3).json()));
    }
    Dataset cat = with_category(reg);
    RawBooster categorical(cat, {{"objective", "reg:squarederror"}, {"tree_method", "hist"}}, 3,
                           {"c", "q", "q", "q", "q", "q", "q", "q", "q", "q"});
    EXPECT_TRUE(has_categorical_split(categorical.json()));
    EXPECT_FALSE(xgb::TreeEnsemble::from_json(categorical.json()));

    std::string good = RawBooster(moons, {{"objective", "binary:logistic"}}, 2).json();
    EXPECT_FALSE(xgb::TreeEnsemble::from_json(good.substr(0, good.size() / 2)));
    EXPECT_FALSE(xgb::TreeEnsemble::from_json("{}"));
    EXPECT_FALSE(xgb::TreeEnsemble::from_json("not json"));
    // A child pointing back at the root.
    std::string cyclic = good;
    auto at = cyclic.find("\"left_children\":[1");
    ASSERT_NE(at, std::string::npos);
    cyclic[at + 17] = '0';
    EXPECT_FALSE(xgb::TreeEnsemble::from_json(cyclic));
}

TEST(XgboostNative, UnsupportedModelsFallBackToXgboost) {
    // Models hone loads but TreeEnsemble declines: a dart classifier and a regressor
    // with categorical splits. (A gblinear model loads too, but XGBoost's in-place
    // prediction does not take it.)
    const Dataset& moons = moons_with_missing();
    Dataset cat = with_category(friedman_with_missing());
    RawBooster dart(moons, {{"objective", "binary:logistic"}, {"booster", "dart"}, {"rate_drop", "0.3"}}, 5);
    RawBooster categorical(cat, {{"objective", "reg:squarederror"}, {"tree_method", "hist"}}, 5,
                           {"c", "q", "q", "q", "q", "q", "q", "q", "q", "q"});
    EXPECT_TRUE(has_categorical_split(categorical.json()));
    for (const auto& [what, raw, task, classes, x] :
         {std::tuple{"dart", &dart, Task::classification, 2, &moons.x},
          std::tuple{"categorical", &categorical, Task::regression, 0, &std::as_const(cat).x}}) {
        SCOPED_TRACE(what);
        TempDir dir;
        ASSERT_EQ(XGBoosterSaveModel(raw->booster.handle, (dir.path / "model.json").c_str()), 0);
        auto est = make("xgboost", Json::object(), task, classes);
        est->load(dir.path);
        EXPECT_FALSE(booster_of(*est).native_prediction());
        std::vector<float> want = xgboost_predict(raw->booster.handle, *x);
        for (const data::Matrix& part : {rows_of(*x, 0, 1), rows_of(*x, 0, 100), data::Matrix(*x)}) {
            auto got = outputs_of(*est, part);
            std::size_t k = est->has_proba() ? 2 : 1;
            ASSERT_EQ(got.size(), part.rows * k);
            for (std::size_t r = 0; r < part.rows; ++r)
                EXPECT_EQ(got[r * k + k - 1], static_cast<double>(want[r])) << "row " << r;
        }
    }
}

TEST(XgboostNative, TransformsMatchXgboostAtExtremeMargins) {
    // One stump whose leaves take margins from deep in the sigmoid's tails (where
    // XGBoost 1.7 clamps the exponent) to the middle, with base scores whose margins
    // (ProbToMargin) are not 0, loaded into XGBoost and into TreeEnsemble from the
    // same JSON text.
    const Dataset& moons = moons_with_missing();
    std::string base = RawBooster(moons, {{"objective", "binary:logistic"}, {"max_depth", "1"}}, 1).json();
    const std::string key = "\"split_conditions\":[";
    auto at = base.find(key);
    ASSERT_NE(at, std::string::npos);
    auto first = base.find(',', at);  // after the root's condition
    auto close = base.find(']', at);
    ASSERT_EQ(std::count(base.begin() + at, base.begin() + close, ','), 2) << "a stump: root and two leaves";
    const std::string score = "\"base_score\":\"5E-1\"";
    ASSERT_NE(base.find(score), std::string::npos);
    data::Matrix some = rows_of(moons.x, 0, 200);
    for (const char* base_score : {"5E-1", "3.7E-1", "1E-2", "9.99E-1", "1.234567E-1"})
        for (float margin : {-300.0f, -104.0f, -100.0f, -89.0f, -88.75f, -88.7f, -88.65f, -87.0f, -30.0f, -17.0f,
                             -1e-3f, 0.0f, 0.37f, 16.6f, 17.0f, 30.0f, 88.7f, 89.0f, 200.0f}) {
            SCOPED_TRACE(std::string(base_score) + " " + std::to_string(margin));
            // XGBoost reads a number without fraction or exponent as an integer.
            char left[32], right[32];
            *std::to_chars(left, left + 31, margin, std::chars_format::scientific).ptr = 0;
            *std::to_chars(right, right + 31, -margin / 3, std::chars_format::scientific).ptr = 0;
            std::string text = base.substr(0, first) + "," + left + "," + right + base.substr(close);
            text.replace(text.find(score), score.size(), std::string("\"base_score\":\"") + base_score + "\"");
            auto ensemble = xgb::TreeEnsemble::from_json(text);
            ASSERT_TRUE(ensemble);
            BoosterHandleOwner xgboost;
            ASSERT_EQ(XGBoosterCreate(nullptr, 0, &xgboost.handle), 0);
            ASSERT_EQ(XGBoosterLoadModelFromBuffer(xgboost.handle, text.data(), text.size()), 0) << XGBGetLastError();
            std::vector<float> want = xgboost_predict(xgboost.handle, some);
            expect_same_floats(native_predict(*ensemble, some), want);
            EXPECT_EQ(std::set<float>(want.begin(), want.end()).size(), margin == 0 ? 1u : 2u)
                << "rows reach both leaves";
        }
}

// The catalog declarations.

TEST(XgboostCatalog, NamesAndTasks) {
    EXPECT_EQ(find_algorithm("RandomForestClassifier").name, "random_forest");
    EXPECT_EQ(task_implied_by("RandomForestClassifier"), Task::classification);
    EXPECT_EQ(task_implied_by("RandomForestRegressor"), Task::regression);
    EXPECT_EQ(find_algorithm("rf").name, "random_forest");
    EXPECT_EQ(task_implied_by("rf"), std::nullopt);
    EXPECT_EQ(find_algorithm("XGBRegressor").name, "xgboost");
    EXPECT_EQ(task_implied_by("xgbregressor"), Task::regression);
    EXPECT_EQ(find_algorithm("xgb").name, "xgboost");
    EXPECT_EQ(find_algorithm("GradientBoostingClassifier").name, "gradient_boosting");
    EXPECT_EQ(find_algorithm("LGBMRegressor").name, "lightgbm");
    EXPECT_EQ(find_algorithm("DecisionTreeClassifier").name, "decision_tree");
    for (const char* name : {"xgboost", "gradient_boosting", "lightgbm", "random_forest", "decision_tree"}) {
        const AlgorithmSpec& a = find_algorithm(name);
        EXPECT_EQ(a.library, "XGBoost");
        EXPECT_TRUE(a.supports(Task::classification) && a.supports(Task::regression));
        EXPECT_FALSE(a.doc.empty());
        for (const auto& p : a.params) EXPECT_FALSE(p.doc.empty()) << name << "." << p.name;
    }
    // Boosting trains in rounds, so early stopping applies; a forest or a tree does not.
    for (const char* name : {"xgboost", "gradient_boosting", "lightgbm"}) EXPECT_TRUE(find_algorithm(name).iterative);
    for (const char* name : {"random_forest", "decision_tree"}) EXPECT_FALSE(find_algorithm(name).iterative);
}

TEST(XgboostCatalog, DefaultsAreTheOriginalLibraries) {
    auto defaults = [](const char* name) { return resolve_params(find_algorithm(name), Json::object(), true).params; };
    Json x = defaults("xgboost");
    EXPECT_EQ(x["n_estimators"], 100);
    EXPECT_EQ(x["learning_rate"], 0.3);
    EXPECT_EQ(x["max_depth"], 6);
    EXPECT_EQ(x["reg_lambda"], 1.0);
    EXPECT_EQ(x["tree_method"], "hist");
    EXPECT_TRUE(x["random_state"].is_null());
    Json gb = defaults("gradient_boosting");
    EXPECT_EQ(gb["learning_rate"], 0.1);
    EXPECT_EQ(gb["max_depth"], 3);
    EXPECT_EQ(gb["min_samples_leaf"], 1);
    Json lgbm = defaults("lightgbm");
    EXPECT_EQ(lgbm["num_leaves"], 31);
    EXPECT_EQ(lgbm["max_depth"], -1);
    EXPECT_EQ(lgbm["min_child_samples"], 20);
    Json rf = defaults("random_forest");
    EXPECT_EQ(rf["n_estimators"], 100);
    EXPECT_TRUE(rf["max_depth"].is_null());
    EXPECT_EQ(rf["max_features"], "auto");
    EXPECT_EQ(rf["bootstrap"], true);
    Json dt = defaults("decision_tree");
    EXPECT_TRUE(dt["max_depth"].is_null());
    EXPECT_TRUE(dt["max_features"].is_null());
}

TEST(XgboostCatalog, AliasesResolveToCanonicalNames) {
    auto r = resolve_params(find_algorithm("xgboost"),
                            {{"num_boost_round", 150}, {"eta", 0.05}, {"lambda", 2}, {"min_split_loss", 0.5}}, true);
    EXPECT_EQ(r.params["n_estimators"], 150);
    EXPECT_EQ(r.params["learning_rate"], 0.05);
    EXPECT_EQ(r.params["reg_lambda"], 2.0);
    EXPECT_EQ(r.params["gamma"], 0.5);
    EXPECT_FALSE(r.params.contains("eta"));
    EXPECT_TRUE(r.ignored.empty());

    auto l = resolve_params(find_algorithm("lightgbm"),
                            {{"max_leaves", 63}, {"feature_fraction", 0.8}, {"bagging_fraction", 0.7},
                             {"min_data_in_leaf", 5}},
                            true);
    EXPECT_EQ(l.params["num_leaves"], 63);
    EXPECT_EQ(l.params["colsample_bytree"], 0.8);
    EXPECT_EQ(l.params["subsample"], 0.7);
    EXPECT_EQ(l.params["min_child_samples"], 5);

    auto f = resolve_params(find_algorithm("random_forest"), {{"max_features", "sqrt"}, {"num_parallel_tree", 10}},
                            true);
    EXPECT_EQ(f.params["max_features"], "sqrt");
    EXPECT_EQ(f.params["n_estimators"], 10);
}

TEST(XgboostCatalog, OutOfRangeValuesNameParameterValueAndRange) {
    auto expect_invalid = [](const char* algorithm, const Json& given, const std::string& message) {
        expect_error([&] { resolve_params(find_algorithm(algorithm), given, false); }, ErrorKind::validation,
                     "invalid_hyperparameter", message);
    };
    expect_invalid("xgboost", {{"learning_rate", 0}},
                   "hyperparameter 'learning_rate' of xgboost must be a number in (0, 1], got 0");
    expect_invalid("xgboost", {{"eta", 1.5}},
                   "hyperparameter 'eta' (learning_rate) of xgboost must be a number in (0, 1], got 1.5");
    expect_invalid("random_forest", {{"n_estimators", 0}},
                   "hyperparameter 'n_estimators' of random_forest must be an integer >= 1, got 0");
    expect_invalid("random_forest", {{"max_features", "half"}},
                   "hyperparameter 'max_features' of random_forest must be a number > 0, or 'sqrt', 'log2' or "
                   "'auto', or null, got 'half'");
    expect_invalid("gradient_boosting", {{"min_samples_split", 1}},
                   "hyperparameter 'min_samples_split' of gradient_boosting must be an integer >= 2, got 1");
    expect_invalid("xgboost", {{"tree_method", "gpu_hist"}},
                   "hyperparameter 'tree_method' of xgboost must be one of 'hist', 'approx', 'exact' or 'auto', got "
                   "'gpu_hist'");
    expect_invalid("xgboost", {{"max_depth", 2.5}},
                   "hyperparameter 'max_depth' of xgboost must be an integer in [0, 1000], got 2.5");
}

TEST(XgboostCatalog, UnknownNamesAreIgnoredOrStrictErrors) {
    // The language's complete example: random-forest hyperparameters with a learning rate.
    Json given = {{"n_estimators", 100}, {"max_depth", 10}, {"min_samples_split", 2}, {"learning_rate", 0.1}};
    auto r = resolve_params(find_algorithm("random_forest"), given, false);
    EXPECT_EQ(r.ignored, std::vector<std::string>{"learning_rate"});
    EXPECT_EQ(r.params["max_depth"], 10);
    auto strict = expect_error([&] { resolve_params(find_algorithm("random_forest"), given, true); },
                               ErrorKind::validation, "unknown_hyperparameter",
                               "hyperparameter 'learning_rate' is not taken by random_forest");
    if (strict) {
        EXPECT_EQ(strict->hint(),
                  "its hyperparameters: n_estimators, max_depth, min_samples_split, min_samples_leaf, max_features, "
                  "max_leaf_nodes, bootstrap, max_samples, tree_method, max_bin, random_state, n_jobs");
    }
    expect_error([&] { resolve_params(find_algorithm("decision_tree"), {{"max_dept", 3}}, true); },
                 "unknown_hyperparameter",
                 "hyperparameter 'max_dept' is not taken by decision_tree; did you mean 'max_depth'?");
}

}  // namespace
}  // namespace hone::models
