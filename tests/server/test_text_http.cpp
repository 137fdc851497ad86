// Text classifiers over HTTP, end to end: a text-classifier job created from
// JSON blocks and run through the training-service routes on a real server
// (its training texts augmented), then asked for label sets with their
// probabilities over real sockets on the main port and on the prediction port,
// with the answer a loaded model gives and the request's errors.
#include <gtest/gtest.h>

#include <string>

#include "registry/store.hpp"
#include "server/server.hpp"
#include "train/predictor.hpp"
#include "../support/files.hpp"
#include "../train/text_corpus.hpp"
#include "http_client.hpp"
#include "trained_over_http.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Client;
using test_support::Reply;

namespace {

Json text_job_body() {
    return Json{
        {"datasets", {{"posts", {{"source", "csv"}, {"path", "posts.csv"}}}}},
        {"models", {{"topics", {{"type", "text_classifier"}, {"algorithm", "tfidf_linear"}}}}},
        {"trainings",
         {{"topics_http",
           {{"model", "topics"},
            {"dataset", "posts"},
            {"text", "body"},
            {"target", "topics"},
            {"label_delimiter", "|"},
            {"objective", "maximize_micro_f1"},
            {"augmentation", {{"copies", 1}}}}}}}};
}

// One server and one text classifier trained over HTTP for every test.
class TextOverHttp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir = new test_support::TempDir("hone-text-http");
        test_support::write_topics_csv(dir->path / "posts.csv", 240, true);
        store = registry::serialized(registry::open_store((dir->path / "hone.db").string())).release();
        server = test_support::start_on_both_ports(*store, dir->path).release();
        auto trained = test_support::train_over_http(server->port(), text_job_body(), "topics_http");
        events = new std::vector<test_support::SseEvent>(std::move(trained.events));
        result = new Json(std::move(trained.result));
        if (!trained.key.empty()) key = new std::string(trained.key);
    }
    static void TearDownTestSuite() {
        if (server) server->stop();
        delete server;
        delete store;
        delete result;
        delete events;
        delete key;
        delete dir;
    }

    void SetUp() override { ASSERT_NE(key, nullptr) << "the text classifier did not train"; }

    static std::string path() { return "/api/training/models/" + *key + "/predict"; }

    // The same request on both ports: the same status and document.
    static Reply on_both(const std::string& body) { return test_support::post_on_both_ports(*server, path(), body); }

    static test_support::TempDir* dir;
    static registry::Store* store;
    static server::Server* server;
    static Json* result;
    static std::vector<test_support::SseEvent>* events;
    static std::string* key;
};

test_support::TempDir* TextOverHttp::dir = nullptr;
registry::Store* TextOverHttp::store = nullptr;
server::Server* TextOverHttp::server = nullptr;
Json* TextOverHttp::result = nullptr;
std::vector<test_support::SseEvent>* TextOverHttp::events = nullptr;
std::string* TextOverHttp::key = nullptr;

}  // namespace

TEST_F(TextOverHttp, TheRunRegistersATextClassifierOfLabelSets) {
    const Json& r = *result;
    EXPECT_EQ(r["task"], "text_classification");
    EXPECT_EQ(r["algorithm"], "tfidf_linear");
    EXPECT_EQ(key->rfind("topics_topics_http_v", 0), 0u) << *key;
    EXPECT_EQ(r["labels"]["text"], "body");
    EXPECT_EQ(r["labels"]["labels"], "topics");
    EXPECT_EQ(r["labels"]["label_delimiter"], "|");
    EXPECT_EQ(r["labels"]["multi_label"], true);
    EXPECT_EQ(r["labels"]["label_names"], Json::array({"music", "politics", "sport"}));
    // 240 texts split 0.7 / 0.15 / 0.15; one augmented copy of each training text.
    EXPECT_EQ(r["training_samples"], 168);
    EXPECT_EQ(r["validation_samples"], 36);
    EXPECT_EQ(r["test_samples"], 36);
    EXPECT_EQ(r["augmentation"], (Json{{"copies", 1},
                                       {"deletion", 0.1},
                                       {"swaps", 1},
                                       {"crop", 0.9},
                                       {"seed", 42},
                                       {"training_texts", 168},
                                       {"added_rows", 168}}));
    EXPECT_GT(r["metrics"]["micro_f1"].get<double>(), 0.9) << r["metrics"].dump();
    ASSERT_FALSE(events->empty());
    EXPECT_EQ(events->back().type, "end");
    EXPECT_EQ(events->back().data["status"], "completed");

    Reply entry = Client(server->port()).get("/api/training/models/" + *key);
    ASSERT_EQ(entry.status, 200) << entry.raw;
    EXPECT_EQ(entry.body["data"]["task"], "text_classification");
    EXPECT_EQ(entry.body["data"]["metrics"], r["metrics"]);
    EXPECT_EQ(entry.body["data"]["metadata"]["augmentation"], r["augmentation"]);
}

TEST_F(TextOverHttp, PredictAnswersLabelSetsWithProbabilitiesOnBothPorts) {
    const Json rows = Json::array({{{"body", "the striker scored a goal in the league match"}},
                                   {{"body", "the minister lost the senate vote before the election"}},
                                   {{"body", "a guitar album and a concert chorus after the match goal"}}});
    Reply r = on_both(Json{{"records", rows}}.dump());
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.headers.find("Content-Type")->second, "application/json");
    EXPECT_EQ(r.body["predictions"],
              Json::array({Json::array({"sport"}), Json::array({"politics"}), Json::array({"music", "sport"})}));
    EXPECT_EQ(r.body["classes"], Json::array({"music", "politics", "sport"}));
    EXPECT_EQ(r.body["model"], *key);

    // The probabilities are the loaded model's, one per class in the order of "classes".
    auto model = train::LoadedModel::load(*store, *key);
    data::Frame frame;
    data::Column texts("body", data::DType::string);
    for (const auto& row : rows) texts.push_string(row["body"].get<std::string>());
    frame.add(std::move(texts));
    const train::Predictions local = model->predict(frame);
    ASSERT_EQ(r.body["probabilities"].size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        ASSERT_EQ(r.body["probabilities"][i].size(), 3u) << i;
        for (std::size_t k = 0; k < 3; ++k)
            EXPECT_EQ(r.body["probabilities"][i][k].get<double>(), local.proba[i][k]) << i << "," << k;
    }
    // Each text's own topics are its most probable labels.
    EXPECT_GT(local.proba[0][2], std::max(local.proba[0][0], local.proba[0][1]));
    EXPECT_GT(local.proba[1][1], std::max(local.proba[1][0], local.proba[1][2]));
    EXPECT_GT(std::min(local.proba[2][0], local.proba[2][2]), local.proba[2][1]);
}

TEST_F(TextOverHttp, RowsWithoutTheTextColumnAreRefused) {
    Reply r = on_both(R"({"records": [{"text": "a goal in the match"}]})");
    EXPECT_EQ(r.status, 422) << r.raw;
    EXPECT_EQ(r.body["error"], "missing_feature") << r.raw;
    EXPECT_EQ(r.body["message"], "feature column 'body' is missing from the rows");
    EXPECT_EQ(r.body["hint"], "the model takes: body");
    // The server answers on.
    EXPECT_EQ(on_both(R"({"records": [{"body": "a goal in the match"}]})").status, 200);
}
