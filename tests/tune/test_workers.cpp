// Tuning workers on a real PostgreSQL: `hone tune --workers 4` starts four
// `hone worker` processes that claim trials through the store; one is killed
// with SIGKILL in the middle of a trial. The study must end with exactly
// max_trials completed trials, the lost trial marked failed and rerun once with
// the same params, and no trial number twice. Also two workers on SQLite, one
// stopped with SIGTERM (its trial handed back, nothing lost), the store's claim
// itself on both back ends, and the errors of `hone worker`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "registry/store.hpp"
#include "../support/postgres_server.hpp"
#include "../support/run_hone.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using hone::test_support::run_command;

namespace {

constexpr int kMaxTrials = 8;

const char* kJob = R"(dataset "d":
    source: csv
    path: rows.csv
model "m":
    type: classifier
    algorithm: xgboost
    hyperparameters:
        n_estimators: 200
        max_depth: 6
training "t":
    model: m
    dataset: d
    target: y
    objective: accuracy
    split: {train: 0.8, validation: 0.2}
tuning "s":
    training_job: t
    strategy: bayesian
    max_trials: 8
    objective_metric: accuracy
    heartbeat_interval: 0.5
    grace_period: 3
    max_retry: 1
    search_space:
        learning_rate: {min: 0.01, max: 0.3, log: true}
        subsample: {min: 0.6, max: 1.0}
)";

struct Home {
    fs::path dir = fs::temp_directory_path() / ("hone-workers-" + std::to_string(std::random_device{}()));
    Home() {
        fs::create_directories(dir);
        std::ofstream(dir / "job.n3") << kJob;
        std::mt19937_64 rng(5);
        std::normal_distribution<double> n(0, 1);
        std::ofstream out(dir / "rows.csv");
        for (int j = 0; j < 20; ++j) out << "x" << j << ",";
        out << "y\n";
        for (int i = 0; i < 4000; ++i) {
            double v[20], s = 0;
            for (int j = 0; j < 20; ++j) {
                v[j] = n(rng);
                out << v[j] << ",";
            }
            s = v[0] * v[1] + v[2] - v[3] * v[4] + 0.5 * n(rng);
            out << (s > 0 ? 1 : 0) << "\n";
        }
    }
    ~Home() { fs::remove_all(dir); }

    std::string env(const std::string& store) const {
        return "cd " + dir.string() + " && HONE_HOME=" + dir.string() + " HONE_STORE='" + store + "' ";
    }
};

// `hone tune --workers N --json` running in the background.
struct Tune {
    FILE* pipe = nullptr;
    Tune(const Home& home, const std::string& store, int workers) {
        std::string cmd = home.env(store) + HONE_BINARY + " tune job.n3 s --workers " + std::to_string(workers) +
                          " --threads 2 --json -q 2>" + (home.dir / "tune.err").string();
        pipe = ::popen(cmd.c_str(), "r");
    }
    Json finish(const Home& home) {
        std::string out = hone::test_support::slurp(pipe);
        int status = ::pclose(pipe);
        pipe = nullptr;
        std::ifstream err(home.dir / "tune.err");
        std::string err_text((std::istreambuf_iterator<char>(err)), {});
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err_text << out;
        return Json::parse(out);
    }
    ~Tune() {
        if (pipe) ::pclose(pipe);
    }
};

// The pid in a worker's identity, "<host>:<pid>:<start>".
pid_t pid_of(const std::string& owner) {
    auto a = owner.find(':');
    auto b = owner.find(':', a + 1);
    return static_cast<pid_t>(std::stol(owner.substr(a + 1, b - a - 1)));
}

// Waits until a trial has just started under a worker (its fit is under way,
// far from its end); that trial.
hone::registry::TrialRow running_trial(hone::registry::Store& store, const std::string& job) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        for (const auto& run : store.runs_of(job, 5)) {
            if (run.kind != "tuning") continue;
            for (const auto& t : store.trials_of(run.id))
                if (t.status == "running" && !t.owner.empty() && t.number >= 1 &&
                    hone::unix_seconds() - t.started_at < 0.3)
                    return t;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no trial ran under a worker within 120 s";
    return {};
}

// Exactly max_trials completed; numbers 0..n-1 once each; every rerun repeats
// a lost trial's params; returns the number of lost trials.
int check_study(const Json& result) {
    EXPECT_EQ(result["status"], "ok");
    EXPECT_EQ(result["completed_trials"], kMaxTrials) << result.dump(1);
    std::set<int> numbers;
    int lost = 0;
    const Json& trials = result["trials"];
    for (const auto& t : trials) {
        EXPECT_TRUE(numbers.insert(t["trial_index"].get<int>()).second) << "trial " << t["trial_index"] << " twice";
        EXPECT_TRUE(t.contains("worker")) << t.dump();
        if (t.contains("retry_of")) {
            const Json& original = trials[t["retry_of"].get<std::size_t>()];
            EXPECT_EQ(t["hyperparameters"], original["hyperparameters"]);
            EXPECT_EQ(original["status"], "failed");
            EXPECT_EQ(original["error"].get<std::string>().rfind("lost: its worker " + original["worker"].get<std::string>() +
                                                                 " sent no heartbeat for ", 0), 0u)
                << original["error"];
            EXPECT_NE(original["error"].get<std::string>().find("; rerun as trial " + t["trial_index"].dump()),
                      std::string::npos);
            EXPECT_EQ(t["status"], "ok");
            ++lost;
        }
    }
    EXPECT_EQ(static_cast<int>(numbers.size()), kMaxTrials + lost);
    EXPECT_EQ(*numbers.rbegin(), kMaxTrials + lost - 1);
    EXPECT_EQ(result["rerun_trials"], lost);
    return lost;
}

// The store's claim alone, on both back ends: a study row, two claimers.
class Claims : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        if (GetParam()) {
            std::string why;
            auto* server = hone::test::shared_postgres_server(why);
            if (!server) FAIL() << "the PostgreSQL test server could not start: " << why;
            static int made = 0;
            std::string db = "claims_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
            server->create_database(db);
            location_ = server->url(db);
        } else {
            location_ = (home_.dir / "claims.db").string();
        }
        store_ = hone::registry::open_store(location_);
        hone::registry::RunRecord run;
        run.id = "study-1";
        run.job = "s";
        run.kind = "tuning";
        store_->insert_run(run);
    }

    hone::registry::Claim claim(const std::string& owner, double grace = 30) {
        hone::registry::ClaimRules rules{owner, 3, 1, grace};
        return store_->claim_trial("study-1", rules, [&](const std::vector<hone::registry::TrialRow>& rows, int number) {
            seen_.push_back(static_cast<int>(rows.size()));
            return std::optional<Json>(Json{{"x", number}});
        });
    }

    Home home_;
    std::string location_;
    std::unique_ptr<hone::registry::Store> store_;
    std::vector<int> seen_;  // how many trials the sampler was shown, per call
};

TEST_P(Claims, RerunALostTrialOnceWithinTheBudgetAndNeverGiveANumberTwice) {
    using State = hone::registry::Claim::State;
    auto a = claim("host:1:1");
    auto b = claim("host:2:2");
    ASSERT_EQ(a.state, State::claimed);
    ASSERT_EQ(b.state, State::claimed);
    EXPECT_EQ(a.trial.number, 0);
    EXPECT_EQ(b.trial.number, 1);
    EXPECT_EQ(seen_, (std::vector<int>{0, 1})) << "the second claim's sampler saw the first, running";
    EXPECT_TRUE(store_->heartbeat_trial(b.trial, "host:2:2"));
    EXPECT_FALSE(store_->heartbeat_trial(b.trial, "host:1:1")) << "not its owner";

    // host:1 falls silent: with a grace of 0 its trial is lost at the next claim.
    hone::registry::TrialRow done = b.trial;
    done.status = "ok";
    done.value = 0.5;
    ASSERT_TRUE(store_->finish_trial(done, "host:2:2"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto c = claim("host:2:2", 0.01);
    ASSERT_EQ(c.state, State::claimed);
    EXPECT_EQ(c.lost, std::vector<int>{0});
    EXPECT_EQ(c.trial.number, 2) << "the rerun takes the next number";
    EXPECT_EQ(c.trial.retry_of, 0);
    EXPECT_EQ(c.trial.attempt, 2);
    EXPECT_EQ(c.trial.params, a.trial.params);
    EXPECT_EQ(c.trial.owner, "host:2:2");
    a.trial.status = "ok";
    EXPECT_FALSE(store_->finish_trial(a.trial, "host:1:1")) << "a lost trial's late end is refused";
    auto rows = store_->trials_of("study-1");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].status, "failed");
    EXPECT_EQ(rows[0].error.rfind("lost: its worker host:1:1 sent no heartbeat for ", 0), 0u) << rows[0].error;
    EXPECT_NE(rows[0].error.find(" s; rerun as trial 2"), std::string::npos) << rows[0].error;

    // Budget 3, the lost trial does not count: one more new trial, then wait, then done.
    auto d = claim("host:3:3");
    ASSERT_EQ(d.state, State::claimed);
    EXPECT_EQ(d.trial.number, 3);
    EXPECT_EQ(claim("host:3:3").state, State::wait) << "the budget is spent but trials still run";
    for (auto t : {c.trial, d.trial}) {
        t.status = "ok";
        ASSERT_TRUE(store_->finish_trial(t, t.owner));
    }
    EXPECT_EQ(claim("host:3:3").state, State::done);
}

TEST_P(Claims, ARerunLostAgainIsNotRerunPastMaxRetry) {
    using State = hone::registry::Claim::State;
    auto a = claim("host:1:1");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto b = claim("host:2:2", 0.01);  // a lost: rerun as 1
    ASSERT_EQ(b.trial.number, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto c = claim("host:3:3", 0.01);  // b lost too: attempt 2 of max_retry 1, not rerun
    EXPECT_EQ(c.lost, std::vector<int>{1});
    ASSERT_EQ(c.state, State::claimed);
    EXPECT_EQ(c.trial.number, 2);
    EXPECT_FALSE(c.trial.retry_of.has_value()) << "a new trial, not a rerun";
    auto rows = store_->trials_of("study-1");
    EXPECT_NE(rows[1].error.find("; not rerun: it was attempt 2 and max_retry is 1"), std::string::npos) << rows[1].error;
}

TEST_P(Claims, AReleasedTrialIsClaimedAgainAsItWas) {
    auto a = claim("host:1:1");
    ASSERT_TRUE(store_->release_trial(a.trial, "host:1:1"));
    EXPECT_FALSE(store_->release_trial(a.trial, "host:1:1")) << "no longer running under it";
    auto b = claim("host:2:2");
    ASSERT_EQ(b.state, hone::registry::Claim::State::claimed);
    EXPECT_EQ(b.trial.number, 0);
    EXPECT_EQ(b.trial.params, a.trial.params);
    EXPECT_EQ(b.trial.attempt, 1) << "a release spends no attempt";
    EXPECT_FALSE(b.trial.retry_of.has_value());
    EXPECT_EQ(b.trial.owner, "host:2:2");
    EXPECT_EQ(seen_.size(), 1u) << "no new params were sampled";
}

INSTANTIATE_TEST_SUITE_P(Backends, Claims, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "Postgres" : "Sqlite"; });

TEST(TuningWorkers, FourWorkersOnPostgresOneKilledMidTrial) {
    std::string why;
    auto* server = hone::test::shared_postgres_server(why);
    if (!server) FAIL() << "the PostgreSQL test server could not start: " << why;
    std::string db = "workers_" + std::to_string(::getpid());
    server->create_database(db);
    std::string url = server->url(db);
    Home home;
    Tune tune(home, url, 4);
    pid_t victim = 0;
    {
        auto store = hone::registry::open_store(url);
        auto trial = running_trial(*store, "s");
        victim = pid_of(trial.owner);
        ASSERT_EQ(::kill(victim, SIGKILL), 0) << "worker " << trial.owner;
    }
    Json result = tune.finish(home);
    EXPECT_EQ(check_study(result), 1) << "the killed worker's trial, rerun once";
    EXPECT_EQ(result["workers"], 4);
    std::string warning = result["warnings"].dump();
    EXPECT_NE(warning.find("(pid " + std::to_string(victim) + ") was killed by signal 9 (Killed)"), std::string::npos)
        << warning;
    std::set<std::string> owners;
    for (const auto& t : result["trials"]) owners.insert(t["worker"].get<std::string>());
    EXPECT_GE(owners.size(), 3u) << "trials ran in several workers";
    EXPECT_TRUE(result["best_model_registry_key"].is_string());
}

// Two workers sharing a study on SQLite; one is stopped (SIGTERM) mid-trial.
TEST(TuningWorkers, AStoppedWorkerHandsItsTrialBack) {
    Home home;
    std::string store = (home.dir / "hone.db").string();
    Tune tune(home, store, 2);
    pid_t stopped = 0;
    {
        auto opened = hone::registry::open_store(store);
        stopped = pid_of(running_trial(*opened, "s").owner);
        ASSERT_EQ(::kill(stopped, SIGTERM), 0);
    }
    Json result = tune.finish(home);
    EXPECT_EQ(check_study(result), 0) << "a handed-back trial is not lost";
    EXPECT_EQ(result["failed_trials"], 0);
    EXPECT_EQ(static_cast<int>(result["trials"].size()), kMaxTrials);
    std::string warnings = result["warnings"].dump();
    EXPECT_NE(warnings.find("(pid " + std::to_string(stopped) + ") exited with status 130"), std::string::npos)
        << warnings;
}

TEST(TuningWorkers, AWorkerRefusesStudiesItCannotJoin) {
    Home home;
    std::string env = home.env((home.dir / "hone.db").string());
    auto none = run_command(env + HONE_BINARY + " worker --study nope");
    EXPECT_EQ(none.code, 1) << none.err;
    EXPECT_EQ(none.err, "error: no study 'nope' in the store\nhint: name a study id or a tuning job ('hone runs JOB' "
                        "lists its studies)\n");
    auto local = run_command(env + HONE_BINARY + " tune job.n3 s --set max_trials=1 -q");
    ASSERT_EQ(local.code, 0) << local.err;
    auto ended = run_command(env + HONE_BINARY + " worker --study s");
    EXPECT_NE(ended.code, 0);
    EXPECT_NE(ended.err.find("' has ended (ok)"), std::string::npos) << ended.err;
    auto neither = run_command(env + HONE_BINARY + " worker");
    EXPECT_EQ(neither.err, "error: hone worker needs --study ID (or a tuning job) or --all\n");
}

}  // namespace
