// The store's contract, checked against both back ends: every test of the
// `Store` suite runs on SQLite and on PostgreSQL (a server of this test binary's
// own, started once at its first use). `PostgresStore` checks what only
// PostgreSQL has: processes on other machines, a connection pool, lost
// connections.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <pqxx/pqxx>

#include "common/error.hpp"
#include "registry/artifacts.hpp"
#include "registry/store.hpp"
#include "../support/files.hpp"
#include "../support/postgres_server.hpp"

namespace fs = std::filesystem;
using namespace hone;
using hone::registry::ArtifactWriter;
using hone::registry::Json;
using hone::registry::LogEntry;
using hone::registry::ModelEntry;
using hone::registry::RunRecord;
using hone::registry::TrialRow;
using hone::registry::open_store;
using hone::registry::migrate_store;
using hone::registry::verify_artifact;

namespace {

struct TempDir : test_support::TempDir {
    TempDir() : test_support::TempDir("hone-registry") {}
};

ModelEntry entry(double created_at = 1678901234.5) {
    ModelEntry e;
    e.name = "churn_classifier";
    e.algorithm = "random_forest";
    e.framework = "sklearn";
    e.task = "classification";
    e.metrics = {{"accuracy", 0.85}};
    e.hyperparameters = {{"n_estimators", 100}};
    e.metadata = {{"training_job", "baseline"}, {"features", {"a", "b"}}};
    e.feature_count = 2;
    e.training_samples = 700;
    e.created_at = created_at;
    e.created_by = "tester";
    e.sha256 = "abc";
    return e;
}

enum class Backend { sqlite, postgres };

// How gtest (and so ctest's test names) shows a back end.
void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::sqlite ? "sqlite" : "postgres"); }

// A database of one test's own on the PostgreSQL server the tests share, dropped
// when the test ends so the server does not fill up over a suite's run.
class ScratchDatabase {
public:
    // Fails the test, with the reason, when there is no server: never a skip.
    void create() {
        std::string why;
        server_ = hone::test::shared_postgres_server(why);
        if (!server_) FAIL() << "the PostgreSQL test server could not start: " << why;
        name_ = hone::test::unique_database_name("store");
        server_->create_database(name_);
    }
    ~ScratchDatabase() {
        if (name_.empty()) return;
        try {
            server_->drop_database(name_);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not drop the test's database " << name_ << ": " << e.what();
        }
    }
    hone::test::PostgresServer* server() const { return server_; }
    // The database as a store URL.
    std::string url() const { return server_->url(name_); }

private:
    hone::test::PostgresServer* server_ = nullptr;
    std::string name_;
};

// Runs SQL on the store at `location` behind the store's back.
void execute_sql(const std::string& location, const std::string& sql) {
    if (location.rfind("postgresql://", 0) == 0) {
        pqxx::connection conn(location);
        pqxx::work tx(conn);
        tx.exec(sql);
        tx.commit();
        return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(location.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string why = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << why;
}

class Store : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        if (GetParam() == Backend::sqlite) {
            location_ = (tmp.path / "hone.db").string();
            return;
        }
        // The server is part of what these tests check: no server is a failure, never a skip.
        ASSERT_NO_FATAL_FAILURE(database_.create());
        location_ = database_.url();
    }

    TempDir tmp;
    ScratchDatabase database_;
    std::string location_;
};

INSTANTIATE_TEST_SUITE_P(Backends, Store, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                             return info.param == Backend::sqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace

TEST_P(Store, KeysAreUniqueWithinOneSecondAndVersionsCount) {
    auto store = open_store(location_);
    auto place = [&](const std::string& key) { return (tmp.path / key).string(); };
    auto a = store->register_model(entry(), "baseline", place);
    auto b = store->register_model(entry(), "baseline", place);
    auto c = store->register_model(entry(1678901299.0), "baseline", place);
    EXPECT_EQ(a.key, "churn_classifier_baseline_v1678901234");
    EXPECT_EQ(b.key, "churn_classifier_baseline_v1678901234_2");
    EXPECT_EQ(c.key, "churn_classifier_baseline_v1678901299");
    EXPECT_EQ(a.version, 1);
    EXPECT_EQ(b.version, 2);
    EXPECT_EQ(c.version, 3);
    auto got = store->get_model(b.key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->metrics["accuracy"], 0.85);
    EXPECT_EQ(got->metadata["features"][1], "b");
    EXPECT_EQ(got->stage, "none");
    EXPECT_EQ(got->file_path, (tmp.path / b.key).string());
    EXPECT_EQ(got->to_json().dump(), b.to_json().dump());  // every field, as registered
    auto all = store->list_models();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].key, c.key);  // newest first; the same second in the order registered, newest first
    EXPECT_EQ(all[1].key, b.key);
}

TEST_P(Store, AFailedPlacementRecordsNothing) {
    auto store = open_store(location_);
    EXPECT_THROW(store->register_model(entry(), "baseline",
                                       [](const std::string&) -> std::string {
                                           throw Error(ErrorKind::io, "io_error", "disk full");
                                       }),
                 Error);
    EXPECT_TRUE(store->list_models().empty());
    auto ok = store->register_model(entry(), "baseline", [](const std::string& k) { return k; });
    EXPECT_EQ(ok.version, 1);
}

TEST_P(Store, StagesAreValidated) {
    auto store = open_store(location_);
    auto m = store->register_model(entry(), "baseline", [](const std::string& k) { return k; });
    store->set_stage(m.key, "production");
    EXPECT_EQ(store->get_model(m.key)->stage, "production");
    EXPECT_EQ(store->list_models({"", "", "production"}).size(), 1u);
    try {
        store->set_stage(m.key, "prod");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "invalid stage 'prod': expected 'none', 'staging', 'production' or 'archived'");
    }
    EXPECT_THROW(store->set_stage("missing", "staging"), Error);
    store->set_metadata(m.key, {{"tags", {"b", "a"}}, {"description", "z before a"}});
    EXPECT_EQ(store->get_model(m.key)->metadata.dump(), R"({"tags":["b","a"],"description":"z before a"})");
    EXPECT_THROW(store->set_metadata("missing", Json::object()), Error);
    EXPECT_TRUE(store->delete_model(m.key));
    EXPECT_FALSE(store->delete_model(m.key));
}

TEST_P(Store, RunsAndRoundsPersistAcrossReopen) {
    {
        auto store = open_store(location_);
        RunRecord r;
        r.id = "run-1";
        r.job = "baseline";
        r.ts = 100;
        store->insert_run(r);
        r.status = "ok";
        r.duration_ms = 12.5;
        r.metrics = {{"accuracy", 0.9}};
        store->update_run(r);
        store->add_round("run-1", 0, {{"val_loss", 0.5}});
        store->add_round("run-1", 1, {{"val_loss", 0.4}});
        store->add_log("run-1", LogEntry{1765045805.25, "info", "first"});
        store->add_log("run-1", LogEntry{1765045800.0, "warning", "second, written later with an earlier clock"});
        store->add_log("run-2", LogEntry{1, "info", "another run's"});
        store->audit("cli", "train", "baseline", "ok");
    }
    auto store = open_store(location_);
    auto runs = store->runs_of("baseline");
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, "ok");
    EXPECT_EQ(runs[0].to_json()["duration_ms"], 12.5);
    auto rounds = store->rounds_of("run-1");
    ASSERT_EQ(rounds.size(), 2u);
    EXPECT_EQ(rounds[1]["val_loss"], 0.4);
    auto logs = store->logs_of("run-1");  // in the order written
    ASSERT_EQ(logs.size(), 2u);
    EXPECT_EQ(logs[0].to_json().dump(), R"({"timestamp":"2025-12-06T18:30:05.250Z","level":"info","message":"first"})");
    EXPECT_EQ(logs[1].level, "warning");
    EXPECT_EQ(store->audit_log()[0]["action"], "train");
}

TEST_P(Store, TrialsAreReplacedByNumberAndPersist) {
    {
        auto store = open_store(location_);
        TrialRow t;
        t.study = "run-7";
        t.number = 1;
        t.params = {{"max_depth", 4}};
        t.started_at = 100;
        store->save_trial(t);  // running, no value yet
        TrialRow first = t;
        first.number = 0;
        first.status = "pruned";
        first.value = 0.61;
        first.intermediate = Json::array({Json::array({0, 0.55}), Json::array({1, 0.61})});
        store->save_trial(first);
        t.status = "failed";
        t.error = "boom";
        t.duration_ms = 3.5;
        store->save_trial(t);
    }
    auto store = open_store(location_);
    auto trials = store->trials_of("run-7");
    ASSERT_EQ(trials.size(), 2u);
    EXPECT_EQ(trials[0].number, 0);
    EXPECT_EQ(trials[0].status, "pruned");
    EXPECT_EQ(trials[0].value, 0.61);
    EXPECT_EQ(trials[0].intermediate.dump(), "[[0,0.55],[1,0.61]]");
    EXPECT_EQ(trials[1].status, "failed");
    EXPECT_FALSE(trials[1].value.has_value());
    EXPECT_EQ(trials[1].error, "boom");
    EXPECT_EQ(trials[1].to_json().dump(),
              R"({"trial_index":1,"status":"failed","hyperparameters":{"max_depth":4},"metrics":{},"value":null,)"
              R"("intermediate_values":[],"started_at":100.0,"duration_ms":3.5,"error":"boom"})");
    EXPECT_TRUE(store->trials_of("run-8").empty());
}

TEST_P(Store, JobsStageOutputsAndUnfinishedRunsRoundTrip) {
    auto store = open_store(location_);
    store->save_job("training", "b", {{"z", 1}, {"a", 2}});
    store->save_job("training", "a", {{"x", 1}});
    store->save_job("training", "b", {{"z", 3}});  // replaced, still first saved
    store->save_job("tuning", "t", Json::object());
    auto jobs = store->jobs_of_kind("training");
    ASSERT_EQ(jobs.size(), 2u);
    EXPECT_EQ(jobs[0].first, "b");
    EXPECT_EQ(jobs[0].second.dump(), R"({"z":3})");
    EXPECT_EQ(jobs[1].first, "a");

    EXPECT_FALSE(store->stage_output("k").has_value());
    store->save_stage_output("k", {{"b", 1.5}, {"a", "text \xC3\xA9"}});
    store->save_stage_output("k", {{"b", 2.5}, {"a", "text \xC3\xA9"}});
    EXPECT_EQ(store->stage_output("k")->dump(), "{\"b\":2.5,\"a\":\"text \xC3\xA9\"}");

    for (const char* status : {"ok", "running", "paused", "pending"}) {
        RunRecord r;
        r.id = std::string("run-") + status;
        r.job = "j";
        r.status = status;
        r.ts = 10;
        r.result = {{"precise", 0.1 + 0.2}};
        store->insert_run(r);
    }
    auto unfinished = store->unfinished_runs();
    ASSERT_EQ(unfinished.size(), 3u);
    EXPECT_EQ(unfinished[0].id, "run-running");  // same start: in the order inserted
    EXPECT_EQ(unfinished[2].id, "run-pending");
    EXPECT_FALSE(unfinished[0].owner.empty());
    EXPECT_EQ(store->get_run("run-ok")->result["precise"].get<double>(), 0.1 + 0.2);  // every bit of the double
    RunRecord exact;
    exact.id = "run-exact";
    exact.job = "exact";
    exact.status = "ok";
    exact.ts = 1678901234.0 + 1.0 / 3;
    exact.duration_ms = 0.1 + 0.2;
    store->insert_run(exact);
    EXPECT_EQ(store->get_run("run-exact")->ts, exact.ts);  // a number column keeps every bit too
    EXPECT_EQ(store->get_run("run-exact")->duration_ms, exact.duration_ms);
    EXPECT_EQ(store->runs_of("j", 2).size(), 2u);
    EXPECT_FALSE(store->get_run("missing").has_value());
}

TEST_P(Store, ExclusiveHandsAStoreInsideItsLock) {
    auto store = open_store(location_);
    store->register_model(entry(), "baseline", [](const std::string& k) { return k; });
    std::size_t seen = 0;
    store->exclusive([&](hone::registry::Store& locked) {
        seen = locked.list_models().size();
        // A registration inside the lock (as recovery's work may do) does not wait for itself.
        locked.register_model(entry(), "baseline", [](const std::string& k) { return k; });
    });
    EXPECT_EQ(seen, 1u);
    EXPECT_EQ(store->list_models().size(), 2u);
    EXPECT_THROW(store->exclusive([](hone::registry::Store&) { throw Error(ErrorKind::io, "io_error", "no"); }), Error);
}

TEST_P(Store, MigratesFromAnOlderVersionOnceAndThenDoesNothing) {
    auto first = migrate_store(location_, 1);
    EXPECT_EQ(first.version, 1);
    EXPECT_EQ(first.applied, std::vector<int>{1});
    ASSERT_GT(first.latest, 1);
    execute_sql(location_, "INSERT INTO audit(ts, actor, action, target, outcome, details) "
                           "VALUES(5, 'old', 'train', 'x', 'ok', '{}')");

    auto store = open_store(location_);  // migrates the rest
    EXPECT_EQ(store->audit_log()[0]["actor"], "old");
    auto again = migrate_store(location_);
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(again.version, again.latest);
    std::vector<int> every;
    for (int v = 1; v <= again.latest; ++v) every.push_back(v);
    EXPECT_EQ(again.history, every);  // each version once
    open_store(location_);
    EXPECT_EQ(migrate_store(location_).history, every);

    execute_sql(location_, "INSERT INTO schema_version(version, summary, applied_at) VALUES(99, 'future', 0)");
    try {
        open_store(location_);
        FAIL() << "a store newer than this build must not open";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "store_schema_newer");
        EXPECT_NE(e.message().find("schema version 99, newer than this hone knows (" + std::to_string(every.back())),
                  std::string::npos)
            << e.message();
    }
}

// Files made before schema_version existed: the first tables (version 1), and
// those whose runs already had their owner (version 2).
TEST(SqliteStore, FilesWithoutSchemaVersionKeepWorking) {
    TempDir tmp;
    for (int made_at : {1, 2}) {
        std::string db = (tmp.path / ("old" + std::to_string(made_at) + ".db")).string();
        migrate_store(db, made_at);
        execute_sql(db, "DROP TABLE schema_version; INSERT INTO jobs(kind, name, spec, updated_at) "
                        "VALUES('training', 'kept', '{\"a\":1}', 1)");
        auto store = open_store(db);
        auto jobs = store->jobs_of_kind("training");
        ASSERT_EQ(jobs.size(), 1u);
        EXPECT_EQ(jobs[0].second["a"], 1);
        RunRecord r;
        r.id = "run";
        r.job = "j";
        store->insert_run(r);
        EXPECT_FALSE(store->get_run("run")->owner.empty());
        auto status = migrate_store(db);
        EXPECT_EQ(status.version, status.latest);
        EXPECT_EQ(status.history.front(), made_at) << "recorded as found";
    }
}

TEST(Artifacts, SealPlaceVerifyAndDetectTampering) {
    TempDir tmp;
    std::string manifest_sha;
    {
        ArtifactWriter w(tmp.path / "models");
        w.write_file("model.json", "{\"trees\": 1}");
        w.write_file("preprocess.json", "{}");
        manifest_sha = w.seal({{"key", "k1"}});
        w.place("k1");
    }
    fs::path dir = tmp.path / "models" / "k1";
    auto manifest = verify_artifact(dir, manifest_sha);
    EXPECT_EQ(manifest["files"].size(), 2u);
    std::ofstream(dir / "model.json", std::ios::binary) << "{\"trees\": 2}";
    try {
        verify_artifact(dir, manifest_sha);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "artifact_corrupt");
        EXPECT_NE(e.message().find("model.json does not match its checksum"), std::string::npos) << e.message();
    }
}

TEST(Artifacts, AnUnplacedWriterLeavesNothing) {
    TempDir tmp;
    {
        ArtifactWriter w(tmp.path / "models");
        w.write_file("model.json", "x");
    }
    EXPECT_TRUE(fs::is_empty(tmp.path / "models"));
}

// --- what only PostgreSQL has ---

namespace {

class PostgresStore : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(database_.create());
        server_ = database_.server();
        url_ = database_.url();
    }

    // Runs a query on the server's own database (not the store's) and gives the first number.
    int count(const std::string& sql) {
        pqxx::connection admin(server_->url());
        pqxx::work tx(admin);
        int n = tx.exec(sql)[0][0].as<int>();
        tx.commit();
        return n;
    }
    std::string sessions_of_the_store() {
        return "FROM pg_stat_activity WHERE datname = '" + url_.substr(url_.rfind('/') + 1) + "'";
    }
    // Ends every session on the store's database; returns how many.
    int terminate_store_sessions() { return count("SELECT count(pg_terminate_backend(pid)) " + sessions_of_the_store()); }

    ScratchDatabase database_;
    hone::test::PostgresServer* server_ = nullptr;
    std::string url_;
};

// A child process's registrations; it exits 0 when all of them succeeded.
[[noreturn]] void register_in_child(const std::string& url, int go_fd, int count) {
    char byte;
    [[maybe_unused]] auto n = ::read(go_fd, &byte, 1);  // all children start together
    try {
        auto store = open_store(url);  // a fresh database: the children migrate it at once, too
        for (int i = 0; i < count; ++i)
            store->register_model(entry(), "baseline", [](const std::string& key) { return "/models/" + key; });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", static_cast<int>(::getpid()), e.what());
        ::_exit(1);
    }
    ::_exit(0);  // never the parent's exit handlers: they would stop the test server
}

}  // namespace

TEST_F(PostgresStore, ProcessesRegisteringAtOnceGetDistinctKeysAndVersions) {
    constexpr int kProcesses = 4, kEach = 25;
    int go[2];
    ASSERT_EQ(::pipe(go), 0);
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(go[1]);
            register_in_child(url_, go[0], kEach);
        }
        children.push_back(pid);
    }
    ::close(go[0]);
    ::close(go[1]);  // end of file: every child starts
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a child failed (its error is above)";
    }
    auto models = open_store(url_)->list_models();
    ASSERT_EQ(models.size(), static_cast<std::size_t>(kProcesses * kEach));
    std::set<std::string> keys;
    std::vector<int> versions;
    for (const auto& m : models) {
        keys.insert(m.key);
        versions.push_back(m.version);
        EXPECT_EQ(m.file_path, "/models/" + m.key);
    }
    EXPECT_EQ(keys.size(), models.size());
    std::sort(versions.begin(), versions.end());
    for (int v = 1; v <= kProcesses * kEach; ++v) EXPECT_EQ(versions[v - 1], v);
}

TEST_F(PostgresStore, ALostConnectionIsReplacedAndTheWorkRetried) {
    auto store = open_store(url_ + "?pool_size=1");
    store->audit("cli", "first", "x", "ok");
    EXPECT_EQ(terminate_store_sessions(), 1);  // the pool's one connection
    store->audit("cli", "second", "x", "ok");  // on a new connection, as if nothing happened
    auto log = store->audit_log();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0]["action"], "second");
    EXPECT_EQ(terminate_store_sessions(), 1);
    auto m = store->register_model(entry(), "baseline", [](const std::string& k) { return k; });
    EXPECT_EQ(m.version, 1);
}

TEST_F(PostgresStore, WorkThatBeganOutsideTheDatabaseIsNotRetried) {
    auto store = open_store(url_ + "?pool_size=1");
    int placed = 0;
    try {
        store->register_model(entry(), "baseline", [&](const std::string& key) {
            ++placed;
            terminate_store_sessions();  // lost after the artifact was placed, before the entry was inserted
            return key;
        });
        FAIL() << "the registration cannot have been recorded";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "store_error");
        EXPECT_NE(e.message().find("register_model failed: lost the connection"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("not retried"), std::string::npos) << e.message();
    }
    EXPECT_EQ(placed, 1);  // the artifact is placed once; recovery removes it as an orphan
    EXPECT_TRUE(store->list_models().empty());
}

TEST_F(PostgresStore, ThreadsWaitForAConnectionOfTheBoundedPool) {
    auto store = open_store(url_ + "?pool_size=2");
    std::atomic<int> failures = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            try {
                for (int i = 0; i < 10; ++i) {
                    store->add_log("run-" + std::to_string(t), LogEntry{static_cast<double>(i), "info", "line"});
                    if (i == 5) store->register_model(entry(), "baseline", [](const std::string& k) { return k; });
                }
            } catch (const std::exception& e) {
                ++failures;
                ADD_FAILURE() << e.what();
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures, 0);
    EXPECT_LE(count("SELECT count(*) " + sessions_of_the_store()), 2);  // the pool's connections stay open, never more than its size
    for (int t = 0; t < 8; ++t) EXPECT_EQ(store->logs_of("run-" + std::to_string(t)).size(), 10u);
    EXPECT_EQ(store->list_models().size(), 8u);
}

TEST_F(PostgresStore, ErrorsNameTheUrlWithoutItsPassword) {
    int port = server_->port();
    std::string base = "postgresql://hone:secret@127.0.0.1:" + std::to_string(port) + "/no_such_database";
    try {
        open_store(base);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.message().find("secret"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("postgresql://hone:***@127.0.0.1"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("migrate failed: cannot connect"), std::string::npos) << e.message();
    }
    try {
        open_store("postgres://hone:secret@127.0.0.1/db?pool_size=0");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "pool_size '0' in the store URL postgres://hone:***@127.0.0.1/db?pool_size=0: "
                               "expected a whole number from 1 to 100");
    }
    // postgres:// opens too, and libpq never sees pool_size.
    std::string url = url_;
    url.replace(0, std::string("postgresql").size(), "postgres");
    EXPECT_TRUE(open_store(url + "?pool_size=3&connect_timeout=5")->list_models().empty());
}
