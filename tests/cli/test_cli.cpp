// The hone program as a user runs it: real process, real exit codes and output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "../train/text_corpus.hpp"

namespace fs = std::filesystem;

namespace {

struct Output {
    int code = -1;
    std::string out;     // stdout, then stderr
    std::string stdout_; // stdout alone: what --json prints (warnings go to stderr)
};

std::string slurp(FILE* f) {
    std::string text;
    std::array<char, 4096> buf;
    while (std::size_t n = fread(buf.data(), 1, buf.size(), f)) text.append(buf.data(), n);
    return text;
}

// `env` is "NAME=value " assignments for the process.
Output run(const std::string& args, const std::string& env = "") {
    static int calls = 0;
    fs::path err = fs::temp_directory_path() / ("hone-cli-stderr-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(++calls));
    std::string cmd = env + std::string(HONE_BINARY) + " " + args + " 2>" + err.string();
    Output o;
    FILE* p = popen(cmd.c_str(), "r");
    o.stdout_ = slurp(p);
    int status = pclose(p);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (FILE* e = std::fopen(err.c_str(), "r")) {
        o.out = o.stdout_ + slurp(e);
        std::fclose(e);
    }
    fs::remove(err);
    return o;
}

std::string source(const std::string& rel) { return std::string(HONE_SOURCE_DIR) + "/" + rel; }


struct Home {
    fs::path dir = fs::temp_directory_path() / ("hone-cli-" + std::to_string(std::random_device{}()));
    Home() { fs::create_directories(dir); }
    ~Home() { fs::remove_all(dir); }
    std::string env() const { return "HONE_HOME=" + dir.string() + " "; }
};

// The churn example's header and first rows, `lines` lines in all, as a file in `home`.
fs::path churn_head(const Home& home, int lines) {
    fs::path rows = home.dir / "rows.csv";
    std::ifstream in(source("examples/churn/customers.csv"));
    std::ofstream out(rows);
    std::string line;
    for (int i = 0; i < lines && std::getline(in, line); ++i) out << line << "\n";
    return rows;
}

}  // namespace

TEST(Cli, CheckAcceptsTheChurnExample) {
    auto o = run("check " + source("examples/churn/churn.n3"));
    EXPECT_EQ(o.code, 0) << o.out;
    EXPECT_NE(o.out.find("ok, 6 blocks"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("  pipeline churn_pipeline"), std::string::npos) << o.out;
}

// What a block is checked as: engines are for classic estimators only; a
// recommender shows its columns and how it is evaluated, a text classifier its
// text fields, split and augmentation; a default algorithm is named.
TEST(Cli, CheckSummarizesRecommendersAndTextClassifiersAsTheyTrain) {
    const std::string text = source("tests/cases/check/ok_text_classifier.n3");
    auto o = run("check " + text);
    EXPECT_EQ(o.code, 0) << o.out;
    EXPECT_EQ(o.stdout_,
              text + ": ok, 6 blocks\n"
                     "  dataset  papers    source=classification path=papers.json\n"
                     "  dataset  tickets   source=csv path=tickets.csv\n"
                     "  model    taxonomy  type=text_classifier algorithm=tfidf_linear\n"
                     "  model    router    type=text_classifier algorithm=tfidf_linear (default)\n"
                     "  training taxonomy  model=taxonomy dataset=papers text=text allow_empty=true "
                     "objective=maximize_micro_f1 split=0.7/0.15/0.15 augmentation=2 copies per training text\n"
                     "  training route     model=router dataset=tickets text=body target=queue weight=confidence "
                     "objective=maximize_subset_accuracy split=0.8/0.1/0.1 augmentation=1 copy per training text\n");
    const std::string recommender = source("tests/cases/check/ok_recommender.n3");
    o = run("check " + recommender);
    EXPECT_EQ(o.code, 0) << o.out;
    EXPECT_EQ(o.stdout_,
              recommender + ": ok, 6 blocks\n"
                            "  dataset  reading_history      source=interactions path=interactions.json\n"
                            "  dataset  ratings              source=csv path=ratings.csv\n"
                            "  model    article_recommender  type=recommender algorithm=ncf\n"
                            "  model    popular              type=recommender algorithm=popularity\n"
                            "  training article_recommender  model=article_recommender dataset=reading_history "
                            "user=user_id item=item_id objective=maximize_ndcg@10 evaluation=leave_one_out "
                            "negatives=99 k=5,10 held_out=each user's latest early_stopping=val_ndcg@10\n"
                            "  training rated                model=popular dataset=ratings user=member item=article "
                            "rating=stars rating_threshold=3.5 timestamp=at objective=maximize_hr@20 "
                            "evaluation=full k=20 held_out=each user's latest\n");
    // A classic estimator keeps its engine and split.
    o = run("check " + source("examples/churn/churn.n3"));
    EXPECT_NE(o.stdout_.find(" engine=sklearn "), std::string::npos) << o.stdout_;
    EXPECT_NE(o.stdout_.find(" split=0.7/0.15/0.15"), std::string::npos) << o.stdout_;
}

TEST(Cli, CheckReportsErrorsWithExitCode1) {
    auto o = run("check " + source("tests/cases/check/err_reference_did_you_mean.n3"));
    EXPECT_EQ(o.code, 1);
    EXPECT_NE(o.out.find("refers to undefined model 'churn_clasifier'; did you mean 'churn_classifier'?"),
              std::string::npos)
        << o.out;
    EXPECT_NE(o.out.find("3 errors"), std::string::npos) << o.out;
}

TEST(Cli, CheckJson) {
    auto o = run("check --json " + source("tests/cases/check/err_mode_and_strategy.n3"));
    EXPECT_EQ(o.code, 1);
    auto j = nlohmann::json::parse(o.stdout_);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["files"][0]["diagnostics"][0]["line"], 12);
    EXPECT_EQ(j["files"][0]["diagnostics"][0]["col"], 15);
}

TEST(Cli, DescribeACsvFile) {
    auto o = run("data describe --json " + source("examples/churn/customers.csv"));
    ASSERT_EQ(o.code, 0) << o.out;
    auto j = nlohmann::json::parse(o.stdout_);
    EXPECT_EQ(j["rows"], 5000);
    EXPECT_EQ(j["columns"].size(), 6u);
}

TEST(Cli, DescribeAMissingFileNamesIt) {
    auto o = run("data describe /nonexistent/x.csv");
    EXPECT_NE(o.code, 0);
    EXPECT_NE(o.out.find("/nonexistent/x.csv"), std::string::npos) << o.out;
}

TEST(Cli, TrainPredictAndListTheRegistry) {
    Home home;
    auto t = run("train --json -q --set hyperparameters.n_estimators=20 " +
                 source("examples/churn/churn.n3") + " baseline_churn_model", home.env());
    ASSERT_EQ(t.code, 0) << t.out;
    auto result = nlohmann::json::parse(t.stdout_);
    std::string key = result["registry_key"];
    EXPECT_EQ(result["hyperparameters"]["n_estimators"], 20);
    EXPECT_GT(result["metrics"]["accuracy"].get<double>(), 0.75);

    auto list = run("models list --json", home.env());
    ASSERT_EQ(list.code, 0) << list.out;
    EXPECT_EQ(nlohmann::json::parse(list.stdout_)[0]["key"], key);

    fs::path rows = churn_head(home, 4);
    auto p = run("predict " + key + " --input " + rows.string(), home.env());
    ASSERT_EQ(p.code, 0) << p.out;
    EXPECT_EQ(p.out.substr(0, p.out.find('\n')), "prediction,proba_false,proba_true");
    EXPECT_EQ(std::count(p.out.begin(), p.out.end(), '\n'), 4);

    auto stage = run("models stage " + key + " prod", home.env());
    EXPECT_EQ(stage.code, 1);
    EXPECT_NE(stage.out.find("invalid stage 'prod': expected 'none', 'staging', 'production' or 'archived'"),
              std::string::npos)
        << stage.out;

    auto runs = run("runs baseline_churn_model --json", home.env());
    ASSERT_EQ(runs.code, 0) << runs.out;
    EXPECT_EQ(nlohmann::json::parse(runs.stdout_)[0]["status"], "ok");

    // The run's log, as text and as the API's JSON.
    std::string run_id = nlohmann::json::parse(runs.stdout_)[0]["run_id"];
    auto logs = run("runs logs " + run_id, home.env());
    ASSERT_EQ(logs.code, 0) << logs.out;
    EXPECT_NE(logs.out.find("] info: training job 'baseline_churn_model' started by "), std::string::npos) << logs.out;
    EXPECT_NE(logs.out.find("] info: registered " + key + " (version 1)"), std::string::npos) << logs.out;
    auto json_logs = run("runs logs " + run_id + " --json", home.env());
    ASSERT_EQ(json_logs.code, 0) << json_logs.out;
    auto lines = nlohmann::json::parse(json_logs.stdout_);
    EXPECT_EQ(lines.back()["level"], "info");
    EXPECT_EQ(lines.back()["message"].get<std::string>().rfind("finished in ", 0), 0u) << lines.back();
    auto unknown = run("runs logs run_nope", home.env());
    EXPECT_EQ(unknown.code, 1);
    EXPECT_NE(unknown.out.find("error: no run 'run_nope'"), std::string::npos) << unknown.out;

    // The audit log, newest first, in the HTTP route's shape: the refused stage
    // change wrote nothing, the training did.
    auto audit = run("audit --json --limit 5", home.env());
    ASSERT_EQ(audit.code, 0) << audit.out;
    auto page = nlohmann::json::parse(audit.stdout_);
    EXPECT_EQ(page["offset"], 0);
    EXPECT_EQ(page["limit"], 5);
    ASSERT_EQ(page["entries"].size(), 1u) << page;
    EXPECT_EQ(page["entries"][0]["action"], "train");
    EXPECT_EQ(page["entries"][0]["details"]["registry_key"], key);
    auto table = run("audit", home.env());
    EXPECT_EQ(table.out.substr(0, table.out.find('\n')).find("WHEN"), 0u) << table.out;
    auto past = run("audit --offset 1", home.env());
    EXPECT_EQ(past.out, "no audit entries past the first 1\n");
    auto bad = run("audit --limit 5000", home.env());
    EXPECT_NE(bad.code, 0);  // a usage error: the command-line parser's own exit code
    EXPECT_NE(bad.out.find("--limit: Value 5000 not in range 1 to 1000"), std::string::npos) << bad.out;
}

// The segmentation example: k-means trained from its job, its clusters shown,
// registered, and every customer assigned to the cluster the training found.
TEST(Cli, ClusterTheSegmentsExampleAndAssignItsCustomers) {
    Home home;
    auto t = run("train --json -q " + source("examples/segments/segments.n3") + " kmeans_segments", home.env());
    ASSERT_EQ(t.code, 0) << t.out;
    auto result = nlohmann::json::parse(t.stdout_);
    EXPECT_EQ(result["task"], "clustering");
    EXPECT_EQ(result["clustering"]["n_clusters"], 4);
    EXPECT_GT(result["metrics"]["silhouette"].get<double>(), 0.5);
    std::string key = result["registry_key"];
    auto p = run("predict " + key + " --input " + source("examples/segments/customers.csv"), home.env());
    ASSERT_EQ(p.code, 0) << p.out;
    EXPECT_EQ(p.out.substr(0, p.out.find('\n')), "prediction");
    std::vector<std::size_t> sizes(4, 0);
    std::istringstream lines(p.out.substr(p.out.find('\n') + 1));
    for (std::string line; std::getline(lines, line);) ++sizes.at(std::stoul(line));
    EXPECT_EQ(nlohmann::json(sizes), result["clustering"]["cluster_sizes"]);

    auto text = run("train " + source("examples/segments/segments.n3") + " unusual_customers", home.env());
    ASSERT_EQ(text.code, 0) << text.out;
    EXPECT_NE(text.out.find("  cluster         rows     share               age      annual_spend  visits_per_month\n"),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("  noise "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("  (not profiled, they identify rows: customer_id)\n"), std::string::npos) << text.out;
}

// The mlp through the whole program: a job in the N3 language with the job
// language's hyperparameter names, trained, registered and predicting.
TEST(Cli, TrainAnMlpFromAJobAndPredictWithIt) {
    Home home;
    auto t = run("train --json -q " + source("examples/churn/churn_mlp.n3") + " mlp_churn_model", home.env());
    ASSERT_EQ(t.code, 0) << t.out;
    auto result = nlohmann::json::parse(t.stdout_);
    EXPECT_EQ(result["algorithm"], "mlp") << t.stdout_;
    EXPECT_EQ(result["hyperparameters"]["hidden_layer_sizes"], nlohmann::json::array({32, 16}));
    EXPECT_EQ(result["hyperparameters"]["max_iter"], 40);
    EXPECT_EQ(result["hyperparameters"]["solver"], "adamw");
    EXPECT_GT(result["metrics"]["accuracy"].get<double>(), 0.75);
    std::string key = result["registry_key"];

    fs::path rows = churn_head(home, 4);
    auto p = run("predict " + key + " --input " + rows.string(), home.env());
    ASSERT_EQ(p.code, 0) << p.out;
    EXPECT_EQ(p.out.substr(0, p.out.find('\n')), "prediction,proba_false,proba_true");
    EXPECT_EQ(std::count(p.out.begin(), p.out.end(), '\n'), 4);
}

// A text classifier's summary says how many texts it fitted on and how many
// augmentation added; the text column is what it predicts from.
TEST(Cli, TrainATextClassifierWithAugmentedTextsAndPredict) {
    Home home;
    hone::test_support::write_topics_csv(home.dir / "posts.csv", 120, false);
    std::ofstream(home.dir / "topics.n3")
        << "dataset \"posts\":\n    source: csv\n    path: posts.csv\n"
           "model \"topics\":\n    type: text_classifier\n"
           "training \"topics\":\n    model: topics\n    dataset: posts\n    text: body\n    target: topics\n"
           "    objective: maximize_subset_accuracy\n    augmentation: {copies: 2}\n";
    auto t = run("train -q " + (home.dir / "topics.n3").string(), home.env());
    ASSERT_EQ(t.code, 0) << t.out;
    const std::string summary = t.stdout_.substr(0, t.stdout_.find('\n'));  // then " (N ms)"
    EXPECT_EQ(summary.substr(0, summary.rfind(" (")),
              "topics: tfidf_linear on 84 texts (+168 augmented), 3 labels (one per text)")
        << t.stdout_;

    auto json = run("train --json -q --no-register " + (home.dir / "topics.n3").string(), home.env());
    ASSERT_EQ(json.code, 0) << json.out;
    EXPECT_EQ(nlohmann::json::parse(json.stdout_)["augmentation"]["added_rows"], 168);
    const std::string key = t.stdout_.substr(t.stdout_.find("registered ") + 11,
                                             t.stdout_.find(" (version") - t.stdout_.find("registered ") - 11);
    std::ofstream(home.dir / "rows.csv") << "body\nthe striker scored a goal\na guitar album\n";
    auto p = run("predict " + key + " --input " + (home.dir / "rows.csv").string(), home.env());
    ASSERT_EQ(p.code, 0) << p.out;
    EXPECT_EQ(p.stdout_.substr(0, p.stdout_.find('\n')), "prediction,proba_music,proba_politics,proba_sport");
    EXPECT_NE(p.stdout_.find("\nsport,"), std::string::npos) << p.stdout_;
    EXPECT_NE(p.stdout_.find("\nmusic,"), std::string::npos) << p.stdout_;
}

TEST(Cli, PredictWithAMissingFeatureNamesIt) {
    Home home;
    auto t = run("train --json -q --set hyperparameters.n_estimators=5 " +
                 source("examples/churn/churn.n3") + " baseline_churn_model", home.env());
    ASSERT_EQ(t.code, 0) << t.out;
    std::string key = nlohmann::json::parse(t.stdout_)["registry_key"];
    fs::path rows = home.dir / "rows.csv";
    std::ofstream(rows) << "tenure,monthly_spend\n12,50.5\n";
    auto p = run("predict " + key + " --input " + rows.string(), home.env());
    EXPECT_NE(p.code, 0);
    EXPECT_NE(p.out.find("support_calls"), std::string::npos) << p.out;
}

TEST(Cli, TuneTheSeedStudyThenReadItsTrialsAndBest) {
    Home home;
    auto t = run("tune -q --json --set max_trials=4 --set parallel_trials=2 " + source("examples/churn/churn.n3") +
                     " optimized_churn_model",
                 home.env());
    ASSERT_EQ(t.code, 0) << t.out;
    auto r = nlohmann::json::parse(t.stdout_);
    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["training_job"], "baseline_churn_model");
    EXPECT_EQ(r["strategy"], "random");
    EXPECT_EQ(r["total_trials"], 4);
    EXPECT_EQ(r["objective"]["metric"], "auc");
    std::string key = r["best_model_registry_key"];

    auto trials = run("trials optimized_churn_model", home.env());
    ASSERT_EQ(trials.code, 0) << trials.out;
    EXPECT_EQ(std::count(trials.out.begin(), trials.out.end(), '\n'), 6) << trials.out;  // study line, header, 4 trials
    EXPECT_NE(trials.out.find("trial   status      value    time ms  hyperparameters"), std::string::npos);
    // One shape for a trial: `hone trials --json` lists what `hone tune --json` showed.
    auto listed = run("trials --json optimized_churn_model", home.env());
    ASSERT_EQ(listed.code, 0) << listed.out;
    auto list = nlohmann::json::parse(listed.stdout_);
    ASSERT_TRUE(list.is_array());
    ASSERT_EQ(list.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        auto shown = r["trials"][i];
        EXPECT_EQ(list[i]["trial_index"], shown["trial_index"]);
        EXPECT_EQ(list[i]["hyperparameters"], shown["hyperparameters"]);
        EXPECT_EQ(list[i]["metrics"], shown["metrics"]);
        EXPECT_EQ(list[i]["status"], shown["status"]);
    }

    auto best = run("best --json optimized_churn_model", home.env());
    ASSERT_EQ(best.code, 0) << best.out;
    auto b = nlohmann::json::parse(best.stdout_);
    EXPECT_EQ(b["best_trial"], r["best_trial"]);
    EXPECT_EQ(b["best_model_registry_key"], key);
    EXPECT_FALSE(b.contains("trials"));

    auto none = run("best nothing_here", home.env());
    EXPECT_EQ(none.code, 1) << none.out;
    EXPECT_NE(none.out.find("error: no study of tuning job 'nothing_here' in the store"), std::string::npos) << none.out;
}

TEST(Cli, CompressALinearModelAndRefuseATreeModel) {
    Home home;
    fs::path job = home.dir / "linear.n3";
    std::ofstream(job) << "dataset \"customers\":\n    source: csv\n    path: " << source("examples/churn/customers.csv")
                       << "\nmodel \"linear\":\n    type: classifier\n    algorithm: logistic_regression\n"
                          "training \"linear_churn\":\n    model: linear\n    dataset: customers\n    target: churned\n"
                          "    features:\n        - tenure\n        - monthly_spend\n        - support_calls\n"
                          "    objective: maximize_accuracy\n";
    auto t = run("train --json -q " + job.string(), home.env());
    ASSERT_EQ(t.code, 0) << t.out;
    std::string key = nlohmann::json::parse(t.stdout_)["registry_key"];

    auto c = run("models compress " + key + " --job " + job.string() + " --json", home.env());
    ASSERT_EQ(c.code, 0) << c.out;
    auto report = nlohmann::json::parse(c.stdout_);
    EXPECT_EQ(report["parent"], key);
    EXPECT_EQ(report["version"], 2);
    EXPECT_EQ(report["weights"], 3);
    EXPECT_EQ(report["evaluation"]["split"], "test");
    auto shown = nlohmann::json::parse(run("models show " + key, home.env()).stdout_);
    EXPECT_EQ(report["evaluation"]["metrics_before"], shown["metrics"]);
    // Three weights: the description beside them outweighs what int8 saves.
    EXPECT_EQ(report["warnings"].size(), 1u);

    auto half = run("models compress " + key + " --precision float16", home.env());
    ASSERT_EQ(half.code, 0) << half.out;
    EXPECT_NE(half.out.find("(version 3), float16 weights of " + key), std::string::npos) << half.out;
    EXPECT_NE(half.out.find("not measured: the training job 'linear_churn' that made the model was not given "
                            "(--job FILE measures it)"),
              std::string::npos)
        << half.out;
    EXPECT_NE(half.out.find("warning: the model has 3 weights, too few"), std::string::npos) << half.out;

    auto trees = run("train --json -q --set hyperparameters.n_estimators=5 " + source("examples/churn/churn.n3") +
                         " baseline_churn_model",
                     home.env());
    ASSERT_EQ(trees.code, 0) << trees.out;
    std::string tree_key = nlohmann::json::parse(trees.stdout_)["registry_key"];
    auto refused = run("models compress " + tree_key, home.env());
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.out.find("model '" + tree_key + "' (random_forest) cannot be quantized"), std::string::npos)
        << refused.out;
    auto bad = run("models compress " + key + " --precision int4", home.env());
    EXPECT_NE(bad.out.find("unknown precision 'int4': expected 'int8' or 'float16'"), std::string::npos) << bad.out;
}

// Input a user controls never ends in "internal error" (exit 3): a bad override
// or hyperparameter is exit 1 naming the value; invalid UTF-8 in the data is
// read as Latin-1 and said in a warning naming the column and the first row.
TEST(Cli, BadOverridesAndOddBytesAreTheUsersErrorsOrWarnings) {
    Home home;
    fs::path csv = home.dir / "plans.csv";
    {
        std::ofstream out(csv, std::ios::binary);
        out << "age,plan,churned\n";
        for (int i = 0; i < 60; ++i)
            out << 20 + i << "," << (i % 3 == 0 ? "basic" : i % 3 == 1 ? "pro" : "caf\xe9") << "," << i % 2 << "\n";
    }
    fs::path job = home.dir / "plans.n3";
    std::ofstream(job) << "dataset \"plans\":\n    source: csv\n    path: " << csv.string()
                       << "\nmodel \"forest\":\n    type: classifier\n    algorithm: random_forest\n"
                          "training \"plans_churn\":\n    model: forest\n    dataset: plans\n    target: churned\n"
                          "    objective: maximize_accuracy\n    hyperparameters:\n        n_estimators: 5\n";
    const std::string warning =
        "column 'plan': 1 value is not valid UTF-8, read as Latin-1 (in 20 rows, the first is row 3)";

    auto described = run("data describe --json " + csv.string());
    ASSERT_EQ(described.code, 0) << described.out;
    EXPECT_EQ(nlohmann::json::parse(described.stdout_)["warnings"], nlohmann::json::array({warning}));
    auto trained = run("train --json -q " + job.string(), home.env());
    ASSERT_EQ(trained.code, 0) << trained.out;
    EXPECT_EQ(nlohmann::json::parse(trained.stdout_)["warnings"], nlohmann::json::array({warning}));

    const std::vector<std::pair<std::string, std::string>> refused = {
        {"split.train=x", "error: --set split.train=x: 'train' in split must be a number, found 'x'"},
        {"split.stratify=3", "error: --set split.stratify=3: 'stratify' in split must be true or false, found 3"},
        {"hyperparameters.n_estimators=1e300",
         "error: --set hyperparameters.n_estimators=1e+300: hyperparameter 'n_estimators' of random_forest must be "
         "an integer >= 1, got 1e+300 (beyond the largest integer parameter, 2147483647)"},
        // `cv: 1` is an error in a file, and so in an override.
        {"cv=1", "error: --set cv=1: 'cv' must be 0 (use the validation split) or at least 2, found 1"},
        {"target=nope", "error: target column 'nope' is not in dataset 'plans'"},
    };
    for (const auto& [set, message] : refused) {
        auto o = run("train -q --set " + set + " " + job.string(), home.env());
        EXPECT_EQ(o.code, 1) << set << ": " << o.out;
        EXPECT_EQ(o.out.substr(0, message.size()), message) << set;
    }
    // Overrides are checked before a run starts; the one refused only once the
    // data is read (the target) is recorded as an error beside the one that
    // trained; none is left running.
    auto runs = run("runs plans_churn --json", home.env());
    ASSERT_EQ(runs.code, 0) << runs.out;
    std::map<std::string, int> statuses;
    for (const auto& r : nlohmann::json::parse(runs.stdout_)) statuses[r["status"].get<std::string>()]++;
    EXPECT_EQ(statuses, (std::map<std::string, int>{{"error", 1}, {"ok", 1}})) << runs.out;
}
