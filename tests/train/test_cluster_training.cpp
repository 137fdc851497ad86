// Clustering end to end: N3 job files over a generated segments table, real
// clusterers, a real SQLite registry; results, registration, prediction after
// reload, tuning, and the errors and warnings of bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "data/source.hpp"
#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "../support/errors.hpp"
#include "train/predictor.hpp"
#include "train/trainer.hpp"
#include "tune/study.hpp"
#include "segments_csv.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;

namespace {

struct Segments {
    fs::path dir;
    std::unique_ptr<registry::Store> store;
    Segments() {
        dir = fs::temp_directory_path() / ("hone-cluster-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(std::random_device{}()));
        fs::create_directories(dir);
        test_support::write_segments_csv(dir / "segments.csv", 300);
        store = registry::serialized(registry::open_store((dir / "hone.db").string()));
    }
    ~Segments() { fs::remove_all(dir); }

    // A job "segment" with `model` lines after "type: clusterer" and `training`
    // lines after the objective.
    lang::JobFile job(const std::string& model, const std::string& training = "", const std::string& tail = "") {
        std::string text = "dataset \"customers\":\n    source: csv\n    path: segments.csv\n"
                           "model \"segmenter\":\n    type: clusterer\n" + model +
                           "training \"segment\":\n    model: segmenter\n    dataset: customers\n"
                           "    features: [age, annual_spend, visits]\n    preprocessing:\n        scale: standard\n"
                           "    objective: maximize_silhouette\n" + training + tail;
        auto loaded = lang::parse_job_text(text, (dir / "segments.n3").string(), lang::Format::n3);
        EXPECT_TRUE(loaded.ok()) << loaded.report();
        return loaded.spec;
    }

    train::TrainOptions options() {
        train::TrainOptions o;
        o.context.model_root = (dir / "models").string();
        return o;
    }

    data::Frame rows() const {
        lang::DatasetSpec spec;
        spec.name = "rows";
        spec.source = "csv";
        spec.path = (dir / "segments.csv").string();
        return data::load_dataset(spec);
    }
};

// Trains, then predicts the training rows with the registered model loaded
// twice: both give the clusters the training found.
Json train_and_check_reload(Segments& s, const lang::JobFile& file) {
    Json result = train::run_training_job(file, "segment", *s.store, s.options());
    EXPECT_EQ(result["status"], "ok");
    EXPECT_EQ(result["task"], "clustering");
    const std::string key = result["registry_key"];
    auto first = train::LoadedModel::load(*s.store, key)->predict(s.rows());
    auto second = train::LoadedModel::load(*s.store, key)->predict(s.rows());
    EXPECT_EQ(first.values, second.values);
    EXPECT_TRUE(first.classes.empty());
    std::vector<std::size_t> counted(result["clustering"]["cluster_sizes"].size(), 0);
    for (const auto& v : first.values)
        if (v.get<int>() >= 0) ++counted[v.get<std::size_t>()];
    EXPECT_EQ(Json(counted), result["clustering"]["cluster_sizes"]);
    return result;
}

}  // namespace

TEST(ClusterTraining, KMeansFindsTheSegmentsRegistersAndPredictsAfterReload) {
    Segments s;
    auto result = train_and_check_reload(s, s.job("    algorithm: kmeans\n    hyperparameters:\n        n_clusters: 3\n",
                                                  "    target: segment\n"));
    EXPECT_EQ(result["algorithm"], "kmeans");
    const Json& m = result["metrics"];
    EXPECT_GT(m["silhouette"].get<double>(), 0.7);
    EXPECT_EQ(m["adjusted_rand"], 1.0);
    EXPECT_EQ(m["v_measure"], 1.0);
    for (const char* name : {"davies_bouldin", "calinski_harabasz", "inertia", "normalized_mutual_info",
                             "homogeneity", "completeness"})
        EXPECT_TRUE(m.contains(name)) << name;
    EXPECT_EQ(result["objective"]["value"], m["silhouette"]);
    const Json& c = result["clustering"];
    EXPECT_EQ(c["n_clusters"], 3);
    EXPECT_EQ(c["cluster_sizes"], Json::array({100, 100, 100}));
    EXPECT_EQ(c["noise"], 0);
    EXPECT_EQ(c["silhouette_sample_size"], 300);
    ASSERT_EQ(c["profiles"].size(), 3u);
    const Json& p = c["profiles"][0];
    EXPECT_EQ(p["size"], 100);
    EXPECT_TRUE(p["means"].contains("annual_spend"));
    EXPECT_EQ(p["top_values"]["segment"].size(), 1u);  // one true segment per cluster
    EXPECT_EQ(p["top_values"]["region"].size(), 2u);
    // customer_id identifies rows: neither a mean nor top values, and named as such.
    EXPECT_EQ(c["identifiers"], Json::array({"customer_id"}));
    EXPECT_FALSE(p["means"].contains("customer_id"));
    EXPECT_FALSE(p["top_values"].contains("customer_id"));
    auto entry = s.store->get_model(result["registry_key"].get<std::string>());
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->task, "clustering");
    EXPECT_EQ(entry->metadata["clustering"], c);
    EXPECT_EQ(entry->metrics, m);
}

TEST(ClusterTraining, DbscanFlagsNoiseAndAgglomerativeCutsTheTree) {
    Segments s;
    auto dbscan = train_and_check_reload(
        s, s.job("    algorithm: DBSCAN\n    hyperparameters:\n        eps: 0.2\n        min_samples: 10\n"));
    EXPECT_EQ(dbscan["clustering"]["n_clusters"], 3);
    EXPECT_GT(dbscan["clustering"]["noise"].get<int>(), 0);
    EXPECT_EQ(dbscan["clustering"]["profiles"].back()["cluster"], -1);
    auto tree = train_and_check_reload(
        s, s.job("    algorithm: agglomerative\n    hyperparameters:\n        n_clusters: 3\n        linkage: average\n",
                 "    target: segment\n"));
    EXPECT_EQ(tree["metrics"]["adjusted_rand"], 1.0);
    EXPECT_EQ(tree["clustering"]["fit"]["merges"], 299);
}

TEST(ClusterTraining, EveryRowNoiseIsAWarningWithUndefinedMetrics) {
    Segments s;
    auto result = train::run_training_job(
        s.job("    algorithm: dbscan\n    hyperparameters:\n        eps: 0.0001\n"), "segment", *s.store, s.options());
    EXPECT_EQ(result["clustering"]["noise"], 300);
    EXPECT_TRUE(result["metrics"]["silhouette"].is_null());
    EXPECT_EQ(result["warnings"], Json::array({"every row is noise: no row has min_samples rows within eps, so there "
                                               "is no cluster and the internal metrics are undefined; raise eps or "
                                               "lower min_samples"}));
}

TEST(ClusterTraining, BadInputIsAClearError) {
    Segments s;
    test_support::expect_error(
        [&] {
            train::run_training_job(s.job("    hyperparameters:\n        n_clusters: 500\n"), "segment", *s.store,
                                    s.options());
        },
        ErrorKind::data, "too_few_rows", "n_clusters=500 is more than the 300 rows to cluster");
    test_support::expect_error(
        [&] {
            auto file = s.job("");
            file.trainings[0].features.push_back("region");
            train::run_training_job(file, "segment", *s.store, s.options());
        },
        ErrorKind::validation, "feature_not_numeric",
        "feature 'region' holds text; clustering measures distances between numbers and does not encode text on "
        "its own");
}

TEST(ClusterTraining, TuningSearchesTheClusterCountBySilhouette) {
    Segments s;
    auto file = s.job("", "", "tuning \"counts\":\n    training_job: segment\n    objective_metric: silhouette\n"
                              "    strategy: grid\n    max_trials: 4\n    search_space:\n        n_clusters:\n"
                              "            type: int\n            min: 2\n            max: 5\n");
    tune::TuneOptions options;
    options.context.model_root = (s.dir / "models").string();
    auto r = tune::run_tuning_job(file, "counts", *s.store, options);
    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["completed_trials"], 4);
    EXPECT_EQ(r["objective"]["direction"], "maximize");
    EXPECT_EQ(r["objective"]["split"], "clustered");
    EXPECT_EQ(r["best_hyperparameters"]["n_clusters"], 3);
    ASSERT_TRUE(r["best_model_registry_key"].is_string());
}
