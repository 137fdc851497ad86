// The clusterers against scikit-learn's own clusterings of the same rows
// (tests/models/make_cluster_fixtures.py), their save/load round trips, and
// their errors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "metrics/clustering.hpp"
#include "models/catalog.hpp"
#include "models/cluster/rows.hpp"
#include "../support/estimators.hpp"

namespace ts = hone::test_support;
using hone::Task;
using hone::models::Json;

namespace {

const Json& fixtures() {
    static const Json data = [] {
        std::ifstream in(std::string(HONE_SOURCE_DIR) + "/tests/models/cluster_fixtures.json");
        if (!in) throw std::runtime_error("cannot open tests/models/cluster_fixtures.json");
        return Json::parse(in);
    }();
    return data;
}

hone::data::Matrix rows_of(const char* key) {
    auto values = fixtures().at(key).get<std::vector<double>>();
    hone::data::Matrix x = ts::matrix(values.size() / 3, 3);
    for (std::size_t i = 0; i < values.size(); ++i) x.data[i] = static_cast<float>(values[i]);
    return x;
}

std::unique_ptr<hone::models::Clusterer> fitted(const std::string& algorithm, const Json& given,
                                                const hone::data::Matrix& x, unsigned threads = 1) {
    auto config = ts::config_for(algorithm, given, Task::clustering, 0);
    config.threads = threads;
    auto model = hone::models::make_clusterer(hone::models::find_algorithm(algorithm), config);
    std::vector<float> none;
    model->fit({x, none}, {});
    return model;
}

std::vector<int> as_ints(const std::vector<std::int32_t>& v) { return {v.begin(), v.end()}; }

// The same partition, whatever the cluster numbers.
double agreement(const std::vector<std::int32_t>& ours, const Json& theirs) {
    return hone::metrics::adjusted_rand(as_ints(ours), theirs.get<std::vector<int>>());
}

// Predictions of `model` equal those of it saved and loaded again, and its
// training labels on the training rows (k-means, DBSCAN's core and noise rows).
void expect_round_trip(const std::string& algorithm, const hone::models::Clusterer& model,
                       const hone::data::Matrix& x) {
    auto fresh = ts::reloaded(model, algorithm);
    EXPECT_EQ(fresh->predict(x), model.predict(x));
}

}  // namespace

TEST(KMeans, FindsScikitLearnsOptimum) {
    const Json& want = fixtures().at("kmeans");
    auto x = rows_of("x");
    auto model = fitted("kmeans", {{"n_clusters", 4}}, x);
    EXPECT_EQ(model->num_clusters(), 4);
    EXPECT_EQ(agreement(model->labels(), want.at("labels")), 1.0);
    EXPECT_NEAR(model->fit_summary().at("inertia").get<double>(), want.at("inertia").get<double>(),
                1e-9 * want.at("inertia").get<double>());
    std::vector<double> predicted = model->predict(x);
    EXPECT_EQ(predicted, std::vector<double>(model->labels().begin(), model->labels().end()));
    expect_round_trip("kmeans", *model, x);
}

TEST(KMeans, SameCentersOnOneThreadOrTwoAndEveryInit) {
    auto x = rows_of("noisy");
    for (const char* init : {"k-means++", "random"}) {
        SCOPED_TRACE(init);
        auto one = fitted("KMeans", {{"n_clusters", 5}, {"init", init}, {"n_init", 3}}, x, 1);
        auto two = fitted("KMeans", {{"n_clusters", 5}, {"init", init}, {"n_init", 3}}, x, 2);
        EXPECT_EQ(one->labels(), two->labels());
        EXPECT_EQ(one->fit_summary().dump(), two->fit_summary().dump());
    }
}

TEST(KMeans, ElkanGivesLloydsCenters) {
    auto x = rows_of("noisy");
    for (int k : {2, 5, 9}) {
        SCOPED_TRACE(k);
        auto lloyd = fitted("kmeans", {{"n_clusters", k}, {"n_init", 3}}, x, 2);
        auto elkan = fitted("kmeans", {{"n_clusters", k}, {"n_init", 3}, {"algorithm", "elkan"}}, x, 2);
        EXPECT_EQ(elkan->labels(), lloyd->labels());
        EXPECT_EQ(elkan->fit_summary().dump(), lloyd->fit_summary().dump());
        EXPECT_EQ(elkan->predict(x), lloyd->predict(x));
    }
}

TEST(MiniBatchKMeans, ComesCloseToKMeans) {
    auto x = rows_of("x");
    auto model = fitted("minibatch_kmeans", {{"n_clusters", 4}, {"batch_size", 64}}, x);
    EXPECT_EQ(agreement(model->labels(), fixtures().at("kmeans").at("labels")), 1.0);
    EXPECT_LT(model->fit_summary().at("inertia").get<double>(),
              1.01 * fixtures().at("kmeans").at("inertia").get<double>());
    expect_round_trip("minibatch_kmeans", *model, x);
}

TEST(Dbscan, LabelsAreScikitLearnsForEveryMetric) {
    auto x = rows_of("noisy");
    for (const auto& c : fixtures().at("dbscan")) {
        SCOPED_TRACE(c.at("metric").get<std::string>());
        Json given{{"eps", c.at("eps")}, {"min_samples", c.at("min_samples")}, {"metric", c.at("metric")}};
        auto model = fitted("dbscan", given, x, 2);
        EXPECT_EQ(as_ints(model->labels()), c.at("labels").get<std::vector<int>>());
        // Core rows predict their cluster and isolated rows noise, as fitted.
        auto predicted = model->predict(x);
        std::size_t same = 0;
        for (std::size_t i = 0; i < predicted.size(); ++i) same += predicted[i] == model->labels()[i];
        EXPECT_GE(same, predicted.size() * 95 / 100);
        expect_round_trip("dbscan", *model, x);
    }
}

TEST(Dbscan, EveryRowNoiseIsNoClusterAndPredictsMinusOne) {
    auto x = rows_of("x");
    auto model = fitted("DBSCAN", {{"eps", 1e-6}, {"min_samples", 2}}, x);
    EXPECT_EQ(model->num_clusters(), 0);
    EXPECT_EQ(model->predict(x), std::vector<double>(x.rows, -1.0));
}

TEST(Agglomerative, DendrogramAndLabelsAreScikitLearnsForEveryLinkage) {
    auto x = rows_of("noisy");
    for (const auto& c : fixtures().at("agglomerative")) {
        const auto linkage = c.at("linkage").get<std::string>();
        SCOPED_TRACE(linkage);
        auto model = fitted("agglomerative", {{"n_clusters", 4}, {"linkage", linkage}}, x, 2);
        EXPECT_EQ(agreement(model->labels(), c.at("labels")), 1.0);
        ts::TempDir dir("hone-dendrogram");
        model->save(dir.path);
        auto distances = hone::models::cluster::read_doubles(dir.path / "distances.bin");
        auto want = c.at("distances").get<std::vector<double>>();
        ASSERT_EQ(distances.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(distances[i], want[i], 1e-9 * want[i]) << i;
        auto children = hone::models::cluster::read_ints(dir.path / "children.bin");
        std::vector<int> want_children;
        for (const auto& pair : c.at("children"))
            for (int v : pair) want_children.push_back(v);
        EXPECT_EQ(std::vector<int>(children.begin(), children.end()), want_children);
        expect_round_trip("agglomerative", *model, x);
    }
}

TEST(Agglomerative, CutsAtADistanceThreshold) {
    const Json& c = fixtures().at("threshold");
    auto model = fitted("AgglomerativeClustering",
                        {{"n_clusters", nullptr}, {"distance_threshold", c.at("distance_threshold")},
                         {"linkage", c.at("linkage")}},
                        rows_of("noisy"));
    EXPECT_EQ(model->num_clusters(), c.at("n_clusters").get<int>());
    EXPECT_EQ(agreement(model->labels(), c.at("labels")), 1.0);
}

TEST(Clusterers, RefuseMoreClustersThanRows) {
    auto x = ts::matrix(3, 2);
    for (const char* algorithm : {"kmeans", "minibatch_kmeans", "agglomerative"}) {
        SCOPED_TRACE(algorithm);
        ts::expect_error([&] { fitted(algorithm, {{"n_clusters", 5}}, x); }, hone::ErrorKind::data, "too_few_rows",
                         "n_clusters=5 is more than the 3 rows to cluster");
    }
}

TEST(Clusterers, CheckTheirParameters) {
    ts::expect_error([] { ts::config_for("dbscan", {{"eps", 0}}, Task::clustering, 0); }, "invalid_hyperparameter",
                     "hyperparameter 'eps' of dbscan must be a number > 0, got 0");
    auto x = ts::matrix(3, 2);
    ts::expect_error([&] { fitted("agglomerative", {{"distance_threshold", 1.0}}, x); }, "invalid_hyperparameter",
                     "agglomerative takes exactly one of n_clusters and distance_threshold");
    ts::expect_error([&] { fitted("agglomerative", {{"metric", "manhattan"}}, x); }, "invalid_hyperparameter",
                     "linkage 'ward' takes metric 'euclidean' only, got 'manhattan'");
    ts::expect_error([] { hone::models::make_recommender(hone::models::find_algorithm("kmeans"), {}); },
                     "unsupported_task", "kmeans is a clusterer, not a recommender");
}
