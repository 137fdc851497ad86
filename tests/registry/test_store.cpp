#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "registry/artifacts.hpp"
#include "registry/store.hpp"
#include "../support/files.hpp"

namespace fs = std::filesystem;
using namespace hone;
using namespace hone::registry;

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

}  // namespace

TEST(Store, KeysAreUniqueWithinOneSecondAndVersionsCount) {
    TempDir tmp;
    auto store = open_store((tmp.path / "hone.db").string());
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
    EXPECT_EQ(store->list_models().size(), 3u);
}

TEST(Store, AFailedPlacementRecordsNothing) {
    TempDir tmp;
    auto store = open_store((tmp.path / "hone.db").string());
    EXPECT_THROW(store->register_model(entry(), "baseline",
                                       [](const std::string&) -> std::string {
                                           throw Error(ErrorKind::io, "io_error", "disk full");
                                       }),
                 Error);
    EXPECT_TRUE(store->list_models().empty());
    auto ok = store->register_model(entry(), "baseline", [](const std::string& k) { return k; });
    EXPECT_EQ(ok.version, 1);
}

TEST(Store, StagesAreValidated) {
    TempDir tmp;
    auto store = open_store((tmp.path / "hone.db").string());
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
    EXPECT_TRUE(store->delete_model(m.key));
    EXPECT_FALSE(store->delete_model(m.key));
}

TEST(Store, RunsAndRoundsPersistAcrossReopen) {
    TempDir tmp;
    std::string db = (tmp.path / "hone.db").string();
    {
        auto store = open_store(db);
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
    auto store = open_store(db);
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

TEST(Store, TrialsAreReplacedByNumberAndPersist) {
    TempDir tmp;
    std::string db = (tmp.path / "hone.db").string();
    {
        auto store = open_store(db);
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
    auto store = open_store(db);
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
