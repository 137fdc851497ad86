// Pipelines run for real: stages by their dependencies on a real store and
// real trainings, each stage's output cached under what it depends on, a
// changed training block rerunning only its branch, thresholds failing with
// their numbers, retries, and an execution killed with SIGKILL mid-stage
// resumed without rerunning the stages it had completed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "lang/job_file.hpp"
#include "pipeline/executor.hpp"
#include "registry/store.hpp"
#include "../support/run_hone.hpp"

namespace fs = std::filesystem;
using hone::pipeline::Json;

namespace {

const char* kBlocks = R"(dataset "customers":
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
    split: {train: 0.7, validation: 0.15, test: 0.15}
training "challenger":
    model: churn
    dataset: customers
    target: churned
    objective: maximize_accuracy
    hyperparameters: {n_estimators: CHALLENGER_TREES}
    split: {train: 0.7, validation: 0.15, test: 0.15}
)";

const char* kPipeline = R"(
pipeline "churn":
    stages:
        prep:
            type: data_preparation
            dataset: customers
        checks:
            type: data_validation
            dataset: customers
            dependencies: [prep]
        train:
            type: model_training
            training: baseline
            dependencies: [checks]
        gate:
            type: model_validation
            dependencies: [train]
            min: {accuracy: FLOOR}
        ship:
            type: model_deployment
            dependencies: [gate]
            stage: staging
            export: bundle
            output: churn.hone
pipeline "branches":
    stages:
        prep:
            type: data_preparation
            dataset: customers
        train_a:
            type: model_training
            training: baseline
            dependencies: [prep]
        gate_a:
            type: model_validation
            dependencies: [train_a]
            min: {accuracy: 0.5}
        train_b:
            type: model_training
            training: challenger
            dependencies: [prep]
        gate_b:
            type: model_validation
            dependencies: [train_b]
            min: {accuracy: 0.5}
pipeline "flaky":
    stages:
        load:
            type: data_preparation
            dataset: absent
            retries: 2
            retry_delay: 0.05
dataset "absent":
    source: csv
    path: not_there.csv
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

void write_customers(const fs::path& path, int rows) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> n(0, 1);
    std::ofstream out(path);
    out << "tenure,monthly_spend,support_calls,churned\n";
    for (int i = 0; i < rows; ++i) {
        const double a = n(rng), b = n(rng), c = n(rng);
        out << a << "," << b << "," << c << "," << (a + 0.5 * b + 0.2 * n(rng) > 0 ? "true" : "false") << "\n";
    }
}

struct Workspace {
    fs::path dir = fs::temp_directory_path() / ("hone-pipeline-" + std::to_string(std::random_device{}()));
    std::unique_ptr<hone::registry::Store> store;
    hone::RunContext context;

    Workspace() {
        fs::create_directories(dir);
        write_customers(dir / "customers.csv", 800);
        context.store = (dir / "hone.db").string();
        context.model_root = (dir / "models").string();
        context.threads = 2;
        store = hone::registry::serialized(hone::registry::open_store(context.store));
    }
    ~Workspace() { fs::remove_all(dir); }

    // The job file with its placeholders filled, loaded and checked.
    hone::lang::JobFile job(const std::string& floor = "0.6", const std::string& trees = "30") {
        std::string text = replaced(replaced(std::string(kBlocks) + kPipeline, "FLOOR", floor), "CHALLENGER_TREES", trees);
        std::ofstream(dir / "job.n3") << text;
        auto loaded = hone::lang::load_job_file(dir / "job.n3");
        EXPECT_TRUE(loaded.ok()) << loaded.report();
        return loaded.spec;
    }

    Json run(const hone::lang::JobFile& file, const std::string& name, bool cache = true, bool resume = false) {
        hone::pipeline::ExecutionOptions options;
        options.context = context;
        options.use_cache = cache;
        options.resume = resume;
        return hone::pipeline::run_pipeline(file, name, *store, options);
    }
};

const Json& stage(const Json& doc, const std::string& id) {
    for (const auto& s : doc["stages"])
        if (s["id"] == id) return s;
    throw std::runtime_error("no stage " + id);
}

std::string statuses(const Json& doc) {
    std::string out;
    for (const auto& s : doc["stages"])
        out += s["id"].get<std::string>() + "=" + s["status"].get<std::string>() + (s["cached"].get<bool>() ? "(cached)" : "") + " ";
    return out;
}

}  // namespace

TEST(Pipeline, RunsEveryStageThenTakesThemAllFromTheCache) {
    Workspace ws;
    auto file = ws.job();
    Json first = ws.run(file, "churn");
    ASSERT_EQ(first["status"], "completed") << first.dump(2);
    EXPECT_EQ(statuses(first), "prep=completed checks=completed train=completed gate=completed ship=completed ");
    EXPECT_EQ(stage(first, "prep")["output"]["rows"], 800);
    const std::string key = stage(first, "train")["output"]["model_key"].get<std::string>();
    EXPECT_EQ(ws.store->get_model(key)->stage, "staging");
    const Json& exported = stage(first, "ship")["output"]["export"];
    EXPECT_EQ(hone::sha256_file(exported["path"].get<std::string>()), exported["sha256"].get<std::string>());
    EXPECT_EQ(stage(first, "gate")["output"]["checks"][0]["metric"], "accuracy");

    Json second = ws.run(file, "churn");
    ASSERT_EQ(second["status"], "completed");
    EXPECT_EQ(statuses(second), "prep=completed(cached) checks=completed(cached) train=completed(cached) "
                                "gate=completed(cached) ship=completed(cached) ");
    EXPECT_EQ(stage(second, "train")["output"]["model_key"], key);
    EXPECT_EQ(ws.store->list_models().size(), 1u);  // nothing trained twice

    // --no-cache runs every stage again: a second model version.
    Json third = ws.run(file, "churn", /*cache=*/false);
    EXPECT_EQ(statuses(third), "prep=completed checks=completed train=completed gate=completed ship=completed ");
    EXPECT_EQ(ws.store->list_models().size(), 2u);

    // Changed data changes every stage's key.
    write_customers(ws.dir / "customers.csv", 700);
    Json fourth = ws.run(file, "churn");
    EXPECT_EQ(statuses(fourth), "prep=completed checks=completed train=completed gate=completed ship=completed ");
    EXPECT_EQ(stage(fourth, "prep")["output"]["rows"], 700);
}

TEST(Pipeline, AChangedTrainingBlockRerunsOnlyItsBranch) {
    Workspace ws;
    Json first = ws.run(ws.job("0.6", "30"), "branches");
    ASSERT_EQ(first["status"], "completed") << first.dump(2);
    Json second = ws.run(ws.job("0.6", "40"), "branches");
    ASSERT_EQ(second["status"], "completed") << second.dump(2);
    EXPECT_EQ(statuses(second),
              "prep=completed(cached) train_a=completed(cached) gate_a=completed(cached) train_b=completed "
              "gate_b=completed ");
    EXPECT_NE(stage(second, "train_b")["output"]["model_key"], stage(first, "train_b")["output"]["model_key"]);
}

TEST(Pipeline, AMissedThresholdFailsWithItsNumbersAndResumesAfterTheFix) {
    Workspace ws;
    Json failed = ws.run(ws.job("1.01"), "churn");
    ASSERT_EQ(failed["status"], "failed");
    EXPECT_EQ(statuses(failed), "prep=completed checks=completed train=completed gate=failed ship=skipped ");
    const std::string key = stage(failed, "train")["output"]["model_key"].get<std::string>();
    const double accuracy = ws.store->get_model(key)->metrics["accuracy"].get<double>();
    char value[32];
    std::snprintf(value, sizeof value, "%g", accuracy);
    EXPECT_EQ(stage(failed, "gate")["error"],
              "model " + key + " missed its thresholds: accuracy " + value + " < min 1.01");
    EXPECT_EQ(failed["error"], "stage 'gate' failed: model " + key + " missed its thresholds: accuracy " + value +
                                   " < min 1.01");
    EXPECT_EQ(stage(failed, "ship")["error"], "a stage it depends on did not complete");

    Json resumed = ws.run(ws.job("0.6"), "churn", /*cache=*/false, /*resume=*/true);
    ASSERT_EQ(resumed["status"], "completed") << resumed.dump(2);
    EXPECT_EQ(resumed["resumed_from"], failed["execution_id"]);
    EXPECT_EQ(statuses(resumed), "prep=completed(cached) checks=completed(cached) train=completed(cached) "
                                 "gate=completed ship=completed ");
    EXPECT_EQ(stage(resumed, "train")["reused_from"], failed["execution_id"]);
    EXPECT_EQ(stage(resumed, "train")["output"]["model_key"], key);

    // Nothing left to resume.
    try {
        ws.run(ws.job("0.6"), "churn", true, true);
        ADD_FAILURE() << "resumed a completed execution";
    } catch (const hone::Error& e) {
        EXPECT_EQ(e.code(), "run_finished");
    }
}

TEST(Pipeline, RetriesAFailingStageThenFailsWithItsError) {
    Workspace ws;
    Json doc = ws.run(ws.job(), "flaky");
    EXPECT_EQ(doc["status"], "failed");
    EXPECT_EQ(stage(doc, "load")["attempts"], 3);
    EXPECT_NE(stage(doc, "load")["error"].get<std::string>().find("not_there.csv"), std::string::npos)
        << stage(doc, "load")["error"];
    auto stored = hone::pipeline::find_execution(*ws.store, doc["execution_id"].get<std::string>());
    ASSERT_TRUE(stored);
    EXPECT_EQ((*stored)["status"], "failed");
    EXPECT_EQ(stage(*stored, "load")["attempts"], 3);
}

TEST(Pipeline, UnknownPipelineNamesTheFilesPipelines) {
    Workspace ws;
    try {
        ws.run(ws.job(), "churm");
        ADD_FAILURE() << "ran an unknown pipeline";
    } catch (const hone::Error& e) {
        EXPECT_EQ(e.code(), "pipeline_not_found");
        EXPECT_EQ(std::string(e.what()), (ws.dir / "job.n3").string() + " has no pipeline 'churm'; did you mean 'churn'?");
    }
}

// `hone pipeline run` killed with SIGKILL while its training stage runs; the
// store's recovery marks the execution interrupted, and --resume completes it
// without rerunning the stages that had completed.
TEST(Pipeline, KilledMidStageResumesWithoutRerunningFinishedStages) {
    Workspace ws;
    write_customers(ws.dir / "customers.csv", 10000);  // a training that takes a second or two
    std::string text = replaced(replaced(std::string(kBlocks) + kPipeline, "FLOOR", "0.6"), "CHALLENGER_TREES", "30");
    text = replaced(text, "{n_estimators: 20, max_depth: 6}", "{n_estimators: 150, max_depth: 10}");
    std::ofstream(ws.dir / "job.n3") << text;
    ws.store.reset();

    pid_t pid = ::fork();
    if (pid == 0) {
        if (::chdir(ws.dir.c_str()) != 0) ::_exit(126);
        ::setenv("HONE_HOME", ws.dir.c_str(), 1);
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        ::execl(HONE_BINARY, HONE_BINARY, "pipeline", "run", "job.n3", "churn", "-q", "--threads", "1",
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    std::string killed_id;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < until && killed_id.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        try {
            auto store = hone::registry::open_store((ws.dir / "hone.db").string());
            for (const auto& run : store->runs_of("churn", 1))
                for (const auto& s : run.result["stages"])
                    if (s["id"] == "train" && s["status"] == "running") killed_id = run.id;
        } catch (const std::exception&) {
            // The database may not exist yet or be busy for a moment.
        }
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_FALSE(killed_id.empty()) << "the training stage was never seen running";
    ASSERT_TRUE(WIFSIGNALED(status)) << "the pipeline ended before it was killed";

    auto env = "cd " + ws.dir.string() + " && HONE_HOME=" + ws.dir.string() + " ";
    auto shown = hone::test_support::run_command(env + HONE_BINARY + " pipeline status " + killed_id + " --json");
    ASSERT_EQ(shown.code, 0) << shown.err;
    Json interrupted = Json::parse(shown.out);
    EXPECT_EQ(interrupted["status"], "failed");
    EXPECT_EQ(statuses(interrupted), "prep=completed checks=completed train=interrupted gate=pending ship=pending ");
    EXPECT_NE(interrupted["error"].get<std::string>().find("interrupted"), std::string::npos) << interrupted["error"];

    auto resumed = hone::test_support::run_command(env + HONE_BINARY +
                                                   " pipeline run job.n3 churn --resume --no-cache --json -q --threads 2");
    ASSERT_EQ(resumed.code, 0) << resumed.err << resumed.out;
    Json doc = Json::parse(resumed.out);
    EXPECT_EQ(doc["resumed_from"], killed_id);
    EXPECT_EQ(statuses(doc), "prep=completed(cached) checks=completed(cached) train=completed gate=completed "
                             "ship=completed ");
    EXPECT_EQ(stage(doc, "prep")["reused_from"], killed_id);
}
