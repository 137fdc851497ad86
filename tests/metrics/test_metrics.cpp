#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"
#include "metrics/metrics.hpp"
#include "metrics/registry.hpp"

namespace hm = hone::metrics;
using hm::Direction;
using hm::Json;
using hm::Task;

namespace {

// Values computed by scikit-learn (tests/metrics/make_fixtures.py).
const Json& fixtures() {
    static const Json data = [] {
        std::ifstream in(std::string(HONE_SOURCE_DIR) + "/tests/metrics/fixtures.json");
        if (!in) throw std::runtime_error("cannot open tests/metrics/fixtures.json");
        return Json::parse(in);
    }();
    return data;
}

// Equal within 1e-12 relative (absolute near zero); null expects NaN.
::testing::AssertionResult matches(double actual, const Json& expected) {
    if (expected.is_null()) {
        if (std::isnan(actual)) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << "expected NaN (scikit-learn raises), got " << actual;
    }
    double want = expected.get<double>();
    double tolerance = 1e-12 * std::max(1.0, std::abs(want));
    if (std::abs(actual - want) <= tolerance) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", scikit-learn " << want;
}

::testing::AssertionResult matches_json(const Json& actual, const Json& expected) {
    if (actual.is_null() || expected.is_null()) {
        if (actual.is_null() && expected.is_null()) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << "got " << actual.dump() << ", scikit-learn " << expected.dump();
    }
    return matches(actual.get<double>(), expected);
}

struct ClassCase {
    std::string name;
    int k = 0;
    std::vector<int> y_true, y_pred;
    std::vector<double> proba;
    Json expected;
    std::vector<std::vector<std::int64_t>> confusion;
};

std::vector<ClassCase> class_cases() {
    std::vector<ClassCase> out;
    for (const auto& c : fixtures().at("classification")) {
        ClassCase cc;
        cc.name = c.at("name").get<std::string>();
        cc.k = c.at("num_classes").get<int>();
        cc.y_true = c.at("y_true").get<std::vector<int>>();
        cc.y_pred = c.at("y_pred").get<std::vector<int>>();
        cc.proba = c.at("proba").get<std::vector<double>>();
        cc.expected = c.at("expected");
        cc.confusion = c.at("confusion_matrix").get<std::vector<std::vector<std::int64_t>>>();
        out.push_back(std::move(cc));
    }
    return out;
}

std::string error_text(const std::function<void()>& fn, std::string* code = nullptr, std::string* hint = nullptr) {
    try {
        fn();
    } catch (const hone::Error& e) {
        if (code) *code = e.code();
        if (hint) *hint = e.hint();
        return e.message();
    }
    return "(no error)";
}

const std::string kClassificationList =
    "accuracy, balanced_accuracy, precision, recall, f1, f1_micro, f1_macro, f1_weighted, precision_micro, "
    "precision_macro, precision_weighted, recall_micro, recall_macro, recall_weighted, auc, log_loss";
const std::string kRecommendationList = "hr@k, ndcg@k, precision@k, recall@k, map@k, mrr, coverage@k";
const std::string kTextList =
    "subset_accuracy, micro_f1, micro_precision, micro_recall, macro_f1, macro_precision, macro_recall, samples_f1, "
    "samples_precision, samples_recall, hamming_loss, label_precision@k";
const std::string kRegressionList = "rmse, mse, mae, r2, mape";
const std::string kClusteringList =
    "silhouette, davies_bouldin, calinski_harabasz, inertia, adjusted_rand, normalized_mutual_info, homogeneity, "
    "completeness, v_measure";

}  // namespace

TEST(MetricFixtures, GeneratedByTheInstalledScikitLearn) {
    EXPECT_EQ(fixtures().at("sklearn_version").get<std::string>().substr(0, 4), "1.2.");
    EXPECT_GE(fixtures().at("classification").size(), 8u);
    EXPECT_GE(fixtures().at("regression").size(), 5u);
}

TEST(MetricFixtures, ClassificationMatchesScikitLearn) {
    for (const auto& c : class_cases()) {
        SCOPED_TRACE(c.name);
        hm::LabelData data{c.y_true, c.y_pred, c.proba, c.k};
        ASSERT_EQ(c.expected.size(), 16u);
        for (const auto& [name, want] : c.expected.items()) {
            const auto& spec = hm::find_metric(name, Task::classification);
            EXPECT_EQ(spec.name, name);
            EXPECT_TRUE(matches(spec.score_labels(data), want)) << name;
        }
        Json all = hm::evaluate_classification(hm::metric_names(Task::classification), c.y_true, c.y_pred, c.proba, c.k);
        ASSERT_EQ(all.size(), c.expected.size());
        for (const auto& [name, want] : c.expected.items()) EXPECT_TRUE(matches_json(all.at(name), want)) << name;
        EXPECT_EQ(hm::confusion_matrix(c.y_true, c.y_pred, c.k).rows(), c.confusion);
    }
}

TEST(MetricFixtures, ExactWhereTheArithmeticIsTheSame) {
    // Counting metrics and the regression metrics repeat scikit-learn's float
    // operations one for one (NumPy's pairwise sums included), so they agree bit
    // for bit. Not asserted exactly: log_loss (NumPy's log may differ from the C
    // library's by an ulp) and auc (counted exactly where scikit-learn integrates
    // trapezoids; binary_imbalanced differs in the last bit).
    for (const auto& c : class_cases()) {
        SCOPED_TRACE(c.name);
        hm::LabelData data{c.y_true, c.y_pred, c.proba, c.k};
        for (const auto& [name, want] : c.expected.items()) {
            if (name == "log_loss" || name == "auc") continue;
            EXPECT_EQ(hm::find_metric(name).score_labels(data), want.get<double>()) << name;
        }
    }
    for (const auto& c : fixtures().at("regression")) {
        SCOPED_TRACE(c.at("name").get<std::string>());
        auto y_true = c.at("y_true").get<std::vector<double>>();
        auto y_pred = c.at("y_pred").get<std::vector<double>>();
        hm::ValueData data{y_true, y_pred};
        for (const auto& [name, want] : c.at("expected").items()) {
            if (want.is_null()) continue;
            EXPECT_EQ(hm::find_metric(name).score_values(data), want.get<double>()) << name;
        }
    }
}

TEST(MetricFixtures, RegressionMatchesScikitLearn) {
    for (const auto& c : fixtures().at("regression")) {
        SCOPED_TRACE(c.at("name").get<std::string>());
        auto y_true = c.at("y_true").get<std::vector<double>>();
        auto y_pred = c.at("y_pred").get<std::vector<double>>();
        hm::ValueData data{y_true, y_pred};
        const Json& expected = c.at("expected");
        ASSERT_EQ(expected.size(), 5u);
        for (const auto& [name, want] : expected.items()) {
            const auto& spec = hm::find_metric(name, Task::regression);
            EXPECT_TRUE(matches(spec.score_values(data), want)) << name;
        }
        Json all = hm::evaluate(Task::regression, hm::metric_names(Task::regression), y_true, y_pred);
        for (const auto& [name, want] : expected.items()) EXPECT_TRUE(matches_json(all.at(name), want)) << name;
    }
}

TEST(MetricFixtures, PairwiseSumIsNumpysBitForBit) {
    for (const auto& c : fixtures().at("sums")) {
        auto values = c.at("values").get<std::vector<double>>();
        SCOPED_TRACE(values.size());
        EXPECT_EQ(hm::pairwise_sum(values), c.at("sum").get<double>());
    }
}

// Equal within `relative` (absolute near zero); null expects NaN.
::testing::AssertionResult within(const Json& actual, const Json& expected, double relative) {
    if (actual.is_null() || expected.is_null()) return matches_json(actual, expected);
    double got = actual.get<double>(), want = expected.get<double>();
    if (std::abs(got - want) <= relative * std::max(1.0, std::abs(want))) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << std::setprecision(17) << "got " << got << ", scikit-learn " << want;
}

TEST(MetricFixtures, ClusteringMatchesScikitLearn) {
    ASSERT_GE(fixtures().at("clustering").size(), 7u);
    for (const auto& c : fixtures().at("clustering")) {
        SCOPED_TRACE(c.at("name").get<std::string>());
        auto x = c.at("x").get<std::vector<double>>();
        auto labels = c.at("labels").get<std::vector<int>>();
        auto labels_true = c.at("labels_true").get<std::vector<int>>();
        hm::ClusterData data{{x, c.at("rows").get<std::size_t>(), c.at("cols").get<std::size_t>(), labels}, labels_true};
        Json all = hm::evaluate_clustering(hm::metric_names(Task::clustering), data);
        ASSERT_EQ(all.size(), 9u);
        for (const auto& [name, want] : c.at("expected").items()) {
            // scikit-learn expands squared distances through BLAS for these two
            // (see metrics/clustering.hpp); the rest repeat its arithmetic.
            const double relative = name == "silhouette" || name == "davies_bouldin" ? 1e-10 : 1e-13;
            EXPECT_TRUE(within(all.at(name), want, relative)) << name;
        }
    }
}

TEST(Clustering, ExternalMetricsNeedATargetAndAreSkippedWithout) {
    std::vector<double> x{0, 0, 0, 1, 5, 5, 5, 6};
    std::vector<int> labels{0, 0, 1, 1};
    std::vector<std::string> skipped;
    Json out = hm::evaluate_clustering({"silhouette", "ari", "v_measure_score"}, {{x, 4, 2, labels}}, &skipped);
    EXPECT_NEAR(out.at("silhouette").get<double>(), 0.8585856960087929, 1e-12);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(skipped, (std::vector<std::string>{"adjusted_rand", "v_measure"}));
}

TEST(Clustering, SilhouetteOnASeededSampleAboveItsSize) {
    std::vector<double> x;
    std::vector<int> labels;
    for (int i = 0; i < 400; ++i) {
        x.push_back(i % 2 * 10.0 + (i % 7) * 0.1);
        labels.push_back(i % 2);
    }
    hm::ClusterRows rows{x, 400, 1, labels};
    const double exact = hm::silhouette(rows), sampled = hm::silhouette(rows, 100, 7);
    EXPECT_NEAR(sampled, exact, 0.01);
    EXPECT_NE(sampled, exact);
    EXPECT_EQ(sampled, hm::silhouette(rows, 100, 7, 1));  // the same draw, on one thread
    EXPECT_EQ(hm::silhouette(rows, 0, 0, 1), hm::silhouette(rows, 0, 0, 2));
}

TEST(Clustering, AdjustedRandIsExactPastInt64Products) {
    // 200,000 rows: tp * tn is about 1e20, beyond int64 (scikit-learn takes Python integers).
    std::vector<int> t(200000), p(200000);
    for (int i = 0; i < 200000; ++i) {
        t[i] = i % 4;
        p[i] = i % 8 == 7 ? (i + 1) % 4 : i % 4;
    }
    EXPECT_NEAR(hm::adjusted_rand(t, p), 0.7599966879377331, 1e-13);
    EXPECT_EQ(hm::adjusted_rand(t, t), 1.0);
}

TEST(Classification, ZeroDivisionIsZeroNotACrash) {
    std::vector<int> t{0, 0, 0, 0}, p{0, 0, 0, 0};
    EXPECT_EQ(hm::precision(t, p, 2, hm::Average::binary), 0.0);
    EXPECT_EQ(hm::recall(t, p, 2, hm::Average::binary), 0.0);
    EXPECT_EQ(hm::f1(t, p, 2, hm::Average::binary), 0.0);
    // Macro over the classes present (class 0 alone): perfect.
    EXPECT_EQ(hm::f1(t, p, 2, hm::Average::macro), 1.0);
    EXPECT_EQ(hm::balanced_accuracy(t, p, 2), 1.0);
}

TEST(Classification, UndefinedValuesAreNaN) {
    std::vector<int> none;
    std::vector<double> no_proba;
    EXPECT_TRUE(std::isnan(hm::accuracy(none, none)));
    EXPECT_TRUE(std::isnan(hm::f1(none, none, 3, hm::Average::macro)));
    EXPECT_TRUE(std::isnan(hm::log_loss(none, no_proba, 2)));
    std::vector<int> one_class{2, 2, 2};
    std::vector<double> proba{0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4};
    EXPECT_TRUE(std::isnan(hm::roc_auc(one_class, proba, 3)));
    std::vector<int> binary{0, 1, 1};
    std::vector<double> with_nan{0.5, 0.5, 1.0, std::nan(""), 0.1, 0.9};
    EXPECT_TRUE(std::isnan(hm::roc_auc(binary, with_nan, 2)));
}

TEST(Classification, AucCountsTiesAsHalf) {
    // Pairs (pos, neg): scores 0.8 > 0.3 and 0.8 > 0.5 win, 0.5 = 0.5 is half,
    // 0.5 > 0.3 wins: (1 + 1 + 0.5 + 1) / 4.
    std::vector<int> y{1, 1, 0, 0};
    std::vector<double> proba{0.2, 0.8, 0.5, 0.5, 0.5, 0.5, 0.7, 0.3};
    EXPECT_EQ(hm::roc_auc(y, proba, 2), 0.875);
}

TEST(Classification, LogLossClipsAtMachineEpsilon) {
    std::vector<int> y{0};
    std::vector<double> certain_wrong{0.0, 1.0};
    EXPECT_EQ(hm::log_loss(y, certain_wrong, 2), -std::log(std::numeric_limits<double>::epsilon()));
    std::vector<double> certain_right{1.0, 0.0};
    EXPECT_EQ(hm::log_loss(y, certain_right, 2), -std::log(1.0 - std::numeric_limits<double>::epsilon()));
}

TEST(Classification, ConfusionMatrixRowsAreTrueClasses) {
    std::vector<int> t{0, 0, 1, 2, 2, 2}, p{0, 1, 1, 0, 2, 2};
    auto cm = hm::confusion_matrix(t, p, 4);
    EXPECT_EQ(cm.num_classes, 4);
    EXPECT_EQ(cm.at(2, 0), 1);
    EXPECT_EQ(cm.rows(), (std::vector<std::vector<std::int64_t>>{{1, 1, 0, 0}, {0, 1, 0, 0}, {1, 0, 2, 0}, {0, 0, 0, 0}}));
}

TEST(Classification, BadInputIsAnInternalError) {
    std::vector<int> t{0, 1, 2}, p{0, 1};
    std::string code;
    EXPECT_EQ(error_text([&] { hm::accuracy(t, p); }, &code), "y_true has 3 values but y_pred has 2");
    EXPECT_EQ(code, "invalid_metric_input");
    std::vector<int> p3{0, 1, 3};
    EXPECT_EQ(error_text([&] { hm::f1(t, p3, 3, hm::Average::macro); }),
              "y_pred[2] = 3 is not a class index 0..2");
    EXPECT_EQ(error_text([&] { hm::f1(t, t, 3, hm::Average::binary); }), "binary averaging needs 2 classes, got 3");
    EXPECT_EQ(error_text([&] { hm::f1(t, t, 1, hm::Average::macro); }),
              "classification needs at least 2 classes, got 1");
    std::vector<double> proba(8, 0.25);
    EXPECT_EQ(error_text([&] { hm::log_loss(t, proba, 3); }),
              "probabilities hold 8 values, expected 3 rows x 3 classes");
    try {
        hm::accuracy(t, p);
    } catch (const hone::Error& e) {
        EXPECT_EQ(e.kind(), hone::ErrorKind::internal);
    }
}

TEST(Regression, MapeDividesZerosByEpsilon) {
    std::vector<double> t{0.0, 2.0}, p{1e-16, 3.0};
    // (1e-16 / eps + 1 / 2) / 2
    EXPECT_EQ(hm::mape(t, p), (1e-16 / std::numeric_limits<double>::epsilon() + 0.5) / 2.0);
}

TEST(Regression, R2OnConstantTargets) {
    std::vector<double> t{3, 3, 3};
    std::vector<double> exact{3, 3, 3}, off{3, 3, 4};
    EXPECT_EQ(hm::r2(t, exact), 1.0);
    EXPECT_EQ(hm::r2(t, off), 0.0);
    std::vector<double> one{1.0};
    EXPECT_TRUE(std::isnan(hm::r2(one, one)));
}

TEST(Registry, EveryMetricIsDeclaredOnce) {
    for (Task task : {Task::classification, Task::regression}) {
        std::vector<std::string> seen;
        for (const auto& m : hm::metrics()) {
            if (m.task != task) continue;
            EXPECT_FALSE(m.doc.empty()) << m.name;
            EXPECT_EQ(m.name, hone::to_lower(m.name));
            EXPECT_EQ(task == Task::classification, static_cast<bool>(m.score_labels)) << m.name;
            EXPECT_EQ(task == Task::regression, static_cast<bool>(m.score_values)) << m.name;
            for (const auto& n : [&] {
                     auto all = m.aliases;
                     all.push_back(m.name);
                     return all;
                 }()) {
                EXPECT_EQ(std::count(seen.begin(), seen.end(), n), 0) << n << " declared twice";
                seen.push_back(n);
            }
        }
    }
    EXPECT_EQ(hone::join(hm::metric_names(Task::classification)), kClassificationList);
    EXPECT_EQ(hone::join(hm::metric_names(Task::regression)), kRegressionList);
}

TEST(Registry, DirectionsAndProbabilities) {
    for (const char* name : {"accuracy", "balanced_accuracy", "precision", "recall", "f1", "f1_weighted", "auc", "r2"})
        EXPECT_EQ(hm::find_metric(name).direction, Direction::maximize) << name;
    for (const char* name : {"log_loss", "rmse", "mse", "mae", "mape"})
        EXPECT_EQ(hm::find_metric(name).direction, Direction::minimize) << name;
    for (const auto& m : hm::metrics())
        EXPECT_EQ(m.needs_proba, m.name == "auc" || m.name == "log_loss") << m.name;
}

TEST(Registry, AliasesAndCase) {
    EXPECT_EQ(hm::find_metric("f1_score").name, "f1");
    EXPECT_EQ(hm::find_metric("ROC_AUC").name, "auc");
    EXPECT_EQ(hm::find_metric("logloss").name, "log_loss");
    EXPECT_EQ(hm::find_metric("neg_log_loss").name, "log_loss");
    EXPECT_EQ(hm::find_metric("loss", Task::classification).name, "log_loss");
    EXPECT_EQ(hm::find_metric("loss", Task::regression).name, "mse");
    EXPECT_EQ(hm::find_metric("neg_mean_squared_error").name, "mse");
    EXPECT_EQ(hm::find_metric("neg_root_mean_squared_error").name, "rmse");
    EXPECT_EQ(hm::find_metric("mean_absolute_percentage_error").name, "mape");
    EXPECT_EQ(hm::find_metric("Accuracy", Task::classification).task, Task::classification);
}

TEST(Registry, UnknownNameListsTheValidOnesAndSuggests) {
    std::string code, hint;
    EXPECT_EQ(error_text([] { hm::find_metric("acuracy"); }, &code, &hint),
              "unknown metric 'acuracy'; did you mean 'accuracy'?");
    EXPECT_EQ(code, "unknown_metric");
    EXPECT_EQ(hint, "valid metrics: " + kClassificationList + " (classification); " + kRegressionList + " (regression); " +
                  kRecommendationList + " (recommendation); " + kTextList + " (text_classification); " +
                      kClusteringList + " (clustering)");
    EXPECT_EQ(error_text([] { hm::find_metric("rsme", Task::regression); }, &code, &hint),
              "unknown metric 'rsme'; did you mean 'rmse'?");
    EXPECT_EQ(hint, "valid regression metrics: " + kRegressionList);
    EXPECT_EQ(error_text([] { hm::find_metric("perplexity"); }), "unknown metric 'perplexity'");
}

TEST(Registry, WrongTaskAndAmbiguity) {
    std::string code, hint;
    EXPECT_EQ(error_text([] { hm::find_metric("rmse", Task::classification); }, &code, &hint),
              "'rmse' is a regression metric, not a classification one");
    EXPECT_EQ(code, "wrong_task_metric");
    EXPECT_EQ(hint, "valid classification metrics: " + kClassificationList);
    EXPECT_EQ(error_text([] { hm::find_metric("loss"); }, &code, &hint),
              "'loss' means log_loss for classification or mse for regression; the task decides");
    EXPECT_EQ(code, "ambiguous_metric");
    EXPECT_EQ(hint, "name the metric itself: log_loss or mse");
}

TEST(Evaluate, OrderCanonicalNamesAndDuplicates) {
    std::vector<int> t{0, 1, 1, 0}, p{0, 1, 0, 0};
    std::vector<double> proba{0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.7, 0.3};
    Json r = hm::evaluate_classification({"log_loss", "f1_score", "accuracy", "f1", "ACC"}, t, p, proba, 2);
    std::vector<std::string> keys;
    for (const auto& [k, v] : r.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"log_loss", "f1", "accuracy"}));
    EXPECT_EQ(r.at("accuracy").get<double>(), 0.75);
    EXPECT_EQ(r.at("f1").get<double>(), 2.0 / 3.0);
}

TEST(Evaluate, SkipsProbabilityMetricsWithoutProbabilities) {
    std::vector<int> t{0, 1, 1, 0}, p{0, 1, 0, 0};
    std::vector<std::string> skipped;
    Json r = hm::evaluate_classification({"accuracy", "auc", "log_loss"}, t, p, {}, 2, &skipped);
    EXPECT_EQ(r.dump(), R"({"accuracy":0.75})");
    EXPECT_EQ(skipped, (std::vector<std::string>{"auc", "log_loss"}));
}

TEST(Evaluate, DefaultsAndNulls) {
    std::vector<int> t{0, 0, 0}, p{0, 1, 0};
    std::vector<double> proba{0.9, 0.1, 0.4, 0.6, 0.8, 0.2};
    Json r = hm::evaluate_classification({}, t, p, proba, 2);
    std::vector<std::string> keys;
    for (const auto& [k, v] : r.items()) keys.push_back(k);
    EXPECT_EQ(keys, hm::default_metrics(Task::classification));
    EXPECT_TRUE(r.at("auc").is_null());  // one class in y_true
    std::vector<double> y{1.0}, yp{2.0};
    Json g = hm::evaluate(Task::regression, {}, y, yp);
    EXPECT_EQ(g.dump(), R"({"rmse":1.0,"mse":1.0,"mae":1.0,"r2":null})");
}

TEST(Evaluate, FromEstimatorDoubles) {
    std::vector<double> t{0, 2, 1, 2}, p{0, 2, 2, 2};
    std::vector<double> proba{0.8, 0.1, 0.1, 0.1, 0.2, 0.7, 0.2, 0.3, 0.5, 0.1, 0.1, 0.8};
    Json with_k = hm::evaluate(Task::classification, {"accuracy", "auc"}, t, p, proba, 3);
    Json inferred = hm::evaluate(Task::classification, {"accuracy", "auc"}, t, p, proba);
    EXPECT_EQ(with_k.dump(), inferred.dump());
    EXPECT_EQ(with_k.at("accuracy").get<double>(), 0.75);
    std::vector<double> bad{0, 1.5, 1, 2};
    EXPECT_EQ(error_text([&] { hm::evaluate(Task::classification, {"accuracy"}, bad, p, {}, 3); }),
              "y_true[1] = 1.5 is not a class index 0..2");
    EXPECT_EQ(error_text([&] { hm::evaluate(Task::classification, {"mse"}, t, p, {}, 3); }),
              "'mse' is a regression metric, not a classification one");
}

TEST(Objective, DirectionPrefixes) {
    auto o = hm::resolve_objective("maximize_accuracy");
    EXPECT_EQ(o.metric, "accuracy");
    EXPECT_EQ(o.direction, Direction::maximize);
    EXPECT_FALSE(o.validation);
    EXPECT_EQ(o.warning, "");
    o = hm::resolve_objective("minimize_loss", Task::classification);
    EXPECT_EQ(o.metric, "log_loss");
    EXPECT_EQ(o.direction, Direction::minimize);
    o = hm::resolve_objective("minimize_loss", Task::regression);
    EXPECT_EQ(o.metric, "mse");
    EXPECT_EQ(o.direction, Direction::minimize);
    o = hm::resolve_objective("Minimise_RMSE");
    EXPECT_EQ(o.metric, "rmse");
    EXPECT_EQ(o.direction, Direction::minimize);
}

TEST(Objective, BareNameTakesItsOwnDirection) {
    EXPECT_EQ(hm::resolve_objective("auc").direction, Direction::maximize);
    EXPECT_EQ(hm::resolve_objective("f1_score").metric, "f1");
    EXPECT_EQ(hm::resolve_objective("mae").direction, Direction::minimize);
    auto o = hm::resolve_objective("neg_mean_squared_error");
    EXPECT_EQ(o.metric, "mse");
    EXPECT_EQ(o.direction, Direction::minimize);
}

TEST(Objective, EarlyStoppingNames) {
    auto o = hm::resolve_objective("val_accuracy");
    EXPECT_EQ(o.metric, "accuracy");
    EXPECT_EQ(o.direction, Direction::maximize);
    EXPECT_TRUE(o.validation);
    o = hm::resolve_objective("val_loss", Task::classification);
    EXPECT_EQ(o.metric, "log_loss");
    EXPECT_EQ(o.direction, Direction::minimize);
    o = hm::resolve_objective("validation_loss", Task::regression);
    EXPECT_EQ(o.metric, "mse");
    EXPECT_TRUE(o.validation);
    o = hm::resolve_objective("minimize_val_rmse");
    EXPECT_EQ(o.metric, "rmse");
    EXPECT_TRUE(o.validation);
}

TEST(Objective, ContradictingDirectionIsKeptWithAWarning) {
    auto o = hm::resolve_objective("minimize_accuracy");
    EXPECT_EQ(o.metric, "accuracy");
    EXPECT_EQ(o.direction, Direction::minimize);
    EXPECT_EQ(o.warning, "objective 'minimize_accuracy' minimizes accuracy, which is better when higher");
    o = hm::resolve_objective("maximize_val_loss", Task::classification);
    EXPECT_EQ(o.direction, Direction::maximize);
    EXPECT_EQ(o.warning, "objective 'maximize_val_loss' maximizes log_loss, which is better when lower");
}

TEST(Objective, NegatedScorerNamesTurnTheDirection) {
    auto o = hm::resolve_objective("maximize_neg_mean_squared_error");
    EXPECT_EQ(o.metric, "mse");
    EXPECT_EQ(o.direction, Direction::minimize);
    EXPECT_EQ(o.warning, "");
    o = hm::resolve_objective("minimize_neg_log_loss");
    EXPECT_EQ(o.direction, Direction::maximize);
    EXPECT_EQ(o.warning, "objective 'minimize_neg_log_loss' maximizes log_loss, which is better when lower");
}

TEST(Objective, Errors) {
    std::string code, hint;
    EXPECT_EQ(error_text([] { hm::resolve_objective("maximize_acuracy"); }, &code, &hint),
              "objective 'maximize_acuracy': unknown metric 'acuracy'; did you mean 'accuracy'?");
    EXPECT_EQ(code, "unknown_metric");
    EXPECT_EQ(hint, "valid metrics: " + kClassificationList + " (classification); " + kRegressionList + " (regression); " +
                  kRecommendationList + " (recommendation); " + kTextList + " (text_classification); " +
                      kClusteringList + " (clustering)");
    EXPECT_EQ(error_text([] { hm::resolve_objective("  "); }, &code), "empty objective");
    EXPECT_EQ(code, "invalid_objective");
    EXPECT_EQ(error_text([] { hm::resolve_objective("maximize_"); }, &code), "objective 'maximize_' names no metric");
    EXPECT_EQ(code, "invalid_objective");
    EXPECT_EQ(error_text([] { hm::resolve_objective("val_loss"); }, &code),
              "objective 'val_loss': 'loss' means log_loss for classification or mse for regression; the task decides");
    EXPECT_EQ(code, "ambiguous_metric");
    EXPECT_EQ(error_text([] { hm::resolve_objective("maximize_r2", Task::classification); }, &code),
              "objective 'maximize_r2': 'r2' is a regression metric, not a classification one");
    EXPECT_EQ(code, "wrong_task_metric");
}

TEST(Objective, CheckBeforeTheTaskIsKnown) {
    EXPECT_NO_THROW(hm::check_objective("val_loss"));
    EXPECT_NO_THROW(hm::check_objective("minimize_rmse"));
    EXPECT_NO_THROW(hm::check_objective("maximize_accuracy"));
    EXPECT_EQ(error_text([] { hm::check_objective("maximize_perplexity"); }),
              "objective 'maximize_perplexity': unknown metric 'perplexity'");
}

TEST(Objective, Improves) {
    EXPECT_TRUE(hm::improves(Direction::maximize, 0.9, 0.8));
    EXPECT_FALSE(hm::improves(Direction::maximize, 0.8, 0.8));
    EXPECT_FALSE(hm::improves(Direction::maximize, 0.85, 0.8, 0.1));
    EXPECT_TRUE(hm::improves(Direction::minimize, 0.1, 0.2));
    EXPECT_FALSE(hm::improves(Direction::minimize, 0.15, 0.2, 0.1));
    EXPECT_FALSE(hm::improves(Direction::minimize, std::nan(""), 0.2));
    EXPECT_TRUE(hm::improves(Direction::minimize, 0.3, std::nan("")));
}

