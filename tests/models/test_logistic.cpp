// logistic_regression's default solver (lbfgs) against scikit-learn on small
// tables, the solver options and their errors, save/load, quantization and
// threads. The expected numbers come from scikit-learn:
//     /usr/bin/python3 tests/models/logistic_reference.py
// which builds the same tables (table() below) and prints the constants pasted
// here (probabilities: the first four rows). Defaults are compared with
// scikit-learn >= 1.4's lbfgs run, which the script reproduces from scikit-learn's
// own loss (Debian ships 1.2, whose stopping test differs: see
// DebianScikitLearnStopsOnTheUndividedGradient); other settings with
// LogisticRegression fitted to the optimum on both sides.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "models/catalog.hpp"
#include "../support/files.hpp"

using namespace hone;
using namespace hone::models;
using hone::test_support::TempDir;

namespace {

struct Dataset {
    data::Matrix x;
    std::vector<float> y;
};

// rows x 3 features in steps of 1/8 (exact in float), labels from noisy linear
// scores with class 0's score raised by `skew`: logistic_reference.py's table().
Dataset table(int rows, int classes, double skew = 0.0) {
    const double w[3][3] = {{1.0, -1.5, 0.5}, {-0.5, 1.0, 1.5}, {1.5, 0.5, -1.0}};
    Dataset d;
    d.x.rows = static_cast<std::size_t>(rows);
    d.x.cols = 3;
    d.x.names = {"f0", "f1", "f2"};
    for (int i = 0; i < rows; ++i) {
        double x[3], score[3];
        for (int j = 0; j < 3; ++j) {
            x[j] = ((i * (3 + 2 * j) * 7 + 5 * j + 11) % 33 - 16) / 8.0;
            d.x.data.push_back(static_cast<float>(x[j]));
        }
        for (int k = 0; k < 3; ++k) {
            score[k] = ((i * 37 + k * 17) % 11 - 5) / 2.0;
            for (int j = 0; j < 3; ++j) score[k] += w[k][j] * x[j];
        }
        score[0] += skew;
        int label = 0;
        if (classes == 2) {
            label = score[0] > score[1] ? 1 : 0;
        } else {
            for (int k = 1; k < 3; ++k)
                if (score[k] > score[label]) label = k;
        }
        d.y.push_back(static_cast<float>(label));
    }
    return d;
}

// binary: n_iter_ [9]
const std::vector<std::vector<double>> binary_coef = {
    {1.896123084, -1.123346901, -0.9575174822},
};
const std::vector<double> binary_intercept = {0.08948151406};
const std::vector<double> binary_proba = {0.8447552242, 0.1552447758, 0.00645023761, 0.9935497624, 0.5007222834, 0.4992777166, 0.7489811606, 0.2510188394};
const std::vector<int> binary_iterations = {7};
const std::vector<std::vector<double>> three_coef = {
    {0.7348365644, -1.481566225, -0.1713143989},
    {-1.585537508, 0.8084904721, 0.7595845388},
    {0.8507009435, 0.6730757533, -0.5882701399},
};
const std::vector<double> three_intercept = {-0.6203353331, 0.5816360121, 0.03869932095};
const std::vector<double> three_proba = {0.03601416156, 0.9140901639, 0.04989567455, 0.1133811131, 0.001597027031, 0.8850218598, 0.0900737224, 0.4700742211, 0.4398520565, 0.01677259116, 0.6970960753, 0.2861313335};
const std::vector<int> three_iterations = {12};
const std::vector<std::vector<double>> balanced_coef = {
    {0.08503827608, -1.119837836, 0.5438435246},
    {-1.413223382, 0.4256656468, 0.8818847431},
    {1.328185106, 0.6941721888, -1.425728268},
};
const std::vector<double> balanced_intercept = {0.818750204, 0.5852352844, -1.403985488};
const std::vector<double> balanced_proba = {0.2849605943, 0.7108953868, 0.004144018933, 0.02478765046, 0.0008690291325, 0.9743433204, 0.4658699698, 0.447212182, 0.08691784823, 0.09516874241, 0.6203035299, 0.2845277277};
const std::vector<int> balanced_iterations = {11};
const std::vector<std::vector<double>> debian_binary_coef = {
    {1.896257696, -1.123439628, -0.9576029811},
};
const std::vector<double> debian_binary_intercept = {0.08922934891};
const std::vector<double> debian_binary_proba = {0.8448063286, 0.1551936714, 0.006449455, 0.993550545, 0.5007907763, 0.4992092237, 0.7490408273, 0.2509591727};
const std::vector<std::vector<double>> debian_three_coef = {
    {0.734673567, -1.48193153, -0.1710992329},
    {-1.585315159, 0.8084796684, 0.759382928},
    {0.8506415917, 0.6734518612, -0.5882836951},
};
const std::vector<double> debian_three_intercept = {-0.6205952778, 0.5818303212, 0.03876495662};
const std::vector<double> debian_three_proba = {0.03601549945, 0.9140810916, 0.04990340895, 0.1132743094, 0.001598618948, 0.8851270717, 0.09002255361, 0.470096574, 0.4398808724, 0.01675524958, 0.6970804507, 0.2861642997};
const std::vector<std::vector<double>> unpenalized_coef = {
    {6.212009168, -4.069752442, -3.221928753},
};
const std::vector<double> unpenalized_intercept = {0.1849414005};
const std::vector<double> unpenalized_proba = {0.9967024411, 0.003297558911, 7.361516186e-08, 0.9999999264, 0.5878040045, 0.4121959955, 0.9790357156, 0.02096428442};
const std::vector<std::vector<double>> no_intercept_coef = {
    {0.5379409371, -0.9923290615, -0.1420911559},
    {-1.371156406, 0.5607251876, 0.6568387899},
    {0.8332154689, 0.4316038739, -0.514747634},
};
const std::vector<double> no_intercept_intercept = {0, 0, 0};
const std::vector<double> no_intercept_proba = {0.1410067532, 0.7661092932, 0.0928839536, 0.1812824412, 0.001771329192, 0.8169462296, 0.2376129089, 0.2965116005, 0.4658754906, 0.09198023697, 0.5430495708, 0.3649701922};
const std::vector<std::vector<double>> ovr_coef = {
    {0.8092076644, -1.916244862, -0.1880943673},
    {-2.009527755, 0.8982271061, 1.00819554},
    {1.254514376, 0.9007558657, -0.7721283081},
};
const std::vector<double> ovr_intercept = {-2.135079573, -0.4892027829, -1.580556448};
const std::vector<double> ovr_proba = {0.06507212784, 0.8750827017, 0.05984517044, 0.2648059529, 0.002440615983, 0.7327534311, 0.08120010677, 0.5128368329, 0.4059630604, 0.01775648948, 0.6758596205, 0.3063838901};
const std::vector<std::vector<double>> multinomial_binary_coef = {
    {1.209496695, -0.7409926498, -0.6202829561},
};
const std::vector<double> multinomial_binary_intercept = {0.05277807251};
const std::vector<double> multinomial_binary_proba = {0.898591208, 0.101408792, 0.001603606119, 0.9983963939, 0.5115536345, 0.4884463655, 0.803609213, 0.196390787};

EstimatorConfig config_for(const Json& given, int classes, unsigned threads = 1) {
    EstimatorConfig c;
    c.task = Task::classification;
    c.num_classes = classes;
    c.threads = threads;
    c.params = resolve_params(find_algorithm("logistic_regression"), given, true).params;
    return c;
}

std::unique_ptr<Estimator> fitted(const Json& given, const Dataset& d, int classes, unsigned threads = 1) {
    auto e = make_estimator(find_algorithm("logistic_regression"), config_for(given, classes, threads));
    e->fit(FitInput{d.x, d.y}, Callbacks{});
    return e;
}

Json read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    return Json::parse(in);
}

// What the estimator saves in model.json.
Json saved(const Estimator& e) {
    TempDir dir("hone-test-logistic");
    e.save(dir.path);
    return read_json(dir.path / "model.json");
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want, double tol, const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << what << " [" << i << "]";
}

// Coefficients, intercepts and the first rows' probabilities against scikit-learn's.
void expect_sklearn(const Estimator& e, const Dataset& d, const std::vector<std::vector<double>>& coef,
                    const std::vector<double>& intercept, const std::vector<double>& proba, double tol) {
    Json j = saved(e);
    ASSERT_EQ(j["coef"].size(), coef.size()) << j.dump();
    for (std::size_t k = 0; k < coef.size(); ++k)
        expect_near(j["coef"][k].get<std::vector<double>>(), coef[k], tol, "coef " + std::to_string(k));
    expect_near(j["intercept"].get<std::vector<double>>(), intercept, tol, "intercept");
    auto all = e.predict_proba(d.x);
    std::vector<double> first(all.begin(), all.begin() + static_cast<long>(proba.size()));
    expect_near(first, proba, tol, "predict_proba");
}

void expect_error(const std::function<void()>& f, const std::string& code, const std::string& message) {
    try {
        f();
        ADD_FAILURE() << "no error; expected " << message;
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code);
        EXPECT_EQ(e.message(), message);
    }
}

// Saves `e`, loads it into a fresh estimator of its configuration and checks
// that it predicts bit-identically on `x`.
void expect_round_trip(const Estimator& e, const data::Matrix& x) {
    TempDir dir("hone-test-logistic");
    auto files = e.save(dir.path);
    for (const auto& f : files) EXPECT_TRUE(std::filesystem::exists(dir.path / f)) << f;
    auto fresh = make_estimator(find_algorithm("logistic_regression"), e.config());
    fresh->load(dir.path);
    EXPECT_EQ(fresh->predict(x), e.predict(x));
    EXPECT_EQ(fresh->predict_proba(x), e.predict_proba(x));
    EXPECT_EQ(fresh->feature_importances(), e.feature_importances());
}

}  // namespace

// --- the defaults: scikit-learn's LogisticRegression() ---

// L-BFGS-B as scikit-learn sets it up: the same iterations to the same point.
void expect_same_run(const Estimator& e, const std::vector<int>& iterations) {
    Json fits = saved(e)["fits"];
    ASSERT_EQ(fits.size(), iterations.size());
    for (std::size_t i = 0; i < iterations.size(); ++i) {
        EXPECT_EQ(fits[i]["iterations"], iterations[i]) << fits.dump();
        EXPECT_EQ(fits[i]["stopped"], "gradient") << fits.dump();
    }
}

TEST(LogisticLbfgs, BinaryIsOneSigmoidVectorAsScikitLearn) {
    auto d = table(40, 2);
    auto e = fitted(Json::object(), d, 2);
    expect_sklearn(*e, d, binary_coef, binary_intercept, binary_proba, 1e-6);
    expect_same_run(*e, binary_iterations);
    Json j = saved(*e);
    EXPECT_EQ(j["format"], "lbfgs_logistic");
    EXPECT_EQ(j["link"], "sigmoid");
}

TEST(LogisticLbfgs, ThreeClassesAreMultinomialAsScikitLearn) {
    auto d = table(45, 3);
    auto e = fitted(Json::object(), d, 3);
    expect_sklearn(*e, d, three_coef, three_intercept, three_proba, 1e-6);
    expect_same_run(*e, three_iterations);
    EXPECT_EQ(saved(*e)["link"], "softmax");
    // Classes are the argmax of the probabilities, which sum to 1.
    auto both = e->predict_with_proba(d.x);
    EXPECT_EQ(both.values, e->predict(d.x));
    for (std::size_t r = 0; r < d.x.rows; ++r) {
        const double* p = both.proba.data() + r * 3;
        EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-12);
        EXPECT_EQ(both.values[r], static_cast<double>(std::max_element(p, p + 3) - p));
    }
}

TEST(LogisticLbfgs, BalancedClassWeightIsSampleWeightsAsScikitLearn) {
    auto d = table(60, 3, 2.0);
    auto e = fitted(Json{{"class_weight", "balanced"}}, d, 3);
    expect_sklearn(*e, d, balanced_coef, balanced_intercept, balanced_proba, 1e-6);
    expect_same_run(*e, balanced_iterations);
}

// Debian's scikit-learn 1.2 tests tol against the gradient of the undivided
// objective, n_samples times this one's: hone with tol / n_samples stops where
// its LogisticRegression() does.
TEST(LogisticLbfgs, DebianScikitLearnStopsOnTheUndividedGradient) {
    auto d2 = table(40, 2), d3 = table(45, 3);
    expect_sklearn(*fitted(Json{{"tol", 1e-4 / 40}}, d2, 2), d2, debian_binary_coef, debian_binary_intercept,
                   debian_binary_proba, 1e-4);
    expect_sklearn(*fitted(Json{{"tol", 1e-4 / 45}}, d3, 3), d3, debian_three_coef, debian_three_intercept,
                   debian_three_proba, 1e-4);
}

TEST(LogisticLbfgs, EveryLbfgsStandInSolverFitsTheSameModel) {
    auto d = table(45, 3);
    auto lbfgs = fitted(Json::object(), d, 3)->predict_proba(d.x);
    for (const char* solver : {"newton-cg", "newton-cholesky", "sag", "saga"})
        EXPECT_EQ(fitted(Json{{"solver", solver}}, d, 3)->predict_proba(d.x), lbfgs) << solver;
}

// --- other settings, fitted to the optimum on both sides (tol 1e-10) ---

const Json tight{{"tol", 1e-10}, {"max_iter", 10000}};

Json tight_with(Json given) {
    given.update(tight);
    return given;
}

TEST(LogisticLbfgs, NoPenaltyAsScikitLearn) {
    auto d = table(40, 2);
    for (const Json& penalty : {Json(nullptr), Json("none")}) {
        auto e = fitted(tight_with({{"penalty", penalty}}), d, 2);
        expect_sklearn(*e, d, unpenalized_coef, unpenalized_intercept, unpenalized_proba, 1e-4);
    }
}

TEST(LogisticLbfgs, WithoutInterceptAsScikitLearn) {
    auto d = table(45, 3);
    auto e = fitted(tight_with({{"fit_intercept", false}, {"C", 0.5}}), d, 3);
    expect_sklearn(*e, d, no_intercept_coef, no_intercept_intercept, no_intercept_proba, 1e-4);
}

TEST(LogisticLbfgs, OneVsRestAsScikitLearn) {
    auto d = table(45, 3);
    auto e = fitted(tight_with({{"multi_class", "ovr"}}), d, 3);
    expect_sklearn(*e, d, ovr_coef, ovr_intercept, ovr_proba, 1e-4);
    Json j = saved(*e);
    EXPECT_EQ(j["link"], "ovr");
    EXPECT_EQ(j["fits"].size(), 3u);
}

// scikit-learn keeps one vector of the two, w1, and its probability is
// softmax(-w1 x, w1 x): hone keeps both, and w0 = -w1.
TEST(LogisticLbfgs, MultinomialForTwoClassesAsScikitLearn) {
    auto d = table(40, 2);
    auto e = fitted(tight_with({{"multi_class", "multinomial"}}), d, 2);
    Json j = saved(*e);
    EXPECT_EQ(j["link"], "softmax");
    std::vector<double> minus_w1, minus_b1 = {-multinomial_binary_intercept[0]};
    for (double v : multinomial_binary_coef[0]) minus_w1.push_back(-v);
    expect_near(j["coef"][0].get<std::vector<double>>(), minus_w1, 1e-4, "coef 0");
    expect_sklearn(*e, d, {minus_w1, multinomial_binary_coef[0]}, {-multinomial_binary_intercept[0],
                   multinomial_binary_intercept[0]}, multinomial_binary_proba, 1e-4);
}

// --- stopping ---

TEST(LogisticLbfgs, MaxIterStopsTheFit) {
    auto d = table(45, 3);
    auto e = fitted(Json{{"max_iter", 2}}, d, 3);
    Json fit = saved(*e)["fits"][0];
    EXPECT_EQ(fit["iterations"], 2);
    EXPECT_EQ(fit["stopped"], "max_iter");
    EXPECT_NE(e->predict_proba(d.x), fitted(Json::object(), d, 3)->predict_proba(d.x));
}

// A looser tolerance stops sooner, further from the optimum.
TEST(LogisticLbfgs, TolBoundsTheGradient) {
    auto d = table(45, 3);
    int loose = saved(*fitted(Json{{"tol", 1e-2}}, d, 3))["fits"][0]["iterations"];
    int strict = saved(*fitted(Json{{"tol", 1e-8}}, d, 3))["fits"][0]["iterations"];
    EXPECT_LT(loose, strict);
}

// --- the solver's options ---

TEST(LogisticLbfgs, CombinationsTheSolverCannotFitAreRefused) {
    const std::string all = "'lbfgs', 'newton-cg', 'newton-cholesky', 'sag' or 'saga'";
    auto make = [](const Json& given) { make_estimator(find_algorithm("logistic_regression"), config_for(given, 3)); };
    expect_error([&] { make(Json{{"penalty", "l1"}}); }, "invalid_hyperparameter",
                 "logistic_regression: penalty='l1' needs solver='liblinear'; solver='lbfgs' supports penalty 'l2', "
                 "'none' or null");
    expect_error([&] { make(Json{{"penalty", "l1"}, {"solver", "saga"}}); }, "invalid_hyperparameter",
                 "logistic_regression: penalty='l1' needs solver='liblinear'; solver='saga' supports penalty 'l2', "
                 "'none' or null");
    expect_error([&] { make(Json{{"dual", true}}); }, "invalid_hyperparameter",
                 "logistic_regression: dual=true needs solver='liblinear'; solver='lbfgs' solves the primal "
                 "(dual=false)");
    expect_error([&] { make(Json{{"penalty", nullptr}, {"solver", "liblinear"}}); }, "invalid_hyperparameter",
                 "logistic_regression: penalty=null (no penalty) needs solver " + all +
                     "; solver='liblinear' supports penalty 'l2' or 'l1'");
    expect_error([&] { make(Json{{"penalty", "none"}, {"solver", "liblinear"}}); }, "invalid_hyperparameter",
                 "logistic_regression: penalty='none' (no penalty) needs solver " + all +
                     "; solver='liblinear' supports penalty 'l2' or 'l1'");
    expect_error([&] { make(Json{{"multi_class", "multinomial"}, {"solver", "liblinear"}}); },
                 "invalid_hyperparameter",
                 "logistic_regression: multi_class='multinomial' needs solver " + all +
                     "; solver='liblinear' fits one-vs-rest (multi_class 'auto' or 'ovr')");
    expect_error([&] { make(Json{{"penalty", "elasticnet"}}); }, "invalid_hyperparameter",
                 "hyperparameter 'penalty' of logistic_regression must be one of 'l2', 'l1' or 'none', got "
                 "'elasticnet'");
    expect_error([&] { make(Json{{"solver", "newton"}}); }, "invalid_hyperparameter",
                 "hyperparameter 'solver' of logistic_regression must be one of 'lbfgs', 'liblinear', 'newton-cg', "
                 "'newton-cholesky', 'sag' or 'saga', got 'newton'");
}

TEST(LogisticLbfgs, DefaultsAreScikitLearns) {
    auto p = resolve_params(find_algorithm("LogisticRegression"), Json::object(), true).params;
    EXPECT_EQ(p["solver"], "lbfgs");
    EXPECT_EQ(p["penalty"], "l2");
    EXPECT_EQ(p["multi_class"], "auto");
    EXPECT_EQ(p["max_iter"], 100);
    EXPECT_EQ(p["tol"], 1e-4);
    EXPECT_EQ(p["C"], 1.0);
}

// --- the model ---

TEST(LogisticLbfgs, SaveLoadPredictsIdentically) {
    auto d3 = table(45, 3), d2 = table(40, 2);
    for (const Json& given : {Json::object(), Json{{"multi_class", "ovr"}}, Json{{"fit_intercept", false}}})
        expect_round_trip(*fitted(given, d3, 3), d3.x);
    auto binary = fitted(Json::object(), d2, 2);
    TempDir dir("hone-test-logistic");
    EXPECT_EQ(binary->save(dir.path), std::vector<std::string>{"model.json"});
    expect_round_trip(*binary, d2.x);
}

TEST(LogisticLbfgs, QuantizedKeepsItsPredictionsAndRoundTrips) {
    auto d = table(45, 3);
    for (Precision p : {Precision::int8, Precision::float16}) {
        auto e = fitted(Json::object(), d, 3);
        auto before = e->predict_proba(d.x);
        Json report = e->quantize(p);
        EXPECT_EQ(report["weights"], 9);  // 3 features x 3 classes; intercepts stay exact
        EXPECT_GT(report["max_abs_error"].get<double>(), 0.0);
        auto after = e->predict_proba(d.x);
        for (std::size_t i = 0; i < after.size(); ++i) EXPECT_NEAR(after[i], before[i], 0.02);
        TempDir dir("hone-test-logistic");
        std::string weights = "weights." + std::string(to_string(p));
        EXPECT_EQ(e->save(dir.path), (std::vector<std::string>{weights, "model.json"}));
        EXPECT_EQ(std::filesystem::file_size(dir.path / weights), 9 * bytes_per_value(p));
        Json j = read_json(dir.path / "model.json");
        EXPECT_FALSE(j.contains("coef"));
        expect_near(j["intercept"].get<std::vector<double>>(), three_intercept, 1e-6, "exact intercepts");
        expect_round_trip(*e, d.x);
    }
}

// Classes absent from the training data are never predicted: scikit-learn
// would not know them; two present classes make a binary model.
TEST(LogisticLbfgs, AbsentClassGetsProbabilityZero) {
    auto d = table(40, 2);
    for (auto& v : d.y) v *= 2;
    auto e = fitted(Json::object(), d, 3);
    auto proba = e->predict_proba(d.x);
    for (std::size_t r = 0; r < d.x.rows; ++r) EXPECT_EQ(proba[r * 3 + 1], 0.0);
    std::vector<double> binary_rows;
    for (std::size_t r = 0; r < 4; ++r) binary_rows.insert(binary_rows.end(), {proba[r * 3], proba[r * 3 + 2]});
    expect_near(binary_rows, binary_proba, 1e-6, "the binary model's probabilities");
    EXPECT_EQ(saved(*e)["classes"], Json::array({0, 2}));
    expect_round_trip(*e, d.x);
}

// Rows are summed in blocks fixed by the data, so threads change nothing.
TEST(LogisticLbfgs, ThreadsDoNotChangeTheModel) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal;
    Dataset d;
    d.x.rows = 6000;
    d.x.cols = 12;
    for (std::size_t c = 0; c < d.x.cols; ++c) d.x.names.push_back("f" + std::to_string(c));
    for (std::size_t r = 0; r < d.x.rows; ++r) {
        int k = static_cast<int>(rng() % 5);
        for (std::size_t c = 0; c < d.x.cols; ++c)
            d.x.data.push_back(static_cast<float>(normal(rng) + (c % 5 == static_cast<std::size_t>(k) ? 1.0 : 0.0)));
        d.y.push_back(static_cast<float>(k));
    }
    auto one = fitted(Json::object(), d, 5, 1), four = fitted(Json::object(), d, 5, 4);
    EXPECT_EQ(saved(*one)["coef"], saved(*four)["coef"]);
    EXPECT_EQ(one->predict_proba(d.x), four->predict_proba(d.x));
}

TEST(LogisticLbfgs, CancelledFitStops) {
    auto d = table(45, 3);
    auto e = make_estimator(find_algorithm("logistic_regression"), config_for(Json::object(), 3));
    int asked = 0;
    Callbacks cb;
    cb.cancelled = [&] { return ++asked > 3; };  // during the L-BFGS run
    expect_error([&] { e->fit(FitInput{d.x, d.y}, cb); }, "cancelled", "training was cancelled");
    EXPECT_GT(asked, 3);
}

// A model saved by LIBLINEAR (as every solver name fitted before lbfgs was
// implemented) loads and predicts as saved, whatever the solver says now.
TEST(LogisticLbfgs, LiblinearModelsLoadWhateverTheSolverSays) {
    auto d = table(45, 3);
    auto old = fitted(Json{{"solver", "liblinear"}}, d, 3);
    TempDir dir("hone-test-logistic");
    old->save(dir.path);
    auto now = make_estimator(find_algorithm("logistic_regression"), config_for(Json{{"solver", "lbfgs"}}, 3));
    now->load(dir.path);
    EXPECT_EQ(now->predict_proba(d.x), old->predict_proba(d.x));
    auto back = make_estimator(find_algorithm("logistic_regression"), config_for(Json{{"solver", "liblinear"}}, 3));
    auto lbfgs = fitted(Json::object(), d, 3);
    TempDir dir2("hone-test-logistic");
    lbfgs->save(dir2.path);
    back->load(dir2.path);
    EXPECT_EQ(back->predict_proba(d.x), lbfgs->predict_proba(d.x));
}

TEST(LogisticLbfgs, DamagedModelFilesAreRefused) {
    auto d = table(45, 3);
    auto e = fitted(Json::object(), d, 3);
    TempDir dir("hone-test-logistic");
    e->save(dir.path);
    Json j = read_json(dir.path / "model.json");
    auto fresh = [] { return make_estimator(find_algorithm("logistic_regression"), config_for(Json::object(), 3)); };
    auto write = [&](const Json& v) { std::ofstream(dir.path / "model.json") << v.dump(); };
    Json short_coef = j;
    short_coef["coef"][1] = Json::array({1.0, 2.0});
    write(short_coef);
    expect_error([&] { fresh()->load(dir.path); }, "invalid_model",
                 (dir.path / "model.json").string() + ": coefficient vector 1 is not of 3 features");
    Json bad_classes = j;
    bad_classes["classes"] = Json::array({0, 1, 7});
    write(bad_classes);
    expect_error([&] { fresh()->load(dir.path); }, "invalid_model",
                 (dir.path / "model.json").string() + ": unexpected classes");
    Json bad_link = j;
    bad_link["link"] = "probit";
    write(bad_link);
    expect_error([&] { fresh()->load(dir.path); }, "invalid_model",
                 (dir.path / "model.json").string() + ": unknown link \"probit\"");
}
