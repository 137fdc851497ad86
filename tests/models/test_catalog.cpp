#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "models/catalog.hpp"

using namespace hone;
using namespace hone::models;

// docs/algorithms.md is generated from the catalog; regenerate it with
// `build/hone algorithms --markdown > docs/algorithms.md` when this fails.
TEST(Catalog, AlgorithmsDocIsCurrent) {
    std::ifstream in(std::string(HONE_SOURCE_DIR) + "/docs/algorithms.md");
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_TRUE(s.str() == algorithms_markdown())
        << "docs/algorithms.md is stale: run build/hone algorithms --markdown > docs/algorithms.md";
}

TEST(Catalog, EveryAlgorithmOfTheSeedsIsThere) {
    for (const char* name : {"xgboost", "gradient_boosting", "lightgbm", "random_forest", "decision_tree",
                             "logistic_regression", "linear_svc", "svc", "svr", "linear_regression", "ridge",
                             "RandomForestClassifier", "GradientBoostingClassifier", "LogisticRegression",
                             "LinearRegression", "DecisionTreeClassifier", "SVC", "XGBClassifier", "KMeans", "DBSCAN",
                             "AgglomerativeClustering", "hierarchical"})
        EXPECT_NO_THROW(find_algorithm(name)) << name;
}

TEST(Catalog, NamesAndParameterNamesAreUniqueAndDocumented) {
    std::set<std::string> names;
    for (const auto& a : algorithms()) {
        EXPECT_TRUE(names.insert(a.name).second) << a.name;
        for (const auto& alias : a.aliases) EXPECT_TRUE(names.insert(alias.name).second) << alias.name;
        EXPECT_FALSE(a.doc.empty()) << a.name;
        // Exactly one factory, by what the algorithm learns from.
        EXPECT_EQ(int(bool(a.make)) + int(bool(a.make_recommender)) + int(bool(a.make_text_classifier)) +
                      int(bool(a.make_clusterer)),
                  1)
            << a.name;
        std::set<std::string> params;
        for (const auto& p : a.params) {
            EXPECT_TRUE(params.insert(p.name).second) << a.name << "." << p.name;
            for (const auto& alias : p.aliases) EXPECT_TRUE(params.insert(alias).second) << a.name << "." << alias;
            EXPECT_FALSE(p.doc.empty()) << a.name << "." << p.name;
            // Every default passes the parameter's own validation.
            EXPECT_NO_THROW(resolve_params(a, Json{{p.name, p.default_value}}, true)) << a.name << "." << p.name;
        }
    }
}

TEST(Catalog, UnknownAlgorithmListsTheValidOnes) {
    try {
        find_algorithm("random_forrest");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "unknown_algorithm");
        EXPECT_EQ(e.message(), "unknown algorithm 'random_forrest'; did you mean 'random_forest'?");
        EXPECT_NE(e.hint().find("valid algorithms: xgboost, gradient_boosting"), std::string::npos) << e.hint();
    }
}

// libtorch takes half a second to load: the catalog, validation and the other
// algorithms never load it; the mlp's module loads it when one is made.
TEST(Catalog, LibtorchLoadsOnlyForANeuralModel) {
    auto loaded = [] {
        std::ifstream maps("/proc/self/maps");
        std::stringstream s;
        s << maps.rdbuf();
        return s.str().find("libtorch_cpu") != std::string::npos;
    };
    const auto& mlp = find_algorithm("mlp");
    resolve_params(mlp, Json{{"hidden_layers", Json::array({8})}, {"optimizer", "sgd"}}, true);
    EXPECT_NE(algorithms_markdown().find("## mlp"), std::string::npos);
    EXPECT_FALSE(loaded());
    EstimatorConfig config;
    config.task = Task::regression;
    config.params = resolve_params(mlp, Json::object(), true).params;
    EXPECT_TRUE(make_estimator(mlp, config));
    EXPECT_TRUE(loaded());
}

TEST(Catalog, ClassNamesImplyTheTask) {
    EXPECT_EQ(task_implied_by("RandomForestRegressor"), Task::regression);
    EXPECT_EQ(task_implied_by("LogisticRegression"), Task::classification);
    EXPECT_EQ(task_implied_by("random_forest"), std::nullopt);
    EXPECT_EQ(find_algorithm("randomforestclassifier").name, "random_forest");
}
