// Data-parallel neural networks from job files (models/torch/distributed.hpp):
// `hone train` with compute.backend distributed trains an mlp across worker
// processes of hone (`hone torch-worker`) into the model one process trains
// (predictions within 1e-5, the same epochs and early stopping); a worker
// killed mid-training fails the run naming it within seconds; a run killed
// mid-training resumes from its checkpoint to the same model; a hung worker
// fails it when its peers' exchanges time out; cancelling stops the workers;
// other neural models are refused, naming those that can.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "../support/estimators.hpp"
#include "../support/files.hpp"
#include "../support/run_hone.hpp"
#include "common/error.hpp"
#include "models/catalog.hpp"
#include "models/torch/distributed.hpp"

extern char** environ;

namespace hone::models {
namespace {

using namespace test_support;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- data and jobs ----

// Three classes around separated centers (features near unit scale: the
// float rounding of two processes stays as small as it starts), or a
// regression target of the same features, as a CSV file.
void write_csv(const std::filesystem::path& path, const Dataset& d, bool classes) {
    std::ofstream out(path);
    for (std::size_t c = 0; c < d.x.cols; ++c) out << "f" << c << ",";
    out << "target\n";
    out.precision(9);
    for (std::size_t r = 0; r < d.x.rows; ++r) {
        for (std::size_t c = 0; c < d.x.cols; ++c) out << d.x.data[r * d.x.cols + c] << ",";
        if (classes) out << "class_" << static_cast<int>(d.y[r]) << "\n";
        else out << d.x.data[r * d.x.cols] - 0.5f * d.x.data[r * d.x.cols + 1] + std::sin(d.x.data[r * d.x.cols + 2]) << "\n";
    }
}

std::string job(const std::filesystem::path& csv, const std::string& type, const std::string& hyperparameters,
                const std::string& training_lines) {
    return "dataset \"rows\":\n"
           "    source: csv\n"
           "    path: " + csv.string() + "\n"
           "model \"net\":\n"
           "    type: " + type + "\n"
           "    algorithm: mlp\n"
           "    hyperparameters:\n" + hyperparameters +
           "training \"fit\":\n"
           "    model: net\n"
           "    dataset: rows\n"
           "    target: target\n"
           "    objective: " + (type == "classifier" ? "maximize_accuracy" : "minimize_rmse") + "\n"
           "    early_stopping:\n"
           "        metric: val_loss\n"
           "        patience: 3\n" + training_lines;
}

// Odd batches (75 rows: 38 and 37 per worker), Adam, scikit-learn's stopping
// left to the trainer's early stopping.
const std::string kHyperparameters =
    "        hidden_layer_sizes: [32, 16]\n"
    "        max_iter: 12\n"
    "        batch_size: 75\n"
    "        learning_rate_init: 0.003\n";

const std::string kTwoWorkers = "    compute:\n        backend: distributed\n        workers: 2\n";

struct Home {
    TempDir dir{"hone-torch-distributed"};
    std::string stores() const {
        return " --store " + (dir.path / "hone.db").string() + " --model-root " + (dir.path / "models").string();
    }
};

Json train(const Home& home, const std::string& name, const std::string& text) {
    std::ofstream(home.dir.path / name) << text;
    Ran ran = run_hone("train --json -q " + (home.dir.path / name).string() + " fit" + home.stores());
    EXPECT_EQ(ran.code, 0) << ran.err;
    return ran.code == 0 ? Json::parse(ran.out) : Json::object();
}

// Each row's prediction of a registered model: its probabilities, or its value.
std::vector<double> predictions(const Home& home, const Json& trained, const std::filesystem::path& rows) {
    Ran ran = run_hone("predict " + trained.value("registry_key", "") + " -i " + rows.string() + " --json" +
                       home.stores());
    EXPECT_EQ(ran.code, 0) << ran.err;
    std::vector<double> out;
    if (ran.code != 0) return out;
    const Json answer = Json::parse(ran.out);
    EXPECT_TRUE(answer.contains("predictions")) << ran.out.substr(0, 500);
    for (const Json& p : answer.value("predictions", Json::array())) {
        if (!p.contains("probabilities")) out.push_back(p["prediction"].get<double>());
        else
            for (const auto& [cls, v] : p["probabilities"].items()) out.push_back(v.get<double>());
    }
    return out;
}

double largest_difference(const std::vector<double>& a, const std::vector<double>& b) {
    EXPECT_EQ(a.size(), b.size());
    double largest = 0;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) largest = std::max(largest, std::fabs(a[i] - b[i]));
    return largest;
}

// One process, then two workers: the same epochs, the same kept epoch and
// predictions within 1e-5 on every row.
void expect_two_workers_train_as_one(const std::string& type, const std::string& distributed_lines) {
    Home home;
    const std::filesystem::path csv = home.dir.path / "rows.csv";
    write_csv(csv, three_class_set(3000, 7, 3), type == "classifier");
    const Json alone = train(home, "alone.n3", job(csv, type, kHyperparameters, ""));
    const Json two = train(home, "two.n3", job(csv, type, kHyperparameters, distributed_lines));
    ASSERT_TRUE(alone.contains("history") && two.contains("history"));
    ASSERT_EQ(alone["history"].size(), two["history"].size());
    EXPECT_EQ(alone["best_iteration"], two["best_iteration"]);
    for (std::size_t i = 0; i < alone["history"].size(); ++i)
        EXPECT_NEAR(alone["history"][i]["metrics"]["val_loss"].get<double>(),
                    two["history"][i]["metrics"]["val_loss"].get<double>(), 1e-5)
            << "epoch " << i;
    EXPECT_NE(alone["registry_key"], two["registry_key"]) << "both runs registered their model";
    const std::vector<double> one_process = predictions(home, alone, csv), two_workers = predictions(home, two, csv);
    ASSERT_GE(one_process.size(), 3000u);
    const double largest = largest_difference(one_process, two_workers);
    EXPECT_LT(largest, 1e-5);
    std::cout << type << ": " << alone["history"].size() << " epochs, largest difference of "
              << one_process.size() << " predicted values " << largest << "\n";
}

TEST(TorchDistributed, HoneTrainWithTwoWorkersClassifiesAsOneProcess) {
    expect_two_workers_train_as_one("classifier", kTwoWorkers);
}

TEST(TorchDistributed, TheShortKeysRegressAsOneProcess) {
    expect_two_workers_train_as_one("regressor", "    distributed: true\n    world_size: 2\n    strategy: data_parallel\n");
}

// ---- a lost worker in hone train ----

struct Started {
    pid_t pid = -1;
    std::filesystem::path err;
};

// hone with `args`, its error output to a file.
Started start_hone(const std::vector<std::string>& args, const std::filesystem::path& err) {
    std::vector<std::string> all{HONE_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    Started s;
    s.err = err;
    EXPECT_EQ(posix_spawn(&s.pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    return s;
}

// The pid of `parent`'s `hone torch-worker DIR RANK` process, or -1.
pid_t worker_pid(pid_t parent, int rank) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string pid, comm, state;
        pid_t ppid = 0;
        if (!(stat >> pid >> comm >> state >> ppid) || ppid != parent) continue;
        std::ifstream cmd(entry.path() / "cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(cmd)), {});
        std::vector<std::string> args;
        std::stringstream ss(cmdline);
        for (std::string a; std::getline(ss, a, '\0');) args.push_back(a);
        if (args.size() == 4 && args[1] == "torch-worker" && args[3] == std::to_string(rank)) return std::stoi(name);
    }
    return -1;
}

// Whether a checkpoint of the latest epoch exists under `root`: training is under way.
bool training(const std::filesystem::path& root) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename() == "latest.pt") return true;
    return false;
}

// `hone train` of job `file` (in home) in the background, returned once its
// workers train (a checkpoint exists) or after 120 s.
Started start_training(const Home& home, const std::string& file) {
    Started hone = start_hone({"train", "-q", (home.dir.path / file).string(), "fit", "--store",
                               (home.dir.path / "hone.db").string(), "--model-root",
                               (home.dir.path / "models").string()},
                              home.dir.path / "stderr.txt");
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (!training(home.dir.path / "models") && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return hone;
}

TEST(TorchDistributed, AWorkerKilledMidTrainingFailsTheRunNamingIt) {
    Home home;
    const std::filesystem::path csv = home.dir.path / "rows.csv";
    write_csv(csv, three_class_set(3000, 7, 3), true);
    std::ofstream(home.dir.path / "long.n3")
        << job(csv, "classifier", "        max_iter: 100000\n        batch_size: 75\n        n_iter_no_change: 100000\n",
               kTwoWorkers + "    checkpoints: true\n");
    Started hone = start_training(home, "long.n3");
    const pid_t victim = worker_pid(hone.pid, 1);
    ASSERT_GT(victim, 0) << "no worker 1 training";
    ::kill(victim, SIGKILL);
    const auto killed = Clock::now();
    int status = 0;
    while (::waitpid(hone.pid, &status, WNOHANG) == 0 && seconds_since(killed) < 60)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double seconds = seconds_since(killed);
    if (seconds >= 60) ::kill(hone.pid, SIGKILL), ::waitpid(hone.pid, &status, 0);
    ASSERT_LT(seconds, 10.0) << "hone train did not fail within 10 s of its worker's death";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    std::ifstream err_file(hone.err);
    const std::string err((std::istreambuf_iterator<char>(err_file)), {});
    EXPECT_NE(err.find("worker 1 of 2 (pid " + std::to_string(victim) + ") was killed by signal 9"), std::string::npos)
        << err;
    EXPECT_EQ(worker_pid(hone.pid, 0), -1) << "worker 0 outlived the run";
    // The run is recorded as failed, with the reason.
    const Json runs = Json::parse(run_hone("runs fit --json" + home.stores()).out);
    ASSERT_EQ(runs.size(), 1u) << runs;
    EXPECT_EQ(runs[0].value("status", ""), "error") << runs;
    EXPECT_NE(runs[0].value("error", "").find("worker 1 of 2"), std::string::npos) << runs;
    std::cout << "failed " << seconds << " s after the kill: " << err;
}

// hone killed mid-training (its workers die with it), then `hone train --resume`:
// the workers load rank 0's checkpoint and end where an uninterrupted run ends.
TEST(TorchDistributed, AKilledRunResumesFromItsCheckpointAsIfUninterrupted) {
    Home home;
    const std::filesystem::path csv = home.dir.path / "rows.csv";
    write_csv(csv, three_class_set(3000, 7, 3), true);
    const std::string text =
        job(csv, "classifier", "        max_iter: 40\n        batch_size: 50\n        n_iter_no_change: 1000\n",
            kTwoWorkers + "    checkpoints: true\n");
    std::ofstream(home.dir.path / "resumed.n3") << text;
    Started hone = start_training(home, "resumed.n3");
    ASSERT_TRUE(training(home.dir.path / "models")) << "no checkpoint written";
    ::kill(hone.pid, SIGKILL);
    int status = 0;
    ::waitpid(hone.pid, &status, 0);
    Ran resumed = run_hone("train --json -q --resume " + (home.dir.path / "resumed.n3").string() + " fit" +
                           home.stores());
    ASSERT_EQ(resumed.code, 0) << resumed.err;
    Home other;
    const Json uninterrupted = train(other, "whole.n3", text);
    const Json after = Json::parse(resumed.out);
    // The same epochs (early stopping rebuilt from the replayed ones) and model.
    ASSERT_EQ(after["history"].size(), uninterrupted["history"].size());
    for (std::size_t i = 0; i < after["history"].size(); ++i)
        EXPECT_EQ(after["history"][i]["metrics"], uninterrupted["history"][i]["metrics"]) << "epoch " << i;
    EXPECT_EQ(after["best_iteration"], uninterrupted["best_iteration"]);
    EXPECT_EQ(after["metrics"], uninterrupted["metrics"]);
}

// ---- the fit itself: a hung worker, cancelling ----

struct Fit {
    std::string error_code, message;
    double seconds = 0;
};

// Fits across two workers (this test's hone program) with `callbacks`.
Fit fit_two_workers(Callbacks callbacks, std::chrono::seconds timeout) {
    static const Split d = split(three_class_set(4000, 11), 3000);
    EstimatorConfig config =
        config_for("mlp", {{"max_iter", 100000}, {"n_iter_no_change", 100000}}, Task::classification, 3);
    auto model = make_estimator(find_algorithm("mlp"), config);
    DistributedOptions options;
    options.program = HONE_BINARY;
    options.threads = 2;
    options.timeout = timeout;
    Fit fit;
    const auto start = Clock::now();
    try {
        torch_nn::fit_distributed(*model, "mlp", config, {d.train.x, d.train.y, &d.test.x, &d.test.y}, callbacks,
                                  options);
        ADD_FAILURE() << "the fit ended without an error";
    } catch (const Error& e) {
        fit.error_code = e.code();
        fit.message = e.message();
    }
    fit.seconds = seconds_since(start);
    return fit;
}

// A worker stopped (SIGSTOP) at epoch 3: rank 0's next exchange times out (5 s
// here) and the fit fails with rank 0's reason; the stopped worker is killed.
TEST(TorchDistributed, AHungWorkerFailsTheFitWhenItsPeerTimesOut) {
    Callbacks callbacks;
    pid_t victim = -1;
    Clock::time_point stopped;
    callbacks.on_round = [&](const RoundReport& r) {
        if (r.round == 2 && victim < 0) {
            victim = worker_pid(::getpid(), 1);
            if (victim > 0) ::kill(victim, SIGSTOP);
            stopped = Clock::now();
        }
        return RoundDecision{};
    };
    const Fit fit = fit_two_workers(callbacks, std::chrono::seconds(5));
    ASSERT_GT(victim, 0) << "worker 1 was not found";
    const double after_stop = seconds_since(stopped);
    EXPECT_EQ(fit.error_code, "distributed_failed");
    EXPECT_NE(fit.message.find("worker 0 of 2"), std::string::npos) << fit.message;
    EXPECT_NE(fit.message.find("rank 0 of 2"), std::string::npos) << fit.message;
    EXPECT_LT(after_stop, 5 + 10.0);
    EXPECT_EQ(worker_pid(::getpid(), 1), -1) << "the hung worker outlived the fit";
    std::cout << "failed " << after_stop << " s after worker 1 stopped: " << fit.message << "\n";
}

TEST(TorchDistributed, CancellingStopsTheWorkers) {
    Callbacks callbacks;
    int rounds = 0;
    callbacks.on_round = [&](const RoundReport&) {
        ++rounds;
        return RoundDecision{};
    };
    callbacks.cancelled = [&] { return rounds >= 2; };
    const Fit fit = fit_two_workers(callbacks, std::chrono::seconds(30));
    EXPECT_EQ(fit.error_code, "cancelled") << fit.message;
    EXPECT_LT(fit.seconds, 60.0);
    EXPECT_EQ(worker_pid(::getpid(), 0), -1);
    EXPECT_EQ(worker_pid(::getpid(), 1), -1);
}

// ---- what cannot train distributed ----

TEST(TorchDistributed, NcfIsRefusedNamingTheAlgorithmsThatCan) {
    Home home;
    std::ofstream(home.dir.path / "ncf.n3") << "dataset \"reads\":\n"
                                               "    source: interactions\n"
                                               "    path: " HONE_SOURCE_DIR "/examples/recommender/interactions.json\n"
                                               "model \"rec\":\n"
                                               "    type: recommender\n"
                                               "    algorithm: ncf\n"
                                               "training \"fit\":\n"
                                               "    model: rec\n"
                                               "    dataset: reads\n"
                                               "    objective: maximize_ndcg@10\n"
                                               "    distributed: true\n";
    Ran ran = run_hone("check " + (home.dir.path / "ncf.n3").string());
    EXPECT_EQ(ran.code, 1);
    EXPECT_NE((ran.out + ran.err).find("algorithm ncf cannot train distributed; those that can: xgboost, "
                                       "gradient_boosting, lightgbm, mlp"),
              std::string::npos)
        << ran.out << ran.err;
}

}  // namespace
}  // namespace hone::models
