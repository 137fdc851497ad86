// End-to-end training runs on generated data: real loaders, real estimators, a
// real SQLite registry in a temporary directory.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/error.hpp"
#include "data/source.hpp"
#include "lang/job_file.hpp"
#include "registry/store.hpp"
#include "../support/errors.hpp"
#include "train/early_stopping.hpp"
#include "train/predictor.hpp"
#include "train/trainer.hpp"
#include "churn_workspace.hpp"

namespace fs = std::filesystem;
using namespace hone;

using hone::test_support::Workspace;

TEST(Trainer, SeedBaselineTrainsRegistersAndPredictsAfterReload) {
    Workspace ws;
    auto file = ws.job("", "    hyperparameters:\n        n_estimators: 100\n        max_depth: 10\n"
                           "        min_samples_split: 2\n    metrics:\n        - accuracy\n        - precision\n"
                           "        - recall\n        - f1\n        - auc\n");
    auto result = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    EXPECT_EQ(result["status"], "ok");
    EXPECT_EQ(result["job"], "baseline_churn_model");
    EXPECT_EQ(result["model"], "churn_classifier");
    EXPECT_EQ(result["dataset"], "customer_data");
    EXPECT_EQ(result["algorithm"], "random_forest");
    EXPECT_GT(result["metrics"]["accuracy"].get<double>(), 0.80);
    EXPECT_GT(result["metrics"]["auc"].get<double>(), 0.85);
    EXPECT_EQ(result["training_samples"], 2100);
    EXPECT_EQ(result["test_samples"], 450);
    ASSERT_TRUE(result["registry_key"].is_string());
    std::string key = result["registry_key"];
    EXPECT_EQ(key.rfind("churn_classifier_baseline_churn_model_v", 0), 0u);

    auto entry = ws.store->get_model(key);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->version, 1);
    EXPECT_EQ(entry->metadata["training_job"], "baseline_churn_model");
    EXPECT_EQ(entry->metadata["target"], "churned");
    EXPECT_EQ(entry->metrics, result["metrics"]);
    EXPECT_EQ(entry->training_samples, 2100);

    auto runs = ws.store->runs_of("baseline_churn_model");
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, "ok");
    EXPECT_EQ(runs[0].registry_key, key);

    // The reloaded model predicts the same classes as the stored metrics imply.
    auto model = train::LoadedModel::load(*ws.store, key);
    lang::DatasetSpec spec;
    spec.name = "rows";
    spec.source = "csv";
    spec.path = (ws.dir / "customers.csv").string();
    auto frame = data::load_dataset(spec);
    auto first = model->predict(frame);
    auto second = train::LoadedModel::load(*ws.store, key)->predict(frame);
    ASSERT_EQ(first.values.size(), 3000u);
    EXPECT_EQ(first.values, second.values);
    EXPECT_EQ(first.proba, second.proba);
    EXPECT_EQ(first.classes, (std::vector<std::string>{"false", "true"}));
    EXPECT_TRUE(first.values[0].is_boolean());
}

TEST(Trainer, OverridesMergeOverTheSpec) {
    Workspace ws;
    auto file = ws.job("    algorithm: xgboost\n");
    auto options = ws.options();
    lang::add_override(options.overrides, "hyperparameters.n_estimators=7");
    auto result = train::run_training_job(file, "baseline_churn_model", *ws.store, options);
    EXPECT_EQ(result["hyperparameters"]["n_estimators"], 7);
    EXPECT_EQ(result["history"].size(), 7u);
}

TEST(Trainer, EarlyStoppingKeepsTheBestRound) {
    Workspace ws;
    auto file = ws.job("    algorithm: xgboost\n",
                       "    hyperparameters:\n        n_estimators: 300\n        learning_rate: 0.3\n"
                       "    early_stopping:\n        metric: val_loss\n        patience: 5\n");
    auto result = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    int best = result["best_iteration"];
    EXPECT_GE(best, 0);
    EXPECT_LT(result["history"].size(), 300u);
    EXPECT_EQ(result["history"].size(), static_cast<std::size_t>(best) + 6);
}

// The direction to watch is the metric registry's, not a guess from the name:
// mcc has no "loss" or "error" in it and is still maximized; log_loss minimized.
TEST(EarlyStopping, TheDirectionComesFromTheMetricRegistry) {
    using hone::metrics::Task;
    auto mode = [](const std::string& metric, const std::string& written, Task task) {
        hone::lang::EarlyStoppingSpec es;
        es.metric = metric;
        es.mode = written;
        return hone::train::resolve_stopping(es, task).spec.mode;
    };
    EXPECT_EQ(mode("val_loss", "", Task::classification), "min");
    EXPECT_EQ(mode("val_accuracy", "", Task::classification), "max");
    EXPECT_EQ(mode("neg_log_loss", "auto", Task::classification), "min");
    EXPECT_EQ(mode("val_r2", "", Task::regression), "max");
    EXPECT_EQ(mode("val_rmse", "", Task::regression), "min");
    EXPECT_EQ(mode("val_accuracy", "min", Task::classification), "min") << "as written wins";
    EXPECT_EQ(hone::train::resolve_stopping({true, "val_f1_score", 5, 0.0, ""}, Task::classification).metric, "f1");
    EXPECT_THROW(mode("val_acuracy", "", Task::classification), hone::Error);
}

// Settings kept but not acted on are said in the run's warnings, with why.
TEST(Trainer, SettingsHoneDoesNotActOnAreWarnings) {
    Workspace ws;
    auto file = ws.job("    algorithm: logistic_regression\n",
                       "    compute:\n        backend: ray\n        resources:\n            gpus: 2\n"
                       "    metadata:\n        deployment:\n            auto_deploy: true\n");
    auto result = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    EXPECT_EQ(result["warnings"],
              nlohmann::ordered_json::array({"compute.backend 'ray' is not available: hone trains in its own process (backend: local) "
                           "or in worker processes (backend: distributed); ignored",
                           "compute.resources is not used: hone sizes its work by --threads; ignored",
                           "deployment.auto_deploy is not acted on: a trained model is registered, not deployed "
                           "(deploy it with POST /api/training/models/{id}/deploy); kept in the job's metadata"}));
}

// cv: K scores K stratified folds of the training and validation rows, then
// fits and registers exactly what the job without cv would.
TEST(Trainer, CrossValidationScoresEachFoldThenFitsAsTheJobSays) {
    Workspace ws;
    auto file = ws.job("    algorithm: logistic_regression\n", "    cv: 4\n    return_train_score: true\n");
    auto with_cv = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    ASSERT_TRUE(with_cv.contains("cross_validation")) << with_cv.dump();
    const auto& cv = with_cv["cross_validation"];
    EXPECT_EQ(cv["folds"], 4);
    ASSERT_EQ(cv["per_fold"].size(), 4u);
    double sum = 0, sum_sq = 0;
    std::size_t rows = 0;
    for (const auto& f : cv["per_fold"]) {
        double a = f["metrics"]["accuracy"].get<double>();
        sum += a;
        sum_sq += a * a;
        EXPECT_GT(a, 0.6);
        ASSERT_TRUE(f["train_metrics"].contains("accuracy"));
        ++rows;
    }
    double mean = sum / 4;
    EXPECT_DOUBLE_EQ(cv["metrics"]["accuracy"].get<double>(), mean);
    EXPECT_NEAR(cv["cv_std"]["accuracy"].get<double>(), std::sqrt(sum_sq / 4 - mean * mean), 1e-9);
    EXPECT_TRUE(cv["train_metrics"].contains("accuracy"));
    EXPECT_EQ(cv["metrics"].begin().key(), "accuracy") << "in the order metrics are reported";

    auto plain = ws.job("    algorithm: logistic_regression\n");
    auto without = train::run_training_job(plain, "baseline_churn_model", *ws.store, ws.options());
    EXPECT_FALSE(without.contains("cross_validation"));
    EXPECT_EQ(with_cv["metrics"], without["metrics"]) << "the registered model is fitted as the job says";
    EXPECT_EQ(with_cv["version"].get<int>() + 1, without["version"].get<int>());
}

// Every run and model records what it can be traced to; changed data shows as
// another fingerprint, the same data as the same one.
TEST(Trainer, RunsAndModelsRecordTheirProvenance) {
    Workspace ws;
    auto file = ws.job("    algorithm: logistic_regression\n");
    auto first = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    const auto& p = first["provenance"];
    EXPECT_EQ(p["dataset"]["rows"], 3000);
    EXPECT_EQ(p["dataset"]["columns"], 6);
    EXPECT_EQ(p["dataset"]["fingerprint"].get<std::string>().size(), 64u);
    EXPECT_EQ(p["job_sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(p["hone"]["version"], "0.1.0");
    EXPECT_FALSE(p["hone"]["commit"].get<std::string>().empty());
    EXPECT_EQ(p["libraries"]["liblinear"], "2.30");
    EXPECT_EQ(p["libraries"]["libsvm"], "3.24");
    EXPECT_EQ(p["libraries"]["xgboost"].get<std::string>().substr(0, 2), "1.");
    auto entry = ws.store->get_model(first["registry_key"].get<std::string>());
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->metadata["provenance"], p);

    auto again = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    EXPECT_EQ(again["provenance"]["dataset"]["fingerprint"], p["dataset"]["fingerprint"]);
    EXPECT_EQ(again["provenance"]["job_sha256"], p["job_sha256"]);

    // One value changed in the file: another fingerprint, the same job.
    std::string text;
    {
        std::ifstream in(ws.dir / "customers.csv");
        std::stringstream s;
        s << in.rdbuf();
        text = s.str();
    }
    std::size_t second_row = text.find('\n') + 1;
    std::size_t comma = text.find(',', second_row);
    text.replace(second_row, comma - second_row, "99");
    std::ofstream(ws.dir / "customers.csv") << text;
    auto changed = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    EXPECT_NE(changed["provenance"]["dataset"]["fingerprint"], p["dataset"]["fingerprint"]);
    EXPECT_EQ(changed["provenance"]["job_sha256"], p["job_sha256"]);
}

TEST(Trainer, UnknownHyperparametersAreWarningsOrStrictErrors) {
    Workspace ws;
    auto file = ws.job("", "    hyperparameters:\n        learning_rate: 0.1\n");
    auto result = train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
    EXPECT_EQ(result["ignored_hyperparameters"], train::Json::array({"learning_rate"}));
    EXPECT_EQ(result["warnings"][0], "hyperparameter 'learning_rate' is not taken by random_forest; ignored");
    auto strict = ws.job("", "    hyperparameters:\n        learning_rate: 0.1\n    strict: true\n");
    EXPECT_THROW(train::run_training_job(strict, "baseline_churn_model", *ws.store, ws.options()), Error);
}

TEST(Trainer, BadInputWritesNoRegistryEntry) {
    Workspace ws;
    auto expect_error = [&](const lang::JobFile& file, const std::string& message) {
        try {
            train::run_training_job(file, "baseline_churn_model", *ws.store, ws.options());
            ADD_FAILURE() << "no error for: " << message;
        } catch (const Error& e) {
            EXPECT_EQ(e.message(), message);
        }
    };
    expect_error(ws.job("    algorithm: random_forrest\n"), "unknown algorithm 'random_forrest'; did you mean 'random_forest'?");
    auto wrong_target = ws.job("");
    wrong_target.trainings[0].target = "churn";
    expect_error(wrong_target, "target column 'churn' is not in dataset 'customer_data'; did you mean 'churned'?");
    auto wrong_feature = ws.job("");
    wrong_feature.trainings[0].features.push_back("tenur");
    expect_error(wrong_feature, "feature column 'tenur' is not in dataset 'customer_data'; did you mean 'tenure'?");
    expect_error(ws.job("", "    hyperparameters:\n        n_estimators: 0\n"),
                 "hyperparameter 'n_estimators' of random_forest must be an integer >= 1, got 0");
    EXPECT_TRUE(ws.store->list_models().empty());
    auto runs = ws.store->runs_of("baseline_churn_model");
    ASSERT_EQ(runs.size(), 4u);
    for (const auto& r : runs) EXPECT_EQ(r.status, "error");
}

TEST(Trainer, TamperedArtifactIsRefused) {
    Workspace ws;
    auto result = train::run_training_job(ws.job("    algorithm: logistic_regression\n"), "baseline_churn_model",
                                          *ws.store, ws.options());
    auto entry = ws.store->get_model(result["registry_key"]);
    ASSERT_TRUE(entry);
    std::ofstream(fs::path(entry->file_path) / "preprocess.json", std::ios::app) << " ";
    try {
        train::LoadedModel::load(*ws.store, entry->key);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "artifact_corrupt");
    }
}

// Checkpoints: a model that does not train by epochs says it ignores them, and
// --resume refuses, with the reason, what it cannot continue.
TEST(Trainer, ResumeRefusesWhatItCannotContinue) {
    Workspace ws;
    auto resume = [&](const lang::JobFile& file) {
        train::TrainOptions o = ws.options();
        o.resume = true;
        return train::run_training_job(file, "baseline_churn_model", *ws.store, o);
    };
    auto with_checkpoints = ws.job("    algorithm: xgboost\n", "    checkpoints: true\n");
    test_support::expect_error([&] { resume(with_checkpoints); }, "run_not_found",
                               "training job 'baseline_churn_model' has no run to resume");

    auto result = train::run_training_job(with_checkpoints, "baseline_churn_model", *ws.store, ws.options());
    EXPECT_EQ(result["warnings"], nlohmann::ordered_json::array({"checkpoints are written by models that train by "
                                                                 "epochs; xgboost does not, so 'checkpoints' is ignored"}));
    test_support::expect_error([&] { resume(with_checkpoints); }, "run_finished");

    auto failing = ws.job("    algorithm: xgboost\n", "    hyperparameters:\n        max_depth: -1\n");
    EXPECT_THROW(train::run_training_job(failing, "baseline_churn_model", *ws.store, ws.options()), Error);
    test_support::expect_error([&] { resume(ws.job("    algorithm: xgboost\n")); }, "no_checkpoints");
    auto error = test_support::expect_error([&] { resume(with_checkpoints); }, "checkpoint_not_found");
    ASSERT_TRUE(error);
    EXPECT_NE(error->message().find("/.checkpoints/run_"), std::string::npos) << error->message();
}
