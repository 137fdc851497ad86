// Recommenders over HTTP, end to end: a recommender job created from JSON
// blocks and run through the job routes on a real server, then asked for
// recommendations over real sockets on the main port and on the prediction
// port, with the request's errors; and `hone recommend --json` answering the
// same document from the same registry.
#include <gtest/gtest.h>

#include <string>

#include "server/server.hpp"
#include "train/predictor.hpp"
#include "../support/run_hone.hpp"
#include "../train/recommender_workspace.hpp"
#include "http_client.hpp"
#include "trained_over_http.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Client;
using test_support::Reply;

namespace {

Json recommender_job_body() {
    return Json{
        {"datasets", {{"history", {{"source", "interactions"}, {"path", "interactions.json"}}}}},
        {"models",
         {{"recommender",
           {{"type", "recommender"},
            {"algorithm", "ncf"},
            {"hyperparameters",
             {{"embedding_dim", 8}, {"hidden_layers", {16, 8}}, {"epochs", 4}, {"batch_size", 128},
              {"learning_rate", 0.01}}}}}}},
        {"trainings",
         {{"recommend_http",
           {{"model", "recommender"},
            {"dataset", "history"},
            {"objective", "maximize_ndcg@10"},
            {"evaluation", {{"protocol", "leave_one_out"}, {"negatives", 30}, {"k", {5, 10}}}},
            {"early_stopping", {{"metric", "val_ndcg@10"}, {"patience", 3}}}}}}}};
}

// One server and one recommender trained over HTTP for every test.
class RecommendOverHttp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ws = new test_support::RecommenderWorkspace();
        server = test_support::start_on_both_ports(*ws->store, ws->dir).release();
        auto trained = test_support::train_over_http(server->port(), recommender_job_body(), "recommend_http");
        events = new std::vector<test_support::SseEvent>(std::move(trained.events));
        result = new Json(std::move(trained.result));
        if (!trained.key.empty()) key = new std::string(trained.key);
    }
    static void TearDownTestSuite() {
        if (server) server->stop();
        delete server;
        delete ws;
        delete result;
        delete events;
        delete key;
    }

    void SetUp() override { ASSERT_NE(key, nullptr) << "the recommender did not train"; }

    static std::string path(const std::string& model) { return "/api/training/models/" + model + "/recommend"; }

    // The same request on both ports: the same status and document.
    static Reply on_both(const std::string& body, const std::string& model = "") {
        return test_support::post_on_both_ports(*server, path(model.empty() ? *key : model), body);
    }
    static void expect_error(const std::string& body, int status, const std::string& code, const std::string& message,
                             const std::string& hint = "") {
        SCOPED_TRACE(body);
        Reply r = on_both(body);
        EXPECT_EQ(r.status, status) << r.raw;
        EXPECT_EQ(r.body["error"], code) << r.raw;
        EXPECT_EQ(r.body["message"], message) << r.raw;
        if (!hint.empty()) {
            EXPECT_EQ(r.body["hint"], hint) << r.raw;
        }
    }

    static test_support::RecommenderWorkspace* ws;
    static server::Server* server;
    static Json* result;
    static std::vector<test_support::SseEvent>* events;
    static std::string* key;
};

test_support::RecommenderWorkspace* RecommendOverHttp::ws = nullptr;
server::Server* RecommendOverHttp::server = nullptr;
Json* RecommendOverHttp::result = nullptr;
std::vector<test_support::SseEvent>* RecommendOverHttp::events = nullptr;
std::string* RecommendOverHttp::key = nullptr;

}  // namespace

TEST_F(RecommendOverHttp, TheRunStreamsEpochsAndRegistersARecommender) {
    EXPECT_EQ((*result)["task"], "recommendation");
    EXPECT_EQ((*result)["algorithm"], "ncf");
    EXPECT_EQ((*result)["evaluation"]["protocol"], "leave_one_out");
    EXPECT_EQ(key->rfind("recommender_recommend_http_v", 0), 0u) << *key;
    EXPECT_GT((*result)["metrics"]["hr@10"].get<double>(), (*result)["baseline"]["metrics"]["hr@10"].get<double>());
    int epochs = 0;
    for (const auto& e : *events)
        if (e.type == "progress" && e.data["progress"].contains("current_epoch")) ++epochs;
    EXPECT_GE(epochs, 1);
    ASSERT_FALSE(events->empty());
    EXPECT_EQ(events->back().type, "end");
    EXPECT_EQ(events->back().data["status"], "completed");

    Reply entry = Client(server->port()).get("/api/training/models/" + *key);
    ASSERT_EQ(entry.status, 200) << entry.raw;
    EXPECT_EQ(entry.body["data"]["task"], "recommendation");
    EXPECT_EQ(entry.body["data"]["metrics"], (*result)["metrics"]);
}

TEST_F(RecommendOverHttp, OneUserOnBothPortsAsTheLoadedModelAnswers) {
    Reply r = on_both(R"({"user_id": "u5"})");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.headers.find("Content-Type")->second, "application/json");
    Json expected = train::LoadedModel::load(*ws->store, *key)->require_recommender().recommend("u5", 10, false);
    expected["model"] = *key;
    EXPECT_EQ(r.body, expected);
    EXPECT_EQ(r.raw, r.body.dump()) << "scores written as the floats they are";
    ASSERT_EQ(r.body["items"].size(), 10u);

    // k and include_seen as asked; an id written as a number is that text.
    Reply seen = on_both(R"({"user_id": "u5", "k": 3, "include_seen": true})");
    ASSERT_EQ(seen.status, 200) << seen.raw;
    Json with_seen = train::LoadedModel::load(*ws->store, *key)->require_recommender().recommend("u5", 3, true);
    with_seen["model"] = *key;
    EXPECT_EQ(seen.body, with_seen);
    Reply numeric = on_both(R"({"user_id": 7, "k": 2})");
    ASSERT_EQ(numeric.status, 200) << numeric.raw;
    EXPECT_EQ(numeric.body["user_id"], "7");
    EXPECT_EQ(numeric.body["cold_start"], true);
    EXPECT_EQ(numeric.body["items"],
              Json::array({{{"item_id", "top1"}, {"score", 96.0}}, {{"item_id", "top2"}, {"score", 48.0}}}));
}

TEST_F(RecommendOverHttp, SeveralUsersAnswerAsEachAlone) {
    Reply r = on_both(R"({"user_ids": ["u5", "someone_new", "u12"], "k": 4})");
    ASSERT_EQ(r.status, 200) << r.raw;
    ASSERT_EQ(r.body["recommendations"].size(), 3u);
    EXPECT_EQ(r.body["model"], *key);
    const char* users[] = {"u5", "someone_new", "u12"};
    for (int i = 0; i < 3; ++i) {
        Reply one = on_both(Json{{"user_id", users[i]}, {"k", 4}}.dump());
        Json alone = one.body;
        alone.erase("model");
        EXPECT_EQ(r.body["recommendations"][i], alone) << users[i];
    }
    EXPECT_EQ(r.body["recommendations"][1]["cold_start"], true);
}

TEST_F(RecommendOverHttp, RequestErrorsSayWhatIsWrong) {
    expect_error("{}", 400, "invalid_field", "the request needs 'user_id' or 'user_ids'",
                 R"(e.g. {"user_id": "user_7", "k": 10})");
    expect_error(R"({"k": 5})", 400, "invalid_field", "the request needs 'user_id' or 'user_ids'");
    expect_error(R"({"user_id": "u5", "user_ids": ["u6"]})", 400, "invalid_field",
                 "give either 'user_id' or 'user_ids', not both");
    expect_error(R"({"user_id": "u5", "k": 0})", 400, "invalid_field", "'k' must be a whole number of at least 1, got 0");
    expect_error(R"({"user_id": "u5", "k": 2.5})", 400, "invalid_field",
                 "'k' must be a whole number of at least 1, got 2.5");
    expect_error(R"({"user_id": "u5", "include_seen": "yes"})", 400, "invalid_field",
                 "'include_seen' must be true or false, got \"yes\"");
    expect_error(R"({"user_id": "u5", "include_sen": true})", 400, "unknown_field",
                 "unknown field 'include_sen' in a recommendation request; did you mean 'include_seen'?",
                 "expected 'user_id', 'user_ids', 'k' or 'include_seen'");
    expect_error(R"({"user_id": ""})", 400, "invalid_field",
                 "'user_id' must be a user id (a non-empty string or a whole number), got \"\"");
    expect_error(R"({"user_ids": []})", 400, "invalid_field", "'user_ids' must be a list of 1 to 1000 user ids");
    expect_error(R"({"user_ids": ["u1", null]})", 400, "invalid_field",
                 "'user_ids[1]' must be a user id (a non-empty string or a whole number), got null");
    const std::string items =
        std::to_string(train::LoadedModel::load(*ws->store, *key)->require_recommender().num_items());
    expect_error(R"({"user_id": "u5", "k": 1000})", 400, "invalid_k",
                 "k must be from 1 to the catalog's " + items + " items, got 1000");

    Reply unknown = on_both(R"({"user_id": "u5"})", "no_such_model");
    EXPECT_EQ(unknown.status, 404) << unknown.raw;
    EXPECT_EQ(unknown.body["error"], "model_not_found") << unknown.raw;
    // The server answers on after every error.
    EXPECT_EQ(on_both(R"({"user_id": "u5", "k": 1})").status, 200);
}

// `hone recommend --json` prints what the endpoint answers, for one user and several.
TEST_F(RecommendOverHttp, TheCliJsonIsTheSameDocument) {
    const std::string settings =
        " --store " + (ws->dir / "hone.db").string() + " --model-root " + (ws->dir / "models").string();
    auto one = test_support::run_hone("recommend " + *key + " --user u5 --json" + settings);
    ASSERT_EQ(one.code, 0) << one.err;
    EXPECT_EQ(Json::parse(one.out), on_both(R"({"user_id": "u5"})").body);
    auto many = test_support::run_hone("recommend " + *key + " --user u5 --user someone_new -k 3 --include-seen --json" +
                                       settings);
    ASSERT_EQ(many.code, 0) << many.err;
    EXPECT_EQ(Json::parse(many.out),
              on_both(R"({"user_ids": ["u5", "someone_new"], "k": 3, "include_seen": true})").body);
}
