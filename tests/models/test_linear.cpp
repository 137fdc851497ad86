// logistic_regression, linear_svc, linear_svr (LIBLINEAR), linear_regression and
// ridge (Eigen) on data generated here with fixed seeds. logistic_regression's
// default solver (lbfgs) is tested against scikit-learn in test_logistic.cpp;
// the tests here that depend on LIBLINEAR itself (its L1 and dual solvers, its
// model file, its seeded shuffling) set solver='liblinear'.
#include <gtest/gtest.h>
#include <unistd.h>

#include <Eigen/Dense>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include "common/error.hpp"
#include "models/catalog.hpp"

using namespace hone;
using namespace hone::models;

namespace {

struct Dataset {
    data::Matrix x;
    std::vector<float> y;
};

data::Matrix matrix(std::size_t rows, std::size_t cols) {
    data::Matrix m;
    m.rows = rows;
    m.cols = cols;
    m.data.assign(rows * cols, 0.0f);
    for (std::size_t c = 0; c < cols; ++c) m.names.push_back("f" + std::to_string(c));
    return m;
}

// Two classes split by a hyperplane through noise: about 95% separable.
// The last `irrelevant` columns carry no signal.
Dataset binary_set(std::size_t n, std::uint64_t seed, std::size_t irrelevant = 0) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    const std::vector<double> w = {1.5, -2.0, 1.0, 0.5};
    Dataset d{matrix(n, w.size() + irrelevant), std::vector<float>(n)};
    for (std::size_t r = 0; r < n; ++r) {
        double score = 0.3;
        for (std::size_t c = 0; c < d.x.cols; ++c) {
            double v = normal(rng);
            d.x.data[r * d.x.cols + c] = static_cast<float>(v);
            if (c < w.size()) score += w[c] * v;
        }
        d.y[r] = score + 0.5 * normal(rng) > 0 ? 1.0f : 0.0f;
    }
    return d;
}

// Three Gaussian blobs in 5 dimensions.
Dataset three_class_set(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    const double centers[3][5] = {{2, 0, 0, 1, 0}, {0, 2, 0, -1, 0}, {0, 0, 2, 0, 1}};
    Dataset d{matrix(n, 5), std::vector<float>(n)};
    for (std::size_t r = 0; r < n; ++r) {
        auto k = static_cast<int>(rng() % 3);
        for (std::size_t c = 0; c < 5; ++c) d.x.data[r * 5 + c] = static_cast<float>(centers[k][c] + normal(rng));
        d.y[r] = static_cast<float>(k);
    }
    return d;
}

const std::vector<double> true_coef = {0.5, -1.25, 2.0, 0.75, -3.0};
const double true_intercept = 3.0;

// y = X true_coef + true_intercept exactly: small integer features and dyadic
// coefficients keep every target exact in float. With noise, adds N(0, noise).
Dataset regression_set(std::size_t n, std::uint64_t seed, double noise = 0) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> value(-8, 8);
    std::normal_distribution<double> normal;
    Dataset d{matrix(n, true_coef.size()), std::vector<float>(n)};
    for (std::size_t r = 0; r < n; ++r) {
        double y = true_intercept;
        for (std::size_t c = 0; c < true_coef.size(); ++c) {
            int v = value(rng);
            d.x.data[r * d.x.cols + c] = static_cast<float>(v);
            y += true_coef[c] * v;
        }
        d.y[r] = static_cast<float>(y + noise * normal(rng));
    }
    return d;
}

EstimatorConfig config_for(const std::string& name, const Json& given, Task task, int classes) {
    EstimatorConfig c;
    c.task = task;
    c.num_classes = classes;
    c.params = resolve_params(find_algorithm(name), given, true).params;
    return c;
}

std::unique_ptr<Estimator> make(const std::string& name, const Json& given, Task task, int classes) {
    return make_estimator(find_algorithm(name), config_for(name, given, task, classes));
}

std::unique_ptr<Estimator> fitted(const std::string& name, const Json& given, const Dataset& train, Task task,
                                  int classes) {
    auto e = make(name, given, task, classes);
    e->fit(FitInput{train.x, train.y}, Callbacks{});
    return e;
}

double accuracy(const std::vector<double>& pred, const std::vector<float>& y) {
    std::size_t right = 0;
    for (std::size_t i = 0; i < y.size(); ++i) right += pred[i] == y[i];
    return static_cast<double>(right) / static_cast<double>(y.size());
}

double r2(const std::vector<double>& pred, const std::vector<float>& y) {
    double mean = 0;
    for (float v : y) mean += v;
    mean /= static_cast<double>(y.size());
    double ss_res = 0, ss_tot = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        ss_res += (y[i] - pred[i]) * (y[i] - pred[i]);
        ss_tot += (y[i] - mean) * (y[i] - mean);
    }
    return 1 - ss_res / ss_tot;
}

// A directory removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("hone_test_linear_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

// Saves `e`, loads it into a fresh estimator of the same configuration and checks
// that it predicts bit-identically on `x`.
void expect_round_trip(const std::string& name, const Estimator& e, const data::Matrix& x) {
    TempDir dir;
    auto files = e.save(dir.path);
    ASSERT_FALSE(files.empty());
    for (const auto& f : files) EXPECT_TRUE(std::filesystem::exists(dir.path / f)) << f;
    EstimatorConfig c = e.config();
    auto fresh = make_estimator(find_algorithm(name), c);
    fresh->load(dir.path);
    EXPECT_EQ(fresh->predict(x), e.predict(x));
    EXPECT_EQ(fresh->has_proba(), e.has_proba());
    if (e.has_proba()) {
        EXPECT_EQ(fresh->predict_proba(x), e.predict_proba(x));
    }
    EXPECT_EQ(fresh->feature_importances(), e.feature_importances());
}

void expect_probabilities(const Estimator& e, const data::Matrix& x, int classes) {
    auto proba = e.predict_proba(x);
    auto pred = e.predict(x);
    ASSERT_EQ(proba.size(), x.rows * static_cast<std::size_t>(classes));
    for (std::size_t r = 0; r < x.rows; ++r) {
        double sum = 0;
        std::size_t best = 0;
        for (int k = 0; k < classes; ++k) {
            double p = proba[r * classes + k];
            EXPECT_GE(p, 0.0);
            EXPECT_LE(p, 1.0);
            sum += p;
            if (p > proba[r * classes + best]) best = static_cast<std::size_t>(k);
        }
        EXPECT_NEAR(sum, 1.0, 1e-12) << "row " << r;
        EXPECT_EQ(static_cast<double>(best), pred[r]) << "row " << r;
    }
}

void expect_error(const std::function<void()>& f, const std::string& code, const std::string& message) {
    try {
        f();
        ADD_FAILURE() << "no error; expected " << code;
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code);
        if (!message.empty()) {
            EXPECT_EQ(e.message(), message);
        }
    }
}

Json read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    return Json::parse(in);
}

}  // namespace

TEST(LinearCatalog, NamesAndTasks) {
    EXPECT_EQ(find_algorithm("LogisticRegression").name, "logistic_regression");
    EXPECT_EQ(find_algorithm("logreg").name, "logistic_regression");
    EXPECT_EQ(find_algorithm("LinearSVC").name, "linear_svc");
    EXPECT_EQ(find_algorithm("LinearSVR").name, "linear_svr");
    EXPECT_EQ(find_algorithm("LinearRegression").name, "linear_regression");
    EXPECT_EQ(find_algorithm("ols").name, "linear_regression");
    EXPECT_EQ(find_algorithm("Ridge").name, "ridge");
    EXPECT_EQ(task_implied_by("LogisticRegression"), Task::classification);
    EXPECT_EQ(task_implied_by("LinearSVC"), Task::classification);
    EXPECT_EQ(task_implied_by("LinearSVR"), Task::regression);
    EXPECT_EQ(task_implied_by("LinearRegression"), Task::regression);
    EXPECT_EQ(task_implied_by("Ridge"), Task::regression);
    EXPECT_EQ(task_implied_by("logreg"), std::nullopt);
    const auto& lr = find_algorithm("logistic_regression");
    EXPECT_EQ(lr.library, "LBFGSpp, LIBLINEAR");
    EXPECT_FALSE(lr.supports(Task::regression));
    EXPECT_EQ(find_algorithm("ridge").library, "Eigen");
}

TEST(LinearCatalog, ScikitLearnDefaults) {
    auto lr = resolve_params(find_algorithm("LogisticRegression"), Json::object(), true).params;
    EXPECT_EQ(lr["C"], 1.0);
    EXPECT_EQ(lr["penalty"], "l2");
    EXPECT_EQ(lr["tol"], 1e-4);
    EXPECT_EQ(lr["fit_intercept"], true);
    EXPECT_EQ(lr["intercept_scaling"], 1.0);
    EXPECT_TRUE(lr["class_weight"].is_null());
    EXPECT_EQ(lr["max_iter"], 100);
    EXPECT_TRUE(lr["random_state"].is_null());
    auto svc = resolve_params(find_algorithm("LinearSVC"), Json::object(), true).params;
    EXPECT_EQ(svc["loss"], "squared_hinge");
    EXPECT_EQ(svc["dual"], "auto");
    EXPECT_EQ(svc["max_iter"], 1000);
    auto ridge = resolve_params(find_algorithm("Ridge"), Json::object(), true).params;
    EXPECT_EQ(ridge["alpha"], 1.0);
    EXPECT_EQ(ridge["fit_intercept"], true);
    // An integer C is a number; aliases map to canonical names.
    auto given = resolve_params(find_algorithm("logistic_regression"), Json{{"C", 10}, {"seed", 7}}, true).params;
    EXPECT_TRUE(given["C"].is_number_float());
    EXPECT_EQ(given["random_state"], 7);
}

TEST(LinearCatalog, InvalidHyperparameters) {
    const auto& lr = find_algorithm("logistic_regression");
    expect_error([&] { resolve_params(lr, Json{{"C", 0}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'C' of logistic_regression must be a number > 0, got 0");
    expect_error([&] { resolve_params(lr, Json{{"C", -0.5}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'C' of logistic_regression must be a number > 0, got -0.5");
    expect_error([&] { resolve_params(lr, Json{{"penalty", "elasticnet"}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'penalty' of logistic_regression must be one of 'l2', 'l1' or 'none', got 'elasticnet'");
    expect_error([&] { resolve_params(find_algorithm("ridge"), Json{{"alpha", -1}}, false); },
                 "invalid_hyperparameter", "hyperparameter 'alpha' of ridge must be a number >= 0, got -1");
    expect_error([&] { resolve_params(lr, Json{{"l1_ratio", 0.5}}, true); }, "unknown_hyperparameter", "");
    EXPECT_EQ(resolve_params(lr, Json{{"l1_ratio", 0.5}}, false).ignored, std::vector<std::string>{"l1_ratio"});
}

TEST(LinearCatalog, UnsupportedCombinations) {
    expect_error([] { make("linear_svc", Json{{"penalty", "l1"}, {"loss", "hinge"}}, Task::classification, 2); },
                 "invalid_hyperparameter", "linear_svc does not support penalty='l1' with loss='hinge'");
    expect_error([] { make("linear_svc", Json{{"loss", "hinge"}, {"dual", false}}, Task::classification, 2); },
                 "invalid_hyperparameter", "linear_svc with penalty='l2' with loss='hinge' needs dual=true");
    expect_error(
        [] {
            make("logistic_regression", Json{{"solver", "liblinear"}, {"penalty", "l1"}, {"dual", true}},
                 Task::classification, 2);
        },
        "invalid_hyperparameter", "logistic_regression with penalty='l1' needs dual=false");
    expect_error(
        [] { make("linear_svr", Json{{"loss", "epsilon_insensitive"}, {"dual", false}}, Task::regression, 0); },
        "invalid_hyperparameter", "linear_svr with loss='epsilon_insensitive' needs dual=true");
    expect_error([] { make("ridge", Json::object(), Task::classification, 2); }, "unsupported_task",
                 "ridge does not do classification");
}

TEST(LogisticRegression, BinaryAccuracyProbabilitiesAndRoundTrip) {
    auto train = binary_set(800, 1), test = binary_set(400, 2);
    auto e = fitted("LogisticRegression", Json::object(), train, Task::classification, 2);
    EXPECT_TRUE(e->has_proba());
    EXPECT_GT(accuracy(e->predict(test.x), test.y), 0.9);
    expect_probabilities(*e, test.x, 2);
    auto imp = e->feature_importances();
    ASSERT_EQ(imp.size(), 4u);
    double sum = 0;
    for (double v : imp) sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_GT(imp[1], imp[3]);  // |w| = 2.0 against 0.5
    expect_round_trip("LogisticRegression", *e, test.x);
}

TEST(LogisticRegression, ThreeClassesOneVsRest) {
    auto train = three_class_set(900, 3), test = three_class_set(450, 4);
    for (Json given : {Json::object(), Json{{"penalty", "l1"}}, Json{{"dual", true}},
                       Json{{"class_weight", "balanced"}, {"C", 0.1}}}) {
        given["solver"] = "liblinear";
        auto e = fitted("logistic_regression", given, train, Task::classification, 3);
        EXPECT_GT(accuracy(e->predict(test.x), test.y), 0.85) << given.dump();
        expect_probabilities(*e, test.x, 3);
        expect_round_trip("logistic_regression", *e, test.x);
    }
}

TEST(LogisticRegression, MissingClassGetsZeroProbability) {
    // Classes 0 and 2 only, of three: the absent class is never predicted.
    auto train = binary_set(300, 5);
    for (auto& v : train.y) v *= 2;
    auto e = fitted("logistic_regression", Json::object(), train, Task::classification, 3);
    auto proba = e->predict_proba(train.x);
    for (std::size_t r = 0; r < train.x.rows; ++r) EXPECT_EQ(proba[r * 3 + 1], 0.0);
    for (double p : e->predict(train.x)) EXPECT_TRUE(p == 0 || p == 2);
    expect_probabilities(*e, train.x, 3);
}

TEST(LogisticRegression, L1GivesSparseCoefficients) {
    auto train = binary_set(600, 6, 6);
    auto l2 = fitted("logistic_regression", Json::object(), train, Task::classification, 2);
    auto l1 = fitted("logistic_regression", Json{{"solver", "liblinear"}, {"penalty", "l1"}, {"C", 0.05}}, train,
                     Task::classification, 2);
    auto zeros = [](const std::vector<double>& imp) {
        int n = 0;
        for (double v : imp) n += v == 0;
        return n;
    };
    EXPECT_EQ(zeros(l2->feature_importances()), 0);
    EXPECT_GE(zeros(l1->feature_importances()), 3);
    EXPECT_GT(accuracy(l1->predict(train.x), train.y), 0.85);
}

TEST(LogisticRegression, BalancedClassWeightRaisesMinorityRecall) {
    // 10% positives, shifted so the unweighted model under-predicts them.
    auto train = binary_set(2000, 7);
    Dataset skewed{matrix(0, train.x.cols), {}};
    for (std::size_t r = 0, pos = 0; r < train.x.rows; ++r) {
        if (train.y[r] == 1 && pos++ % 9 != 0) continue;
        skewed.x.data.insert(skewed.x.data.end(), train.x.data.begin() + r * 4, train.x.data.begin() + (r + 1) * 4);
        skewed.y.push_back(train.y[r]);
        ++skewed.x.rows;
    }
    auto recall = [&](const Estimator& e) {
        auto pred = e.predict(skewed.x);
        double hit = 0, total = 0;
        for (std::size_t i = 0; i < pred.size(); ++i)
            if (skewed.y[i] == 1) total += 1, hit += pred[i] == 1;
        return hit / total;
    };
    auto plain = fitted("logistic_regression", Json{{"C", 0.01}}, skewed, Task::classification, 2);
    auto balanced =
        fitted("logistic_regression", Json{{"C", 0.01}, {"class_weight", "balanced"}}, skewed, Task::classification, 2);
    EXPECT_GT(recall(*balanced), recall(*plain) + 0.1);
}

TEST(LogisticRegression, InterceptFollowsFitIntercept) {
    // All labels depend on an offset only a fitted intercept captures.
    auto train = binary_set(600, 8);
    for (std::size_t r = 0; r < train.x.rows; ++r) train.x.data[r * 4] += 3.0f;
    auto with = fitted("logistic_regression", Json::object(), train, Task::classification, 2);
    auto without = fitted("logistic_regression", Json{{"fit_intercept", false}}, train, Task::classification, 2);
    EXPECT_GT(accuracy(with->predict(train.x), train.y), accuracy(without->predict(train.x), train.y) + 0.02);
    expect_round_trip("logistic_regression", *without, train.x);
}

TEST(LinearSVC, FitsWithEverySolver) {
    auto train = binary_set(800, 9), test = binary_set(400, 10);
    auto train3 = three_class_set(900, 11), test3 = three_class_set(450, 12);
    for (const Json& given :
         {Json::object(), Json{{"dual", true}}, Json{{"loss", "hinge"}}, Json{{"penalty", "l1"}, {"dual", false}},
          Json{{"multi_class", "crammer_singer"}}, Json{{"class_weight", "balanced"}}}) {
        auto e = fitted("LinearSVC", given, train, Task::classification, 2);
        EXPECT_FALSE(e->has_proba());
        EXPECT_GT(accuracy(e->predict(test.x), test.y), 0.9) << given.dump();
        expect_round_trip("LinearSVC", *e, test.x);
        auto e3 = fitted("LinearSVC", given, train3, Task::classification, 3);
        EXPECT_GT(accuracy(e3->predict(test3.x), test3.y), 0.85) << given.dump();
        expect_round_trip("LinearSVC", *e3, test3.x);
        EXPECT_EQ(e3->feature_importances().size(), 5u);
    }
    auto e = fitted("linear_svc", Json::object(), train, Task::classification, 2);
    expect_error([&] { e->predict_proba(test.x); }, "no_probabilities", "");
}

TEST(LinearSVR, FitsALinearTarget) {
    auto train = regression_set(600, 13, 0.5), test = regression_set(300, 14, 0.5);
    for (const Json& given : {Json::object(), Json{{"loss", "squared_epsilon_insensitive"}},
                              Json{{"loss", "squared_epsilon_insensitive"}, {"dual", false}, {"epsilon", 0.1}}}) {
        auto e = fitted("LinearSVR", given, train, Task::regression, 0);
        EXPECT_GT(r2(e->predict(test.x), test.y), 0.98) << given.dump();
        expect_round_trip("LinearSVR", *e, test.x);
    }
}

TEST(Liblinear, SameSeedSameModel) {
    // The dual coordinate descent shuffles with the seed.
    auto train = three_class_set(600, 15), test = three_class_set(300, 16);
    Json given{{"dual", true}, {"random_state", 3}, {"tol", 0.1}};
    auto a = fitted("linear_svc", given, train, Task::classification, 3);
    auto b = fitted("linear_svc", given, train, Task::classification, 3);
    EXPECT_EQ(a->predict(test.x), b->predict(test.x));
    EXPECT_EQ(a->feature_importances(), b->feature_importances());
}

TEST(Liblinear, ConcurrentFitsMatchSequentialOnes) {
    // Tuning fits models in parallel: the Newton solvers run side by side, the
    // shuffling ones take turns with their own seed.
    auto train = three_class_set(600, 30), test = three_class_set(300, 31);
    const std::vector<Json> settings = {Json{{"solver", "liblinear"}},
                                        Json{{"solver", "liblinear"}, {"dual", true}, {"random_state", 1}},
                                        Json{{"solver", "liblinear"}, {"penalty", "l1"}, {"random_state", 2}},
                                        Json{{"solver", "liblinear"}, {"C", 0.1}}};
    std::vector<std::vector<double>> sequential, parallel(settings.size());
    for (const auto& given : settings)
        sequential.push_back(fitted("logistic_regression", given, train, Task::classification, 3)->predict_proba(test.x));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < settings.size(); ++i)
        threads.emplace_back([&, i] {
            parallel[i] = fitted("logistic_regression", settings[i], train, Task::classification, 3)->predict_proba(test.x);
        });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < settings.size(); ++i) EXPECT_EQ(parallel[i], sequential[i]) << settings[i].dump();
}

TEST(Liblinear, ConcurrentPredictOnOneModel) {
    auto train = three_class_set(900, 17), test = three_class_set(2000, 18);
    auto e = fitted("logistic_regression", Json{{"solver", "liblinear"}}, train, Task::classification, 3);
    auto expected_pred = e->predict(test.x);
    auto expected_proba = e->predict_proba(test.x);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i)
                if (e->predict(test.x) != expected_pred || e->predict_proba(test.x) != expected_proba) ++mismatches;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(Liblinear, BadInput) {
    auto train = binary_set(100, 19);
    auto e = make("logistic_regression", Json{{"solver", "liblinear"}}, Task::classification, 2);
    auto nan_x = train;
    nan_x.x.data[5 * 4 + 2] = std::nanf("");
    try {
        e->fit(FitInput{nan_x.x, nan_x.y}, Callbacks{});
        ADD_FAILURE() << "no error";
    } catch (const Error& err) {
        EXPECT_EQ(err.code(), "non_finite_feature");
        EXPECT_EQ(err.where().row, 6);
        EXPECT_EQ(err.where().column, "f2");
    }
    auto one_class = train;
    std::fill(one_class.y.begin(), one_class.y.end(), 1.0f);
    expect_error([&] { e->fit(FitInput{one_class.x, one_class.y}, Callbacks{}); }, "single_class",
                 "logistic_regression needs samples of at least two classes in the training data; it has one");
    auto bad_label = train;
    bad_label.y[0] = 2;
    expect_error([&] { e->fit(FitInput{bad_label.x, bad_label.y}, Callbacks{}); }, "invalid_target",
                 "logistic_regression needs class indices 0..1 as targets, got 2.000000");
    expect_error([&] { e->fit(FitInput{matrix(0, 4), {}}, Callbacks{}); }, "empty_training_set",
                 "logistic_regression got no training rows");
    Callbacks cancel;
    cancel.cancelled = [] { return true; };
    expect_error([&] { e->fit(FitInput{train.x, train.y}, cancel); }, "cancelled", "training was cancelled");

    e->fit(FitInput{train.x, train.y}, Callbacks{});
    expect_error([&] { e->predict(matrix(3, 5)); }, "feature_count_mismatch",
                 "logistic_regression was trained on 4 features, got 5");

    TempDir empty;
    auto fresh = make("logistic_regression", Json{{"solver", "liblinear"}}, Task::classification, 2);
    expect_error([&] { fresh->load(empty.path); }, "invalid_model", "");
    TempDir dir;
    e->save(dir.path);
    std::ofstream(dir.path / "model.liblinear") << "not a model\n";
    expect_error([&] { fresh->load(dir.path); }, "invalid_model", "");
    // Another algorithm's files are refused.
    TempDir other;
    auto train_r = regression_set(50, 20);
    fitted("ridge", Json::object(), train_r, Task::regression, 0)->save(other.path);
    auto svr = make("linear_svr", Json::object(), Task::regression, 0);
    expect_error([&] { svr->load(other.path); }, "invalid_model", "");
}

TEST(LinearRegression, RecoversExactCoefficients) {
    auto train = regression_set(200, 21), test = regression_set(100, 22);
    auto e = fitted("LinearRegression", Json::object(), train, Task::regression, 0);
    TempDir dir;
    EXPECT_EQ(e->save(dir.path), std::vector<std::string>{"model.json"});
    Json saved = read_json(dir.path / "model.json");
    auto coef = saved["coef"].get<std::vector<double>>();
    ASSERT_EQ(coef.size(), true_coef.size());
    for (std::size_t j = 0; j < coef.size(); ++j) EXPECT_NEAR(coef[j], true_coef[j], 1e-8) << j;
    EXPECT_NEAR(saved["intercept"].get<double>(), true_intercept, 1e-8);
    auto pred = e->predict(test.x);
    for (std::size_t i = 0; i < pred.size(); ++i) EXPECT_NEAR(pred[i], test.y[i], 1e-8);
    expect_round_trip("LinearRegression", *e, test.x);

    auto imp = e->feature_importances();
    ASSERT_EQ(imp.size(), 5u);
    EXPECT_NEAR(imp[4], 3.0 / 7.5, 1e-9);  // |coef| / sum |coef|
}

TEST(LinearRegression, WithoutInterceptAndCollinearColumns) {
    // Without an intercept the fit passes through the origin.
    auto train = regression_set(200, 23);
    for (auto& v : train.y) v -= static_cast<float>(true_intercept);
    auto e = fitted("linear_regression", Json{{"fit_intercept", false}}, train, Task::regression, 0);
    auto pred = e->predict(train.x);
    for (std::size_t i = 0; i < pred.size(); ++i) EXPECT_NEAR(pred[i], train.y[i], 1e-8);

    // A duplicated column: the minimum-norm solution splits the weight evenly.
    Dataset dup{matrix(100, 2), std::vector<float>(100)};
    std::mt19937_64 rng(24);
    std::uniform_int_distribution<int> value(-8, 8);
    for (std::size_t r = 0; r < 100; ++r) {
        float v = static_cast<float>(value(rng));
        dup.x.data[r * 2] = dup.x.data[r * 2 + 1] = v;
        dup.y[r] = 2 * v + 1;
    }
    auto d = fitted("linear_regression", Json::object(), dup, Task::regression, 0);
    TempDir dir;
    d->save(dir.path);
    auto coef = read_json(dir.path / "model.json")["coef"].get<std::vector<double>>();
    EXPECT_NEAR(coef[0], 1.0, 1e-9);
    EXPECT_NEAR(coef[1], 1.0, 1e-9);
}

TEST(Ridge, MatchesTheClosedForm) {
    // One feature: coef = Sxy / (Sxx + alpha) on centered data.
    Dataset one{matrix(50, 1), std::vector<float>(50)};
    std::mt19937_64 rng(25);
    std::normal_distribution<double> normal;
    for (std::size_t r = 0; r < 50; ++r) {
        one.x.data[r] = static_cast<float>(normal(rng));
        one.y[r] = static_cast<float>(2 * one.x.data[r] + 1 + 0.3 * normal(rng));
    }
    double mx = 0, my = 0;
    for (std::size_t r = 0; r < 50; ++r) mx += one.x.data[r], my += one.y[r];
    mx /= 50, my /= 50;
    double sxx = 0, sxy = 0;
    for (std::size_t r = 0; r < 50; ++r) {
        sxx += (one.x.data[r] - mx) * (one.x.data[r] - mx);
        sxy += (one.x.data[r] - mx) * (one.y[r] - my);
    }
    auto e = fitted("ridge", Json{{"alpha", 10}}, one, Task::regression, 0);
    TempDir dir;
    e->save(dir.path);
    Json saved = read_json(dir.path / "model.json");
    double coef = saved["coef"][0].get<double>();
    EXPECT_NEAR(coef, sxy / (sxx + 10), 1e-12);
    EXPECT_NEAR(saved["intercept"].get<double>(), my - mx * coef, 1e-12);
}

TEST(Ridge, StationaryPointOfThePenalizedLoss) {
    // At the solution, Xc'(yc - Xc w) = alpha w: for more samples than features
    // (Cholesky of X'X + alpha I) and for fewer (the kernel form).
    for (std::size_t rows : {300u, 3u}) {
        auto train = regression_set(rows, 26, 1.0);
        double alpha = 2.5;
        auto e = fitted("Ridge", Json{{"alpha", alpha}}, train, Task::regression, 0);
        TempDir dir;
        e->save(dir.path);
        Json saved = read_json(dir.path / "model.json");
        auto w_std = saved["coef"].get<std::vector<double>>();
        Eigen::VectorXd w = Eigen::Map<Eigen::VectorXd>(w_std.data(), static_cast<Eigen::Index>(w_std.size()));
        Eigen::MatrixXd x(rows, 5);
        Eigen::VectorXd y(rows);
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < 5; ++c) x(r, c) = train.x.data[r * 5 + c];
            y(r) = train.y[r];
        }
        Eigen::RowVectorXd xm = x.colwise().mean();
        double ym = y.mean();
        x.rowwise() -= xm;
        y.array() -= ym;
        Eigen::VectorXd gradient = x.transpose() * (y - x * w) - alpha * w;
        EXPECT_LT(gradient.norm(), 1e-9 * (1 + (x.transpose() * y).norm())) << rows << " rows";
        EXPECT_NEAR(saved["intercept"].get<double>(), ym - xm.dot(w), 1e-9);
        expect_round_trip("Ridge", *e, train.x);
    }
    // alpha = 0 is ordinary least squares.
    auto exact = regression_set(100, 27);
    auto zero = fitted("ridge", Json{{"alpha", 0}}, exact, Task::regression, 0);
    auto pred = zero->predict(exact.x);
    for (std::size_t i = 0; i < pred.size(); ++i) EXPECT_NEAR(pred[i], exact.y[i], 1e-8);
    // A penalty shrinks the coefficients.
    auto strong = fitted("ridge", Json{{"alpha", 1e4}}, exact, Task::regression, 0);
    EXPECT_LT(r2(strong->predict(exact.x), exact.y), r2(pred, exact.y));
}

TEST(LinearRegression, NoisyFitScores) {
    auto train = regression_set(500, 28, 2.0), test = regression_set(300, 29, 2.0);
    for (const char* name : {"linear_regression", "ridge"}) {
        auto e = fitted(name, Json::object(), train, Task::regression, 0);
        EXPECT_GT(r2(e->predict(test.x), test.y), 0.95) << name;
    }
}

// --- quantization (compress) ---

TEST(Quantize, Int8ScalesEachColumnAndRoundsToNearest) {
    // Column 0 spans +-1.27 (scale 0.01), column 1 is all zeros (scale 0).
    QuantizedMatrix q({1.27, 0.0, -0.5, 0.0, 0.004, 0.0, 0.006, 0.0}, 4, 2, Precision::int8);
    std::vector<double> v = q.values();
    ASSERT_EQ(v.size(), 8u);
    EXPECT_DOUBLE_EQ(v[0], 127 * (1.27 / 127));
    EXPECT_DOUBLE_EQ(v[2], -50 * (1.27 / 127));
    EXPECT_DOUBLE_EQ(v[4], 0.0);                // 0.4 steps rounds to 0
    EXPECT_DOUBLE_EQ(v[6], 1 * (1.27 / 127));   // 0.6 steps rounds to 1
    for (std::size_t i = 1; i < 8; i += 2) EXPECT_EQ(v[i], 0.0);
    EXPECT_NEAR(q.max_abs_error(), 0.004, 1e-12);
    Json j = q.to_json("w.int8");
    EXPECT_EQ(j.dump(), R"({"precision":"int8","rows":4,"cols":2,"file":"w.int8","scales":[0.01,0.0]})");
}

TEST(Quantize, Float16RoundsToNearestEven) {
    QuantizedMatrix q({0.1, 1.0, -2.5, 65504.0, 1e-8}, 5, 1, Precision::float16);
    EXPECT_EQ(q.values(), (std::vector<double>{0.0999755859375, 1.0, -2.5, 65504.0, 0.0}));
    expect_error([] { QuantizedMatrix({1.0, 70000.0}, 2, 1, Precision::float16); }, "not_quantizable",
                 "weight 1 is 70000, beyond float16's range (65504)");
}

TEST(Quantize, FileRoundTripAndDamagedFiles) {
    TempDir dir;
    QuantizedMatrix q({0.3, -0.7, 0.1, 0.9, -0.2, 0.5}, 3, 2, Precision::int8);
    q.write(dir.path / "w.int8");
    EXPECT_EQ(std::filesystem::file_size(dir.path / "w.int8"), 6u);
    auto back = QuantizedMatrix::read(q.to_json("w.int8"), dir.path / "w.int8");
    EXPECT_EQ(back.values(), q.values());
    {
        std::ofstream out(dir.path / "w.int8", std::ios::binary | std::ios::app);
        out << 'x';
    }
    expect_error([&] { QuantizedMatrix::read(q.to_json("w.int8"), dir.path / "w.int8"); }, "invalid_model",
                 (dir.path / "w.int8").string() + ": holds 7 bytes, expected 6");
    expect_error([] { parse_precision("int4"); }, "invalid_precision",
                 "unknown precision 'int4': expected 'int8' or 'float16'");
    EXPECT_EQ(parse_precision("fp16"), Precision::float16);
}

// Quantized, every linear model keeps its accuracy, shrinks its files and
// predicts identically after a save/load round trip.
TEST(Quantize, LinearModelsKeepTheirAccuracyAndRoundTrip) {
    auto train = three_class_set(900, 3), test = three_class_set(450, 4);
    for (const std::string name : {"logistic_regression", "linear_svc"}) {
        for (Precision p : {Precision::int8, Precision::float16}) {
            auto e = fitted(name, Json::object(), train, Task::classification, 3);
            double before = accuracy(e->predict(test.x), test.y);
            Json report = e->quantize(p);
            EXPECT_EQ(report["weights"], 15) << name;  // 5 features x 3 class vectors
            EXPECT_GT(report["max_abs_error"].get<double>(), 0.0);
            EXPECT_NEAR(accuracy(e->predict(test.x), test.y), before, 0.01) << name;
            TempDir dir;
            auto files = e->save(dir.path);
            std::string weights = "weights." + std::string(to_string(p));
            EXPECT_EQ(files, (std::vector<std::string>{weights, "model.json"}));
            EXPECT_EQ(std::filesystem::file_size(dir.path / weights), 15 * bytes_per_value(p));
            EXPECT_FALSE(std::filesystem::exists(dir.path / "model.liblinear"));
            expect_round_trip(name, *e, test.x);
        }
    }
    auto reg = regression_set(500, 7, 0.1), reg_test = regression_set(200, 8, 0.1);
    for (const std::string name : {"linear_regression", "ridge", "linear_svr"}) {
        auto e = fitted(name, Json::object(), reg, Task::regression, 0);
        double before = r2(e->predict(reg_test.x), reg_test.y);
        e->quantize(Precision::int8);
        EXPECT_NEAR(r2(e->predict(reg_test.x), reg_test.y), before, 0.01) << name;
        expect_round_trip(name, *e, reg_test.x);
    }
}

TEST(Quantize, BinaryModelWithInterceptKeepsTheBiasExact) {
    auto train = binary_set(800, 1), test = binary_set(400, 2);
    auto e = fitted("logistic_regression", Json{{"solver", "liblinear"}}, train, Task::classification, 2);
    TempDir full;
    e->save(full.path);
    Json report = e->quantize(Precision::int8);
    EXPECT_EQ(report["weights"], 4);  // the bias weight is not among them
    TempDir dir;
    e->save(dir.path);
    Json meta = read_json(dir.path / "model.json");
    EXPECT_EQ(meta["liblinear"]["nr_feature"], 4);
    ASSERT_EQ(meta["liblinear"]["bias_weights"].size(), 1u);
    // LIBLINEAR's text file ends with the bias weight, written with %.17g.
    std::ifstream text(full.path / "model.liblinear");
    std::string line, last;
    while (std::getline(text, line))
        if (!line.empty()) last = line;
    EXPECT_DOUBLE_EQ(meta["liblinear"]["bias_weights"][0].get<double>(), std::stod(last));
    expect_round_trip("logistic_regression", *e, test.x);
}

TEST(Quantize, TreeModelsSayTheyCannot) {
    auto train = binary_set(200, 1);
    auto e = fitted("random_forest", Json{{"n_estimators", 5}}, train, Task::classification, 2);
    expect_error([&] { e->quantize(Precision::int8); }, "not_quantizable", "this model has no weights to quantize");
    EXPECT_EQ(quantizable_algorithms(),
              (std::vector<std::string>{"logistic_regression", "linear_svc", "linear_svr", "linear_regression", "ridge"}));
}
