// Recommenders end to end: job files (N3 and YAML) with a recommender model,
// trained on generated interactions in taste groups, registered in a real
// SQLite store, reloaded and asked for recommendations; and the errors a
// recommender job makes, each with its exact message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "common/error.hpp"
#include "data/source.hpp"
#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "train/predictor.hpp"
#include "train/served_recommender.hpp"
#include "train/trainer.hpp"
#include "../support/errors.hpp"
#include "churn_workspace.hpp"
#include "recommender_workspace.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::expect_error;
using test_support::kRankedByNdcg;
using test_support::kSmallNcf;
using test_support::recommender_job;
using test_support::RecommenderWorkspace;

namespace {

std::set<std::string> distinct(const std::vector<test_support::Interaction>& rows, bool users) {
    std::set<std::string> out;
    for (const auto& r : rows) out.insert(users ? r.user : r.item);
    return out;
}

std::set<std::string> items_of(const std::vector<test_support::Interaction>& rows, const std::string& user) {
    std::set<std::string> out;
    for (const auto& r : rows)
        if (r.user == user) out.insert(r.item);
    return out;
}

std::vector<std::string> ids(const Json& answer) {
    std::vector<std::string> out;
    for (const auto& item : answer["items"]) out.push_back(item["item_id"].get<std::string>());
    return out;
}

void expect_best_first(const Json& answer) {
    const Json& items = answer["items"];
    for (std::size_t i = 1; i < items.size(); ++i)
        EXPECT_GE(items[i - 1]["score"].get<double>(), items[i]["score"].get<double>()) << "at " << i;
}

}  // namespace

TEST(RecommenderTraining, NcfFromN3BeatsPopularityRegistersAndServesAfterReload) {
    RecommenderWorkspace ws;
    auto file = ws.parse(recommender_job("ncf", kSmallNcf,
                                         std::string(kRankedByNdcg) +
                                             "    early_stopping:\n        metric: val_ndcg@10\n        patience: 3\n"));
    Json r = ws.train(file);
    const auto users = distinct(ws.rows, true), items = distinct(ws.rows, false);
    const std::size_t n = ws.rows.size();
    ASSERT_EQ(users.size(), 96u);

    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["job"], "recommend");
    EXPECT_EQ(r["model"], "recommender");
    EXPECT_EQ(r["dataset"], "history");
    EXPECT_EQ(r["algorithm"], "ncf");
    EXPECT_EQ(r["task"], "recommendation");
    EXPECT_EQ(r["evaluation"]["protocol"], "leave_one_out");
    EXPECT_EQ(r["evaluation"]["negatives"], 30);
    EXPECT_EQ(r["evaluation"]["k"], Json::array({5, 10}));
    EXPECT_EQ(r["evaluation"]["validation_users"], 96);
    EXPECT_EQ(r["evaluation"]["test_users"], 96);
    EXPECT_EQ(r["evaluation"]["per_epoch"], "validation items ranked among 30 sampled unseen items");

    const Json& stats = r["interactions"];
    EXPECT_EQ(stats["users"], 96);
    EXPECT_EQ(stats["items"], items.size());
    EXPECT_EQ(stats["interactions"], n);
    EXPECT_EQ(stats["rows"], n);
    EXPECT_EQ(stats["duplicates"], 0);
    EXPECT_EQ(stats["density"].get<double>(), static_cast<double>(n) / (96.0 * static_cast<double>(items.size())));
    EXPECT_EQ(r["training_samples"], n - 2 * 96) << "each user's latest two are held out";
    EXPECT_EQ(r["validation_samples"], 96);
    EXPECT_EQ(r["test_samples"], 96);

    // The groups are learnt: well above chance (10 of 31 candidates) and above
    // the popularity baseline, scored on the same negatives.
    const Json& m = r["metrics"];
    const Json& base = r["baseline"]["metrics"];
    EXPECT_EQ(r["baseline"]["algorithm"], "popularity");
    for (const char* key : {"hr@5", "ndcg@5", "hr@10", "ndcg@10", "precision@10", "recall@10", "map@10", "mrr",
                            "coverage@10"}) {
        EXPECT_TRUE(m.contains(key)) << key;
        EXPECT_TRUE(base.contains(key)) << key;
    }
    EXPECT_GT(m["hr@10"].get<double>(), 0.6) << m.dump();
    EXPECT_GT(m["ndcg@10"].get<double>(), 0.35) << m.dump();
    EXPECT_GT(m["hr@10"].get<double>(), base["hr@10"].get<double>() + 0.1) << base.dump();
    EXPECT_GT(m["ndcg@10"].get<double>(), base["ndcg@10"].get<double>() + 0.1) << base.dump();
    EXPECT_EQ(m["hr@10"], m["recall@10"]) << "one held-out item per user";
    EXPECT_EQ(r["objective"], (Json{{"name", "maximize_ndcg@10"},
                                    {"metric", "ndcg@10"},
                                    {"direction", "maximize"},
                                    {"value", m["ndcg@10"]}}));

    // Every epoch is validated; early stopping kept the best of them.
    const Json& history = r["history"];
    ASSERT_GE(history.size(), 1u);
    ASSERT_LE(history.size(), 6u);
    for (std::size_t i = 0; i < history.size(); ++i) {
        EXPECT_EQ(history[i]["round"], i);
        for (const char* key : {"train_loss", "val_hr@5", "val_ndcg@5", "val_hr@10", "val_ndcg@10"})
            EXPECT_TRUE(history[i]["metrics"].contains(key)) << i << ": " << history[i]["metrics"].dump();
        const double hr = history[i]["metrics"]["val_hr@10"].get<double>();
        EXPECT_TRUE(hr >= 0 && hr <= 1) << hr;
    }
    const int best = r["best_iteration"].get<int>();
    ASSERT_GE(best, 0);
    ASSERT_LT(static_cast<std::size_t>(best), history.size());
    EXPECT_LE(history.size(), static_cast<std::size_t>(best) + 4) << "patience 3";
    for (const auto& h : history)
        EXPECT_LE(h["metrics"]["val_ndcg@10"].get<double>(), history[best]["metrics"]["val_ndcg@10"].get<double>());
    EXPECT_EQ(r["validation_metrics"]["ndcg@10"], history[best]["metrics"]["val_ndcg@10"])
        << "the kept epoch's model is the one scored";

    // Registered with what serving and comparing need.
    ASSERT_TRUE(r["registry_key"].is_string());
    const std::string key = r["registry_key"];
    EXPECT_EQ(key.rfind("recommender_recommend_v", 0), 0u) << key;
    auto entry = ws.store->get_model(key);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->task, "recommendation");
    EXPECT_EQ(entry->algorithm, "ncf");
    EXPECT_EQ(entry->metrics, m);
    EXPECT_EQ(entry->validation_metrics, r["validation_metrics"]);
    EXPECT_EQ(entry->training_samples, static_cast<std::int64_t>(n - 2 * 96));
    EXPECT_EQ(entry->metadata["training_job"], "recommend");
    EXPECT_EQ(entry->metadata["dataset"], "history");
    EXPECT_EQ(entry->metadata["interactions"], stats);
    EXPECT_EQ(entry->metadata["evaluation"], r["evaluation"]);
    EXPECT_EQ(entry->metadata["baseline"], r["baseline"]);
    EXPECT_EQ(entry->metadata["objective"], "maximize_ndcg@10");
    // The default timestamp column ordered each user's interactions: it is named.
    const Json columns{{"user", "user_id"},
                       {"item", "item_id"},
                       {"rating", nullptr},
                       {"rating_threshold", nullptr},
                       {"timestamp", "timestamp"}};
    EXPECT_EQ(r["columns"], columns);
    EXPECT_EQ(entry->metadata["columns"], columns);
    auto runs = ws.store->runs_of("recommend");
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, "ok");
    EXPECT_EQ(runs[0].registry_key, key);

    // Reloaded twice, the same scores to the last bit.
    auto model = train::LoadedModel::load(*ws.store, key);
    const train::ServedRecommender& rec = model->require_recommender();
    EXPECT_EQ(rec.num_users(), 96u);
    EXPECT_EQ(rec.num_items(), items.size());
    const Json first = rec.recommend("u5", 10, false);
    const Json again = train::LoadedModel::load(*ws.store, key)->require_recommender().recommend("u5", 10, false);
    EXPECT_EQ(first, again);
    EXPECT_EQ(first["user_id"], "u5");
    EXPECT_EQ(first["cold_start"], false);
    ASSERT_EQ(first["items"].size(), 10u);
    expect_best_first(first);

    // Seen items are left out unless asked for; the scores are the same either way.
    const auto seen = items_of(ws.rows, "u5");
    const Json unseen = rec.recommend("u5", items.size(), false);
    const Json everything = rec.recommend("u5", items.size(), true);
    ASSERT_EQ(unseen["items"].size(), items.size() - seen.size());
    ASSERT_EQ(everything["items"].size(), items.size());
    std::set<std::string> expected_unseen;
    for (const auto& i : items)
        if (!seen.count(i)) expected_unseen.insert(i);
    auto unseen_ids = ids(unseen);
    EXPECT_EQ(std::set<std::string>(unseen_ids.begin(), unseen_ids.end()), expected_unseen);
    auto all_ids = ids(everything);
    EXPECT_EQ(std::set<std::string>(all_ids.begin(), all_ids.end()), items);
    EXPECT_EQ(std::vector<std::string>(unseen_ids.begin(), unseen_ids.begin() + 10), ids(first));
    for (const auto& item : unseen["items"])
        for (const auto& other : everything["items"])
            if (other["item_id"] == item["item_id"]) {
                EXPECT_EQ(other["score"], item["score"]);
            }
    expect_best_first(everything);

    // A user the model never saw: the most popular items, scored by their counts.
    const auto counts = test_support::item_counts(ws.rows);
    const Json cold = rec.recommend("someone_new", 6, false);
    EXPECT_EQ(cold["user_id"], "someone_new");
    EXPECT_EQ(cold["cold_start"], true);
    ASSERT_EQ(cold["items"].size(), 6u);
    EXPECT_EQ(cold["items"][0], (Json{{"item_id", "top1"}, {"score", 96.0}}));
    EXPECT_EQ(cold["items"][1], (Json{{"item_id", "top2"}, {"score", 48.0}}));
    EXPECT_EQ(cold["items"][2], (Json{{"item_id", "top3"}, {"score", 32.0}}));
    std::set<std::string> listed;
    for (const auto& item : cold["items"]) {
        const std::string id = item["item_id"];
        EXPECT_EQ(item["score"].get<double>(), counts.at(id)) << id;
        listed.insert(id);
    }
    expect_best_first(cold);
    for (const auto& [id, count] : counts)
        if (!listed.count(id)) {
            EXPECT_LE(count, cold["items"][5]["score"].get<double>()) << id;
        }

    // Several users at once: each answered as alone.
    train::RecommendRequest request;
    request.user_ids = {"u5", "someone_new"};
    request.many = true;
    request.k = 10;
    EXPECT_EQ(rec.answer(request), (Json{{"recommendations", Json::array({first, rec.recommend("someone_new", 10, false)})}}));

    const std::string catalog = std::to_string(items.size());
    expect_error([&] { rec.recommend("u5", 0, false); }, ErrorKind::validation, "invalid_k",
                 "k must be from 1 to the catalog's " + catalog + " items, got 0");
    expect_error([&] { rec.recommend("u5", items.size() + 1, false); }, ErrorKind::validation, "invalid_k",
                 "k must be from 1 to the catalog's " + catalog + " items, got " + std::to_string(items.size() + 1));

    // A recommender predicts no rows, and says what to do instead.
    lang::DatasetSpec rows;
    rows.name = "rows";
    rows.source = "interactions";
    rows.path = (ws.dir / "interactions.json").string();
    auto frame = data::load_dataset(rows);
    auto error = expect_error([&] { model->predict(frame); }, ErrorKind::validation, "not_a_predictor",
                              "model '" + key + "' is a recommender: it ranks items for users and predicts no rows");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->hint(), "ask it for recommendations: hone recommend " + key +
                                 " --user ID, or POST /api/training/models/" + key + "/recommend");
}

// The same model and data: every item ranked (full) is a harder test than 30
// sampled negatives (leave_one_out); training and validation are the same.
TEST(RecommenderTraining, FullRankingScoresLowerThanSampledNegatives) {
    RecommenderWorkspace ws;
    const std::string training = "    objective: maximize_hr@10\n    evaluation:\n        protocol: {}\n"
                                 "        negatives: 30\n        k: [10]\n";
    auto with = [&](const std::string& protocol) {
        std::string t = training;
        t.replace(t.find("{}"), 2, protocol);
        return ws.train(ws.parse(recommender_job("ncf", kSmallNcf, t)));
    };
    Json sampled = with("leave_one_out");
    Json full = with("full");
    EXPECT_EQ(full["evaluation"]["protocol"], "full");
    EXPECT_FALSE(full["evaluation"].contains("negatives"));
    EXPECT_EQ(full["evaluation"]["k"], Json::array({10}));
    EXPECT_EQ(sampled["evaluation"]["negatives"], 30);
    const double hr_full = full["metrics"]["hr@10"].get<double>();
    const double hr_sampled = sampled["metrics"]["hr@10"].get<double>();
    EXPECT_LT(hr_full, hr_sampled);
    EXPECT_GT(hr_full, 0.0);
    EXPECT_LT(full["baseline"]["metrics"]["hr@10"].get<double>(), sampled["baseline"]["metrics"]["hr@10"].get<double>());
    // Validation is sampled under either protocol: the same epochs, the same numbers.
    EXPECT_EQ(full["validation_metrics"], sampled["validation_metrics"]);
    ASSERT_EQ(full["history"].size(), sampled["history"].size());
    for (std::size_t i = 0; i < full["history"].size(); ++i)
        EXPECT_EQ(full["history"][i]["metrics"], sampled["history"][i]["metrics"]) << i;
}

// A CSV whose columns have other names, named by the training fields; ratings
// below the threshold are left out and said so.
TEST(RecommenderTraining, GmfFromACsvWithColumnsOfOtherNames) {
    RecommenderWorkspace ws;
    auto rows = ws.rows;
    std::size_t low = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (i % 11 == 5 && rows[i].item.rfind("top", 0) != 0) {
            rows[i].stars = 2;
            ++low;
        }
    std::vector<test_support::Interaction> kept;
    for (const auto& r : rows)
        if (r.stars >= 3) kept.push_back(r);
    test_support::write_interactions_csv(ws.dir / "ratings.csv", rows);
    auto file = ws.parse(recommender_job(
        "gmf", "        embedding_dim: 8\n        epochs: 4\n        learning_rate: 0.01\n",
        "    user: member\n    item: article\n    rating: stars\n    rating_threshold: 3\n    timestamp: at\n"
        "    objective: maximize_hr@10\n    evaluation: {negatives: 30, k: [10]}\n",
        "    source: csv\n    path: ratings.csv\n"));
    Json r = ws.train(file);
    EXPECT_EQ(r["algorithm"], "gmf");
    EXPECT_EQ(r["columns"], (Json{{"user", "member"},
                                  {"item", "article"},
                                  {"rating", "stars"},
                                  {"rating_threshold", 3.0},
                                  {"timestamp", "at"}}));
    ASSERT_GT(low, 10u);
    EXPECT_EQ(r["interactions"]["rows"], rows.size());
    EXPECT_EQ(r["interactions"]["below_threshold"], low);
    EXPECT_EQ(r["interactions"]["interactions"], kept.size());
    EXPECT_EQ(r["interactions"]["users"], distinct(kept, true).size());
    EXPECT_EQ(r["interactions"]["items"], distinct(kept, false).size());
    EXPECT_EQ(r["warnings"], Json::array({std::to_string(low) + " rows rated below 3 were left out"}));
    EXPECT_EQ(r["history"].size(), 4u);
    EXPECT_GT(r["metrics"]["hr@10"].get<double>(), r["baseline"]["metrics"]["hr@10"].get<double>());

    // The served model knows the kept rows' users and items by the file's ids.
    auto model = train::LoadedModel::load(*ws.store, r["registry_key"].get<std::string>());
    const auto& rec = model->require_recommender();
    EXPECT_EQ(rec.num_items(), distinct(kept, false).size());
    EXPECT_EQ(rec.recommend("u3", 3, false)["cold_start"], false);

    // A timestamp column that is not there is named, with the dataset's columns.
    auto wrong = ws.parse(recommender_job(
        "gmf", "", "    user: member\n    item: article\n    timestamp: when\n    objective: maximize_hr@10\n",
        "    source: csv\n    path: ratings.csv\n"));
    auto error = expect_error([&] { ws.train(wrong); }, ErrorKind::validation, "missing_column",
                              "timestamp column 'when' is not in dataset 'history'");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->hint(), "its columns are: member, article, stars, at");
}

// The popularity model is the baseline itself: the same numbers. No epochs.
TEST(RecommenderTraining, PopularityIsItsOwnBaseline) {
    RecommenderWorkspace ws;
    Json r = ws.train(ws.parse(recommender_job("popularity", "", kRankedByNdcg)));
    EXPECT_EQ(r["algorithm"], "popularity");
    EXPECT_EQ(r["task"], "recommendation");
    EXPECT_EQ(r["metrics"], r["baseline"]["metrics"]);
    EXPECT_TRUE(r["history"].empty()) << r["history"].dump();
    EXPECT_TRUE(r["best_iteration"].is_null());
    auto rec = train::LoadedModel::load(*ws.store, r["registry_key"].get<std::string>());
    // A known user gets the most popular items they have not seen.
    const Json answer = rec->require_recommender().recommend("u1", 3, false);
    EXPECT_EQ(answer["cold_start"], false);
    const auto seen = items_of(ws.rows, "u1");
    for (const auto& id : ids(answer)) EXPECT_FALSE(seen.count(id)) << id;
    EXPECT_EQ(rec->require_recommender().recommend("u1", 1, true)["items"][0]["item_id"], "top1");

    // A table with no timestamp column: row order, and no column named.
    test_support::write_interactions_csv(ws.dir / "ratings.csv", ws.rows);
    Json untimed = ws.train(ws.parse(recommender_job("popularity", "",
                                                     "    user: member\n    item: article\n" + std::string(kRankedByNdcg),
                                                     "    source: csv\n    path: ratings.csv\n")));
    EXPECT_EQ(untimed["columns"], (Json{{"user", "member"},
                                        {"item", "article"},
                                        {"rating", nullptr},
                                        {"rating_threshold", nullptr},
                                        {"timestamp", nullptr}}));
}

// The block-map YAML form takes every recommender key the N3 one does.
TEST(RecommenderTraining, FromAYamlJobFile) {
    RecommenderWorkspace ws;
    const std::string yaml = R"(datasets:
  history:
    source: interactions
    path: interactions.json
models:
  recommender:
    type: recommender
    algorithm: ncf
    hyperparameters: {embedding_dim: 8, hidden_layers: [16, 8], epochs: 3, batch_size: 128, learning_rate: 0.01}
trainings:
  recommend_yaml:
    model: recommender
    dataset: history
    objective: maximize_ndcg@10
    evaluation: {protocol: leave_one_out, negatives: 40, k: [5, 10]}
    early_stopping: {metric: val_ndcg@10, patience: 3}
)";
    Json r = ws.train(ws.parse(yaml, "recommend.yaml"), "recommend_yaml");
    EXPECT_EQ(r["task"], "recommendation");
    EXPECT_EQ(r["algorithm"], "ncf");
    EXPECT_EQ(r["evaluation"]["protocol"], "leave_one_out");
    EXPECT_EQ(r["evaluation"]["negatives"], 40);
    EXPECT_EQ(r["evaluation"]["k"], Json::array({5, 10}));
    EXPECT_EQ(r["hyperparameters"]["embedding_dim"], 8);
    EXPECT_EQ(r["hyperparameters"]["hidden_layers"], Json::array({16, 8}));
    EXPECT_LE(r["history"].size(), 3u);
    EXPECT_EQ(r["objective"]["metric"], "ndcg@10");
    EXPECT_EQ(r["registry_key"].get<std::string>().rfind("recommender_recommend_yaml_v", 0), 0u);
}

// The configuration template: its evaluation section's protocol, negatives
// and k are the training's; with no objective a recommender maximizes ndcg@10.
TEST(RecommenderTraining, FromTheConfigurationTemplate) {
    RecommenderWorkspace ws;
    const std::string yaml = R"(name: recommend_template
model:
  name: recommender
  model_type: recommender
  algorithm: gmf
training_data:
  source: interactions
  path: interactions.json
hyperparameters: {embedding_dim: 8, epochs: 2, learning_rate: 0.01}
evaluation:
  protocol: full
  k: [5, 10]
)";
    auto loaded = lang::parse_job_text(yaml, (ws.dir / "template.yaml").string(), lang::Format::yaml);
    ASSERT_TRUE(loaded.ok()) << loaded.report();
    EXPECT_NE(loaded.report().find("warning: no objective given: the job maximizes ndcg@10, a recommender's usual "
                                   "metric (set 'objective' to choose another)"),
              std::string::npos)
        << loaded.report();
    Json r = ws.train(loaded.spec, "recommend_template");
    EXPECT_EQ(r["algorithm"], "gmf");
    EXPECT_EQ(r["evaluation"]["protocol"], "full");
    EXPECT_FALSE(r["evaluation"].contains("negatives"));
    EXPECT_EQ(r["evaluation"]["k"], Json::array({5, 10}));
    EXPECT_EQ(r["objective"]["name"], "maximize_ndcg@10");
    EXPECT_EQ(r["history"].size(), 2u);
}

// ---- errors, each with its exact message ----

TEST(RecommenderTrainingErrors, AMissingUserColumnIsNamedWithTheDatasetsColumns) {
    RecommenderWorkspace ws;
    auto file = ws.parse(recommender_job("popularity", "", "    user: member\n    objective: maximize_hr@10\n"));
    auto error = expect_error([&] { ws.train(file); }, ErrorKind::validation, "missing_column",
                              "user column 'member' is not in dataset 'history'");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->hint(), "its columns are: user_id, item_id, timestamp, interaction_type, implicit_rating");
    auto runs = ws.store->runs_of("recommend");
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, "error");

    auto near = ws.parse(recommender_job("popularity", "", "    item: item\n    objective: maximize_hr@10\n"));
    expect_error([&] { ws.train(near); }, ErrorKind::validation, "missing_column",
                 "item column 'item' is not in dataset 'history'; did you mean 'item_id'?");
}

TEST(RecommenderTrainingErrors, AKLargerThanTheCatalog) {
    RecommenderWorkspace ws;
    const std::string items = std::to_string(distinct(ws.rows, false).size());
    auto file = ws.parse(recommender_job(
        "popularity", "", "    objective: maximize_hr@10\n    evaluation:\n        negatives: 500\n        k: [10, 100]\n"));
    auto error = expect_error([&] { ws.train(file); }, ErrorKind::validation, "k_exceeds_catalog",
                              "evaluation k 100 is larger than the catalog: dataset 'history' has " + items + " items");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->hint(), "use a k of at most " + items);
}

TEST(RecommenderTrainingErrors, AKAboveTheSampledCandidates) {
    RecommenderWorkspace ws;
    auto file = ws.parse(recommender_job(
        "popularity", "", "    objective: maximize_hr@10\n    evaluation:\n        negatives: 20\n        k: [10, 21]\n"));
    auto error = expect_error([&] { ws.train(file); }, ErrorKind::validation, "k_exceeds_candidates",
                              "evaluation k 21 ranks more items than leave_one_out gives each user (20 negatives and "
                              "the held-out item): hr@21 would be 1 for everyone");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->hint(), "lower k, or raise evaluation.negatives");
    // k equal to the negatives still ranks one item out of the list.
    auto fits = ws.parse(recommender_job(
        "popularity", "", "    objective: maximize_hr@10\n    evaluation:\n        negatives: 20\n        k: [10, 20]\n"));
    EXPECT_EQ(ws.train(fits)["status"], "ok");
    // The full protocol ranks every item: no bound but the catalog.
    auto full = ws.parse(recommender_job(
        "popularity", "", "    objective: maximize_hr@10\n    evaluation:\n        protocol: full\n"
                          "        negatives: 20\n        k: [10, 21]\n"));
    EXPECT_EQ(ws.train(full)["status"], "ok");
}

TEST(RecommenderTrainingErrors, NoUserWithTwoInteractions) {
    RecommenderWorkspace ws;
    std::vector<test_support::Interaction> once;
    for (int u = 0; u < 12; ++u) once.push_back({"u" + std::to_string(u), "i" + std::to_string(u), u});
    test_support::write_interactions_json(ws.dir / "once.json", once);
    auto file = ws.parse(recommender_job("popularity", "",
                                         "    objective: maximize_hr@5\n    evaluation:\n        negatives: 5\n"
                                         "        k: [5]\n",
                                         "    source: interactions\n    path: once.json\n"));
    auto error = expect_error([&] { ws.train(file); }, ErrorKind::data, "too_few_interactions",
                              "no user of dataset 'history' has two interactions: nothing can be held out to "
                              "evaluate on");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->hint(), "a recommender needs users with at least 2 interactions (3 to also validate)");
}

TEST(RecommenderTrainingErrors, AClassifierIsNotARecommender) {
    test_support::Workspace churn;
    auto result = train::run_training_job(churn.job("    algorithm: logistic_regression\n"), "baseline_churn_model",
                                          *churn.store, churn.options());
    const std::string key = result["registry_key"];
    auto model = train::LoadedModel::load(*churn.store, key);
    EXPECT_EQ(model->recommender(), nullptr);
    auto error = expect_error([&] { model->require_recommender(); }, ErrorKind::validation, "not_a_recommender",
                              "model '" + key + "' is a classification model, not a recommender");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->hint(), "predict with it instead: hone predict " + key +
                                 " --input FILE, or POST /api/training/models/" + key + "/predict");
}
