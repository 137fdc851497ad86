// The job runner over HTTP, end to end: jobs created from JSON, runs queued with
// 202, their lifecycle (pending, running, paused, completed, failed, cancelled),
// the Server-Sent Events stream read to its end, cancel and pause mid-run, the
// queue's limits, timeouts, the data root, and runs interrupted by a restart.
// The real server on a free loopback port, called over real sockets.
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <random>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "registry/recovery.hpp"
#include "train/predictor.hpp"

#include "server/server.hpp"
#include "../train/churn_workspace.hpp"
#include "http_client.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

// Makes a run's row name another process as its writer, as a crashed one would
// have left it (the store itself always names the process writing).
void set_run_owner(const std::filesystem::path& db, const std::string& run_id, const std::string& owner) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 10000);
    std::string sql = "UPDATE runs SET owner = '" + owner + "' WHERE id = '" + run_id + "'";
    EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
    EXPECT_EQ(sqlite3_changes(h), 1);
    sqlite3_close(h);
}

using test_support::Client;
using test_support::Reply;

// The configuration template for an xgboost job on the churn data.
Json job_body(const std::string& name, int rounds) {
    return Json{{"name", name},
                {"model", {{"name", name + "_model"}, {"model_type", "classifier"}, {"algorithm", "xgboost"}}},
                {"trainingData", {{"source", "csv"}, {"path", "customers.csv"}, {"validation_split", 0.2}}},
                {"target", "churned"},
                {"objective", "maximize_accuracy"},
                {"hyperparameters", {{"n_estimators", rounds}, {"learning_rate", 0.001}}}};
}

class RunsTest : public ::testing::Test {
protected:
    void start(server::ServerOptions options = {}, std::vector<lang::JobFile> served = {}) {
        options.port = 0;
        options.run.model_root = (ws.dir / "models").string();
        options.data_root = ws.dir.string();
        server = std::make_unique<server::Server>(std::move(served), *ws.store, options);
        server->start();
        http = std::make_unique<Client>(server->port());
    }
    void SetUp() override { start(); }
    void TearDown() override {
        if (server) server->stop();
    }

    void create(const std::string& name, int rounds) {
        Reply r = http->post_json("/api/training/jobs", job_body(name, rounds));
        ASSERT_EQ(r.status, 201) << r.raw;
    }
    std::string start_run(const std::string& name) {
        Reply r = http->post_json("/api/training/jobs/" + name + "/start");
        EXPECT_EQ(r.status, 202) << r.raw;
        return r.body["data"]["run_id"].get<std::string>();
    }
    Json run(const std::string& id) {
        Reply r = http->get("/api/training/runs/" + id);
        EXPECT_EQ(r.status, 200) << r.raw;
        return r.body["data"];
    }
    // Polls until `pred(run)` holds; fails after `limit`.
    Json wait_for(const std::string& id, const std::function<bool(const Json&)>& pred,
                  std::chrono::milliseconds limit = std::chrono::seconds(60)) {
        auto until = Clock::now() + limit;
        for (;;) {
            Json r = run(id);
            if (pred(r)) return r;
            if (Clock::now() > until) {
                ADD_FAILURE() << "run " << id << " never reached the state; last: " << r.dump();
                return r;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    static int epoch(const Json& r) { return r["progress"].value("current_epoch", 0); }

    test_support::Workspace ws;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<Client> http;
};

TEST_F(RunsTest, CreatedJobRunsAndItsEventStreamEndsWithTheResult) {
    Reply created = http->post_json("/api/training/jobs", job_body("quick", 30));
    ASSERT_EQ(created.status, 201) << created.raw;
    EXPECT_EQ(created.body["data"]["job_id"], "quick");
    EXPECT_EQ(created.body["data"]["status"], "created");
    Reply again = http->post_json("/api/training/jobs", job_body("quick", 30));
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.body["error"], "job_exists");

    std::string id = start_run("quick");
    std::string type;
    auto events = http->events("/api/training/runs/" + id + "/events", &type);
    EXPECT_EQ(type, "text/event-stream");
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(events.front().type, "status");
    EXPECT_EQ(events.front().data["status"], "pending");
    EXPECT_EQ(events.back().type, "end");
    EXPECT_EQ(events.back().data["status"], "completed");
    std::vector<int> epochs;
    for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].id, std::to_string(i + 1));
        EXPECT_EQ(events[i].data["job_id"], "quick");
        EXPECT_EQ(events[i].data["jobId"], "quick");
        EXPECT_EQ(events[i].data["run_id"], id);
        if (events[i].type == "progress" && events[i].data["progress"].contains("current_epoch")) {
            int epoch = events[i].data["progress"]["current_epoch"];
            epochs.push_back(epoch);
            EXPECT_EQ(events[i].data["progress"]["total_epochs"], 30);
            EXPECT_TRUE(events[i].data["progress"]["estimated_remaining"].is_number());
            // Metrics are taken every other round here (30 rounds, 20 evaluations at
            // most); each event carries the latest.
            if (epoch >= 2) {
                EXPECT_TRUE(events[i].data["metrics"].contains("val_loss")) << events[i].data.dump();
            }
            // The training-service API's training metrics ride on every epoch.
            const Json& tm = events[i].data["progress"]["training_metrics"];
            EXPECT_EQ(tm["epoch"], epoch);
            EXPECT_EQ(tm["total_epochs"], 30);
            EXPECT_DOUBLE_EQ(tm["progress"].get<double>(), epoch / 30.0);
            if (epoch >= 2) {
                EXPECT_EQ(tm["validation_loss"], events[i].data["metrics"]["val_loss"]);
                EXPECT_TRUE(tm["best_epoch"].is_number()) << tm.dump();
            }
            EXPECT_GT(tm["resource_usage"]["memory_usage"].get<double>(), 0.0);
            EXPECT_TRUE(tm["resource_usage"]["gpu_usage"].is_null());
        }
    }
    std::vector<int> expected(30);
    for (int i = 0; i < 30; ++i) expected[i] = i + 1;
    EXPECT_EQ(epochs, expected);

    Json done = run(id);
    EXPECT_EQ(done["status"], "completed");
    EXPECT_TRUE(done["result"]["registry_key"].is_string());
    EXPECT_GT(done["metrics"]["accuracy"].get<double>(), 0.6);
    // Resuming the stream after the last event gives nothing more but the end.
    auto rest = http->events("/api/training/runs/" + id + "/events?after=" + events.back().id);
    EXPECT_TRUE(rest.empty());
    // The run is a row in the store with the run history's status.
    auto record = ws.store->get_run(id);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->status, "ok");
    // The training-service API's view of the job and the statistics.
    Reply job = http->get("/api/training/jobs/quick");
    EXPECT_EQ(job.body["data"]["status"], "completed");
    Reply stats = http->get("/api/training/statistics");
    EXPECT_EQ(stats.body["data"]["total_jobs"], 1);
    EXPECT_EQ(stats.body["data"]["success_rate"], 1.0);
    EXPECT_EQ(stats.body["data"]["by_algorithm"]["xgboost"]["completed"], 1);

    // The run's log: every line timestamped; the start, a line per tenth of the epochs, the end.
    Reply logs = http->get("/api/training/runs/" + id + "/logs");
    ASSERT_EQ(logs.status, 200) << logs.raw;
    const Json& lines = logs.body["data"];
    ASSERT_GE(lines.size(), 5u) << lines.dump();
    EXPECT_EQ(lines[0]["level"], "info");
    EXPECT_EQ(lines[0]["message"].get<std::string>().rfind("training job 'quick' started by ", 0), 0u) << lines[0];
    EXPECT_EQ(lines[0]["timestamp"].get<std::string>().size(), std::string("2026-12-06T18:30:05.123Z").size());
    int epoch_lines = 0;
    for (const auto& l : lines) epoch_lines += l["message"].get<std::string>().rfind("epoch ", 0) == 0;
    EXPECT_EQ(epoch_lines, 10) << lines.dump();  // 30 epochs: every third
    EXPECT_EQ(lines.back()["message"].get<std::string>().rfind("finished in ", 0), 0u) << lines.back();
    EXPECT_EQ(http->get("/api/training/runs/" + id + "/logs?level=warning").body["data"], Json::array());
    Reply bad = http->get("/api/training/runs/" + id + "/logs?level=debug");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.body["error"], "invalid_level");
    EXPECT_EQ(http->get("/api/training/runs/run_nope/logs").status, 404);
}

TEST_F(RunsTest, CancelStopsARunWithinASecond) {
    create("slow", 1000000);
    std::string id = start_run("slow");
    wait_for(id, [](const Json& r) { return epoch(r) >= 3; });
    Reply twice = http->post_json("/api/training/jobs/slow/start");
    EXPECT_EQ(twice.status, 409);
    EXPECT_EQ(twice.body["error"], "job_running");
    auto audit = ws.store->audit_log(1);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0]["action"], "POST /api/training/jobs/{name}/start");
    EXPECT_EQ(audit[0]["target"], "/api/training/jobs/slow/start");
    EXPECT_EQ(audit[0]["outcome"], "error");
    EXPECT_EQ(audit[0]["details"]["error"], "job_running");

    auto asked = Clock::now();
    Reply cancel = http->post_json("/api/training/runs/" + id + "/cancel");
    EXPECT_EQ(cancel.status, 200) << cancel.raw;
    Json done = wait_for(id, [](const Json& r) { return r["status"] == "cancelled"; });
    EXPECT_LT(Clock::now() - asked, std::chrono::seconds(1));
    EXPECT_EQ(done["status"], "cancelled");
    EXPECT_EQ(ws.store->get_run(id)->status, "cancelled");
    EXPECT_TRUE(ws.store->list_models().empty()) << "a cancelled run registers nothing";

    Reply late = http->post_json("/api/training/runs/" + id + "/cancel");
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(late.body["error"], "run_finished");
    EXPECT_EQ(http->post_json("/api/training/runs/run_nope/cancel").status, 404);
    EXPECT_EQ(http->get("/api/training/runs/run_nope").body["error"], "run_not_found");
}

TEST_F(RunsTest, PauseHoldsBetweenRoundsAndResumeContinuesTheSameRun) {
    create("slow", 1000000);
    std::string id = start_run("slow");
    wait_for(id, [](const Json& r) { return epoch(r) >= 3; });
    Reply pause = http->post_json("/api/training/runs/" + id + "/pause");
    EXPECT_EQ(pause.status, 200) << pause.raw;
    Json paused = wait_for(id, [](const Json& r) { return r["status"] == "paused"; }, std::chrono::seconds(1));
    int held = epoch(paused);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(epoch(run(id)), held) << "no round runs while paused";
    EXPECT_EQ(http->post_json("/api/training/runs/" + id + "/pause").status, 200);

    EXPECT_EQ(http->post_json("/api/training/runs/" + id + "/resume").status, 200);
    Json going = wait_for(id, [&](const Json& r) { return r["status"] == "running" && epoch(r) > held + 2; });
    EXPECT_EQ(going["run_id"], id);
    Reply again = http->post_json("/api/training/runs/" + id + "/resume");
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.body["error"], "run_not_paused");
    EXPECT_EQ(http->post_json("/api/training/jobs/slow/cancel").status, 200);
    wait_for(id, [](const Json& r) { return r["status"] == "cancelled"; });
}

TEST_F(RunsTest, TheQueueHonoursItsLimits) {
    server->stop();
    server::ServerOptions options;
    options.max_concurrent_jobs = 1;
    options.max_queued_runs = 1;
    start(options);
    create("slow", 1000000);
    create("second", 10);
    create("third", 10);
    std::string first = start_run("slow");
    wait_for(first, [](const Json& r) { return r["status"] == "running"; });
    std::string second = start_run("second");
    EXPECT_EQ(run(second)["status"], "pending");
    Reply full = http->post_json("/api/training/jobs/third/start");
    EXPECT_EQ(full.status, 429);
    EXPECT_EQ(full.body["error"], "queue_full");
    EXPECT_EQ(full.headers.find("Retry-After")->second, "5");

    // A queued run cancelled never starts; the running one is untouched.
    Reply cancel = http->post_json("/api/training/runs/" + second + "/cancel");
    EXPECT_EQ(cancel.body["data"]["status"], "cancelled");
    EXPECT_EQ(cancel.body["data"]["error"], "cancelled before it started");
    EXPECT_EQ(run(first)["status"], "running");
    EXPECT_EQ(ws.store->get_run(second)->status, "cancelled");
    http->post_json("/api/training/runs/" + first + "/cancel");
    wait_for(first, [](const Json& r) { return r["status"] == "cancelled"; });
}

TEST_F(RunsTest, ARunPastTheTimeoutFailsWithThatReason) {
    server->stop();
    server::ServerOptions options;
    options.job_timeout_seconds = 0.5;
    start(options);
    create("slow", 1000000);
    std::string id = start_run("slow");
    Json done = wait_for(id, [](const Json& r) { return r["status"] == "failed"; }, std::chrono::seconds(20));
    EXPECT_EQ(done["error"], "timed out after 0.5 s");
    EXPECT_EQ(ws.store->get_run(id)->status, "error");
    EXPECT_EQ(ws.store->get_run(id)->error, "timed out after 0.5 s");
}

TEST_F(RunsTest, AStudyStreamsOneEventPerTrial) {
    Json body = job_body("base", 5);
    Reply created = http->post_json("/api/training/jobs", body);
    ASSERT_EQ(created.status, 201) << created.raw;
    // A study over it, created as job-file blocks in JSON.
    Json study{{"datasets", {{"d", {{"source", "csv"}, {"path", "customers.csv"}}}}},
               {"models", {{"m", {{"type", "classifier"}, {"algorithm", "xgboost"}}}}},
               {"trainings",
                {{"t", {{"model", "m"}, {"dataset", "d"}, {"target", "churned"}, {"objective", "maximize_accuracy"}}}}},
               {"tunings",
                {{"s",
                  {{"training_job", "t"},
                   {"strategy", "random"},
                   {"max_trials", 3},
                   {"search_space", {{"max_depth", {{"type", "int"}, {"min", 2}, {"max", 4}}}}}}}}}};
    Reply made = http->post_json("/api/training/jobs", study);
    ASSERT_EQ(made.status, 201) << made.raw;
    std::string id = start_run("s");
    auto events = http->events("/api/training/runs/" + id + "/events");
    int ended = 0;
    for (const auto& e : events)
        if (e.type == "trial" && e.data["event"] == "ended") {
            ++ended;
            EXPECT_EQ(e.data["progress"]["total_trials"], 3);
            EXPECT_EQ(e.data["progress"]["current_trial"], ended);
        }
    EXPECT_EQ(ended, 3);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().data["status"], "completed");
    EXPECT_EQ(run(id)["result"]["total_trials"], 3);
    // The study's log has a line per trial started and ended.
    const Json lines = http->get("/api/training/runs/" + id + "/logs").body["data"];
    int started = 0, ok = 0;
    for (const auto& l : lines) {
        std::string m = l["message"];
        started += m.find(" started: {\"max_depth\":") != std::string::npos;
        ok += m.find(" ok: accuracy ") != std::string::npos;
    }
    EXPECT_EQ(started, 3) << lines.dump();
    EXPECT_EQ(ok, 3) << lines.dump();
}

// The training-service API's compression: a linear model's weights quantized, registered as the
// next version, measured against the original on the job's own test rows.
TEST_F(RunsTest, CompressQuantizesALinearModelIntoItsNextVersion) {
    // 200 features, a linear signal in the first 20.
    std::mt19937_64 rng(9);
    std::normal_distribution<double> normal;
    std::ofstream csv(ws.dir / "wide.csv");
    for (int c = 0; c < 200; ++c) csv << "x" << c << ",";
    csv << "label\n";
    std::vector<std::vector<double>> first_rows;
    for (int r = 0; r < 1000; ++r) {
        std::vector<double> row(200);
        double score = 0;
        for (int c = 0; c < 200; ++c) {
            row[c] = std::round(normal(rng) * 1000) / 1000;
            if (c < 20) score += (c % 2 ? 1.0 : -1.0) * row[c];
            csv << row[c] << ",";
        }
        csv << (score + normal(rng) > 0 ? "yes" : "no") << "\n";
        if (r < 2) first_rows.push_back(row);
    }
    csv.close();
    Json body = job_body("linear", 0);
    body["model"]["algorithm"] = "logistic_regression";
    body["trainingData"]["path"] = "wide.csv";
    body["target"] = "label";
    body.erase("hyperparameters");
    ASSERT_EQ(http->post_json("/api/training/jobs", body).status, 201);
    Reply trained = http->post_json("/api/training/jobs/linear/run");
    ASSERT_EQ(trained.status, 200) << trained.raw;
    std::string original = trained.body["registry_key"];

    Reply r = http->post_json("/api/training/models/" + original + "/compress",
                              Json{{"compression_type", "quantization"}, {"precision", "int8"}});
    ASSERT_EQ(r.status, 201) << r.raw;
    const Json& d = r.body["data"];
    std::string key = d["key"];
    EXPECT_EQ(d["parent"], original);
    EXPECT_EQ(d["name"], "linear_model");
    EXPECT_EQ(d["version"], 2);
    EXPECT_EQ(d["precision"], "int8");
    EXPECT_EQ(d["warnings"], Json::array());
    EXPECT_LT(d["model_bytes"]["after"].get<double>(), d["model_bytes"]["before"].get<double>() / 4) << d.dump();
    // The original's metrics, measured again on the rebuilt test rows, are the registered ones.
    const Json& e = d["evaluation"];
    EXPECT_EQ(e["split"], "validation");  // the job holds out no test rows
    EXPECT_EQ(e["metrics_before"], ws.store->get_model(original)->metrics);
    EXPECT_LE(std::abs(e["delta"]["accuracy"].get<double>()), 0.01) << e.dump();
    EXPECT_GE(e["unchanged_predictions"].get<double>(), 0.98);
    auto entry = ws.store->get_model(key);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->metrics, e["metrics_after"]);
    EXPECT_EQ(entry->metadata["compression"]["parent"], original);

    // The compressed version serves predictions close to the original's.
    Json rows{{"instances", first_rows}};
    Reply a = http->post_json("/api/training/models/" + original + "/predict", rows);
    Reply b = http->post_json("/api/training/models/" + key + "/predict", rows);
    ASSERT_EQ(b.status, 200) << b.raw;
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(b.body["predictions"][i], a.body["predictions"][i]);
        EXPECT_NEAR(b.body["probabilities"][i][0].get<double>(), a.body["probabilities"][i][0].get<double>(), 0.01);
    }
    EXPECT_EQ(ws.store->audit_log(1).front()["action"], "compress");

    Reply again = http->post_json("/api/training/models/" + key + "/compress");
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(again.body["message"], "model '" + key + "' is already compressed (int8, from '" + original + "')");
    Reply precision = http->post_json("/api/training/models/" + original + "/compress", Json{{"precision", "int4"}});
    EXPECT_EQ(precision.status, 400);
    EXPECT_EQ(precision.body["message"], "unknown precision 'int4': expected 'int8' or 'float16'");
    Reply type = http->post_json("/api/training/models/" + original + "/compress",
                                 Json{{"compression_type", "pruning"}});
    EXPECT_EQ(type.status, 400);
    EXPECT_EQ(type.body["message"], "unknown compression_type 'pruning': expected 'quantization'");
    EXPECT_EQ(http->post_json("/api/training/models/nope/compress").status, 404);

    ASSERT_EQ(http->post_json("/api/training/jobs", job_body("trees", 5)).status, 201);
    std::string trees = http->post_json("/api/training/jobs/trees/run").body["registry_key"];
    Reply tree = http->post_json("/api/training/models/" + trees + "/compress");
    EXPECT_EQ(tree.status, 400);
    EXPECT_EQ(tree.body["message"],
              "model '" + trees + "' (xgboost) cannot be quantized: quantization stores the weights of linear models "
              "(logistic_regression, linear_svc, linear_svr, linear_regression, ridge); a tree's split thresholds "
              "are not weights");
    Reply half = http->post_json("/api/training/models/" + original + "/compress", Json{{"precision", "float16"}});
    ASSERT_EQ(half.status, 201) << half.raw;
    EXPECT_EQ(half.body["data"]["version"], 3);
}

TEST_F(RunsTest, JobsOverHttpReadDataOnlyUnderTheDataRoot) {
    std::ofstream(ws.dir / "outside.csv") << "a,b\n1,2\n";
    fs::create_directories(ws.dir / "root");
    // Restart with the data root one level down.
    server->stop();
    server::ServerOptions options;
    options.data_root = (ws.dir / "root").string();
    options.port = 0;
    options.run.model_root = (ws.dir / "models").string();
    server = std::make_unique<server::Server>(std::vector<lang::JobFile>{}, *ws.store, options);
    server->start();
    http = std::make_unique<Client>(server->port());
    fs::create_symlink(ws.dir / "customers.csv", ws.dir / "root" / "link.csv");
    fs::copy_file(ws.dir / "customers.csv", ws.dir / "root" / "inside.csv");

    for (const std::string& path : {std::string("../outside.csv"), (ws.dir / "outside.csv").string(),
                                    std::string("link.csv"), std::string("/etc/passwd")}) {
        Json body = job_body("escape", 5);
        body["trainingData"]["path"] = path;
        Reply r = http->post_json("/api/training/jobs", body);
        EXPECT_EQ(r.status, 400) << path << ": " << r.raw;
        EXPECT_EQ(r.body["error"], "path_outside_data_root") << path;
    }
    Json inside = job_body("inside", 5);
    inside["trainingData"]["path"] = "inside.csv";
    EXPECT_EQ(http->post_json("/api/training/jobs", inside).status, 201);

    Reply bad_name = http->post_json("/api/training/jobs", job_body("no/slash", 5));
    EXPECT_EQ(bad_name.status, 400);
    EXPECT_EQ(bad_name.body["error"], "invalid_name");
    Reply broken = http->post("/api/training/jobs", "{\"name\": ");
    EXPECT_EQ(broken.status, 400);
    EXPECT_EQ(broken.body["error"], "invalid_json");
    Json unknown_algorithm = job_body("odd", 5);
    unknown_algorithm["model"]["algorithm"] = "random_forrest";
    Reply invalid = http->post_json("/api/training/jobs", unknown_algorithm);
    EXPECT_EQ(invalid.status, 400) << invalid.raw;
    // Refused as `hone check` refuses it: located in the body, in the catalog's words.
    EXPECT_EQ(invalid.body["error"], "invalid_job");
    EXPECT_NE(invalid.body["message"].get<std::string>().find(
                  "request body:1:81: error: unknown algorithm 'random_forrest'; did you mean 'random_forest'?"),
              std::string::npos)
        << invalid.raw;
    Json bad_split = job_body("odd", 5);
    bad_split["trainingData"].erase("validation_split");
    bad_split["split"] = Json{{"train", 2}};
    Reply unchecked = http->post_json("/api/training/jobs", bad_split);
    EXPECT_EQ(unchecked.status, 400);
    EXPECT_EQ(unchecked.body["error"], "invalid_job");
    // The message is `hone check`'s, located in the body as it was sent:
    // line:col, the source line, a caret; the first place is in details.
    std::string message = unchecked.body["message"];
    std::size_t at = message.find("request body:1:");
    ASSERT_NE(at, std::string::npos) << unchecked.raw;
    EXPECT_NE(message.find(": error: 'train' in split must be between 0 and 1 (exclusive), found 2", at),
              std::string::npos)
        << unchecked.raw;
    EXPECT_EQ(unchecked.body["details"][0]["file"], "request body");
    EXPECT_EQ(unchecked.body["details"][0]["line"], 1);
}

TEST_F(RunsTest, JobsCreatedOverHttpAreServedAgainAfterARestart) {
    create("kept", 5);
    server->stop();
    start();
    Reply names = http->get("/api/training/jobs");
    EXPECT_EQ(names.body, Json::array({"kept"}));
    Reply again = http->post_json("/api/training/jobs", job_body("kept", 5));
    EXPECT_EQ(again.status, 409) << "the name is still taken";
    std::string id = start_run("kept");
    EXPECT_EQ(wait_for(id, [](const Json& r) { return r["status"] == "completed"; })["status"], "completed");
}

TEST_F(RunsTest, AStopCancelsRunningJobsAndARestartMarksLostRunsInterrupted) {
    create("slow", 1000000);
    std::string id = start_run("slow");
    wait_for(id, [](const Json& r) { return epoch(r) >= 2; });
    server->stop();
    auto record = ws.store->get_run(id);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->status, "cancelled");
    EXPECT_EQ(record->error.rfind("training was cancelled", 0), 0u) << record->error;

    // A run some crashed process left "running": the store names the writer,
    // so the row is made to name a process that is gone.
    registry::RunRecord lost;
    lost.id = "run_lost";
    lost.job = "slow";
    lost.status = "running";
    lost.ts = 1;
    ws.store->insert_run(lost);
    set_run_owner(ws.dir / "hone.db", "run_lost", registry::process_identity() + "0");
    start();
    Json view = run("run_lost");
    EXPECT_EQ(view["status"], "failed");
    EXPECT_EQ(view["error"], "interrupted: the process that ran it (pid " + std::to_string(::getpid()) +
                                 ") ended before the run finished");
    EXPECT_EQ(run(id)["status"], "cancelled") << "finished runs are left as they were";
}

// `hone serve` as its own process on a free port, over the workspace's files.
class ServeProcess {
public:
    ServeProcess(const fs::path& job_file, const fs::path& db, const fs::path& models) {
        port_ = free_port();
        std::string port = std::to_string(port_);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execl(HONE_BINARY, HONE_BINARY, "serve", job_file.c_str(), "--port", port.c_str(), "--store", db.c_str(),
                    "--model-root", models.c_str(), "-q", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        http = std::make_unique<Client>(port_);
        for (int i = 0; i < 300; ++i) {
            httplib::Client probe("127.0.0.1", port_);
            probe.set_connection_timeout(1, 0);
            probe.set_read_timeout(1, 0);
            if (auto r = probe.Get("/api/training/health"); r && r->status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ADD_FAILURE() << "hone serve did not answer on port " << port_;
    }
    ~ServeProcess() {
        if (pid_ > 0) signal_and_wait(SIGKILL);
    }
    // The exit status as waitpid gives it.
    int signal_and_wait(int sig) {
        ::kill(pid_, sig);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }
    std::unique_ptr<Client> http;

private:
    // A port the kernel just handed out and that is closed again.
    static int free_port() {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            ADD_FAILURE() << "no free port: " << std::strerror(errno);
        ::close(fd);
        return ntohs(addr.sin_port);
    }
    int port_ = 0;
    pid_t pid_ = -1;
};

const char* kServedJobs = R"(dataset "customer_data":
    source: csv
    path: customers.csv
model "quick_model":
    type: classifier
    algorithm: xgboost
    hyperparameters:
        n_estimators: 20
model "slow_model":
    type: classifier
    algorithm: xgboost
    hyperparameters:
        n_estimators: 1000000
        learning_rate: 0.001
training "quick":
    model: quick_model
    dataset: customer_data
    target: churned
    objective: maximize_accuracy
training "slow":
    model: slow_model
    dataset: customer_data
    target: churned
    objective: maximize_accuracy
)";

Json wait_running(Client& http, const std::string& id) {
    for (int i = 0; i < 600; ++i) {
        Json r = http.get("/api/training/runs/" + id).body["data"];
        if (r["progress"].value("current_epoch", 0) >= 2) return r;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "run " << id << " never got going";
    return Json();
}

TEST(ServeProcessTest, KillNineLeavesRunsInterruptedAndEverythingFinishedIntact) {
    test_support::Workspace ws;
    std::ofstream(ws.dir / "jobs.n3") << kServedJobs;
    fs::path db = ws.dir / "served.db", models = ws.dir / "models";
    std::string quick_key, slow_id;
    {
        ServeProcess serve(ws.dir / "jobs.n3", db, models);
        Reply quick = serve.http->post_json("/api/training/jobs/quick/run");
        ASSERT_EQ(quick.status, 200) << quick.raw;
        quick_key = quick.body["registry_key"];
        Reply started = serve.http->post_json("/api/training/jobs/slow/start");
        ASSERT_EQ(started.status, 202) << started.raw;
        slow_id = started.body["data"]["run_id"];
        wait_running(*serve.http, slow_id);
        int status = serve.signal_and_wait(SIGKILL);
        ASSERT_TRUE(WIFSIGNALED(status));
    }
    auto store = registry::serialized(registry::open_store(db.string()));
    EXPECT_EQ(store->get_run(slow_id)->status, "running") << "what the killed process left";
    {
        ServeProcess again(ws.dir / "jobs.n3", db, models);
        Json slow = again.http->get("/api/training/runs/" + slow_id).body["data"];
        EXPECT_EQ(slow["status"], "failed");
        EXPECT_EQ(slow["error"].get<std::string>().rfind("interrupted: the process that ran it (pid ", 0), 0u)
            << slow["error"];
        Reply history = again.http->get("/api/training/jobs/quick/history");
        ASSERT_EQ(history.body.size(), 1u);
        EXPECT_EQ(history.body[0]["status"], "ok");
    }
    // The model finished before the kill loads and predicts, checksums verified.
    auto model = train::LoadedModel::load(*store, quick_key);
    EXPECT_EQ(model->entry().key, quick_key);
    EXPECT_EQ(store->list_models().size(), 1u) << "the killed run registered nothing";
}

TEST(ServeProcessTest, SigtermCancelsRunningJobsAndExitsCleanly) {
    test_support::Workspace ws;
    std::ofstream(ws.dir / "jobs.n3") << kServedJobs;
    fs::path db = ws.dir / "served.db";
    ServeProcess serve(ws.dir / "jobs.n3", db, ws.dir / "models");
    Reply started = serve.http->post_json("/api/training/jobs/slow/start");
    ASSERT_EQ(started.status, 202) << started.raw;
    std::string id = started.body["data"]["run_id"];
    wait_running(*serve.http, id);
    int status = serve.signal_and_wait(SIGTERM);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    auto store = registry::open_store(db.string());
    EXPECT_EQ(store->get_run(id)->status, "cancelled");
    EXPECT_TRUE(store->list_models().empty());
}

}  // namespace

// The training-service API's own create-job example, verbatim: its pretrained
// hub model is the one thing hone cannot do offline, said in one clear error.
// Without that model, a body naming no objective is created, maximizing the
// task's usual metric, and the response says so.
TEST_F(RunsTest, TheCreateJobExampleIsRefusedForItsHubModelOnlyAndObjectivesDefault) {
    Json example = Json::parse(R"({"name": "my_custom_model", "model": "microsoft/DialoGPT-medium",
        "trainingData": {"source": "file", "path": "/app/training-data/conversations.jsonl", "format": "jsonl",
                         "validation_split": 0.1},
        "hyperparameters": {"learning_rate": 5e-5, "batch_size": 8, "epochs": 3}})");
    Reply refused = http->post_json("/api/training/jobs", example);
    EXPECT_EQ(refused.status, 400) << refused.raw;
    std::string message = refused.body["message"];
    EXPECT_NE(message.find("error: 'microsoft/DialoGPT-medium' names a pretrained model of a model hub; nothing "
                           "pretrained can be downloaded here: every model is trained from your own data, and a "
                           "classifier trains with "),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find("error:"), message.rfind("error:")) << "one error: " << message;

    Json body = job_body("no_objective", 5);
    body.erase("objective");
    Reply created = http->post_json("/api/training/jobs", body);
    ASSERT_EQ(created.status, 201) << created.raw;
    EXPECT_EQ(created.body["data"]["warnings"],
              Json::array({"request body:1:9: no objective given: the job maximizes accuracy, a classifier's usual "
                           "metric (set 'objective' to choose another)"}));
}

// A created job whose "model" names a model block of the served job files
// trains that block as written there (its algorithm and hyperparameters).
TEST_F(RunsTest, ACreatedJobCanNameAServedModelBlock) {
    server->stop();
    start({}, {ws.job("    algorithm: logistic_regression\n    hyperparameters:\n        C: 0.5\n")});
    Json body = Json{{"name", "from_served"},
                     {"model", "churn_classifier"},
                     {"trainingData", {{"source", "csv"}, {"path", "customers.csv"}, {"validation_split", 0.2}}},
                     {"target", "churned"},
                     {"objective", "maximize_accuracy"}};
    Reply created = http->post_json("/api/training/jobs", body);
    ASSERT_EQ(created.status, 201) << created.raw;
    std::string id = start_run("from_served");
    Json done = wait_for(id, [](const Json& r) { return r["status"] != "pending" && r["status"] != "running"; });
    ASSERT_EQ(done["status"], "completed") << done.dump();
    EXPECT_EQ(done["result"]["algorithm"], "logistic_regression") << done.dump();
    EXPECT_EQ(done["result"]["hyperparameters"]["C"], 0.5);
    // Any other name is still the shorthand for an algorithm.
    body["name"] = "by_algorithm";
    body["model"] = "decision_tree";
    ASSERT_EQ(http->post_json("/api/training/jobs", body).status, 201);
}

// A start with "resume": true continues the job's latest unfinished run from its
// checkpoint; what cannot be resumed is refused before anything is queued.
TEST_F(RunsTest, AResumeThatCannotContinueIsRefusedBeforeItIsQueued) {
    create("quick", 5);
    Reply none = http->post_json("/api/training/jobs/quick/start", Json{{"resume", true}});
    EXPECT_EQ(none.status, 404) << none.raw;
    EXPECT_EQ(none.body["error"], "run_not_found");
    Reply typed = http->post_json("/api/training/jobs/quick/start", Json{{"resume", "yes"}});
    EXPECT_EQ(typed.status, 400) << typed.raw;
    EXPECT_EQ(typed.body["message"], "'resume' must be true or false, got string");
    std::string id = start_run("quick");
    wait_for(id, [](const Json& r) { return r["status"] == "completed"; });
    Reply finished = http->post_json("/api/training/jobs/quick/start", Json{{"resume", true}});
    EXPECT_EQ(finished.status, 409) << finished.raw;
    EXPECT_EQ(finished.body["error"], "run_finished");
    EXPECT_TRUE(ws.store->unfinished_runs().empty()) << "nothing was queued";
}
