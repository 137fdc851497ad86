// svc and svr (LIBSVM): kernels, gamma, Platt probabilities and their files, on the
// seeded data of tests/support. What every estimator does (a default fit's score,
// save/load, probabilities) is test_estimators.cpp's.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../support/estimators.hpp"
#include "models/svm/libsvm_estimator.hpp"

using namespace hone;
using namespace hone::models;
using namespace hone::test_support;

TEST(SvmCatalog, NamesDefaultsAndErrors) {
    EXPECT_EQ(find_algorithm("SVC").name, "svc");
    EXPECT_EQ(find_algorithm("SVR").name, "svr");
    EXPECT_EQ(task_implied_by("SVC"), Task::classification);
    EXPECT_EQ(task_implied_by("SVR"), Task::regression);
    EXPECT_EQ(find_algorithm("svc").library, "LIBSVM");

    auto svc = resolve_params(find_algorithm("SVC"), Json::object(), true).params;
    EXPECT_EQ(svc["C"], 1.0);
    EXPECT_EQ(svc["kernel"], "rbf");
    EXPECT_EQ(svc["gamma"], "scale");
    EXPECT_EQ(svc["degree"], 3);
    EXPECT_EQ(svc["coef0"], 0.0);
    EXPECT_EQ(svc["tol"], 1e-3);
    EXPECT_EQ(svc["shrinking"], true);
    EXPECT_EQ(svc["probability"], false);
    EXPECT_EQ(svc["cache_size"], 200.0);
    EXPECT_EQ(svc["max_iter"], -1);
    EXPECT_TRUE(svc["class_weight"].is_null());
    auto svr = resolve_params(find_algorithm("SVR"), Json::object(), true).params;
    EXPECT_EQ(svr["epsilon"], 0.1);
    EXPECT_FALSE(svr.contains("probability"));
    EXPECT_EQ(resolve_params(find_algorithm("svc"), Json{{"gamma", 0.5}}, true).params["gamma"], 0.5);

    const auto& a = find_algorithm("svc");
    expect_error([&] { resolve_params(a, Json{{"kernel", "gaussian"}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'kernel' of svc must be one of 'rbf', 'linear', 'poly' or 'sigmoid', got 'gaussian'");
    expect_error([&] { resolve_params(find_algorithm("svr"), Json{{"C", -1}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'C' of svr must be a number > 0, got -1");
    expect_error([&] { resolve_params(a, Json{{"C", 0}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'C' of svc must be a number > 0, got 0");
    expect_error([&] { resolve_params(a, Json{{"gamma", "big"}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'gamma' of svc must be a number > 0, or 'scale' or 'auto', got 'big'");
    expect_error([&] { resolve_params(a, Json{{"gamma", 0}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'gamma' of svc must be a number > 0, or 'scale' or 'auto', got 0");
    expect_error([&] { resolve_params(a, Json{{"degree", 2.5}}, false); }, "invalid_hyperparameter",
                 "hyperparameter 'degree' of svc must be an integer >= 0, got 2.5");
}

TEST(SvmGamma, AsScikitLearnResolvesIt) {
    // scikit-learn: SVC().fit(X, y)._gamma for this X is 0.15763546798029557.
    auto x = matrix(4, 2);
    x.data = {1, 2, 3, 5, 0, -1, 2.5f, 0.5f};
    EXPECT_DOUBLE_EQ(resolve_gamma(Json("scale"), x), 0.15763546798029557);
    EXPECT_EQ(resolve_gamma(Json("auto"), x), 0.5);
    EXPECT_EQ(resolve_gamma(Json(0.25), x), 0.25);
    // 1 / (n_features * var) with the variance over every value.
    auto d = circle_set(500, 1, 3);
    double mean = 0;
    for (float v : d.x.data) mean += v;
    mean /= static_cast<double>(d.x.data.size());
    double var = 0;
    for (float v : d.x.data) var += (v - mean) * (v - mean);
    var /= static_cast<double>(d.x.data.size());
    EXPECT_NEAR(resolve_gamma(Json("scale"), d.x), 1.0 / (5 * var), 1e-15);
    // Constant data: gamma 1.
    auto flat = matrix(3, 2);
    std::fill(flat.data.begin(), flat.data.end(), 4.0f);
    EXPECT_EQ(resolve_gamma(Json("scale"), flat), 1.0);
    // The fitted model keeps the gamma it resolved.
    auto e = fitted("svc", Json::object(), d, Task::classification, 2);
    TempDir dir;
    e->save(dir.path);
    EXPECT_EQ(read_json(dir.path / "model.json")["gamma"].get<double>(), resolve_gamma(Json("scale"), d.x));
    // LIBSVM's file leaves gamma out for a linear kernel; a reloaded model still knows it.
    auto linear = fitted("svc", Json{{"kernel", "linear"}, {"gamma", "auto"}}, d, Task::classification, 2);
    TempDir first, second;
    linear->save(first.path);
    auto reloaded = make_estimator(find_algorithm("svc"), linear->config());
    reloaded->load(first.path);
    reloaded->save(second.path);
    EXPECT_EQ(read_json(second.path / "model.json")["gamma"].get<double>(), 0.2);
}

TEST(SVC, RbfSeparatesACircle) {
    auto train = circle_set(600, 2), test = circle_set(400, 3);
    auto e = fitted("SVC", Json::object(), train, Task::classification, 2);
    EXPECT_FALSE(e->has_proba());  // probability=false, as in scikit-learn
    EXPECT_GT(accuracy(e->predict(test.x), test.y), 0.95);
    EXPECT_TRUE(e->feature_importances().empty());
    TempDir dir;
    EXPECT_EQ(e->save(dir.path), (std::vector<std::string>{"model.svm", "model.json"}));
    // A linear kernel cannot.
    auto linear = fitted("SVC", Json{{"kernel", "linear"}}, train, Task::classification, 2);
    EXPECT_LT(accuracy(linear->predict(test.x), test.y), 0.8);
}

TEST(SVC, EveryKernelOnThreeClasses) {
    auto train = three_class_set(600, 4), test = three_class_set(300, 5);
    // The sigmoid kernel is not positive definite and trails the others.
    const std::vector<std::pair<Json, double>> cases = {
        {Json{{"kernel", "linear"}}, 0.85},
        {Json{{"kernel", "poly"}, {"degree", 2}, {"coef0", 1.0}}, 0.85},
        {Json{{"kernel", "sigmoid"}, {"gamma", "auto"}, {"C", 0.5}}, 0.8},
        {Json{{"gamma", 0.1}, {"C", 10}}, 0.85},
        {Json{{"class_weight", "balanced"}, {"shrinking", false}}, 0.85},
    };
    for (const auto& [given, floor] : cases) {
        auto e = fitted("svc", given, train, Task::classification, 3);
        EXPECT_GT(accuracy(e->predict(test.x), test.y), floor) << given.dump();
        expect_round_trip("svc", *e, test.x);
    }
}

TEST(SVC, PlattProbabilities) {
    auto train = three_class_set(500, 6), test = three_class_set(300, 7);
    auto e = fitted("svc", Json{{"probability", true}, {"random_state", 1}}, train, Task::classification, 3);
    EXPECT_TRUE(e->has_proba());
    EXPECT_GT(accuracy(e->predict(test.x), test.y), 0.85);
    // Platt's classes are the decision function's, not always the most probable.
    expect_probabilities(*e, test.x, 3, false);
    expect_round_trip("svc", *e, test.x);
    // The folds of Platt scaling follow the seed.
    auto again = fitted("svc", Json{{"probability", true}, {"random_state", 1}}, train, Task::classification, 3);
    EXPECT_EQ(again->predict_proba(test.x), e->predict_proba(test.x));
    auto other = fitted("svc", Json{{"probability", true}, {"random_state", 2}}, train, Task::classification, 3);
    EXPECT_NE(other->predict_proba(test.x), e->predict_proba(test.x));

    auto binary = circle_set(400, 8), binary_test = circle_set(200, 9);
    auto b = fitted("svc", Json{{"probability", true}}, binary, Task::classification, 2);
    expect_probabilities(*b, binary_test.x, 2, false);
    expect_round_trip("svc", *b, binary_test.x);
}

TEST(SVC, LinearKernelImportances) {
    // Class depends on columns 0 and 1 only.
    auto d = circle_set(400, 10, 3);
    for (std::size_t r = 0; r < d.x.rows; ++r) d.y[r] = d.x.data[r * 5] + 2 * d.x.data[r * 5 + 1] > 0 ? 1.0f : 0.0f;
    auto e = fitted("svc", Json{{"kernel", "linear"}}, d, Task::classification, 2);
    auto imp = e->feature_importances();
    ASSERT_EQ(imp.size(), 5u);
    double sum = 0;
    for (double v : imp) sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_GT(imp[1], imp[0]);
    EXPECT_GT(imp[0], 3 * std::max({imp[2], imp[3], imp[4]}));
    auto three = fitted("svc", Json{{"kernel", "linear"}}, three_class_set(300, 11), Task::classification, 3);
    EXPECT_EQ(three->feature_importances().size(), 5u);
}

TEST(SVR, FitsANonlinearTarget) {
    auto train = wave_set(800, 12), test = wave_set(400, 13);
    auto e = fitted("SVR", Json{{"C", 10}}, train, Task::regression, 0);
    EXPECT_GT(r2(e->predict(test.x), test.y), 0.95);
    expect_round_trip("SVR", *e, test.x);
    auto linear = fitted("SVR", Json{{"kernel", "linear"}, {"epsilon", 0.2}}, train, Task::regression, 0);
    double r2_linear = r2(linear->predict(test.x), test.y);
    EXPECT_GT(r2_linear, 0.2);
    EXPECT_LT(r2_linear, 0.8);
    EXPECT_EQ(linear->feature_importances().size(), 3u);
    expect_round_trip("SVR", *linear, test.x);
    // An epsilon wider than every target leaves no support vectors: a constant.
    auto flat = fitted("svr", Json{{"epsilon", 100}}, train, Task::regression, 0);
    auto pred = flat->predict(test.x);
    for (double p : pred) EXPECT_EQ(p, pred[0]);
    expect_round_trip("svr", *flat, test.x);
}

TEST(Libsvm, ConcurrentPredictOnOneLoadedModel) {
    auto train = three_class_set(500, 14), test = three_class_set(1000, 15);
    auto e = fitted("svc", Json{{"probability", true}}, train, Task::classification, 3);
    expect_concurrent_predictions_agree(*reloaded(*e, "svc"), test.x);
}

TEST(Libsvm, BadInputAndFiles) {
    auto train = circle_set(100, 16);
    auto e = make("svc", Json::object(), Task::classification, 2);
    auto one_class = train;
    std::fill(one_class.y.begin(), one_class.y.end(), 0.0f);
    expect_error([&] { e->fit(FitInput{one_class.x, one_class.y}, Callbacks{}); }, "single_class",
                 "svc needs samples of at least two classes in the training data; it has one");
    auto inf_x = train;
    inf_x.x.data[0] = INFINITY;
    expect_error([&] { e->fit(FitInput{inf_x.x, inf_x.y}, Callbacks{}); }, "non_finite_feature", "");
    e->fit(FitInput{train.x, train.y}, Callbacks{});
    expect_error([&] { e->predict(matrix(1, 3)); }, "feature_count_mismatch", "svc was trained on 2 features, got 3");

    TempDir dir;
    e->save(dir.path);
    // An svc model is not an svr model.
    auto svr = make("svr", Json::object(), Task::regression, 0);
    expect_error([&] { svr->load(dir.path); }, "invalid_model", "");
    std::filesystem::remove(dir.path / "model.svm");
    auto fresh = make("svc", Json::object(), Task::classification, 2);
    expect_error([&] { fresh->load(dir.path); }, "invalid_model", "");
    std::ofstream(dir.path / "model.svm") << "svm_type nonsense\n";
    expect_error([&] { fresh->load(dir.path); }, "invalid_model", "");
}
