// Data-parallel training of the mlp over processes (EstimatorConfig::data_parallel):
// two ranks on loopback end with the weights one process trains on every row,
// and a rank whose peer is killed fails with an error naming it instead of
// hanging. Each rank is a hone_data_parallel_worker process started here
// (a fresh process: libtorch's threads do not survive a fork).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "../support/estimators.hpp"

extern char** environ;

using namespace hone;
using namespace hone::test_support;
using Clock = std::chrono::steady_clock;

namespace {

struct Worker {
    pid_t pid = -1;
    std::filesystem::path out;
};

Worker start(std::vector<std::string> args, const std::filesystem::path& out) {
    args.insert(args.begin(), HONE_DATA_PARALLEL_WORKER);
    args.push_back("--out");
    args.push_back(out.string());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    Worker w;
    w.out = out;
    EXPECT_EQ(posix_spawn(&w.pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    return w;
}

// The worker's exit status, or -1 (after killing it) when it has not ended
// within `limit`.
int wait_for(const Worker& w, std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    int status = 0;
    while (waitpid(w.pid, &status, WNOHANG) == 0) {
        if (Clock::now() > deadline) {
            kill(w.pid, SIGKILL);
            waitpid(w.pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A port nobody listens on now (the kernel's pick, released for rank 0 to take).
int free_port() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t size = sizeof a;
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &size);
    close(s);
    return ntohs(a.sin_port);
}

std::vector<std::string> fit_args(const std::string& task, const Json& params) {
    return {"--task", task, "--rows", "3000", "--features", "12", "--params", params.dump(), "--threads", "1"};
}

std::vector<std::string> rank_args(std::vector<std::string> args, int rank, int world, const std::string& rendezvous,
                                   int timeout) {
    for (const std::string& a : {std::string("--rank"), std::to_string(rank), std::string("--world"),
                                 std::to_string(world), std::string("--rendezvous"), rendezvous,
                                 std::string("--timeout"), std::to_string(timeout)})
        args.push_back(a);
    return args;
}

// Every weight of `two_ranks` within 1e-5 of `alone`'s, absolutely.
void expect_same_weights(const Json& alone, const Json& two_ranks) {
    ASSERT_TRUE(alone.contains("weights")) << alone.dump();
    ASSERT_TRUE(two_ranks.contains("weights")) << two_ranks.dump();
    const auto a = alone["weights"].get<std::vector<double>>(), b = two_ranks["weights"].get<std::vector<double>>();
    ASSERT_EQ(a.size(), b.size());
    double largest = 0;
    for (std::size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::fabs(a[i] - b[i]));
    EXPECT_LT(largest, 1e-5) << "largest difference of " << a.size() << " weights";
    double moved = 0;  // the weights did train: not all equal by standing still
    for (double v : a) moved += std::fabs(v);
    EXPECT_GT(moved, 0);
    std::cout << "largest weight difference " << largest << " over " << a.size() << " weights\n";
}

// One process on every row, then two ranks meeting at `rendezvous`.
void expect_two_ranks_train_as_one(const std::string& task, const Json& params, const std::string& rendezvous) {
    TempDir dir("hone-data-parallel");
    const auto args = fit_args(task, params);
    Worker alone = start(args, dir.path / "alone.json");
    ASSERT_EQ(wait_for(alone, std::chrono::seconds(300)), 0);
    Worker lead = start(rank_args(args, 0, 2, rendezvous, 60), dir.path / "rank0.json");
    Worker other = start(rank_args(args, 1, 2, rendezvous, 60), dir.path / "rank1.json");
    EXPECT_EQ(wait_for(other, std::chrono::seconds(300)), 0);
    ASSERT_EQ(wait_for(lead, std::chrono::seconds(300)), 0) << read_json(lead.out).dump();
    EXPECT_FALSE(std::filesystem::exists(other.out)) << "rank 1 wrote a model";
    expect_same_weights(read_json(alone.out), read_json(lead.out));
}

// Odd batches (two ranks take 38 and 37 of 75 rows; the last batch's 75 and
// 74 of 149), Adam, the default L2 penalty, scikit-learn's stopping disabled.
Json mlp_params() {
    return Json{{"hidden_layer_sizes", {32, 16}}, {"max_iter", 12}, {"batch_size", 75},
                {"learning_rate_init", 0.003}, {"n_iter_no_change", 1000}};
}

}  // namespace

TEST(DataParallel, TwoRanksClassifyAsOneProcessOnEveryRow) {
    expect_two_ranks_train_as_one("classification", mlp_params(), "tcp://127.0.0.1:" + std::to_string(free_port()));
}

TEST(DataParallel, TwoRanksRegressAsOneProcessOnEveryRow) {
    TempDir dir("hone-data-parallel-store");
    Json params = mlp_params();
    params["solver"] = "sgd";  // momentum and Nesterov, and the L1 penalty through autograd
    params["l1"] = 1e-4;
    expect_two_ranks_train_as_one("regression", params, "file://" + (dir.path / "store").string());
}

// Rank 1 killed mid-training: rank 0 names it within the timeout (5 s here)
// and a little more, instead of waiting forever on the gradient exchange.
TEST(DataParallel, KilledRankIsNamedByItsPeerWithinTheTimeout) {
    TempDir dir("hone-data-parallel-kill");
    Json params = mlp_params();
    params["max_iter"] = 100000;
    const std::string rendezvous = "tcp://127.0.0.1:" + std::to_string(free_port());
    auto args = fit_args("classification", params);
    auto lead_args = rank_args(args, 0, 2, rendezvous, 5);
    lead_args.push_back("--progress");
    lead_args.push_back((dir.path / "progress.json").string());
    Worker lead = start(lead_args, dir.path / "rank0.json");
    Worker other = start(rank_args(args, 1, 2, rendezvous, 5), dir.path / "rank1.json");
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (!std::filesystem::exists(dir.path / "progress.json") && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(std::filesystem::exists(dir.path / "progress.json")) << "no epoch trained";
    kill(other.pid, SIGKILL);
    const auto killed = Clock::now();
    const int status = wait_for(lead, std::chrono::seconds(30));
    const double seconds = std::chrono::duration<double>(Clock::now() - killed).count();
    wait_for(other, std::chrono::seconds(5));
    ASSERT_EQ(status, 1) << "rank 0 did not fail on its own within 30 s of its peer's death";
    EXPECT_LT(seconds, 5 + 5.0);
    const Json error = read_json(lead.out);
    EXPECT_EQ(error.value("error", ""), "data_parallel_peer_lost") << error.dump();
    EXPECT_NE(error.value("message", "").find("rank 1 (process " + std::to_string(other.pid) + ")"),
              std::string::npos)
        << error.dump();
    std::cout << "rank 0 failed " << seconds << " s after rank 1 was killed: " << error.value("message", "") << "\n";
}

// A rank alone at the rendezvous fails after the timeout rather than waiting for a peer that never comes.
TEST(DataParallel, MissingRankFailsTheRendezvousAfterTheTimeout) {
    TempDir dir("hone-data-parallel-alone");
    const auto started = Clock::now();
    Worker lead = start(rank_args(fit_args("classification", mlp_params()), 0, 2,
                                  "tcp://127.0.0.1:" + std::to_string(free_port()), 2),
                        dir.path / "rank0.json");
    ASSERT_EQ(wait_for(lead, std::chrono::seconds(30)), 1);
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - started).count(), 15.0);
    const Json error = read_json(lead.out);
    EXPECT_EQ(error.value("error", ""), "data_parallel_rendezvous_failed") << error.dump();
}

TEST(DataParallel, RendezvousOffLoopbackIsRefused) {
    TempDir dir("hone-data-parallel-refused");
    Worker lead = start(rank_args(fit_args("classification", mlp_params()), 0, 2, "tcp://10.1.2.3:29500", 2),
                        dir.path / "rank0.json");
    ASSERT_EQ(wait_for(lead, std::chrono::seconds(30)), 1);
    const Json error = read_json(lead.out);
    EXPECT_EQ(error.value("error", ""), "invalid_data_parallel") << error.dump();
    EXPECT_NE(error.value("message", "").find("'10.1.2.3' is not loopback"), std::string::npos) << error.dump();
}
