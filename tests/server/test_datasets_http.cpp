// GET /api/training/datasets/{name}/records: a real server on a free loopback
// port serving a job file's dataset, answers checked exactly, the same page as
// `hone data records --json`.
#include <gtest/gtest.h>

#include <fstream>

#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "server/server.hpp"
#include "../support/files.hpp"
#include "../support/run_hone.hpp"
#include "http_client.hpp"

using namespace hone;
using test_support::Client;
using test_support::Reply;
using Json = nlohmann::ordered_json;

namespace {

class DatasetsOverHttp : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream(dir.path / "customers.csv", std::ios::binary)
            << "id,age,plan\n1,34,basic\n2,,pro\n3,51,\n4,28,basic\n";
        job = (dir.path / "job.n3").string();
        std::ofstream(job, std::ios::binary) << "dataset \"customers\":\n    source: csv\n    path: customers.csv\n";
        auto loaded = lang::load_job_file(job);
        ASSERT_TRUE(loaded.ok()) << loaded.report();
        store = registry::serialized(registry::open_store((dir.path / "hone.db").string()));
        server::ServerOptions options;
        options.port = 0;
        options.run.model_root = (dir.path / "models").string();
        server = std::make_unique<server::Server>(std::vector<lang::JobFile>{loaded.spec}, *store, options);
        server->start();
        ASSERT_GT(server->port(), 0);
        http = std::make_unique<Client>(server->port());
    }
    void TearDown() override { server->stop(); }

    // The error's status, code and message, as one line.
    std::string refusal(const std::string& path) {
        Reply r = http->get(path);
        return std::to_string(r.status) + " " + r.body.value("error", "") + ": " + r.body.value("message", "");
    }

    test_support::TempDir dir{"hone-datasets-http"};
    std::string job;
    std::unique_ptr<registry::Store> store;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<Client> http;
};

}  // namespace

TEST_F(DatasetsOverHttp, APageOfRecordsKeyedByColumnWithNullsAsNull) {
    Reply r = http->get("/api/training/datasets/customers/records?offset=1&limit=2");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body, Json::parse(R"({"dataset": "customers", "offset": 1, "limit": 2, "total_rows": 4,
        "columns": [{"name": "id", "type": "int"}, {"name": "age", "type": "int"}, {"name": "plan", "type": "string"}],
        "records": [{"id": 2, "age": null, "plan": "pro"}, {"id": 3, "age": 51, "plan": null}]})"));
}

TEST_F(DatasetsOverHttp, TheSameAnswerAsTheCommandLine) {
    Reply r = http->get("/api/training/datasets/customers/records");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["offset"], 0);
    EXPECT_EQ(r.body["limit"], 100);
    auto cli = test_support::run_hone("data records --json " + job + " customers");
    ASSERT_EQ(cli.code, 0) << cli.err;
    EXPECT_EQ(r.body, Json::parse(cli.out));
}

TEST_F(DatasetsOverHttp, BadOffsetsLimitsAndNamesAreClearErrors) {
    EXPECT_EQ(refusal("/api/training/datasets/customers/records?offset=-1"),
              "400 invalid_page: offset must be a whole number of at least 0, got '-1'");
    EXPECT_EQ(refusal("/api/training/datasets/customers/records?limit=0"),
              "400 invalid_page: limit must be a whole number from 1 to 10000, got '0'");
    EXPECT_EQ(refusal("/api/training/datasets/customers/records?limit="),
              "400 invalid_page: limit must be a whole number from 1 to 10000, got ''");
    EXPECT_EQ(refusal("/api/training/datasets/customers/records?offset=5"),
              "400 invalid_page: offset 5 is past the end of dataset 'customers', which has 4 rows");
    EXPECT_EQ(refusal("/api/training/datasets/customer/records"),
              "404 dataset_not_found: no dataset 'customer'; did you mean 'customers'?");
}

TEST_F(DatasetsOverHttp, TheRouteIsInTheOpenApiDocument) {
    Reply r = http->get("/api/openapi.json");
    ASSERT_EQ(r.status, 200) << r.raw;
    ASSERT_TRUE(r.body["paths"].contains("/api/training/datasets/{name}/records")) << r.raw.substr(0, 400);
    EXPECT_EQ(r.body["paths"]["/api/training/datasets/{name}/records"]["get"]["tags"], Json::array({"datasets"}));
}
