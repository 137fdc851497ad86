// A neural training killed with SIGKILL in the middle of its epochs and resumed
// with `hone train --resume` ends where an uninterrupted run with the same seed
// ends: the same loss to 1e-9 and the same test metrics, at one thread.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "registry/store.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

const char* kJob = R"(dataset "d":
    source: csv
    path: rows.csv
model "net":
    type: classifier
    algorithm: mlp
    hyperparameters:
        hidden_layer_sizes: [32, 16]
        max_iter: 40
        batch_size: 16
        n_iter_no_change: 1000
training "t":
    model: net
    dataset: d
    target: y
    objective: minimize_log_loss
    split: {train: 0.8, validation: 0.1, test: 0.1}
    checkpoints: true
)";

void write_rows(const fs::path& path) {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> n(0, 1);
    std::ofstream out(path);
    out << "a,b,c,d,e,y\n";
    for (int i = 0; i < 3000; ++i) {
        double v[5];
        for (double& x : v) x = n(rng);
        bool y = v[0] * v[1] + std::sin(v[2]) - 0.5 * v[3] + 0.3 * n(rng) > 0;
        out << v[0] << "," << v[1] << "," << v[2] << "," << v[3] << "," << v[4] << "," << (y ? 1 : 0) << "\n";
    }
}

struct Home {
    fs::path dir = fs::temp_directory_path() / ("hone-resume-" + std::to_string(std::random_device{}()));
    Home() {
        fs::create_directories(dir);
        std::ofstream(dir / "job.n3") << kJob;
        write_rows(dir / "rows.csv");
    }
    ~Home() { fs::remove_all(dir); }
};

// hone train in `home`, one thread, JSON out; the exit code and stdout.
std::pair<int, std::string> train(const Home& home, const std::string& extra = "") {
    std::string cmd = "cd " + home.dir.string() + " && HONE_HOME=" + home.dir.string() + " " + HONE_BINARY +
                      " train job.n3 t --json -q --threads 1 " + extra + " 2>/dev/null";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Starts the same training in the background and kills it with SIGKILL once
// `epochs` epochs are recorded; returns the run id.
std::string train_and_kill(const Home& home, std::size_t epochs) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::chdir(home.dir.c_str()) != 0) ::_exit(126);
        ::setenv("HONE_HOME", home.dir.c_str(), 1);
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        ::execl(HONE_BINARY, HONE_BINARY, "train", "job.n3", "t", "--json", "-q", "--threads", "1",
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    std::string run_id;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!fs::exists(home.dir / "hone.db")) continue;
        try {
            auto store = hone::registry::open_store((home.dir / "hone.db").string());
            auto runs = store->runs_of("t", 1);
            if (runs.empty()) continue;
            run_id = runs.front().id;
            if (store->rounds_of(run_id).size() >= epochs) break;
        } catch (const std::exception&) {
            // The database may be busy for a moment while the run writes.
        }
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the run ended before it was killed";
    return run_id;
}

double last_loss(const Json& result) {
    const Json& last = result["history"].back()["metrics"];
    return last.contains("train_loss") ? last["train_loss"].get<double>() : last["val_loss"].get<double>();
}

}  // namespace

TEST(Resume, AKilledRunResumedEndsAsAnUninterruptedOne) {
    Home straight;
    auto [code, out] = train(straight);
    ASSERT_EQ(code, 0) << out;
    Json expected = Json::parse(out);

    Home killed;
    std::string run_id = train_and_kill(killed, 12);
    ASSERT_FALSE(run_id.empty());
    ASSERT_TRUE(fs::exists(killed.dir / "models" / ".checkpoints" / run_id / "latest.pt")) << "no checkpoint";
    auto [rcode, rout] = train(killed, "--resume");
    ASSERT_EQ(rcode, 0) << rout;
    Json resumed = Json::parse(rout);

    EXPECT_EQ(resumed["run_id"], run_id) << "the command line continues the same run";
    EXPECT_EQ(resumed["history"].size(), expected["history"].size());
    EXPECT_NEAR(last_loss(resumed), last_loss(expected), 1e-9);
    for (auto it = expected["metrics"].begin(); it != expected["metrics"].end(); ++it)
        EXPECT_NEAR(resumed["metrics"][it.key()].get<double>(), it.value().get<double>(), 1e-9) << it.key();

    // It went on from the checkpoint: after "resumed", fewer epochs were trained
    // (and logged, one line per 4 epochs of 40) than a whole run trains. The
    // kill comes after 12 epochs are recorded, which may be before the 12th's
    // checkpoint is written: the run resumes after epoch 11 or later, and
    // logs epochs 12 to 40 at most, 8 lines.
    auto store = hone::registry::open_store((killed.dir / "hone.db").string());
    int after_resume = -1;
    for (const auto& line : store->logs_of(run_id)) {
        if (line.message.rfind("training job 't' resumed by ", 0) == 0) after_resume = 0;
        else if (after_resume >= 0 && line.message.rfind("epoch ", 0) == 0) ++after_resume;
    }
    EXPECT_GE(after_resume, 1);
    EXPECT_LE(after_resume, 8) << "the resumed run trained every epoch again";
    EXPECT_EQ(store->get_run(run_id)->status, "ok");
}
