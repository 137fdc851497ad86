// The export and import endpoints over real servers on loopback: a model
// trained over HTTP on one server, downloaded as a bundle and uploaded to
// another server's registry, where it predicts the same; the errors in the
// one error shape (unknown and unsupported formats 400, damage 422, a body
// over the limit 413), with the target registry unchanged.
#include <gtest/gtest.h>

#include "../server/trained_over_http.hpp"
#include "../train/churn_workspace.hpp"
#include "bundle_bytes.hpp"
#include "common/sha256.hpp"
#include "export/bundle.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;
using test_support::Client;
using test_support::Reply;
using test_support::Workspace;

namespace {

Json churn_job_body() {
    return Json{{"name", "churn_http"},
                {"model", {{"name", "churn_http_model"}, {"model_type", "classifier"}, {"algorithm", "logistic_regression"}}},
                {"trainingData", {{"source", "csv"}, {"path", "customers.csv"}, {"validation_split", 0.2}}},
                {"target", "churned"},
                {"objective", "maximize_accuracy"}};
}

// The template's job takes every column but the target as a feature.
const Json kRows = Json{{"records", Json::array({{{"customer_id", 1}, {"tenure", 3}, {"monthly_spend", 95.5}, {"support_calls", 6}, {"contract_type", "monthly"}},
                                                 {{"customer_id", 2}, {"tenure", 60}, {"monthly_spend", 40}, {"support_calls", 0}, {"contract_type", "two_year"}},
                                                 {{"customer_id", 3}, {"tenure", 24}, {"monthly_spend", nullptr}, {"support_calls", 2}, {"contract_type", "annual"}}})}};

// Two servers, each with a registry of its own; one model trained over HTTP on the first.
class ExportHttp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        source = new Workspace();
        source_server = test_support::start_on_both_ports(*source->store, source->dir).release();
        auto trained = test_support::train_over_http(source_server->port(), churn_job_body(), "churn_http");
        key = new std::string(trained.key);
    }
    static void TearDownTestSuite() {
        delete source_server;
        delete key;
        delete source;
    }
    void SetUp() override {
        ASSERT_FALSE(key->empty()) << "the model did not train";
        target = std::make_unique<Workspace>();
        target_server = test_support::start_on_both_ports(*target->store, target->dir);
    }

    static Workspace* source;
    static server::Server* source_server;
    static std::string* key;
    std::unique_ptr<Workspace> target;
    std::unique_ptr<server::Server> target_server;
};
Workspace* ExportHttp::source = nullptr;
server::Server* ExportHttp::source_server = nullptr;
std::string* ExportHttp::key = nullptr;

}  // namespace

TEST_F(ExportHttp, ABundleDownloadedFromOneServerImportsIntoAnother) {
    Client from(source_server->port()), to(target_server->port());
    Reply file = from.get_file("/api/training/models/" + *key + "/export?format=bundle");
    ASSERT_EQ(file.status, 200) << file.raw;
    EXPECT_EQ(file.raw, exporting::export_bundle(*source->store, *key));
    EXPECT_EQ(file.headers.find("Content-Type")->second, "application/x-tar");
    EXPECT_EQ(file.headers.find("Content-Disposition")->second, "attachment; filename=\"" + *key + ".hone.tar\"");
    EXPECT_EQ(file.headers.find("X-Content-SHA256")->second, sha256_hex(file.raw));
    // bundle is the default format.
    EXPECT_EQ(from.get_file("/api/training/models/" + *key + "/export").raw, file.raw);

    Reply imported = to.post_bytes("/api/training/models/import", file.raw);
    ASSERT_EQ(imported.status, 201) << imported.raw;
    const Json& entry = imported.body["data"];
    const std::string new_key = entry["key"];
    Reply shown = to.get("/api/training/models/" + new_key);
    EXPECT_EQ(entry, shown.body["data"]);
    Reply original = from.get("/api/training/models/" + *key);
    EXPECT_EQ(entry["metrics"], original.body["data"]["metrics"]);
    EXPECT_EQ(entry["hyperparameters"], original.body["data"]["hyperparameters"]);
    EXPECT_EQ(entry["version"], 1);
    EXPECT_EQ(entry["metadata"]["imported_from"]["key"], *key);
    EXPECT_EQ(entry["metadata"]["imported_from"]["bundle_sha256"], sha256_hex(file.raw));

    Reply before = from.post_json("/api/training/models/" + *key + "/predict", kRows);
    Reply after = to.post_json("/api/training/models/" + new_key + "/predict", kRows);
    ASSERT_EQ(before.status, 200) << before.raw;
    ASSERT_EQ(before.body["predictions"].size(), 3u) << before.raw;
    EXPECT_EQ(after.body["predictions"], before.body["predictions"]);
    EXPECT_EQ(after.body["probabilities"], before.body["probabilities"]);

    // The OpenAPI document describes both, the import's body as bytes.
    Reply doc = from.get("/api/openapi.json");
    EXPECT_EQ(doc.body["paths"]["/api/training/models/import"]["post"]["requestBody"]["content"],
              (Json{{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}));
    EXPECT_TRUE(doc.body["paths"]["/api/training/models/{key}/export"].contains("get"));

    Reply renamed = to.post_bytes("/api/training/models/import?name=churn_copy", file.raw);
    ASSERT_EQ(renamed.status, 201) << renamed.raw;
    EXPECT_EQ(renamed.body["data"]["name"], "churn_copy");
    EXPECT_EQ(renamed.body["data"]["version"], 1);
}

TEST_F(ExportHttp, FormatsAndDamageAnswerTheOneErrorShape) {
    Client from(source_server->port()), to(target_server->port());
    Reply pickle = from.get_file("/api/training/models/" + *key + "/export?format=pickle");
    EXPECT_EQ(pickle.status, 400);
    EXPECT_EQ(pickle.body["error"], "format_not_supported");
    EXPECT_EQ(pickle.body["message"],
              "format 'pickle' is not supported: hone models are native models, not Python objects, so there is "
              "nothing to pickle; hone writes bundle, onnx, torch");
    EXPECT_EQ(pickle.body["hint"], "use onnx to run the model in other runtimes, or bundle to move it to another hone "
                                   "('hone models import')");
    Reply saved = from.get_file("/api/training/models/" + *key + "/export?format=savedmodel");
    EXPECT_EQ(saved.status, 400);
    EXPECT_EQ(saved.body["error"], "format_not_supported");
    Reply unknown = from.get_file("/api/training/models/" + *key + "/export?format=zip");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.body["error"], "unknown_format");
    EXPECT_EQ(unknown.body["message"], "unknown export format 'zip'");
    EXPECT_EQ(unknown.body["hint"], "valid export formats: bundle, onnx, torch, pickle, savedmodel");
    Reply missing = from.get_file("/api/training/models/no_such_model/export?format=bundle");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body["error"], "model_not_found");

    std::string bytes = exporting::export_bundle(*source->store, *key);
    auto m = test_support::tar_member(bytes, "model/model.json");
    std::string damaged = bytes;
    damaged[m.content_at + m.size / 2] ^= 0x04;
    Reply refused = to.post_bytes("/api/training/models/import", damaged);
    EXPECT_EQ(refused.status, 422);
    EXPECT_EQ(refused.body["error"], "bundle_corrupt");
    EXPECT_EQ(refused.body["message"], "'model/model.json' does not match its SHA-256 in the manifest (expected " +
                                           test_support::listed_sha256(bytes, "model/model.json") + ", found " +
                                           sha256_hex(damaged.substr(m.content_at, m.size)) +
                                           "): the bundle was damaged or altered");
    Reply json = to.post("/api/training/models/import", "{\"model\": 1}");
    EXPECT_EQ(json.status, 422);
    EXPECT_EQ(json.body["message"], "the bundle is 12 bytes: too short to be a hone bundle ('hone export KEY --format "
                                    "bundle' writes one)");
    Reply traversal = to.post_bytes("/api/training/models/import",
                                    test_support::with_header(bytes, "entry.json", "../../x.json",
                                                              test_support::tar_member(bytes, "entry.json").size));
    EXPECT_EQ(traversal.status, 422);
    EXPECT_EQ(traversal.body["error"], "bundle_corrupt");
    EXPECT_TRUE(target->store->list_models().empty());
}

TEST_F(ExportHttp, ABundleOverTheBodyLimitIsRefused) {
    server::ServerOptions options;
    options.port = 0;
    options.max_body_bytes = 4096;
    options.run.model_root = (target->dir / "small_models").string();
    options.data_root = target->dir.string();
    server::Server small({}, *target->store, options);
    small.start();
    std::string bytes = exporting::export_bundle(*source->store, *key);
    ASSERT_GT(bytes.size(), 4096u);
    Reply big = Client(small.port()).post_bytes("/api/training/models/import", bytes);
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(big.body["error"], "payload_too_large");
    EXPECT_EQ(big.body["message"], "the body is larger than the limit of 4096 bytes (--max-body-bytes)");
    small.stop();
    EXPECT_TRUE(target->store->list_models().empty());
}
