// Pipelines over HTTP on a real server: listed with their stages, run through
// the job runner (202 and an execution id), each stage's start and end streamed
// as events, the execution read back, and a second run taken from the cache.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>

#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "server/server.hpp"
#include "../support/files.hpp"
#include "http_client.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Client;
using test_support::Reply;

namespace {

const char* kJob = R"(dataset "customers":
    source: csv
    path: customers.csv
model "churn":
    type: classifier
    algorithm: random_forest
    hyperparameters: {n_estimators: 20, max_depth: 6}
training "baseline":
    model: churn
    dataset: customers
    target: churned
    objective: maximize_accuracy
pipeline "churn_http":
    stages:
        prep:
            type: data_preparation
            dataset: customers
        train:
            type: model_training
            training: baseline
            dependencies: [prep]
        validation:
            type: model_validation
            dependencies: [train]
            min: {accuracy: 0.6}
)";

void write_customers(const std::filesystem::path& path) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> n(0, 1);
    std::ofstream out(path);
    out << "tenure,monthly_spend,churned\n";
    for (int i = 0; i < 600; ++i) {
        const double a = n(rng), b = n(rng);
        out << a << "," << b << "," << (a - b + 0.3 * n(rng) > 0 ? "yes" : "no") << "\n";
    }
}

class PipelinesOverHttp : public ::testing::Test {
protected:
    void SetUp() override {
        write_customers(dir.path / "customers.csv");
        std::ofstream(dir.path / "job.n3") << kJob;
        auto loaded = lang::load_job_file(dir.path / "job.n3");
        ASSERT_TRUE(loaded.ok()) << loaded.report();
        store = registry::serialized(registry::open_store((dir.path / "hone.db").string()));
        server::ServerOptions options;
        options.port = 0;
        options.run.model_root = (dir.path / "models").string();
        server = std::make_unique<server::Server>(std::vector<lang::JobFile>{loaded.spec}, *store, options);
        server->start();
    }
    void TearDown() override {
        if (server) server->stop();
    }

    // Starts a run, reads its events to the end; the stored execution.
    Json run_to_end(std::vector<test_support::SseEvent>* events = nullptr) {
        Client http(server->port());
        Reply started = http.post_json("/api/training/pipelines/churn_http/run");
        EXPECT_EQ(started.status, 202) << started.raw;
        const std::string id = started.body["data"]["execution_id"];
        auto seen = http.events("/api/training/runs/" + id + "/events");
        if (events) *events = seen;
        Reply execution = http.get("/api/training/pipelines/executions/" + id);
        EXPECT_EQ(execution.status, 200) << execution.raw;
        return execution.body["data"];
    }

    test_support::TempDir dir{"hone-pipeline-http"};
    std::unique_ptr<registry::Store> store;
    std::unique_ptr<server::Server> server;
};

}  // namespace

TEST_F(PipelinesOverHttp, RunsTheExamplePipelineThenTakesItFromTheCache) {
    Reply listed = Client(server->port()).get("/api/training/pipelines");
    ASSERT_EQ(listed.status, 200) << listed.raw;
    const Json& p = listed.body["data"]["pipelines"][0];
    EXPECT_EQ(p["name"], "churn_http");
    EXPECT_EQ(p["stages"].size(), 3u);
    EXPECT_EQ(p["stages"][1]["dependencies"], Json::array({"prep"}));
    EXPECT_TRUE(p["latest_execution"].is_null());

    std::vector<test_support::SseEvent> events;
    Json first = run_to_end(&events);
    ASSERT_EQ(first["status"], "completed") << first.dump(2);
    std::vector<std::string> stage_events;
    for (const auto& e : events)
        if (e.type == "stage") stage_events.push_back(e.data["stage"]["id"].get<std::string>() + ":" +
                                   e.data["stage"]["status"].get<std::string>());
    EXPECT_EQ(stage_events, (std::vector<std::string>{"prep:running", "prep:completed", "train:running",
                                                      "train:completed", "validation:running",
                                                      "validation:completed"}));
    for (const auto& s : first["stages"]) EXPECT_FALSE(s["cached"].get<bool>()) << s.dump();
    EXPECT_TRUE(first["stages"][1]["output"]["model_key"].is_string());

    Json second = run_to_end();
    ASSERT_EQ(second["status"], "completed") << second.dump(2);
    for (const auto& s : second["stages"]) EXPECT_TRUE(s["cached"].get<bool>()) << s.dump();
    EXPECT_EQ(second["stages"][1]["output"]["model_key"], first["stages"][1]["output"]["model_key"]);

    Reply again = Client(server->port()).get("/api/training/pipelines");
    EXPECT_EQ(again.body["data"]["pipelines"][0]["latest_execution"]["execution_id"], second["execution_id"]);
    Reply history = Client(server->port()).get("/api/training/pipelines/churn_http/executions");
    ASSERT_EQ(history.status, 200) << history.raw;
    EXPECT_EQ(history.body["data"]["executions"].size(), 2u);
}

TEST_F(PipelinesOverHttp, UnknownPipelinesExecutionsAndFieldsAreClearErrors) {
    Client http(server->port());
    Reply unknown = http.post_json("/api/training/pipelines/churn_htp/run");
    EXPECT_EQ(unknown.status, 404) << unknown.raw;
    EXPECT_EQ(unknown.body["error"], "pipeline_not_found");
    EXPECT_EQ(unknown.body["message"], "no pipeline 'churn_htp'; did you mean 'churn_http'?");
    Reply missing = http.get("/api/training/pipelines/executions/pipe_nothing");
    EXPECT_EQ(missing.status, 404) << missing.raw;
    EXPECT_EQ(missing.body["error"], "execution_not_found");
    Reply bad = http.post_json("/api/training/pipelines/churn_http/run", Json{{"resume", "yes"}});
    EXPECT_EQ(bad.status, 400) << bad.raw;
    EXPECT_EQ(bad.body["message"], "'resume' must be true or false, found \"yes\"");
    Reply nothing = http.post_json("/api/training/pipelines/churn_http/run", Json{{"resume", true}});
    EXPECT_EQ(nothing.status, 404) << nothing.raw;
    EXPECT_EQ(nothing.body["message"], "pipeline 'churn_http' has no execution to resume");
}
