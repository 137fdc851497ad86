// What a killed process leaves, put right by registry::recover(): a real child
// process registers, starts a run, stages an artifact and moves another into
// place without its entry, then is killed with SIGKILL.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "registry/artifacts.hpp"
#include "registry/recovery.hpp"
#include "registry/store.hpp"
#include "../support/files.hpp"

namespace fs = std::filesystem;
using namespace hone;
using namespace hone::registry;

namespace {

struct TempDir : test_support::TempDir {
    TempDir() : test_support::TempDir("hone-recovery") {}
};

ModelEntry model_entry() {
    ModelEntry e;
    e.name = "churn";
    e.algorithm = "random_forest";
    e.framework = "sklearn";
    e.task = "classification";
    e.created_at = 1700000000;
    return e;
}

// The child's work; it never returns: it kills itself mid-way, as kill -9 would.
[[noreturn]] void work_then_die(const fs::path& db, const fs::path& root) {
    auto store = open_store(db.string());
    ArtifactWriter kept(root);
    kept.write_file("model.bin", "kept");
    kept.seal(nlohmann::ordered_json::object());
    store->register_model(model_entry(), "job", [&](const std::string& key) { return kept.place(key); });
    RunRecord run;
    run.id = "run_killed";
    run.job = "job";
    run.status = "running";
    run.ts = 1;
    store->insert_run(run);
    ArtifactWriter orphan(root);  // placed, but its entry never committed
    orphan.write_file("model.bin", "orphan");
    orphan.seal(nlohmann::ordered_json::object());
    orphan.place("churn_job_v1700000001");
    ArtifactWriter staging(root);  // still staging
    staging.write_file("model.bin", "half");
    ::kill(::getpid(), SIGKILL);
    ::_exit(99);
}

// ".staging-<this host>-": staging_prefix() without this process's pid and start.
std::string this_host_staging() {
    std::string mine = staging_prefix();
    return mine.substr(0, mine.rfind("-" + std::to_string(::getpid()) + "-") + 1);
}

std::vector<std::string> entries_of(const fs::path& root) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(root)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(Recovery, PutsRightWhatAKilledProcessLeft) {
    TempDir dir;
    fs::path db = dir.path / "hone.db", root = dir.path / "models";
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) work_then_die(db, root);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child must die by SIGKILL";
    auto before = entries_of(root);
    ASSERT_EQ(before.size(), 3u);  // the registered folder, the orphan, the staging folder
    EXPECT_EQ(before[0].rfind(this_host_staging() + std::to_string(child) + "-", 0), 0u) << before[0];

    auto store = open_store(db.string());
    RunRecord live;  // a run of a process that is alive (this one) is left alone
    live.id = "run_live";
    live.job = "job";
    live.status = "running";
    store->insert_run(live);

    RecoveryReport report = recover(*store, root);
    EXPECT_EQ(report.runs_interrupted, 1);
    EXPECT_EQ(report.staging_removed, 1);
    EXPECT_EQ(report.orphans_removed, 1);
    EXPECT_EQ(report.notes.size(), 3u);
    EXPECT_EQ(entries_of(root), std::vector<std::string>{"churn_job_v1700000000"});
    RunRecord killed = *store->get_run("run_killed");
    EXPECT_EQ(killed.status, "error");
    EXPECT_EQ(killed.error, "interrupted: the process that ran it (pid " + std::to_string(child) +
                                ") ended before the run finished");
    EXPECT_EQ(store->get_run("run_live")->status, "running");

    // The key the orphan blocked registers now; a second recovery finds nothing.
    ArtifactWriter again(root);
    again.seal(nlohmann::ordered_json::object());
    ModelEntry e = model_entry();
    e.created_at = 1700000001;
    EXPECT_EQ(store->register_model(e, "job", [&](const std::string& key) { return again.place(key); }).key,
              "churn_job_v1700000001");
    RecoveryReport second = recover(*store, root);
    EXPECT_EQ(second.runs_interrupted + second.staging_removed + second.orphans_removed, 0);
}

TEST(Recovery, StagingFoldersOfAnotherHostAreLeftAlone) {
    // A model root that machines share: this host cannot see the other's
    // processes, so only age makes its staging folders stale.
    TempDir dir;
    fs::path root = dir.path / "models";
    std::string gone = "99999999-1-5";  // no such pid
    for (const std::string& name : {this_host_staging() + gone, ".staging-" + gone, ".staging-other-host.example-" + gone})
        fs::create_directories(root / name);
    auto store = open_store((dir.path / "hone.db").string());
    EXPECT_EQ(recover(*store, root).staging_removed, 2);
    EXPECT_EQ(entries_of(root), std::vector<std::string>{".staging-other-host.example-" + gone});
}

TEST(Recovery, ProcessIdentityTellsALiveProcessFromAGoneOne) {
    EXPECT_TRUE(process_alive(process_identity()));
    EXPECT_FALSE(process_alive(process_identity() + "0")) << "same pid, another start time";
    EXPECT_FALSE(process_alive(""));
    EXPECT_FALSE(process_alive("garbage"));
    EXPECT_TRUE(process_alive("another-host:1:1")) << "another host's runs are left alone";
}

TEST(Names, EveryNameThatBecomesAPathIsChecked) {
    TempDir dir;
    auto store = open_store((dir.path / "hone.db").string());
    for (const std::string& bad : std::vector<std::string>{"../outside/x", "..", ".hidden", "a/b", "", std::string(129, 'a'), "caf\xc3\xa9"}) {
        ModelEntry e = model_entry();
        e.name = bad;
        try {
            store->register_model(e, "job", [](const std::string&) -> std::string { return ""; });
            ADD_FAILURE() << "accepted model name '" << bad << "'";
        } catch (const Error& err) {
            EXPECT_EQ(err.code(), "invalid_name") << bad;
        }
    }
    ArtifactWriter w(dir.path / "models");
    try {
        w.place("../escaped");
        ADD_FAILURE() << "placed outside the root";
    } catch (const Error& err) {
        EXPECT_EQ(std::string(err.what()),
                  "registry key '../escaped' is not a name: use 1 to 255 of A-Z a-z 0-9 _ . - (not starting with '.')");
    }
    EXPECT_FALSE(fs::exists(dir.path / "escaped"));
}

}  // namespace
