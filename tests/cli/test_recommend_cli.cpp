// `hone recommend` as a user runs it: a recommender trained by `hone train`
// into a registry of the test's own, then asked for one user and several, as
// text and as JSON, with the exit codes and messages of what goes wrong; and
// the other commands' answers about a recommender.
#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "../support/files.hpp"
#include "../support/run_hone.hpp"
#include "../train/recommender_workspace.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using hone::test_support::Ran;
using hone::test_support::run_hone;

namespace {

// A registry in a temporary directory, a popularity recommender and a small
// classifier trained into it once for every test.
class RecommendCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir = new hone::test_support::TempDir("hone-recommend-cli");
        const fs::path& d = dir->path;
        hone::test_support::write_interactions_json(d / "interactions.json",
                                                    hone::test_support::grouped_interactions());
        std::ofstream(d / "recommend.n3") << hone::test_support::recommender_job(
            "popularity", "",
            "    objective: maximize_hr@10\n    evaluation:\n        negatives: 30\n        k: [10]\n");
        std::ofstream csv(d / "points.csv");
        csv << "x,y,label\n";
        for (int i = 0; i < 60; ++i) csv << i << "," << (i * 7) % 13 << "," << (i % 2 ? "odd" : "even") << "\n";
        csv.close();
        std::ofstream(d / "classify.n3")
            << "dataset \"points\":\n    source: csv\n    path: points.csv\n"
               "model \"clf\":\n    type: classifier\n    algorithm: logistic_regression\n"
               "training \"classify\":\n    model: clf\n    dataset: points\n    target: label\n"
               "    objective: maximize_accuracy\n";

        Ran trained = run_hone("train " + (d / "recommend.n3").string() + " --json" + settings());
        ASSERT_EQ(trained.code, 0) << trained.out << trained.err;
        key = new std::string(Json::parse(trained.out)["registry_key"].get<std::string>());
        Ran classified = run_hone("train " + (d / "classify.n3").string() + " --json" + settings());
        ASSERT_EQ(classified.code, 0) << classified.out << classified.err;
        classifier = new std::string(Json::parse(classified.out)["registry_key"].get<std::string>());
    }
    static void TearDownTestSuite() {
        delete key;
        delete classifier;
        delete dir;
    }
    void SetUp() override {
        ASSERT_NE(key, nullptr) << "the recommender did not train";
        ASSERT_NE(classifier, nullptr) << "the classifier did not train";
    }

    static std::string settings() {
        return " --store " + (dir->path / "hone.db").string() + " --model-root " + (dir->path / "models").string();
    }
    static Ran recommend(const std::string& args) { return run_hone("recommend " + *key + " " + args + settings()); }

    static hone::test_support::TempDir* dir;
    static std::string* key;
    static std::string* classifier;
};

hone::test_support::TempDir* RecommendCli::dir = nullptr;
std::string* RecommendCli::key = nullptr;
std::string* RecommendCli::classifier = nullptr;

}  // namespace

TEST_F(RecommendCli, AnUnknownUserGetsTheMostPopularItemsAsText) {
    Ran r = recommend("--user someone_new -k 3");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out,
              "someone_new (unknown to the model: the most popular items)\n"
              "  1. top1  96\n"
              "  2. top2  48\n"
              "  3. top3  32\n");
    EXPECT_EQ(r.err, "");
}

TEST_F(RecommendCli, TextAndJsonSayTheSame) {
    Ran text = recommend("--user u5 -k 4");
    Ran json = recommend("--user u5 -k 4 --json");
    ASSERT_EQ(text.code, 0) << text.err;
    ASSERT_EQ(json.code, 0) << json.err;
    Json doc = Json::parse(json.out);
    EXPECT_EQ(doc["user_id"], "u5");
    EXPECT_EQ(doc["cold_start"], false);
    EXPECT_EQ(doc["model"], *key);
    ASSERT_EQ(doc["items"].size(), 4u);
    std::string expected = "u5\n";
    int rank = 0;
    for (const auto& item : doc["items"]) {
        const double score = item["score"].get<double>();
        char buf[64];
        const auto written = std::to_chars(buf, buf + sizeof buf, score);  // the shortest text that reads back
        expected += "  " + std::to_string(++rank) + ". " + item["item_id"].get<std::string>() + "  " +
                    std::string(buf, written.ptr) + "\n";
    }
    EXPECT_EQ(text.out, expected);
    // Written as indented JSON, one document.
    EXPECT_EQ(json.out, doc.dump(2) + "\n");
}

TEST_F(RecommendCli, ARepeatedUserAsksForEach) {
    Ran text = recommend("--user u5 --user someone_new -k 2");
    ASSERT_EQ(text.code, 0) << text.err;
    Ran json = recommend("-u u5 -u someone_new -k 2 --json");
    ASSERT_EQ(json.code, 0) << json.err;
    Json doc = Json::parse(json.out);
    ASSERT_EQ(doc["recommendations"].size(), 2u);
    EXPECT_EQ(doc["recommendations"][0]["user_id"], "u5");
    EXPECT_EQ(doc["recommendations"][1]["user_id"], "someone_new");
    EXPECT_EQ(doc["model"], *key);
    // Each user as asked alone.
    Json alone = Json::parse(recommend("--user u5 -k 2 --json").out);
    alone.erase("model");
    EXPECT_EQ(doc["recommendations"][0], alone);
    const std::string u5 = recommend("--user u5 -k 2").out;
    EXPECT_EQ(text.out, u5 + "someone_new (unknown to the model: the most popular items)\n  1. top1  96\n  2. top2  48\n");
    // Seen items are left out unless asked for: u5 has seen top1.
    Json seen = Json::parse(recommend("--user u5 -k 1 --include-seen --json").out);
    EXPECT_EQ(seen["items"][0]["item_id"], "top1");
    for (const auto& item : doc["recommendations"][0]["items"]) EXPECT_NE(item["item_id"], "top1");
}

TEST_F(RecommendCli, ErrorsExitWithTheirCodesAndMessages) {
    Ran zero = recommend("--user u5 -k 0");
    EXPECT_EQ(zero.code, 1);
    EXPECT_EQ(zero.out, "");
    EXPECT_EQ(zero.err, "error: 'k' must be a whole number of at least 1, got 0\n");

    Ran many = recommend("--user u5 -k 500");
    EXPECT_EQ(many.code, 1);
    EXPECT_NE(many.err.find("error: k must be from 1 to the catalog's "), std::string::npos) << many.err;
    EXPECT_NE(many.err.find(" items, got 500\n"), std::string::npos) << many.err;

    Ran unknown = run_hone("recommend no_such_model --user u5" + settings());
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err, "error: no model 'no_such_model' in the registry\n"
                           "hint: 'hone models list' shows the registered models\n");

    Ran no_user = run_hone("recommend " + *key + settings());
    EXPECT_NE(no_user.code, 0);
    EXPECT_NE(no_user.err.find("--user is required"), std::string::npos) << no_user.err;

    Ran classifier_asked = run_hone("recommend " + *classifier + " --user u5" + settings());
    EXPECT_EQ(classifier_asked.code, 1);
    EXPECT_EQ(classifier_asked.err, "error: model '" + *classifier + "' is a classification model, not a recommender\n"
                                    "hint: predict with it instead: hone predict " + *classifier +
                                    " --input FILE, or POST /api/training/models/" + *classifier + "/predict\n");
}

TEST_F(RecommendCli, PredictRefusesARecommender) {
    Ran r = run_hone("predict " + *key + " --input " + (dir->path / "interactions.json").string() + settings());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "error: model '" + *key + "' is a recommender: it ranks items for users and predicts no rows\n"
                     "hint: ask it for recommendations: hone recommend " + *key + " --user ID, or POST "
                     "/api/training/models/" + *key + "/recommend\n");
}

TEST_F(RecommendCli, CheckSuggestsTheRankingMetricMeant) {
    const fs::path job = dir->path / "typo.n3";
    std::ofstream(job) << hone::test_support::recommender_job("ncf", "", "    objective: maximize_ndgc@10\n");
    Ran r = run_hone("check " + job.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("error: objective 'maximize_ndgc@10': unknown metric 'ndgc@10'; did you mean 'ndcg@10'?"),
              std::string::npos)
        << r.out << r.err;
}

TEST_F(RecommendCli, ModelsListShowsTheRecommender) {
    Ran r = run_hone("models" + settings() + " list --json");
    ASSERT_EQ(r.code, 0) << r.err;
    Json list = Json::parse(r.out);
    bool found = false;
    for (const auto& m : list)
        if (m["key"] == *key) {
            found = true;
            EXPECT_EQ(m["algorithm"], "popularity");
            EXPECT_EQ(m["task"], "recommendation");
        }
    EXPECT_TRUE(found) << r.out;
}
