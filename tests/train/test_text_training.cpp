// Text classifiers trained end to end from job files (N3, the YAML template
// and YAML block maps): the classification format's label sets, a table with
// one label per text, registration, reload and prediction, augmentation of the
// training texts, and the errors of bad input with their exact messages.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "../support/errors.hpp"
#include "churn_workspace.hpp"
#include "common/error.hpp"
#include "lang/job_file.hpp"
#include "text_corpus.hpp"
#include "train/predictor.hpp"
#include "train/text_training.hpp"
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
    EXPECT_EQ(e.message(), "no row of dataset 'docs' has a label in 'topic': every label set is empty");
}

namespace {

lang::JobFile parse_yaml(const Workspace& ws, const std::string& yaml, std::string* report = nullptr) {
    auto loaded = lang::parse_job_text(yaml, (ws.dir / "text.yaml").string(), lang::Format::yaml);
    EXPECT_TRUE(loaded.ok()) << loaded.report();
    if (report) *report = loaded.report();
    return loaded.spec;
}

// The topics corpus as a table, with a training "taxonomy" of tfidf_linear
// on it with `training` lines after the usual ones.
lang::JobFile topics_job(const Workspace& ws, const std::string& training) {
    return job(ws, "    source: csv\n    path: posts.csv\n", "    algorithm: tfidf_linear\n",
               "    text: body\n    target: topics\n    label_delimiter: \"|\"\n" + training);
}

std::set<std::string> words_of(const std::vector<std::string>& texts) {
    std::set<std::string> out;
    for (const auto& t : texts) {
        std::istringstream in(t);
        for (std::string w; in >> w;) out.insert(w);
    }
    return out;
}

}  // namespace

// The configuration template carries the text fields and the augmentation at
// top level; its base_model names the algorithm; with no objective a text
// classifier maximizes micro_f1, and a warning says so.
TEST(TextTraining, FromTheConfigurationTemplate) {
    Workspace ws;
    test_support::write_topics_csv(ws.dir / "posts.csv", 240, true);
    std::string report;
    auto file = parse_yaml(ws, R"(name: topics_template
model:
  name: topics
  model_type: text_classifier
  base_model: tfidf_linear
training_data:
  source: csv
  path: posts.csv
text: body
target: topics
label_delimiter: "|"
allow_empty: true
augmentation:
  copies: 2
  seed: 5
)", &report);
    EXPECT_EQ(report, (ws.dir / "text.yaml").string() +
                          ":1:7: warning: no objective given: the job maximizes micro_f1, a text classifier's usual "
                          "metric (set 'objective' to choose another)\n 1 | name: topics_template\n   |       "
                          "^~~~~~~~~~~~~~~\n");
    Json r = train::run_training_job(file, "topics_template", *ws.store, ws.options());
    EXPECT_EQ(r["task"], "text_classification");
    EXPECT_EQ(r["algorithm"], "tfidf_linear");
    EXPECT_EQ(r["objective"]["name"], "maximize_micro_f1");
    const Json& labels = r["labels"];
    EXPECT_EQ(labels["text"], "body");
    EXPECT_EQ(labels["labels"], "topics");
    EXPECT_EQ(labels["label_delimiter"], "|");
    EXPECT_EQ(labels["multi_label"], true);
    EXPECT_EQ(labels["allow_empty"], true);
    EXPECT_EQ(labels["label_names"], Json::array({"music", "politics", "sport"}));
    EXPECT_EQ(labels["thresholds"].size(), 3u);
    EXPECT_EQ(r["training_samples"], 168);
    EXPECT_EQ(r["augmentation"]["copies"], 2);
    EXPECT_EQ(r["augmentation"]["seed"], 5);
    EXPECT_EQ(r["augmentation"]["added_rows"], 336);
    EXPECT_GT(r["metrics"]["micro_f1"].get<double>(), 0.95) << r["metrics"].dump();
}

// Block maps carry the same keys: one label per text with fastText, each
// text weighted by a column; a weight column that is not there is named.
TEST(TextTraining, FromYamlBlockMaps) {
    Workspace ws;
    test_support::write_topics_csv(ws.dir / "posts.csv", 240, false, true);
    const std::string yaml = R"(datasets:
  posts: {source: csv, path: posts.csv}
models:
  topics:
    type: text_classifier
    algorithm: fasttext
    hyperparameters: {epoch: 25, thread: 1}
trainings:
  topics_yaml:
    model: topics
    dataset: posts
    text: body
    target: topics
    weight: trust
    allow_empty: false
    objective: maximize_subset_accuracy
)";
    Json r = train::run_training_job(parse_yaml(ws, yaml), "topics_yaml", *ws.store, ws.options());
    EXPECT_EQ(r["algorithm"], "fasttext");
    EXPECT_EQ(r["labels"], (Json{{"text", "body"},
                                 {"labels", "topics"},
                                 {"label_delimiter", nullptr},
                                 {"multi_label", false},
                                 {"allow_empty", false},
                                 {"label_names", {"music", "politics", "sport"}},
                                 {"thresholds", nullptr}}));
    EXPECT_TRUE(r["augmentation"].is_null());
    EXPECT_EQ(r["metrics"]["subset_accuracy"], 1.0) << r["metrics"].dump();

    std::string renamed = yaml;
    renamed.replace(renamed.find("weight: trust"), 13, "weight: trusst");
    Error e = test_support::error_of(
        [&] { train::run_training_job(parse_yaml(ws, renamed), "topics_yaml", *ws.store, ws.options()); });
    EXPECT_EQ(e.code(), "missing_column");
    EXPECT_EQ(e.message(), "weight column 'trusst' is not in dataset 'posts'; did you mean 'trust'?");
    EXPECT_EQ(e.hint(), "its columns are: body, topics, trust");
}

// Augmentation makes its copies from the training split alone, after the
// split: no validation or test text, nor any word only they have, is ever
// among the training rows; the result counts the rows it added.
TEST(TextAugmentation, CopiesOnlyTrainingTextsAfterTheSplit) {
    Workspace ws;
    test_support::write_topics_csv(ws.dir / "posts.csv", 240, true);
    auto file = topics_job(ws, "    augmentation:\n        copies: 3\n        deletion: 0.3\n        crop: 0.5\n");
    train::TextSetup s = train::prepare_text(file, *file.find_training("taxonomy"));
    ASSERT_EQ(s.training_texts(), 168u);
    EXPECT_EQ(s.augmented, 3u * 168u);
    EXPECT_EQ(s.train.size(), 4u * 168u);
    EXPECT_EQ(s.train.labels.size(), s.train.size());
    EXPECT_EQ(s.train.weights.size(), s.train.size());
    EXPECT_EQ(s.validation.size(), 36u);
    EXPECT_EQ(s.test.size(), 36u);

    const std::vector<std::string> originals(s.train.texts.begin(), s.train.texts.begin() + 168);
    const std::vector<std::string> copies(s.train.texts.begin() + 168, s.train.texts.end());
    std::vector<std::string> held_out = s.validation.texts;
    held_out.insert(held_out.end(), s.test.texts.begin(), s.test.texts.end());
    const std::set<std::string> training_rows(s.train.texts.begin(), s.train.texts.end());
    for (const auto& text : held_out) EXPECT_FALSE(training_rows.count(text)) << text;
    // Every text has its own "doc<i>" word: a held-out one is in no training row.
    const std::set<std::string> training_words = words_of(s.train.texts);
    for (const auto& word : words_of(held_out))
        if (word.rfind("doc", 0) == 0) EXPECT_FALSE(training_words.count(word)) << word;
    // Each copy is made of its source's words, with its source's labels.
    for (std::size_t k = 0; k < copies.size(); ++k) {
        const std::size_t source = k / 3;
        const std::set<std::string> allowed = words_of({originals[source]});
        for (const auto& word : words_of({copies[k]})) EXPECT_TRUE(allowed.count(word)) << copies[k];
        EXPECT_EQ(s.train.labels[168 + k], s.train.labels[source]) << k;
    }

    Json r = train::run_training_job(file, "taxonomy", *ws.store, ws.options());
    EXPECT_EQ(r["training_samples"], 168);
    EXPECT_EQ(r["augmentation"], (Json{{"copies", 3},
                                       {"deletion", 0.3},
                                       {"swaps", 1},
                                       {"crop", 0.5},
                                       {"seed", 42},
                                       {"training_texts", 168},
                                       {"added_rows", 504}}));
    auto entry = ws.store->get_model(r["registry_key"].get<std::string>());
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->training_samples, 168);
    EXPECT_EQ(entry->metadata["augmentation"], r["augmentation"]);
}

// The same seed makes the same copies; another augmentation seed other copies
// of the same training texts (the split's seed is the training's).
TEST(TextAugmentation, TheSeedDecidesTheCopies) {
    Workspace ws;
    test_support::write_topics_csv(ws.dir / "posts.csv", 120, true);
    auto prepare = [&](const std::string& training) {
        auto file = topics_job(ws, training);
        return train::prepare_text(file, *file.find_training("taxonomy"));
    };
    const train::TextSetup first = prepare("    augmentation: {copies: 2, seed: 9}\n");
    const train::TextSetup again = prepare("    augmentation: {copies: 2, seed: 9}\n");
    const train::TextSetup other = prepare("    augmentation: {copies: 2, seed: 10}\n");
    const train::TextSetup none = prepare("");
    const train::TextSetup off = prepare("    augmentation: {copies: 2, enabled: false}\n");
    EXPECT_EQ(first.train.texts, again.train.texts);
    ASSERT_EQ(first.train.size(), other.train.size());
    const auto originals = [](const train::TextSetup& s) {
        return std::vector<std::string>(s.train.texts.begin(), s.train.texts.begin() + s.training_texts());
    };
    EXPECT_EQ(originals(first), originals(other));
    EXPECT_EQ(originals(first), none.train.texts);
    EXPECT_EQ(first.test.texts, none.test.texts);
    EXPECT_NE(first.train.texts, other.train.texts);
    EXPECT_EQ(none.augmented, 0u);
    EXPECT_EQ(off.augmented, 0u);
    EXPECT_EQ(off.train.texts, none.train.texts);
    // Without its own seed, the training's seed.
    EXPECT_EQ(prepare("    seed: 9\n    augmentation: {copies: 2}\n").augmented, first.augmented);
    EXPECT_EQ(prepare("    augmentation: {copies: 2}\n").train.texts,
              prepare("    augmentation: {copies: 2, seed: 42}\n").train.texts);
}

// ---- bad input, each with its exact message ----

TEST(TextTrainingErrors, RowsWithoutATextOrALabelAreLeftOutAndNamed) {
    Workspace ws;
    std::ofstream csv(ws.dir / "docs.csv");
    csv << "body,topic\n";
    for (int i = 0; i < 60; ++i) {
        const bool no_text = i == 4 || i == 9, no_label = i == 20;
        csv << (no_text ? std::string() : "goal match striker doc" + std::to_string(i)) << ","
            << (no_label ? "" : "sport") << "\n";
        csv << "vote senate election doc" << i << ",politics\n";
    }
    csv.close();
    auto file = job(ws, "    source: csv\n    path: docs.csv\n", "", "    text: body\n    target: topic\n");
    Json r = train::run_training_job(file, "taxonomy", *ws.store, ws.options());
    EXPECT_EQ(r["warnings"], Json::array({"2 rows of dataset 'docs' with an empty 'body' were left out (the first: "
                                          "row 9)",
                                          "1 row of dataset 'docs' with no label in 'topic' was left out: row 41"}));
}

// Nothing to learn from: the classification format names each empty label
// set as it loads; a table says which column is empty everywhere.
TEST(TextTrainingErrors, EveryLabelSetEmpty) {
    Workspace ws;
    Json samples = Json::array();
    for (int i = 0; i < 3; ++i)
        samples.push_back(Json{{"text", "text number " + std::to_string(i)}, {"taxonomy_codes", Json::array()}});
    std::ofstream(ws.dir / "docs.json") << Json{{"samples", samples}}.dump();
    auto file = job(ws, kClassificationDataset, "", "");
    Error e = test_support::error_of([&] { train::run_training_job(file, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.code(), "dataset_load_failed");
    EXPECT_EQ(e.message(), "dataset 'docs': " + (ws.dir / "docs.json").string() +
                               ": not valid classification data (3 problems):\n"
                               "  samples[0]: 'taxonomy_codes' is empty\n"
                               "  samples[1]: 'taxonomy_codes' is empty\n"
                               "  samples[2]: 'taxonomy_codes' is empty");

    // Label sets split at '|' into nothing.
    std::ofstream(ws.dir / "sets.csv") << "text,topics\nfirst text,|\nsecond text, | \nthird text,\n";
    auto sets = job(ws, "    source: csv\n    path: sets.csv\n", "", "    target: topics\n    label_delimiter: \"|\"\n");
    e = test_support::error_of([&] { train::run_training_job(sets, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.kind(), ErrorKind::data);
    EXPECT_EQ(e.code(), "no_labelled_texts");
    EXPECT_EQ(e.message(), "no row of dataset 'docs' has a label in 'topics': every label set is empty");
    EXPECT_EQ(e.hint(), "a text classifier learns from rows with a text and its labels");

    std::ofstream(ws.dir / "blank.csv") << "text,topic\n ,sport\n,music\n";
    auto blank = job(ws, "    source: csv\n    path: blank.csv\n", "", "    target: topic\n");
    e = test_support::error_of([&] { train::run_training_job(blank, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.message(), "no row of dataset 'docs' has a text in 'text': every text is empty");

    std::ofstream(ws.dir / "apart.csv") << "text,topic\nhello there,\n,music\n";
    auto apart = job(ws, "    source: csv\n    path: apart.csv\n", "", "    target: topic\n");
    e = test_support::error_of([&] { train::run_training_job(apart, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.message(), "no row of dataset 'docs' has both a text in 'text' and a label in 'topic'");
}

TEST(TextTrainingErrors, AMissingColumnIsNamedWithTheNearestOne) {
    Workspace ws;
    test_support::write_topics_csv(ws.dir / "posts.csv", 30, false);
    auto text = job(ws, "    source: csv\n    path: posts.csv\n", "", "    text: bdy\n    target: topics\n");
    Error e = test_support::error_of([&] { train::run_training_job(text, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.kind(), ErrorKind::validation);
    EXPECT_EQ(e.code(), "missing_column");
    EXPECT_EQ(e.message(), "text column 'bdy' is not in dataset 'docs'; did you mean 'body'?");
    EXPECT_EQ(e.hint(), "its columns are: body, topics");
    // The default text column, absent, is named too.
    auto fallback = job(ws, "    source: csv\n    path: posts.csv\n", "", "    target: topics\n");
    e = test_support::error_of([&] { train::run_training_job(fallback, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.message(), "text column 'text' is not in dataset 'docs'");
    auto label = job(ws, "    source: csv\n    path: posts.csv\n", "", "    text: body\n    target: topic\n");
    e = test_support::error_of([&] { train::run_training_job(label, "taxonomy", *ws.store, ws.options()); });
    EXPECT_EQ(e.message(), "label column 'topic' is not in dataset 'docs'; did you mean 'topics'?");
}

// Nothing pretrained can be downloaded: a hub model's name fails before any
// data is read, naming the text classifiers that train here.
TEST(TextTrainingErrors, AHubModelIsRefusedWithTheAlgorithmsThatTrainHere) {
    Workspace ws;
    for (const std::string name : {"bert-base-uncased", "distilbert-base-uncased", "google/electra-small"}) {
        auto file = job(ws, kClassificationDataset, "    algorithm: " + name + "\n", "");
        Error e = test_support::error_of([&] { train::run_training_job(file, "taxonomy", *ws.store, ws.options()); });
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(e.code(), "pretrained_model_unavailable");
        EXPECT_EQ(e.message(), "'" + name + "' names a pretrained model of a model hub; nothing pretrained can be "
                               "downloaded here: every model is trained from your own data, and a text classifier "
                               "trains with tfidf_linear or fasttext");
        EXPECT_EQ(e.hint(), "name one of those as the model's algorithm, or as base_model in a configuration template");
    }
}
