// Every algorithm of the catalog, on a fixture of each task it supports, at its
// default hyperparameters: what any estimator must do, whatever library is behind
// it. An algorithm added to the catalog is tested here with no line added; a task
// added needs its fixture in problems_for(), or every test of it fails.
#include <gtest/gtest.h>

#include <optional>

#include "../support/estimators.hpp"

using namespace hone;
using namespace hone::models;
using namespace hone::test_support;

namespace {

// A task's fixture: data, and the score every algorithm must reach on its held-out
// rows. Each floor sits well under the weakest algorithm there (today: binary 0.87
// logistic_regression, three_class 0.84 decision_tree, regression R² 0.645
// linear_svr, a linear model on a target only partly linear) and far above what a
// fit that learnt nothing scores (a constant: accuracy 1/2 or 1/3, R² <= 0).
struct Problem {
    std::string name;
    int classes;                           // 0 for regression
    Split (*data)();                       // made by each test, not when tests are listed
    std::vector<std::size_t> informative;  // the columns that carry the signal
    double floor;
};

// Small sets (300 rows to train on, 200 to score): the suite fits every algorithm
// several times over. Each has noise columns, for the importances to tell apart.
std::vector<Problem> problems_for(Task task) {
    switch (task) {
        case Task::classification:
            return {{"binary", 2, [] { return split(two_moons(500, 0.25, 101), 300); }, {0, 1}, 0.8},
                    {"three_class", 3, [] { return split(three_class_set(500, 102, 2), 300); }, {0, 1, 2, 3, 4}, 0.75}};
        case Task::regression:
            return {{"regression", 0, [] { return split(wave_set(500, 103, 2), 300); }, {0, 1, 2}, 0.5}};
    }
    return {};
}

struct Case {
    std::string algorithm;
    Task task;
    std::optional<Problem> problem;  // none: the task has no fixture
};

// Every algorithm of the catalog on every fixture of every task it supports.
std::vector<Case> catalog_cases() {
    std::vector<Case> out;
    for (const auto& a : algorithms()) {
        // Recommenders and text classifiers are not Estimators: their own suites test them.
        if (!a.make) continue;
        for (Task task : a.tasks) {
            auto problems = problems_for(task);
            if (problems.empty()) out.push_back({a.name, task, std::nullopt});
            for (auto& p : problems) out.push_back({a.name, task, std::move(p)});
        }
    }
    return out;
}

// For GoogleTest's messages, instead of the bytes of a Case.
void PrintTo(const Case& c, std::ostream* out) {
    *out << c.algorithm << " on " << (c.problem ? c.problem->name : "no fixture");
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
    const Case& c = info.param;
    return c.algorithm + "_" + (c.problem ? c.problem->name : std::string(to_string(c.task)) + "_has_no_fixture");
}

class EstimatorSuite : public testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        ASSERT_TRUE(GetParam().problem) << GetParam().algorithm << " does " << to_string(GetParam().task)
                                        << ", a task with no fixture: add one to problems_for() in "
                                           "tests/models/test_estimators.cpp";
        data_ = problem().data();
    }

    const std::string& algorithm() const { return GetParam().algorithm; }
    const AlgorithmSpec& spec() const { return find_algorithm(algorithm()); }
    Task task() const { return GetParam().task; }
    const Problem& problem() const { return *GetParam().problem; }
    const Dataset& train() const { return data_.train; }
    const data::Matrix& test_x() const { return data_.test.x; }

    std::unique_ptr<Estimator> unfitted() const {
        return make(algorithm(), Json::object(), task(), problem().classes);
    }
    std::unique_ptr<Estimator> fit(const Callbacks& callbacks = {}) const {
        return fitted(algorithm(), Json::object(), train(), task(), problem().classes, callbacks);
    }
    double score_of(const Estimator& e) const { return score(task(), e.predict(test_x()), data_.test.y); }

    Split data_;
};

// One importance per column, summing to 1, most of it on the columns that carry
// the signal; or none, for a model that has none (svc's rbf kernel).
void expect_importances_favour(const std::vector<double>& importances, const Problem& problem, std::size_t cols) {
    if (importances.empty()) return;
    ASSERT_EQ(importances.size(), cols);
    double sum = 0, informative = 0;
    for (double v : importances) {
        EXPECT_GE(v, 0.0);
        sum += v;
    }
    for (auto c : problem.informative) informative += importances[c];
    EXPECT_NEAR(sum, 1.0, 1e-9);
    EXPECT_GT(informative, 0.7);
}

// Fitted with the held-out rows as validation data, which only iterative models
// look at (to report on each round): it scores above the floor, weighs the
// informative columns most, and reports rounds if and only if the catalog calls
// the algorithm iterative.
TEST_P(EstimatorSuite, LearnsTheSignalOfItsTask) {
    int rounds = 0;
    Callbacks callbacks;
    callbacks.on_round = [&](const RoundReport&) {
        ++rounds;
        return RoundDecision{};
    };
    auto e = fitted(algorithm(), Json::object(), data_, task(), problem().classes, callbacks);
    EXPECT_GE(score_of(*e), problem().floor);
    expect_importances_favour(e->feature_importances(), problem(), train().x.cols);
    EXPECT_EQ(e->iterative(), spec().iterative);
    EXPECT_EQ(rounds > 0, spec().iterative) << rounds << " rounds reported";
    if (!spec().iterative) {
        EXPECT_EQ(e->best_iteration(), -1);
    }
}

// A classifier's probabilities are distributions over its classes; a model without
// them (any regressor) says so. predict_with_proba gives both answers at once.
void expect_probabilities_or_refusal(const Estimator& e, const data::Matrix& x, Task task, int classes) {
    if (e.has_proba()) {
        ASSERT_EQ(task, Task::classification);
        expect_probabilities(e, x, classes);
    } else {
        expect_error([&] { e.predict_proba(x); }, ErrorKind::validation, "no_probabilities");
    }
    Prediction both = e.predict_with_proba(x);
    EXPECT_EQ(both.values, e.predict(x));
    EXPECT_EQ(both.proba, e.has_proba() ? e.predict_proba(x) : std::vector<double>{});
}

// Rows one column short or one column long are the caller's error, naming both
// counts; no rows at all are no predictions.
void expect_width_checked(const Estimator& e, std::size_t cols) {
    for (std::size_t width : {cols - 1, cols + 1}) {
        SCOPED_TRACE(width);
        auto error = expect_error([&] { e.predict(matrix(3, width)); }, ErrorKind::data, "feature_count_mismatch");
        if (!error) continue;
        EXPECT_NE(error->message().find(std::to_string(cols)), std::string::npos) << error->message();
        EXPECT_NE(error->message().find(std::to_string(width)), std::string::npos) << error->message();
    }
    EXPECT_TRUE(e.predict(matrix(0, cols)).empty());
}

TEST_P(EstimatorSuite, AnswersAsTheEstimatorInterfaceSays) {
    auto e = fit();
    expect_probabilities_or_refusal(*e, test_x(), task(), problem().classes);
    expect_width_checked(*e, train().x.cols);
}

// Reloaded, a model predicts as it did, and answers concurrent requests (as a
// served model does) with the same.
TEST_P(EstimatorSuite, SavedAndLoadedPredictsIdentically) {
    auto e = fit();
    auto back = expect_round_trip(algorithm(), *e, test_x());
    expect_concurrent_predictions_agree(*back, test_x());
}

TEST_P(EstimatorSuite, SameSeedSameModel) {
    auto a = fit(), b = fit();
    EXPECT_EQ(a->predict(test_x()), b->predict(test_x()));
    if (a->has_proba()) {
        EXPECT_EQ(a->predict_proba(test_x()), b->predict_proba(test_x()));
    }
}

// A fit cancelled before it starts leaves the estimator as unfitted as it was.
TEST_P(EstimatorSuite, UnfittedOrCancelledHasNoModel) {
    auto e = unfitted();
    expect_error([&] { e->predict(test_x()); }, "not_fitted");
    Callbacks cancel;
    cancel.cancelled = [] { return true; };
    expect_error([&] { e->fit({train().x, train().y}, cancel); }, "cancelled", "training was cancelled");
    expect_error([&] { e->predict(test_x()); }, "not_fitted");
}

// The saved weights file of a quantized model: one value of `precision` per
// quantized weight.
void expect_quantized_file(const Estimator& e, Precision precision, std::size_t weights) {
    TempDir dir("hone-quantized");
    std::size_t found = 0;
    for (const auto& file : e.save(dir.path))
        if (std::filesystem::path(file).extension() == "." + std::string(to_string(precision))) {
            ++found;
            EXPECT_EQ(std::filesystem::file_size(dir.path / file), weights * bytes_per_value(precision)) << file;
        }
    EXPECT_EQ(found, 1u);
}

// Quantizable algorithms keep their score at either precision (give or take four of
// the 200 held-out rows, or 0.02 of R²), save the weights at it and reload
// identically; the others refuse.
TEST_P(EstimatorSuite, QuantizedKeepsItsScoreOrIsRefused) {
    if (!spec().quantizable) {
        auto e = fit();
        expect_error([&] { e->quantize(Precision::int8); }, "not_quantizable", "this model has no weights to quantize");
        return;
    }
    for (Precision precision : {Precision::int8, Precision::float16}) {
        SCOPED_TRACE(to_string(precision));
        auto e = fit();
        double before = score_of(*e);
        Json report = e->quantize(precision);
        EXPECT_EQ(report["precision"], to_string(precision));
        EXPECT_GT(report["weights"].get<std::size_t>(), 0u);
        EXPECT_GT(report["max_abs_error"].get<double>(), 0.0);
        EXPECT_NEAR(score_of(*e), before, 0.02);
        expect_quantized_file(*e, precision, report["weights"].get<std::size_t>());
        expect_round_trip(algorithm(), *e, test_x());
    }
}

INSTANTIATE_TEST_SUITE_P(Catalog, EstimatorSuite, testing::ValuesIn(catalog_cases()), case_name);

}  // namespace
