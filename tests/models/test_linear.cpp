// logistic_regression, linear_svc, linear_svr (LIBLINEAR), linear_regression and
// ridge (Eigen): their own hyperparameters, solvers and exact solutions, on the
// seeded data of tests/support. What every estimator does (a default fit's score,
// save/load, probabilities, quantization) is test_estimators.cpp's;
// logistic_regression's default solver (lbfgs) is tested against scikit-learn in
// test_logistic.cpp. The tests here that depend on LIBLINEAR itself (its L1 and
// dual solvers, its model file, its seeded shuffling) set solver='liblinear'.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "../support/estimators.hpp"

using namespace hone;
using namespace hone::models;
using namespace hone::test_support;

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
    EXPECT_EQ(quantizable_algorithms(),
              (std::vector<std::string>{"logistic_regression", "linear_svc", "linear_svr", "linear_regression", "ridge"}));
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
    for (const Json& given : {Json{{"dual", true}}, Json{{"loss", "hinge"}}, Json{{"penalty", "l1"}, {"dual", false}},
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
    expect_concurrent_predictions_agree(*e, test.x, 4, 5);
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

// Quantized, a one-vs-rest LIBLINEAR model stores one weight per feature and class
// in place of LIBLINEAR's text file.
TEST(Quantize, OneVsRestModelsStoreAWeightPerFeatureAndClass) {
    auto train = three_class_set(900, 3);
    for (const auto& [name, given] : {std::pair{"logistic_regression", Json{{"solver", "liblinear"}}},
                                      std::pair{"linear_svc", Json::object()}}) {
        for (Precision p : {Precision::int8, Precision::float16}) {
            auto e = fitted(name, given, train, Task::classification, 3);
            EXPECT_EQ(e->quantize(p)["weights"], 15) << name;  // 5 features x 3 one-vs-rest vectors
            TempDir dir;
            std::string weights = "weights." + std::string(to_string(p));
            EXPECT_EQ(e->save(dir.path), (std::vector<std::string>{weights, "model.json"}));
            EXPECT_FALSE(std::filesystem::exists(dir.path / "model.liblinear"));
        }
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
