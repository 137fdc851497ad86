// Data-parallel XGBoost (models/xgboost/distributed.hpp): two worker processes
// of the hone program on loopback train the model one process trains on all
// rows, bit for bit, with the same round metrics and early stopping; a worker
// killed or hung mid-training fails the fit with the reason well within a
// minute; the C++ tracker builds the links Python's tracker.py builds.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "../support/estimators.hpp"
#include "../support/files.hpp"
#include "../support/run_hone.hpp"
#include "common/error.hpp"
#include "models/catalog.hpp"
#include "models/xgboost/booster_estimator.hpp"
#include "models/xgboost/distributed.hpp"
#include "models/xgboost/rabit_tracker.hpp"

namespace hone::models {
namespace {

using namespace test_support;
using xgb::BoosterEstimator;
using xgb::DistributedOptions;

// Features rounded to a grid, so that each has at most a few hundred distinct
// values: XGBoost's quantile sketch is then exact on every worker and merged
// (docs/distributed.md), and the bins agree with one process's.
Dataset on_grid(Dataset d, double step) {
    for (float& v : d.x.data) v = static_cast<float>(std::round(v / step) * step);
    return d;
}

const Split& classes3() {
    static const Split s = split(on_grid(three_class_set(12000, 5, 2), 0.02), 10000);
    return s;
}
const Split& regression() {
    static const Split s = split(on_grid(friedman(12000, 9), 0.002), 10000);
    return s;
}

DistributedOptions two_workers() {
    DistributedOptions o;
    o.workers = 2;
    o.program = HONE_BINARY;
    o.threads = 2;
    return o;
}

struct Fitted {
    std::unique_ptr<Estimator> model;
    std::vector<RoundReport> rounds;
};

// Early stopping as the trainer does it, on the validation loss.
Callbacks stopping(std::vector<RoundReport>& rounds, int patience) {
    Callbacks cb;
    cb.metrics_every_round = true;
    auto best = std::make_shared<std::pair<double, int>>(1e300, -1);
    cb.on_round = [&rounds, best, patience](const RoundReport& r) {
        rounds.push_back(r);
        double loss = r.metrics.value("val_loss", 1e300);
        if (loss < best->first) *best = {loss, r.round};
        return RoundDecision{r.round - best->second >= patience, best->second};
    };
    return cb;
}

Fitted fit_single(const std::string& algo, const Json& given, const Split& d, Task task, int classes,
                  int patience) {
    Fitted f;
    EstimatorConfig config = config_for(algo, given, task, classes);
    config.threads = 1;
    f.model = make_estimator(find_algorithm(algo), config);
    f.model->fit({d.train.x, d.train.y, &d.test.x, &d.test.y}, stopping(f.rounds, patience));
    return f;
}

Fitted fit_two_workers(const std::string& algo, const Json& given, const Split& d, Task task, int classes,
                       int patience, DistributedOptions options = two_workers()) {
    Fitted f;
    EstimatorConfig config = config_for(algo, given, task, classes);
    f.model = make_estimator(find_algorithm(algo), config);
    auto& booster = dynamic_cast<BoosterEstimator&>(*f.model);
    xgb::fit_distributed(booster, algo, config, {d.train.x, d.train.y, &d.test.x, &d.test.y},
                         stopping(f.rounds, patience), options);
    return f;
}

void expect_same_rounds(const std::vector<RoundReport>& a, const std::vector<RoundReport>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].round, b[i].round);
        EXPECT_EQ(a[i].metrics, b[i].metrics) << "round " << i;
    }
}

TEST(Distributed, TwoWorkersTrainTheClassifierOneProcessTrains) {
    const Split& d = classes3();
    Json given{{"n_estimators", 30}, {"max_depth", 5}};
    Fitted one = fit_single("xgboost", given, d, Task::classification, 3, 100);
    Fitted two = fit_two_workers("xgboost", given, d, Task::classification, 3, 100);
    expect_same_rounds(one.rounds, two.rounds);
    EXPECT_EQ(one.model->predict_proba(d.test.x), two.model->predict_proba(d.test.x));
    EXPECT_EQ(one.model->predict_proba(d.train.x), two.model->predict_proba(d.train.x));
    EXPECT_GT(accuracy(two.model->predict(d.test.x), d.test.y), 0.8);
}

TEST(Distributed, TwoWorkersTrainTheRegressorOneProcessTrains) {
    const Split& d = regression();
    Json given{{"n_estimators", 40}, {"max_depth", 4}};
    Fitted one = fit_single("xgboost", given, d, Task::regression, 0, 100);
    Fitted two = fit_two_workers("xgboost", given, d, Task::regression, 0, 100);
    expect_same_rounds(one.rounds, two.rounds);
    EXPECT_EQ(one.model->predict(d.test.x), two.model->predict(d.test.x));
    EXPECT_GT(r2(two.model->predict(d.test.x), d.test.y), 0.8);
}

TEST(Distributed, EarlyStoppingKeepsTheSameBestRound) {
    const Split& d = classes3();
    Json given{{"n_estimators", 200}, {"learning_rate", 0.8}, {"max_depth", 8}};
    Fitted one = fit_single("xgboost", given, d, Task::classification, 3, 3);
    Fitted two = fit_two_workers("xgboost", given, d, Task::classification, 3, 3);
    ASSERT_LT(one.rounds.size(), 200u) << "the fit should have stopped early";
    expect_same_rounds(one.rounds, two.rounds);
    EXPECT_EQ(one.model->best_iteration(), two.model->best_iteration());
    EXPECT_EQ(dynamic_cast<BoosterEstimator&>(*two.model).rounds(), two.model->best_iteration() + 1);
    EXPECT_EQ(one.model->predict_proba(d.test.x), two.model->predict_proba(d.test.x));
}

TEST(Distributed, ThreeWorkersAndLightgbmToo) {
    const Split& d = regression();
    Json given{{"n_estimators", 25}};
    Fitted one = fit_single("lightgbm", given, d, Task::regression, 0, 100);
    DistributedOptions three = two_workers();
    three.workers = 3;
    three.threads = 3;
    Fitted many = fit_two_workers("lightgbm", given, d, Task::regression, 0, 100, three);
    EXPECT_EQ(one.model->predict(d.test.x), many.model->predict(d.test.x));
}

// ---- a lost worker ----

// The pid of this process's worker of `rank`, or -1.
pid_t worker_pid(int rank) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string pid, comm, state;
        pid_t parent = 0;
        if (!(stat >> pid >> comm >> state >> parent) || parent != ::getpid()) continue;
        std::ifstream cmd(entry.path() / "cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(cmd)), {});
        std::vector<std::string> args;
        std::stringstream ss(cmdline);
        for (std::string a; std::getline(ss, a, '\0');) args.push_back(a);
        if (args.size() == 4 && args[1] == "xgboost-worker" && args[3] == std::to_string(rank))
            return std::stoi(name);
    }
    return -1;
}

// Fits with two workers and sends `sig` to worker 1 at round 3; returns the
// error and how long the fit took.
std::pair<std::string, double> fit_losing_a_worker(int sig, std::chrono::seconds timeout) {
    const Split& d = classes3();
    EstimatorConfig config = config_for("xgboost", {{"n_estimators", 200}}, Task::classification, 3);
    auto model = make_estimator(find_algorithm("xgboost"), config);
    Callbacks cb;
    pid_t victim = -1;
    cb.on_round = [&](const RoundReport& r) {
        if (r.round == 3 && victim < 0) {
            victim = worker_pid(1);
            if (victim > 0) ::kill(victim, sig);
        }
        return RoundDecision{};
    };
    DistributedOptions options = two_workers();
    options.timeout = timeout;
    auto start = std::chrono::steady_clock::now();
    std::string message;
    try {
        xgb::fit_distributed(dynamic_cast<BoosterEstimator&>(*model), "xgboost", config,
                             {d.train.x, d.train.y, &d.test.x, &d.test.y}, cb, options);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "distributed_failed");
        message = e.message();
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GT(victim, 0) << "worker 1 was not found";
    return {message, seconds};
}

TEST(Distributed, AKilledWorkerFailsTheRunWithTheReason) {
    auto [message, seconds] = fit_losing_a_worker(SIGKILL, std::chrono::seconds(30));
    EXPECT_NE(message.find("worker 1 of 2"), std::string::npos) << message;
    EXPECT_NE(message.find("killed by signal 9"), std::string::npos) << message;
    EXPECT_LT(seconds, 60.0);
    std::cout << "killed worker: failed after " << seconds << " s: " << message << "\n";
    EXPECT_EQ(worker_pid(0), -1) << "a worker outlived the fit";
}

TEST(Distributed, AHungWorkerFailsTheRunWhenItsPeersTimeOut) {
    auto [message, seconds] = fit_losing_a_worker(SIGSTOP, std::chrono::seconds(5));
    EXPECT_FALSE(message.empty());
    EXPECT_NE(message.find("worker 0 of 2"), std::string::npos) << message;
    EXPECT_LT(seconds, 60.0);
    std::cout << "hung worker: failed after " << seconds << " s: " << message << "\n";
    EXPECT_EQ(worker_pid(1), -1) << "the hung worker outlived the fit";
}

TEST(Distributed, AWorkerThatCannotStartFailsTheRun) {
    const Split& d = regression();
    EstimatorConfig config = config_for("xgboost", {{"n_estimators", 5}}, Task::regression, 0);
    auto model = make_estimator(find_algorithm("xgboost"), config);
    DistributedOptions options = two_workers();
    options.program = "/bin/false";
    try {
        xgb::fit_distributed(dynamic_cast<BoosterEstimator&>(*model), "xgboost", config, {d.train.x, d.train.y}, {},
                             options);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(e.message().find("exited with status 1"), std::string::npos) << e.message();
    }
}

// ---- hone train ----

// A job on the churn example's customers with an xgboost model, trained with
// `compute_lines` in the training. Its features have few distinct values (not
// monthly_spend, with some 4,000), so the bins agree with one process's.
std::string churn_job(const std::string& algorithm, const std::string& compute_lines) {
    return "dataset \"customers\":\n"
           "    source: csv\n"
           "    path: " + std::string(HONE_SOURCE_DIR) + "/examples/churn/customers.csv\n"
           "model \"boosted\":\n"
           "    type: classifier\n"
           "    algorithm: " + algorithm + "\n"
           "    hyperparameters:\n"
           "        n_estimators: 40\n"
           "training \"churn\":\n"
           "    model: boosted\n"
           "    dataset: customers\n"
           "    target: churned\n"
           "    features: [tenure, support_calls, contract_type]\n"
           "    objective: maximize_accuracy\n"
           "    early_stopping:\n"
           "        metric: val_loss\n"
           "        patience: 5\n" + compute_lines;
}

Json train_json(const TempDir& home, const std::string& name, const std::string& job) {
    std::ofstream(home.path / name) << job;
    Ran ran = run_hone("train --json -q " + (home.path / name).string() + " churn --store " +
                       (home.path / "hone.db").string() + " --model-root " + (home.path / "models").string());
    EXPECT_EQ(ran.code, 0) << ran.err;
    return ran.code == 0 ? Json::parse(ran.out) : Json::object();
}

TEST(Distributed, HoneTrainWithTwoWorkersReportsWhatOneProcessReports) {
    TempDir home("hone-distributed");
    Json local = train_json(home, "local.n3", churn_job("xgboost", ""));
    Json two = train_json(home, "two.n3",
                          churn_job("xgboost", "    compute:\n        backend: distributed\n        workers: 2\n"));
    Json short_keys = train_json(home, "short.n3", churn_job("xgboost", "    distributed: true\n    world_size: 2\n"));
    ASSERT_TRUE(local.contains("metrics")) << local;
    EXPECT_EQ(local["metrics"], two["metrics"]);
    EXPECT_EQ(local["metrics"], short_keys["metrics"]);
}

TEST(Distributed, OtherAlgorithmsAreRefusedNamingThoseThatCan) {
    TempDir home("hone-distributed");
    std::ofstream(home.path / "forest.n3") << churn_job("random_forest", "    distributed: true\n");
    Ran ran = run_hone("train -q " + (home.path / "forest.n3").string() + " churn --store " +
                       (home.path / "hone.db").string());
    EXPECT_EQ(ran.code, 1);
    EXPECT_NE(ran.err.find("algorithm random_forest cannot train distributed; those that can: xgboost, "
                           "gradient_boosting, lightgbm"),
              std::string::npos)
        << ran.err;
}

// ---- the tracker ----

// Debian's python3 with its xgboost 1.7 package, on a script.
Ran run_python(const std::string& script, const std::string& args = "") {
    auto path = std::filesystem::temp_directory_path() / ("hone-tracker-" + std::to_string(::getpid()) + ".py");
    std::ofstream(path) << script;
    Ran ran = run_command("/usr/bin/python3 " + path.string() + " " + args);
    std::filesystem::remove(path);
    return ran;
}

// tracker.py's get_link_map, run by Python's own tracker, against link_map.
TEST(Distributed, LinksAreTheOnesTrackerPyBuilds) {
    std::string script =
        "import json\nfrom xgboost.tracker import RabitTracker\nout = {}\n"
        "for n in range(1, 13):\n"
        "    t = RabitTracker('127.0.0.1', n)\n"
        "    tree, parent, ring = t.get_link_map(n)\n"
        "    out[n] = [[parent[r], sorted(tree[r]), ring[r][0], ring[r][1]] for r in range(n)]\n"
        "print(json.dumps(out))\n";
    Ran ran = run_python(script);
    ASSERT_EQ(ran.code, 0) << ran.err;
    Json python = Json::parse(ran.out);
    for (int n = 1; n <= 12; ++n) {
        std::vector<xgb::RankLinks> links = xgb::link_map(n);
        for (int r = 0; r < n; ++r) {
            const Json& want = python[std::to_string(n)][r];
            std::vector<int> tree = links[r].tree;
            std::sort(tree.begin(), tree.end());
            EXPECT_EQ(links[r].parent, want[0].get<int>()) << n << " workers, rank " << r;
            EXPECT_EQ(tree, want[1].get<std::vector<int>>()) << n << " workers, rank " << r;
            EXPECT_EQ(links[r].ring_prev, want[2].get<int>()) << n << " workers, rank " << r;
            EXPECT_EQ(links[r].ring_next, want[3].get<int>()) << n << " workers, rank " << r;
        }
    }
}

// Python's xgboost workers (the same rabit client, through its Python binding)
// join the C++ tracker, allreduce and shut down.
TEST(Distributed, PythonWorkersJoinTheCppTracker) {
    xgb::RabitTracker tracker(3);
    std::thread serve([&] { tracker.run(std::chrono::seconds(60)); });
    std::string script =
        "import sys, numpy as np, multiprocessing as mp\n"
        "import xgboost as xgb\n"
        "def work(rank, port, q):\n"
        "    args = {'DMLC_TRACKER_URI': '127.0.0.1', 'DMLC_TRACKER_PORT': port, 'DMLC_TASK_ID': str(rank)}\n"
        "    with xgb.collective.CommunicatorContext(**args):\n"
        "        v = xgb.collective.allreduce(np.array([rank + 1.0]), xgb.collective.Op.SUM)\n"
        "        q.put((xgb.collective.get_rank(), float(v[0])))\n"
        "if __name__ == '__main__':\n"
        // fork, not spawn: each spawned child imports xgboost again (about 3 s of a
        // 2-core machine's time per child); the parent never starts xgboost's threads.
        "    ctx = mp.get_context('fork'); q = ctx.Queue()\n"
        "    ps = [ctx.Process(target=work, args=(r, int(sys.argv[1]), q)) for r in range(3)]\n"
        "    [p.start() for p in ps]; [p.join() for p in ps]\n"
        "    print(sorted(q.get() for _ in range(3)))\n";
    Ran ran = run_python(script, std::to_string(tracker.port()));
    tracker.stop();
    serve.join();
    ASSERT_EQ(ran.code, 0) << ran.err;
    // rabit prints "task N got new rank N" lines first.
    EXPECT_TRUE(ran.out.ends_with("\n[(0, 6.0), (1, 6.0), (2, 6.0)]\n")) << ran.out;
}

}  // namespace
}  // namespace hone::models
