// Text classifiers trained end to end from job files: the classification
// format's label sets, a table with one label per text, registration, reload
// and prediction, and the errors of bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "../support/errors.hpp"
#include "churn_workspace.hpp"
#include "common/error.hpp"
#include "lang/job_file.hpp"
#include "train/predictor.hpp"
#include "train/trainer.hpp"

namespace fs = std::filesystem;
using namespace hone;
using hone::test_support::Workspace;
using Json = nlohmann::ordered_json;

namespace {

// Texts about 5 topics, each topic its own words among shared filler; a third
// of the texts are about two topics.
void write_classification(const fs::path& path, int n) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> topics = {
        {"000", {"algorithm", "data", "compute", "network", "software", "code"}},
        {"004", {"learning", "model", "neural", "training", "inference", "weights"}},
        {"100", {"philosophy", "ethics", "mind", "knowledge", "truth", "reason"}},
        {"300", {"society", "economy", "market", "policy", "law", "trade"}},
        {"500", {"physics", "chemistry", "energy", "particle", "atom", "molecule"}}};
    const std::vector<std::string> filler = {"the", "a", "of", "and", "to", "in", "is", "for", "with", "on"};
    std::mt19937_64 rng(11);
    Json samples = Json::array();
    for (int i = 0; i < n; ++i) {
        std::size_t a = rng() % 5, b = (a + 1 + rng() % 4) % 5;
        std::vector<std::string> codes = {topics[a].first};
        std::vector<std::string> words;
        for (int w = 0; w < 6; ++w) words.push_back(topics[a].second[rng() % 6]);
        if (i % 3 == 0) {
            codes.push_back(topics[b].first);
            for (int w = 0; w < 6; ++w) words.push_back(topics[b].second[rng() % 6]);
        }
        std::sort(codes.begin(), codes.end());
        for (int w = 0; w < 8; ++w) words.push_back(filler[rng() % filler.size()]);
        std::shuffle(words.begin(), words.end(), rng);
        std::string text;
        for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
        samples.push_back(Json{{"text", text}, {"taxonomy_codes", codes}, {"confidence", 1.0}});
    }
    std::ofstream(path) << Json{{"metadata", {{"num_samples", n}}}, {"samples", samples}}.dump();
}

lang::JobFile job(const Workspace& ws, const std::string& dataset, const std::string& model,
                  const std::string& training) {
    std::string text = "dataset \"docs\":\n" + dataset + "model \"taxonomy\":\n    type: text_classifier\n" + model +
                       "training \"taxonomy\":\n    model: taxonomy\n    dataset: docs\n"
                       "    objective: maximize_micro_f1\n" +
                       training;
    auto loaded = lang::parse_job_text(text, (ws.dir / "text.n3").string(), lang::Format::n3);
    EXPECT_TRUE(loaded.ok()) << loaded.report();
    return loaded.spec;
}

const std::string kClassificationDataset = "    source: classification\n    path: docs.json\n";

}  // namespace

TEST(TextTraining, LabelSetsTrainRegisterAndPredictTheSameAfterReload) {
    Workspace ws;
    write_classification(ws.dir / "docs.json", 600);
    auto file = job(ws, kClassificationDataset, "    algorithm: tfidf_linear\n", "");
    Json result = train::run_training_job(file, "taxonomy", *ws.store, ws.options());
    EXPECT_EQ(result["task"], "text_classification");
    EXPECT_EQ(result["labels"]["multi_label"], true);
    EXPECT_EQ(result["labels"]["label_delimiter"], "|");
    EXPECT_EQ(result["labels"]["label_names"], Json::array({"000", "004", "100", "300", "500"}));
    EXPECT_EQ(result["labels"]["thresholds"].size(), 5u);
    EXPECT_EQ(result["training_samples"], 420);
    EXPECT_GT(result["metrics"]["micro_f1"].get<double>(), 0.9);
    EXPECT_GT(result["metrics"]["samples_f1"].get<double>(), 0.9);
    EXPECT_LT(result["metrics"]["hamming_loss"].get<double>(), 0.05);
    EXPECT_EQ(result["objective"]["metric"], "micro_f1");

    const std::string key = result["registry_key"];
    auto model = train::LoadedModel::load(*ws.store, key);
    ASSERT_TRUE(model->takes_text());
    EXPECT_EQ(model->features(), std::vector<std::string>{"text"});
    data::Frame rows;
    data::Column texts("text", data::DType::string);
    texts.push_string("neural training of the model weights");
    texts.push_string("the market and trade policy");
    rows.add(std::move(texts));
    train::Predictions first = model->predict(rows);
    EXPECT_EQ(first.values[0], Json::array({"004"}));
    EXPECT_EQ(first.values[1], Json::array({"300"}));
    EXPECT_EQ(first.classes.size(), 5u);
    auto again = train::LoadedModel::load(*ws.store, key);
    train::Predictions second = again->predict(rows);
    EXPECT_EQ(second.values, first.values);
    EXPECT_EQ(second.proba, first.proba);
}

TEST(TextTraining, OneLabelPerTextFromATableWithFastText) {
    Workspace ws;
    std::ofstream csv(ws.dir / "docs.csv");
    csv << "body,topic\n";
    const char* words[3][4] = {{"goal", "match", "striker", "league"},
                               {"vote", "senate", "election", "minister"},
                               {"guitar", "album", "concert", "chorus"}};
    const char* names[3] = {"sport", "politics", "music"};
    std::mt19937_64 rng(5);
    for (int i = 0; i < 300; ++i) {
        int t = i % 3;
        csv << words[t][rng() % 4] << " the " << words[t][rng() % 4] << " of " << words[t][rng() % 4] << ","
            << names[t] << "\n";
    }
    csv.close();
    auto file = job(ws, "    source: csv\n    path: docs.csv\n",
                    "    algorithm: fasttext\n    hyperparameters:\n        epoch: 25\n        thread: 1\n",
                    "    text: body\n    target: topic\n");
    Json result = train::run_training_job(file, "taxonomy", *ws.store, ws.options());
    EXPECT_EQ(result["labels"]["multi_label"], false);
    EXPECT_TRUE(result["labels"]["thresholds"].is_null());
    EXPECT_GT(result["metrics"]["subset_accuracy"].get<double>(), 0.95);
}

TEST(TextTraining, BadInputIsNamed) {
    Workspace ws;
    write_classification(ws.dir / "docs.json", 60);
    auto missing = job(ws, kClassificationDataset, "", "    text: body\n");
    Error e = test_support::error_of([&] { train::run_training_job(missing, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.code(), "missing_column");
    EXPECT_EQ(e.message(), "text column 'body' is not in dataset 'docs'");
    EXPECT_EQ(e.hint(), "its columns are: text, taxonomy_codes, confidence");

    std::ofstream(ws.dir / "empty.csv") << "text,topic\nhello there,\nsecond text,\n";
    auto unlabelled = job(ws, "    source: csv\n    path: empty.csv\n", "", "    target: topic\n");
    e = test_support::error_of([&] { train::run_training_job(unlabelled, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.code(), "no_labelled_texts");
    EXPECT_EQ(e.message(), "no row of dataset 'docs' has both a text in 'text' and a label in 'topic'");
}
