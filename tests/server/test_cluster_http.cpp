// Clusterers over HTTP, end to end: k-means and DBSCAN jobs created from JSON
// blocks and run through the training-service routes on a real server, then
// asked to assign new rows over real sockets on the main port and on the
// prediction port: the answer a loaded model gives, DBSCAN's -1 for a row far
// from every cluster, and the result's profiles without the identifier column.
#include <gtest/gtest.h>

#include <string>

#include "registry/store.hpp"
#include "server/server.hpp"
#include "train/predictor.hpp"
#include "../support/files.hpp"
#include "../train/segments_csv.hpp"
#include "http_client.hpp"
#include "trained_over_http.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Client;
using test_support::Reply;

namespace {

// One training `job` of a clusterer `algorithm` with `params` on the segments table.
Json cluster_job_body(const std::string& job, const std::string& algorithm, const Json& params) {
    return Json{{"datasets", {{job + "_customers", {{"source", "csv"}, {"path", "segments.csv"}}}}},
                {"models", {{job + "_model", {{"type", "clusterer"}, {"algorithm", algorithm}, {"hyperparameters", params}}}}},
                {"trainings",
                 {{job,
                   {{"model", job + "_model"},
                    {"dataset", job + "_customers"},
                    {"features", {"age", "annual_spend", "visits"}},
                    {"preprocessing", {{"scale", "standard"}}},
                    {"objective", "maximize_silhouette"}}}}}};
}

// A row at each segment's center, then one far from all of them.
Json rows_to_assign() {
    Json rows = Json::array();
    for (const auto& c : test_support::segment_centers)
        rows.push_back({{"customer_id", 9000}, {"age", c[0]}, {"annual_spend", c[1]}, {"visits", c[2]}});
    rows.push_back({{"customer_id", 9001}, {"age", 200}, {"annual_spend", 9000}, {"visits", 90}});
    return rows;
}

// The loaded model's labels for `rows`.
Json local_labels(registry::Store& store, const std::string& key, const Json& rows) {
    auto model = train::LoadedModel::load(store, key);
    data::Frame frame;
    for (const char* name : {"age", "annual_spend", "visits"}) {
        data::Column column(name, data::DType::float64);
        for (const auto& row : rows) column.push_float(row[name].get<double>());
        frame.add(std::move(column));
    }
    return Json(model->predict(frame).values);
}

class ClustersOverHttp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir = new test_support::TempDir("hone-cluster-http");
        test_support::write_segments_csv(dir->path / "segments.csv", 300);
        store = registry::serialized(registry::open_store((dir->path / "hone.db").string())).release();
        server = test_support::start_on_both_ports(*store, dir->path).release();
        kmeans = new test_support::TrainedOverHttp(test_support::train_over_http(
            server->port(), cluster_job_body("segments_http", "kmeans", {{"n_clusters", 3}}), "segments_http"));
        dbscan = new test_support::TrainedOverHttp(test_support::train_over_http(
            server->port(), cluster_job_body("unusual_http", "dbscan", {{"eps", 0.5}, {"min_samples", 10}}),
            "unusual_http"));
    }
    static void TearDownTestSuite() {
        if (server) server->stop();
        delete server;
        delete store;
        delete kmeans;
        delete dbscan;
        delete dir;
    }

    void SetUp() override {
        ASSERT_FALSE(kmeans->key.empty()) << "k-means did not train";
        ASSERT_FALSE(dbscan->key.empty()) << "DBSCAN did not train";
    }

    static Reply predict(const std::string& key, const Json& rows) {
        return test_support::post_on_both_ports(*server, "/api/training/models/" + key + "/predict",
                                                Json{{"records", rows}}.dump());
    }

    static test_support::TempDir* dir;
    static registry::Store* store;
    static server::Server* server;
    static test_support::TrainedOverHttp* kmeans;
    static test_support::TrainedOverHttp* dbscan;
};

test_support::TempDir* ClustersOverHttp::dir = nullptr;
registry::Store* ClustersOverHttp::store = nullptr;
server::Server* ClustersOverHttp::server = nullptr;
test_support::TrainedOverHttp* ClustersOverHttp::kmeans = nullptr;
test_support::TrainedOverHttp* ClustersOverHttp::dbscan = nullptr;

}  // namespace

TEST_F(ClustersOverHttp, TheRunsRegisterClusterersWithTheirProfiles) {
    const Json& r = kmeans->result;
    EXPECT_EQ(r["task"], "clustering");
    EXPECT_EQ(r["algorithm"], "kmeans");
    EXPECT_EQ(r["clustering"]["cluster_sizes"], Json::array({100, 100, 100}));
    EXPECT_EQ(r["clustering"]["identifiers"], Json::array({"customer_id"}));
    EXPECT_GT(r["metrics"]["silhouette"].get<double>(), 0.7) << r["metrics"].dump();
    Reply entry = Client(server->port()).get("/api/training/models/" + kmeans->key);
    ASSERT_EQ(entry.status, 200) << entry.raw;
    EXPECT_EQ(entry.body["data"]["task"], "clustering");
    EXPECT_EQ(entry.body["data"]["metadata"]["clustering"], r["clustering"]);
    EXPECT_EQ(dbscan->result["clustering"]["n_clusters"], 3);
}

TEST_F(ClustersOverHttp, KMeansAssignsEachRowToItsNearestCenterOnBothPorts) {
    const Json rows = rows_to_assign();
    Reply r = predict(kmeans->key, rows);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["model"], kmeans->key);
    EXPECT_EQ(r.body["predictions"], local_labels(*store, kmeans->key, rows));
    // The three centers fall in three different clusters.
    const auto& p = r.body["predictions"];
    EXPECT_NE(p[0], p[1]);
    EXPECT_NE(p[1], p[2]);
    EXPECT_NE(p[0], p[2]);
}

TEST_F(ClustersOverHttp, DbscanFlagsARowFarFromEveryClusterAsNoise) {
    const Json rows = rows_to_assign();
    Reply r = predict(dbscan->key, rows);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["predictions"], local_labels(*store, dbscan->key, rows));
    const auto& p = r.body["predictions"];
    EXPECT_GE(p[0].get<int>(), 0);
    EXPECT_GE(p[1].get<int>(), 0);
    EXPECT_GE(p[2].get<int>(), 0);
    EXPECT_EQ(p[3], -1);
}

TEST_F(ClustersOverHttp, RowsWithoutAFeatureAreRefused) {
    Reply r = predict(kmeans->key, Json::array({{{"age", 30}, {"visits", 2}}}));
    EXPECT_EQ(r.status, 422) << r.raw;
    EXPECT_EQ(r.body["error"], "missing_feature") << r.raw;
    EXPECT_EQ(r.body["message"], "feature column 'annual_spend' is missing from the rows");
}
