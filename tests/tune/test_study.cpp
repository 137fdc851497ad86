// Tuning studies end to end on generated data: real estimators, a real SQLite
// registry, trials in parallel, pruning, resume after a crash.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "common/error.hpp"
#include "../train/churn_workspace.hpp"
#include "train/predictor.hpp"
#include "tune/study.hpp"

using namespace hone;
using hone::test_support::Workspace;

namespace {

// The workspace's training job with an xgboost model and `tuning` appended.
lang::JobFile study_file(Workspace& ws, const std::string& tuning, const std::string& training_extra = "") {
    return ws.job("    algorithm: xgboost\n    hyperparameters:\n        n_estimators: 40\n",
                  "    split:\n        train: 0.6\n        validation: 0.2\n        test: 0.2\n" + training_extra +
                      tuning);
}

const char* kSpace =
    "    search_space:\n"
    "        max_depth:\n            type: int\n            min: 2\n            max: 6\n"
    "        learning_rate:\n            type: float\n            min: 0.01\n            max: 0.5\n"
    "            log: true\n";

std::string tuning_block(const std::string& settings) {
    return "tuning \"study\":\n    training_job: baseline_churn_model\n    objective_metric: accuracy\n" + settings +
           kSpace;
}

tune::TuneOptions options_for(Workspace& ws) {
    tune::TuneOptions o;
    o.context.model_root = (ws.dir / "models").string();
    return o;
}

}  // namespace

TEST(Study, ParallelRandomStudyPersistsTrialsAndRegistersTheBest) {
    Workspace ws;
    auto file = study_file(ws, tuning_block("    strategy: random\n    max_trials: 6\n    parallel_trials: 2\n"));
    auto r = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["job"], "study");
    EXPECT_EQ(r["training_job"], "baseline_churn_model");
    EXPECT_EQ(r["strategy"], "random");
    EXPECT_EQ(r["total_trials"], 6);
    EXPECT_EQ(r["completed_trials"], 6);
    EXPECT_EQ(r["parallel_trials"], 2);

    auto rows = ws.store->trials_of(r["study_id"].get<std::string>());
    ASSERT_EQ(rows.size(), 6u);
    double best = 0;
    for (const auto& t : rows) {
        EXPECT_EQ(t.status, "ok");
        ASSERT_TRUE(t.value.has_value());
        best = std::max(best, *t.value);
        int depth = t.params["max_depth"].get<int>();
        EXPECT_TRUE(depth >= 2 && depth <= 6) << depth;
    }
    EXPECT_EQ(r["best_value"].get<double>(), best);
    EXPECT_GT(best, 0.75);  // the generated churn is learnable
    int n = r["best_trial"].get<int>();
    EXPECT_EQ(r["best_hyperparameters"], rows[static_cast<std::size_t>(n)].params);

    // The best trial's model is in the registry, with the study in its metadata, and predicts.
    std::string key = r["best_model_registry_key"].get<std::string>();
    auto entry = ws.store->get_model(key);
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->metadata["tuning_job"], "study");
    EXPECT_EQ(entry->metadata["trial"], n);
    EXPECT_EQ(entry->hyperparameters["max_depth"], r["best_hyperparameters"]["max_depth"]);
    EXPECT_EQ(entry->validation_metrics["accuracy"].get<double>(), best);
    auto model = train::LoadedModel::load(*ws.store, key);
    EXPECT_EQ(model->features().size(), 4u);
    EXPECT_EQ(ws.store->list_models().size(), 1u);  // register: best
    EXPECT_EQ(r["importance"].size(), 2u);
}

TEST(Study, SameSeedGivesTheSameTrials) {
    Workspace ws;
    auto file = study_file(ws, tuning_block("    strategy: bayesian\n    max_trials: 12\n"));
    auto a = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    auto b = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    ASSERT_EQ(a["trials"].size(), 12u);
    for (std::size_t i = 0; i < 12; ++i) {
        EXPECT_EQ(a["trials"][i]["hyperparameters"], b["trials"][i]["hyperparameters"]) << i;
        EXPECT_EQ(a["trials"][i]["value"], b["trials"][i]["value"]) << i;
    }
}

TEST(Study, ResumeKeepsEndedTrialsAndRerunsRunningOnes) {
    Workspace ws;
    auto file = study_file(ws, tuning_block("    strategy: random\n    max_trials: 3\n"));
    auto first = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    std::string id = first["study_id"].get<std::string>();
    // What a kill -9 during trial 2 leaves behind: the trial and the study running.
    auto rows = ws.store->trials_of(id);
    ASSERT_EQ(rows.size(), 3u);
    registry::TrialRow cut = rows[2];
    cut.status = "running";
    cut.value.reset();
    ws.store->save_trial(cut);
    auto run = *ws.store->get_run(id);
    run.status = "running";
    ws.store->update_run(run);

    auto o = options_for(ws);
    o.resume = true;
    o.overrides = {{"max_trials", 5}};
    auto r = tune::run_tuning_job(file, "study", *ws.store, o);
    EXPECT_EQ(r["study_id"], id);
    EXPECT_EQ(r["total_trials"], 5);
    EXPECT_EQ(r["resumed_trials"], 2);
    auto after = ws.store->trials_of(id);
    ASSERT_EQ(after.size(), 5u);
    for (int i = 0; i < 2; ++i) {  // kept as they were
        EXPECT_EQ(after[i].started_at, rows[i].started_at);
        EXPECT_EQ(after[i].value, rows[i].value);
    }
    EXPECT_EQ(after[2].status, "ok");  // rerun, same parameters
    EXPECT_EQ(after[2].params, rows[2].params);
    EXPECT_EQ(after[2].value, rows[2].value);
    EXPECT_GT(after[2].started_at, rows[2].started_at);
    EXPECT_EQ(ws.store->get_run(id)->status, "ok");
}

TEST(Study, ResumeWithoutAStudyIsAClearError) {
    Workspace ws;
    auto file = study_file(ws, tuning_block("    max_trials: 2\n"));
    auto o = options_for(ws);
    o.resume = true;
    try {
        tune::run_tuning_job(file, "study", *ws.store, o);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "study_not_found");
        EXPECT_STREQ(e.what(), "no study of tuning job 'study' to resume");
    }
}

// Each value is in range, but the library refuses the combination (LIBLINEAR
// has no l1 penalty with the hinge loss): every trial fails, and says why.
TEST(Study, TrialsThatAllFailEndTheStudyWithTheReasons) {
    Workspace ws;
    auto file = ws.job("    algorithm: linear_svc\n    hyperparameters:\n        penalty: l1\n",
                       "tuning \"study\":\n    training_job: baseline_churn_model\n    strategy: random\n"
                       "    max_trials: 2\n    search_space:\n        loss:\n            type: categorical\n"
                       "            values: [hinge]\n");
    auto r = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    EXPECT_EQ(r["status"], "error");
    EXPECT_EQ(r["failed_trials"], 2);
    EXPECT_TRUE(r["best_trial"].is_null());
    ASSERT_EQ(r["errors"].size(), 2u);
    EXPECT_EQ(r["errors"][0], "trial 0: linear_svc does not support penalty='l1' with loss='hinge'");
    EXPECT_TRUE(ws.store->list_models().empty());
    EXPECT_EQ(ws.store->get_run(r["study_id"].get<std::string>())->status, "error");
}

// A range every trial would fail in is refused before the first trial, with
// the message `hone check` gives for it.
TEST(Study, ASpaceOutsideTheHyperparametersRangeIsRefusedUpFront) {
    Workspace ws;
    auto file = ws.job("    algorithm: xgboost\n",
                       "tuning \"study\":\n    training_job: baseline_churn_model\n    strategy: random\n"
                       "    max_trials: 2\n    search_space:\n        subsample:\n            type: float\n"
                       "            min: 1.5\n            max: 2.5\n");
    try {
        tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
        FAIL() << "the study ran";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "invalid_search_space");
        EXPECT_EQ(e.message(), "search space 'subsample' reaches outside the hyperparameter's range: hyperparameter "
                               "'subsample' of xgboost must be a number in (0, 1], got 1.5");
    }
    EXPECT_TRUE(ws.store->list_models().empty());
}

TEST(Study, MedianPrunerStopsWeakTrialsAtTheirLastValue) {
    Workspace ws;
    auto file = ws.job("    algorithm: xgboost\n    hyperparameters:\n        n_estimators: 30\n",
                       "    split:\n        train: 0.6\n        validation: 0.2\n        test: 0.2\n"
                       "tuning \"study\":\n    training_job: baseline_churn_model\n    strategy: random\n"
                       "    objective_metric: log_loss\n    max_trials: 14\n    pruner: median\n"
                       "    search_space:\n        learning_rate:\n            type: float\n"
                       "            min: 0.0001\n            max: 0.5\n            log: true\n");
    auto r = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["objective"]["direction"], "minimize");
    EXPECT_GT(r["pruned_trials"].get<int>(), 0);
    for (const auto& t : r["trials"]) {
        ASSERT_FALSE(t["intermediate_values"].empty());
        if (t["status"] != "pruned") continue;
        EXPECT_LT(t["intermediate_values"].size(), 30u);  // stopped before the last round
        EXPECT_EQ(t["value"], t["intermediate_values"].back()[1]);
    }
}

TEST(Study, GridStopsWhenEveryPointIsTried) {
    Workspace ws;
    auto file = ws.job("    algorithm: xgboost\n    hyperparameters:\n        n_estimators: 10\n",
                       "tuning \"study\":\n    training_job: baseline_churn_model\n    strategy: grid\n"
                       "    max_trials: 10\n    search_space:\n        max_depth:\n            type: int\n"
                       "            min: 2\n            max: 3\n        booster_type:\n            type: categorical\n"
                       "            values: [a, b]\n");
    auto r = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    EXPECT_EQ(r["total_trials"], 4);
    std::set<std::string> seen;
    for (const auto& t : r["trials"]) seen.insert(t["hyperparameters"].dump());
    EXPECT_EQ(seen.size(), 4u);
}

TEST(Study, CrossValidationScoresTheFoldMean) {
    Workspace ws;
    auto file = study_file(ws, tuning_block("    strategy: random\n    max_trials: 2\n    cv: 3\n"));
    auto r = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    EXPECT_EQ(r["objective"]["split"], "cv");
    EXPECT_EQ(r["completed_trials"], 2);
    for (const auto& t : r["trials"]) {
        EXPECT_TRUE(t["metrics"].contains("accuracy_std"));
        EXPECT_EQ(t["value"], t["metrics"]["accuracy"]);
    }
    EXPECT_TRUE(r["best_model_registry_key"].is_string());
}

// Overrides get the job file's checks and messages, located at the override.
TEST(Study, BadOverridesAndPrunersNameTheValidOnes) {
    Workspace ws;
    auto file = study_file(ws, tuning_block("    max_trials: 2\n"));
    auto o = options_for(ws);
    auto refusal = [&](const nlohmann::ordered_json& overrides, lang::OverrideSource source) -> std::string {
        o.overrides = overrides;
        o.override_source = source;
        try {
            tune::run_tuning_job(file, "study", *ws.store, o);
            return "accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), "invalid_override");
            return e.what();
        }
    };
    using lang::OverrideSource;
    EXPECT_EQ(refusal({{"pruner", "mediam"}}, OverrideSource::command_line),
              "--set pruner=mediam: unknown pruner 'mediam'; did you mean 'median'?");
    EXPECT_EQ(refusal({{"max_trails", 3}}, OverrideSource::command_line),
              "--set max_trails=3: unknown key 'max_trails' in tuning \"study\"; did you mean 'max_trials'?");
    // `cv: 1` is refused in a file, and so as an override.
    EXPECT_EQ(refusal({{"cv", 1}}, OverrideSource::request),
              "overrides.cv: 'cv' must be 0 (use the validation split) or at least 2, found 1");
    EXPECT_EQ(refusal({{"strategy", "tpe"}, {"max_trials", 0}}, OverrideSource::request),
              "overrides.max_trials: 'max_trials' must be at least 1, found 0");
    EXPECT_TRUE(ws.store->list_models().empty());
}

// A real crash: `hone tune` killed with SIGKILL mid-study, then resumed.
TEST(Study, KillNineThenResumeLosesAndRepeatsNothing) {
    Workspace ws;
    std::ofstream(ws.dir / "job.n3")
        << "dataset \"customer_data\":\n    source: csv\n    path: customers.csv\n"
           "model \"m\":\n    type: classifier\n    algorithm: xgboost\n    hyperparameters:\n        n_estimators: 80\n"
           "training \"t\":\n    model: m\n    dataset: customer_data\n    target: churned\n    objective: maximize_accuracy\n"
           "tuning \"study\":\n    training_job: t\n    strategy: random\n    max_trials: 40\n"
           "    search_space:\n        max_depth:\n            type: int\n            min: 6\n            max: 10\n";
    std::string db = (ws.dir / "kill.db").string();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::execl(HONE_BINARY, HONE_BINARY, "tune", (ws.dir / "job.n3").c_str(), "study", "-q", "--store", db.c_str(),
                "--model-root", (ws.dir / "models").c_str(), "--threads", "1", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Wait for three ended trials, then kill without warning.
    auto store = registry::open_store(db);
    std::string study;
    std::vector<registry::TrialRow> before;
    for (int i = 0; i < 600; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (study.empty())
            if (auto s = tune::latest_study(*store, "study")) study = s->id;
        if (study.empty()) continue;
        before = store->trials_of(study);
        int ended = 0;
        for (const auto& t : before) ended += t.status == "ok";
        if (ended >= 3 && before.back().status == "running") break;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status));
    before = store->trials_of(study);
    ASSERT_GE(before.size(), 4u);
    EXPECT_EQ(before.back().status, "running");

    std::string cmd = std::string(HONE_BINARY) + " tune " + (ws.dir / "job.n3").string() +
                      " study -q --resume --set max_trials=" + std::to_string(before.size() + 1) + " --store " + db +
                      " --model-root " + (ws.dir / "models").string() + " > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto after = store->trials_of(study);
    ASSERT_EQ(after.size(), before.size() + 1);
    for (std::size_t i = 0; i + 1 < before.size(); ++i) {
        if (before[i].status != "ok") continue;
        EXPECT_EQ(after[i].started_at, before[i].started_at) << i;  // not rerun
        EXPECT_EQ(after[i].value, before[i].value) << i;
    }
    EXPECT_EQ(after[before.size() - 1].status, "ok");  // the interrupted trial, rerun
    EXPECT_EQ(after[before.size() - 1].params, before.back().params);
    EXPECT_EQ(store->get_run(study)->status, "ok");
}

TEST(Study, ResumeRefusesAChangedSearchSpace) {
    Workspace ws;
    auto file = study_file(ws, tuning_block("    strategy: random\n    max_trials: 2\n"));
    tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    std::string changed = tuning_block("    strategy: random\n    max_trials: 2\n");
    changed.replace(changed.find("max: 6"), 6, "max: 8");
    auto file2 = study_file(ws, changed);
    auto o = options_for(ws);
    o.resume = true;
    try {
        tune::run_tuning_job(file2, "study", *ws.store, o);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "search_space_changed");
        std::string msg = e.what();
        EXPECT_NE(msg.find(R"(its search space changed: 'max_depth' changed from {"type":"int","min":2.0,"max":6.0} to {"type":"int","min":2.0,"max":8.0})"),
                  std::string::npos)
            << msg;
    }
}

TEST(Study, SpaceKeysTheAlgorithmDoesNotTakeWarnOrFailUnderStrict) {
    Workspace ws;
    std::string space =
        "tuning \"study\":\n    training_job: baseline_churn_model\n    strategy: random\n    max_trials: 1\n"
        "    search_space:\n        max_dept:\n            type: int\n            min: 2\n            max: 4\n"
        "        tree_method:\n            type: categorical\n            values: [hist]\n";
    auto r = tune::run_tuning_job(study_file(ws, space), "study", *ws.store, options_for(ws));
    ASSERT_GE(r["warnings"].size(), 2u);
    EXPECT_EQ(r["warnings"][0],
              "search space key 'max_dept' is not a hyperparameter of xgboost, so sampling it has no effect; "
              "did you mean 'max_depth'?");
    EXPECT_EQ(r["warnings"][1], "search space key 'tree_method' has a single value (\"hist\"): it is fixed, not searched");
    try {
        tune::run_tuning_job(study_file(ws, space, "    strict: true\n"), "study", *ws.store, options_for(ws));
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "search space key 'max_dept' is not a hyperparameter of xgboost; did you mean 'max_depth'?");
    }
}

// A name alone takes the catalog's tuning range (xgboost: max_depth 2..12,
// learning_rate 0.01..0.3 on a log scale), recorded resolved with the study.
TEST(Study, ANameAloneSearchesTheCatalogsRange) {
    Workspace ws;
    auto file = ws.job("    algorithm: xgboost\n    hyperparameters:\n        n_estimators: 10\n",
                       "tuning \"study\":\n    training_job: baseline_churn_model\n    strategy: random\n"
                       "    max_trials: 6\n    search_space: [max_depth, learning_rate]\n");
    auto r = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    EXPECT_EQ(r["search_space"]["max_depth"], (lang::Json{{"type", "int"}, {"min", 2.0}, {"max", 12.0}}));
    EXPECT_EQ(r["search_space"]["learning_rate"],
              (lang::Json{{"type", "float"}, {"min", 0.01}, {"max", 0.3}, {"log", true}}));
    ASSERT_EQ(r["trials"].size(), 6u);
    for (const auto& t : r["trials"]) {
        int depth = t["hyperparameters"]["max_depth"].get<int>();
        double rate = t["hyperparameters"]["learning_rate"].get<double>();
        EXPECT_GE(depth, 2);
        EXPECT_LE(depth, 12);
        EXPECT_GE(rate, 0.01);
        EXPECT_LE(rate, 0.3);
    }
}

// The MLP tunes by name alone too: hidden_layer_sizes over the catalog's lists,
// learning_rate_init log-uniform; a pruner sees its per-epoch validation values.
TEST(Study, TheMlpTunesItsLayersAsListsAndItsLearningRateOnALogScale) {
    Workspace ws;
    auto file = ws.job("    algorithm: mlp\n    hyperparameters:\n        max_iter: 6\n        batch_size: 64\n",
                       "tuning \"study\":\n    training_job: baseline_churn_model\n    strategy: random\n"
                       "    max_trials: 4\n    pruner: median\n"
                       "    search_space: [hidden_layer_sizes, learning_rate_init]\n");
    auto r = tune::run_tuning_job(file, "study", *ws.store, options_for(ws));
    EXPECT_EQ(r["search_space"]["hidden_layer_sizes"]["type"], "categorical");
    EXPECT_EQ(r["search_space"]["hidden_layer_sizes"]["values"],
              (lang::Json::array({{50}, {100}, {100, 50}, {128, 64, 32}})));
    EXPECT_EQ(r["search_space"]["learning_rate_init"]["log"], true);
    ASSERT_EQ(r["trials"].size(), 4u);
    for (const auto& t : r["trials"]) {
        EXPECT_TRUE(t["hyperparameters"]["hidden_layer_sizes"].is_array()) << t.dump();
        EXPECT_FALSE(t["intermediate_values"].empty()) << "per-epoch values reach the pruner: " << t.dump();
    }
    EXPECT_GT(r["best_value"].get<double>(), 0.6);
}
