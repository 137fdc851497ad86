// `hone serve` end to end: the real server on a free loopback port, in process,
// over a temporary SQLite registry and a job file around generated churn data,
// called over real sockets with cpp-httplib's client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "common/text.hpp"
#include "data/source.hpp"
#include "lang/job_file.hpp"
#include "server/batcher.hpp"
#include "server/model_cache.hpp"
#include "server/server.hpp"
#include "train/predictor.hpp"
#include "../train/churn_workspace.hpp"
#include "http_client.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;

namespace {

const char* kToken = "s3cret-token";

const char* kJobFile = R"(dataset "customer_data":
    source: csv
    path: customers.csv
model "churn_classifier":
    type: classifier
training "baseline_churn_model":
    model: churn_classifier
    dataset: customer_data
    target: churned
    features:
        - tenure
        - monthly_spend
        - support_calls
        - contract_type
    objective: maximize_accuracy
    hyperparameters:
        n_estimators: 30
        max_depth: 8
    metrics:
        - accuracy
        - f1
        - auc
tuning "optimized_churn_model":
    training_job: baseline_churn_model
    strategy: random
    max_trials: 20
    objective_metric: auc
    search_space:
        n_estimators:
            type: int
            min: 10
            max: 30
            step: 10
        max_depth:
            type: int
            min: 3
            max: 6
)";

using test_support::Client;
using test_support::Reply;

class ServeTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream(ws.dir / "churn.n3") << kJobFile;
        auto loaded = lang::load_job_file(ws.dir / "churn.n3");
        ASSERT_TRUE(loaded.ok()) << loaded.report();
        server::ServerOptions options;
        options.port = 0;
        options.token = kToken;
        options.run.model_root = (ws.dir / "models").string();
        server = std::make_unique<server::Server>(std::vector<lang::JobFile>{loaded.spec}, *ws.store, options);
        server->start();
        ASSERT_GT(server->port(), 0);
        http = std::make_unique<Client>(server->port(), kToken);
    }

    void TearDown() override { server->stop(); }

    // Trains the baseline job over HTTP and answers its result.
    Json train(const Json& body = Json::object()) {
        Reply r = http->post_json("/api/training/jobs/baseline_churn_model/run", body);
        EXPECT_EQ(r.status, 200) << r.raw;
        return r.body;
    }

    test_support::Workspace ws;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<Client> http;
};

// A cell of the generated CSV as JSON, as a client would send it.
Json cell_json(const data::Column& c, std::size_t r) {
    if (c.is_null(r)) return nullptr;
    switch (c.type()) {
        case data::DType::float64: return c.floats()[r];
        case data::DType::int64: return c.ints()[r];
        case data::DType::boolean: return c.bools()[r] != 0;
        case data::DType::string: return std::string(c.string_at(r));
    }
    return nullptr;
}

}  // namespace

TEST_F(ServeTest, ListsJobsAndSpecsAndAnswersErrorsInOneShape) {
    Reply jobs = http->get("/api/training/jobs");
    EXPECT_EQ(jobs.status, 200);
    EXPECT_EQ(jobs.body, Json::parse(R"(["baseline_churn_model"])"));
    EXPECT_EQ(jobs.headers.find("Content-Type")->second, "application/json");

    Reply spec = http->get("/api/training/jobs/baseline_churn_model");
    EXPECT_EQ(spec.status, 200);
    EXPECT_EQ(spec.body["name"], "baseline_churn_model");
    EXPECT_EQ(spec.body["model"], "churn_classifier");
    EXPECT_EQ(spec.body["dataset"], "customer_data");
    EXPECT_EQ(spec.body["target"], "churned");
    EXPECT_EQ(spec.body["features"], Json::parse(R"(["tenure", "monthly_spend", "support_calls", "contract_type"])"));
    EXPECT_EQ(spec.body["hyperparameters"]["n_estimators"], 30);

    EXPECT_EQ(http->get("/api/training/tuning/jobs").body, Json::parse(R"(["optimized_churn_model"])"));
    Reply tuning = http->get("/api/training/tuning/jobs/optimized_churn_model");
    EXPECT_EQ(tuning.body["training_job"], "baseline_churn_model");
    EXPECT_EQ(tuning.body["strategy"], "random");
    EXPECT_EQ(tuning.body["search_space"]["n_estimators"]["max"], 30);

    // An unknown job: 404 with "did you mean" and the known names.
    Reply unknown = http->get("/api/training/jobs/baseline_churn_modle");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.body["status"], "error");
    EXPECT_EQ(unknown.body["error"], "job_not_found");
    EXPECT_EQ(unknown.body["message"],
              "no training job 'baseline_churn_modle'; did you mean 'baseline_churn_model'?");
    EXPECT_EQ(unknown.body["details"], Json::array());
    EXPECT_EQ(unknown.body["hint"], "training jobs: baseline_churn_model");
    EXPECT_EQ(http->post("/api/training/jobs/nothing_like_it/run", "{}").body["message"],
              "no training job 'nothing_like_it'");
    EXPECT_EQ(http->get("/api/training/tuning/jobs/baseline_churn_model/trials").body["message"],
              "no tuning job 'baseline_churn_model'; 'baseline_churn_model' is a training job");

    // Nothing has run yet.
    Reply metrics = http->get("/api/training/jobs/baseline_churn_model/metrics");
    EXPECT_EQ(metrics.status, 404);
    EXPECT_EQ(metrics.body["error"], "no_runs");
    EXPECT_EQ(http->get("/api/training/jobs/baseline_churn_model/history").body, Json::array());
    Reply trials = http->get("/api/training/tuning/jobs/optimized_churn_model/trials");
    EXPECT_EQ(trials.status, 404);
    EXPECT_EQ(trials.body["error"], "study_not_found");

    // Bad JSON: 400 saying where.
    Reply bad = http->post("/api/training/jobs/baseline_churn_model/run", "{\"overrides\": {\"hyperparameters\": }}");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.body["error"], "invalid_json");
    EXPECT_EQ(bad.body["message"],
              "invalid JSON request body: parse error at line 1, column 35: syntax error while parsing value - unexpected '}'; "
              "expected '[', '{', or a literal");
    ASSERT_EQ(bad.body["details"].size(), 1u);
    EXPECT_EQ(bad.body["details"][0]["line"], 1);
    EXPECT_EQ(bad.body["details"][0]["col"], 35);
    Reply not_object = http->post("/api/training/jobs/baseline_churn_model/run", "[1, 2]");
    EXPECT_EQ(not_object.status, 400);
    EXPECT_EQ(not_object.body["message"], "the body must be a JSON object, got array");
    Reply unknown_field = http->post("/api/training/jobs/baseline_churn_model/run", R"({"overides": {}})");
    EXPECT_EQ(unknown_field.status, 400);
    EXPECT_EQ(unknown_field.body["error"], "unknown_field");
    EXPECT_EQ(unknown_field.body["message"], "unknown field 'overides' in the run request; did you mean 'overrides'?");
    Reply bad_override = http->post("/api/training/jobs/baseline_churn_model/run", R"({"overrides": {"colour": 1}})");
    EXPECT_EQ(bad_override.status, 400);
    EXPECT_EQ(bad_override.body["error"], "invalid_override");

    // Routes and methods that do not exist.
    Reply no_route = http->get("/api/training/nothing");
    EXPECT_EQ(no_route.status, 404);
    EXPECT_EQ(no_route.body["error"], "route_not_found");
    Reply wrong_method = http->del("/api/training/jobs");
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(wrong_method.body["error"], "method_not_allowed");
    EXPECT_EQ(wrong_method.headers.find("Allow")->second, "GET, POST");
}

TEST_F(ServeTest, TokenIsRequiredExceptForHealth) {
    Client anonymous(server->port(), "");
    Reply denied = anonymous.get("/api/training/jobs");
    EXPECT_EQ(denied.status, 401);
    EXPECT_EQ(denied.body["status"], "error");
    EXPECT_EQ(denied.body["error"], "unauthorized");
    EXPECT_EQ(denied.body["message"], "this endpoint needs 'Authorization: Bearer <token>' (missing bearer token)");
    EXPECT_EQ(denied.headers.find("WWW-Authenticate")->second, "Bearer realm=\"hone\"");
    // Unknown routes do not reveal themselves without the token either.
    EXPECT_EQ(anonymous.get("/api/training/nothing").status, 401);
    EXPECT_EQ(anonymous.post("/api/training/models/x/predict", "{}").status, 401);

    Client wrong(server->port(), "s3cret-tokem");
    Reply wrong_reply = wrong.get("/api/training/jobs");
    EXPECT_EQ(wrong_reply.status, 401);
    EXPECT_EQ(wrong_reply.body["message"], "this endpoint needs 'Authorization: Bearer <token>' (wrong bearer token)");
    // Each refusal is an audit row.
    std::vector<std::string> refused;
    for (const auto& a : ws.store->audit_log(50))
        if (a["action"] == "unauthorized") refused.push_back(a["target"]);
    EXPECT_EQ(refused, (std::vector<std::string>{"/api/training/jobs", "/api/training/models/x/predict",
                                                 "/api/training/nothing", "/api/training/jobs"}));

    Reply health = anonymous.get("/api/training/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body["data"]["status"], "ok");
    EXPECT_EQ(health.body["data"]["version"], "0.1.0");
    EXPECT_EQ(health.body["data"]["store"]["ok"], true);
    EXPECT_EQ(health.body["data"]["jobs"], Json::parse(R"({"training": 1, "tuning": 1})"));
    EXPECT_GE(health.body["data"]["uptime_seconds"].get<double>(), 0.0);
}

// The description of the API answers without the token; the metrics, which tell
// what the server does, need it (as every endpoint but health and the description).
TEST_F(ServeTest, DescribesItselfInOpenApiDocsWithoutTheTokenAndPrometheusMetricsWithIt) {
    train();
    httplib::Client anonymous("127.0.0.1", server->port());
    auto spec = anonymous.Get("/api/openapi.json");
    ASSERT_TRUE(spec);
    EXPECT_EQ(spec->status, 200);
    Json doc = Json::parse(spec->body);
    EXPECT_EQ(doc["openapi"], "3.0.3");
    // Every route of the table is there, with its methods.
    for (const auto& r : server->routes()) {
        std::string method = to_lower(r.method);
        EXPECT_TRUE(doc["paths"].contains(r.pattern) && doc["paths"][r.pattern].contains(method))
            << r.method << " " << r.pattern;
    }
    EXPECT_EQ(doc["paths"]["/api/training/runs/{id}/events"]["get"]["parameters"][0]["name"], "id");
    auto algorithms = doc["components"]["schemas"]["Algorithm"]["enum"];
    EXPECT_NE(std::find(algorithms.begin(), algorithms.end(), "xgboost"), algorithms.end());

    auto page = anonymous.Get("/api/docs");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(page->body.find("/api/training/runs/{id}/events"), std::string::npos);

    auto refused = anonymous.Get("/metrics");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    httplib::Client with_token("127.0.0.1", server->port());
    with_token.set_bearer_token_auth(kToken);
    auto metrics = with_token.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    const std::string& m = metrics->body;
    EXPECT_NE(m.find("hone_http_requests_total{method=\"POST\",route=\"/api/training/jobs/{name}/run\",status=\"200\"} 1\n"),
              std::string::npos) << m;
    EXPECT_NE(m.find("hone_http_requests_total{method=\"GET\",route=\"/api/openapi.json\",status=\"200\"} 1\n"),
              std::string::npos) << m;
    EXPECT_NE(m.find("hone_runs{status=\"completed\"} 1\n"), std::string::npos) << m;
}

// The dashboard: its page and scripts answer without the token (they hold no
// data) with an ETag a browser revalidates; the lists it reads page with
// ?offset&limit and say their length, and answer as before without them.
TEST_F(ServeTest, ServesTheDashboardAndPagesTheListsItReads) {
    httplib::Client anonymous("127.0.0.1", server->port());
    auto page = anonymous.Get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(page->body.find("/ui/app.js"), std::string::npos);
    std::string etag = page->get_header_value("ETag");
    ASSERT_FALSE(etag.empty());
    auto cached = anonymous.Get("/", httplib::Headers{{"If-None-Match", etag}});
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->status, 304);
    auto script = anonymous.Get("/ui/app.js");
    ASSERT_TRUE(script);
    EXPECT_EQ(script->status, 200);
    EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(anonymous.Get("/ui/no_such_file.js")->status, 404);
    // gzipped at build time for a client that takes it: its own ETag, the same
    // bytes once decoded (the client decodes).
    auto gzipped = anonymous.Get("/ui/app.js", httplib::Headers{{"Accept-Encoding", "gzip, deflate, br"}});
    ASSERT_TRUE(gzipped);
    EXPECT_EQ(gzipped->get_header_value("Content-Encoding"), "gzip");
    EXPECT_EQ(gzipped->body, script->body);
    EXPECT_EQ(gzipped->get_header_value("ETag"), script->get_header_value("ETag").substr(0, 17) + "-gzip\"");
    EXPECT_EQ(anonymous.Get("/ui/app.js", httplib::Headers{{"Accept-Encoding", "gzip;q=0, br"}})
                  ->get_header_value("Content-Encoding"), "");

    std::string first_run = train()["run_id"];
    train();
    Reply all = http->get("/api/training/runs");
    ASSERT_EQ(all.body["data"].size(), 2u) << all.raw;
    EXPECT_EQ(all.headers.count("X-Total-Count"), 0u);
    Reply second = http->get("/api/training/runs?offset=1&limit=1");
    ASSERT_EQ(second.status, 200) << second.raw;
    ASSERT_EQ(second.body["data"].size(), 1u);
    EXPECT_EQ(second.body["data"][0]["run_id"], all.body["data"][1]["run_id"]);
    EXPECT_EQ(second.headers.find("X-Total-Count")->second, "2");
    Reply oldest_first = http->get("/api/training/runs?sort=created_at");
    EXPECT_EQ(oldest_first.body["data"][0]["run_id"], first_run);
    // A run the CLI recorded (in the store, not in this server's runner) is
    // listed too, in its place by time; a job no file serves is not.
    registry::RunRecord from_cli;
    from_cli.id = "run_from_the_cli";
    from_cli.job = "baseline_churn_model";
    from_cli.status = "ok";
    from_cli.ts = 1.0;  // long before the server's runs
    from_cli.duration_ms = 2500;
    ws.store->insert_run(from_cli);
    from_cli.id = "run_of_an_unserved_job";
    from_cli.job = "not_served";
    ws.store->insert_run(from_cli);
    Reply with_cli = http->get("/api/training/runs");
    ASSERT_EQ(with_cli.body["data"].size(), 3u) << with_cli.raw;
    EXPECT_EQ(with_cli.body["data"][2]["run_id"], "run_from_the_cli");
    EXPECT_EQ(with_cli.body["data"][2]["status"], "completed");
    EXPECT_EQ(with_cli.body["data"][2]["started_at"], 1.0);
    EXPECT_EQ(with_cli.body["data"][2]["finished_at"], 3.5);
    EXPECT_EQ(http->get("/api/training/runs?status=failed").body["data"].size(), 0u);
    Reply rounds = http->get("/api/training/runs/" + first_run + "/rounds?max_points=2");
    ASSERT_EQ(rounds.status, 200) << rounds.raw;
    EXPECT_LE(rounds.body["data"]["rounds"].size(), 2u);

    Reply models = http->post_json("/api/training/models/search", Json{{"offset", 1}, {"limit", 5}});
    ASSERT_EQ(models.status, 200) << models.raw;
    EXPECT_EQ(models.body["data"].size(), 1u);
    EXPECT_EQ(models.headers.find("X-Total-Count")->second, "2");

    Reply audit = http->get("/api/training/audit?limit=1");
    ASSERT_EQ(audit.status, 200) << audit.raw;
    EXPECT_EQ(audit.body["data"]["entries"].size(), 1u);
}

// Each model's predict answers are counted, errors apart, with latency
// percentiles; a request naming no registered model adds no series. Large
// JSON answers are gzipped for a client that takes gzip.
TEST_F(ServeTest, CountsEachModelsPredictionsAndGzipsLargeAnswers) {
    std::string key = train()["registry_key"];
    const std::string row = R"({"records": [{"tenure": 2, "monthly_spend": 95.5, "support_calls": 7, "contract_type": "monthly"}]})";
    for (int i = 0; i < 3; ++i) ASSERT_EQ(http->post("/api/training/models/" + key + "/predict", row).status, 200);
    EXPECT_EQ(http->post("/api/training/models/" + key + "/predict", R"({"records": 3})").status, 400);
    EXPECT_EQ(http->post("/api/training/models/no_such_model/predict", row).status, 404);
    Reply serving = http->get("/api/training/serving");
    ASSERT_EQ(serving.status, 200) << serving.raw;
    const Json& models = serving.body["data"]["models"];
    ASSERT_EQ(models.size(), 1u) << serving.raw;
    EXPECT_EQ(models[0]["model"], key);
    EXPECT_EQ(models[0]["requests"], 4);
    EXPECT_EQ(models[0]["errors"], 1);
    EXPECT_DOUBLE_EQ(models[0]["error_rate"].get<double>(), 0.25);
    double p50 = models[0]["latency_ms"]["p50"], p99 = models[0]["latency_ms"]["p99"];
    EXPECT_GT(p50, 0);
    EXPECT_LE(p50, p99);
    std::string m = http->get_file("/metrics").raw;
    EXPECT_NE(m.find("hone_model_requests_total{model=\"" + key + "\",outcome=\"ok\"} 3\n"), std::string::npos) << m;
    EXPECT_NE(m.find("hone_model_requests_total{model=\"" + key + "\",outcome=\"error\"} 1\n"), std::string::npos);
    EXPECT_NE(m.find("hone_model_request_duration_seconds_count{model=\"" + key + "\"} 4\n"), std::string::npos);
    EXPECT_EQ(m.find("no_such_model"), std::string::npos);

    httplib::Client raw("127.0.0.1", server->port());
    raw.set_bearer_token_auth(kToken);
    raw.set_decompress(false);
    auto plain = raw.Get("/api/openapi.json");
    auto packed = raw.Get("/api/openapi.json", httplib::Headers{{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(plain && packed);
    EXPECT_EQ(plain->get_header_value("Content-Encoding"), "");
    EXPECT_EQ(packed->get_header_value("Content-Encoding"), "gzip");
    EXPECT_LT(packed->body.size() * 4, plain->body.size()) << "JSON compresses well";
    EXPECT_EQ(packed->body.substr(0, 2), std::string("\x1f\x8b")) << "a gzip member";
}

TEST_F(ServeTest, ComparesUpdatesAndDeploysModels) {
    std::string a = train()["registry_key"];
    std::string b = train(Json{{"overrides", {{"hyperparameters", {{"n_estimators", 10}}}}}})["registry_key"];
    Reply cmp = http->post_json("/api/training/models/compare", Json{{"keys", {a, b}}});
    ASSERT_EQ(cmp.status, 200) << cmp.raw;
    const Json& d = cmp.body["data"];
    EXPECT_EQ(d["baseline"], a);
    EXPECT_EQ(d["deltas"]["accuracy"][a], 0.0);
    EXPECT_DOUBLE_EQ(d["deltas"]["accuracy"][b].get<double>(),
                     d["metrics"]["accuracy"][b].get<double>() - d["metrics"]["accuracy"][a].get<double>());
    EXPECT_EQ(d["hyperparameters"]["n_estimators"]["values"][a], 30);
    EXPECT_EQ(d["hyperparameters"]["n_estimators"]["values"][b], 10);
    EXPECT_EQ(d["hyperparameters"]["n_estimators"]["differs"], true);
    EXPECT_EQ(d["hyperparameters"]["max_depth"]["differs"], false);
    EXPECT_EQ(http->post_json("/api/training/models/compare", Json{{"keys", {a, "nope"}}}).status, 404);
    EXPECT_EQ(http->post_json("/api/training/models/compare", Json{{"keys", {a}}}).status, 400);

    Reply staged = http->put_json("/api/training/models/" + a, Json{{"stage", "staging"}});
    EXPECT_EQ(staged.status, 200) << staged.raw;
    EXPECT_EQ(staged.body["data"]["stage"], "staging");
    Reply bad_stage = http->put_json("/api/training/models/" + a, Json{{"stage", "live"}});
    EXPECT_EQ(bad_stage.status, 400);
    EXPECT_EQ(bad_stage.body["message"], "invalid stage 'live': expected 'none', 'staging', 'production' or 'archived'");

    Reply first = http->post_json("/api/training/deploy/" + a, Json::object());
    ASSERT_EQ(first.status, 200) << first.raw;
    EXPECT_EQ(first.body["data"]["stage"], "production");
    Reply second = http->post_json("/api/training/deploy/" + b, Json{{"target", "local"}});
    ASSERT_EQ(second.status, 200) << second.raw;
    EXPECT_EQ(second.body["data"]["archived"], Json::array({a}));
    EXPECT_EQ(ws.store->get_model(a)->stage, "archived");
    EXPECT_EQ(ws.store->get_model(b)->stage, "production");
    Reply elsewhere = http->post_json("/api/training/deploy/" + b, Json{{"target", "sagemaker"}});
    EXPECT_EQ(elsewhere.status, 501);
    EXPECT_EQ(elsewhere.body["error"], "not_implemented");

    // A tampered artifact fails its health check; the production version stays.
    auto entry = *ws.store->get_model(a);
    for (const auto& f : fs::directory_iterator(entry.file_path))
        if (f.path().filename() != "manifest.json") std::ofstream(f.path(), std::ios::app) << "x";
    Reply broken = http->post_json("/api/training/deploy/" + a, Json::object());
    EXPECT_GE(broken.status, 400) << broken.raw;
    EXPECT_EQ(broken.body["error"], "deploy_failed");
    EXPECT_EQ(ws.store->get_model(b)->stage, "production");
}

TEST_F(ServeTest, EvaluatesAModelOnANamedDatasetOrOnPostedRows) {
    std::string key = train()["registry_key"];
    Reply named = http->post_json("/api/training/evaluate/" + key,
                                  Json{{"dataset", "customer_data"}, {"metrics", {"accuracy", "auc"}}});
    ASSERT_EQ(named.status, 200) << named.raw;
    EXPECT_EQ(named.body["data"]["rows"], 3000);
    EXPECT_EQ(named.body["data"]["target"], "churned");
    EXPECT_GT(named.body["data"]["metrics"]["accuracy"].get<double>(), 0.75);
    EXPECT_GT(named.body["data"]["metrics"]["auc"].get<double>(), 0.8);

    // The same numbers as computing them here from LoadedModel::predict.
    lang::DatasetSpec csv;
    csv.name = "rows";
    csv.source = "csv";
    csv.path = (ws.dir / "customers.csv").string();
    data::Frame rows = data::load_dataset(csv).take({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    auto model = train::LoadedModel::load(*ws.store, key);
    train::Predictions p = model->predict(rows);
    Json records = Json::array();
    int correct = 0;
    for (std::size_t r = 0; r < rows.rows(); ++r) {
        Json rec = Json::object();
        for (const auto& f : model->features()) rec[f] = cell_json(rows.at(f), r);
        rec["churned"] = cell_json(rows.at("churned"), r);
        correct += p.values[r] == rec["churned"];
        records.push_back(rec);
    }
    Reply posted = http->post_json("/api/training/evaluate/" + key, Json{{"records", records}, {"metrics", {"accuracy"}}});
    ASSERT_EQ(posted.status, 200) << posted.raw;
    EXPECT_EQ(posted.body["data"]["rows"], 12);
    EXPECT_DOUBLE_EQ(posted.body["data"]["metrics"]["accuracy"].get<double>(), correct / 12.0);

    for (auto& rec : records) rec.erase("churned");
    Reply no_target = http->post_json("/api/training/evaluate/" + key, Json{{"records", records}});
    EXPECT_EQ(no_target.status, 422) << no_target.raw;
    EXPECT_EQ(no_target.body["error"], "missing_feature");
    Reply no_dataset = http->post_json("/api/training/evaluate/" + key, Json{{"dataset", "customer_dat"}});
    EXPECT_EQ(no_dataset.status, 404);
    EXPECT_EQ(no_dataset.body["message"], "no dataset 'customer_dat'; did you mean 'customer_data'?");
}

TEST_F(ServeTest, RegistersExternalModelsAndTagsAndSearchesByTags) {
    Json described{{"name", "custom_conversational_model"},
                   {"version", "1.0.0"},
                   {"description", "Fine-tuned conversational model"},
                   {"model_type", "fine_tuned"},
                   {"size_mb", 2048},
                   {"parameter_count", 355000000},
                   {"architecture", {{"model_family", "GPT"}, {"layers", 24}}},
                   {"performance_metrics", {{"accuracy", 0.87}, {"f1_score", 0.84}}}};
    Reply made = http->post_json("/api/training/models", described);
    ASSERT_EQ(made.status, 201) << made.raw;
    const Json& e = made.body["data"];
    std::string external = e["key"];
    EXPECT_EQ(external.rfind("custom_conversational_model_external_v", 0), 0u) << external;
    EXPECT_EQ(e["framework"], "external");
    EXPECT_EQ(e["algorithm"], "fine_tuned");
    EXPECT_EQ(e["version"], 1);
    EXPECT_EQ(e["metrics"]["accuracy"], 0.87);
    EXPECT_EQ(e["metadata"]["version_label"], "1.0.0");
    EXPECT_EQ(e["metadata"]["architecture"]["layers"], 24);
    Reply predict = http->post_json("/api/training/models/" + external + "/predict", Json{{"records", Json::array()}});
    EXPECT_EQ(predict.status, 400);
    EXPECT_EQ(predict.body["error"], "not_servable");
    EXPECT_EQ(http->post_json("/api/training/models", Json{{"name", "a b"}}).status, 400);
    EXPECT_EQ(http->post_json("/api/training/models", Json{{"name", "x"}, {"colour", 1}}).body["error"], "unknown_field");

    std::string trained = train()["registry_key"];
    Reply tagged = http->put_json("/api/training/models/" + trained,
                                  Json{{"tags", {{"team", "growth"}, {"tier", "gold"}}}, {"description", "baseline"}});
    ASSERT_EQ(tagged.status, 200) << tagged.raw;
    EXPECT_EQ(tagged.body["data"]["metadata"]["tags"], Json({{"team", "growth"}, {"tier", "gold"}}));
    EXPECT_EQ(tagged.body["data"]["metadata"]["description"], "baseline");
    EXPECT_EQ(tagged.body["data"]["metadata"]["target"], "churned") << "other metadata is kept";
    Reply untagged = http->put_json("/api/training/models/" + trained, Json{{"tags", {{"tier", nullptr}}}});
    EXPECT_EQ(untagged.body["data"]["metadata"]["tags"], Json({{"team", "growth"}}));
    EXPECT_EQ(http->put_json("/api/training/models/" + trained, Json{{"tags", {{"n", 1}}}}).status, 400);

    auto keys = [&](const Json& q) {
        std::vector<std::string> out;
        Reply r = http->post_json("/api/training/models/search", q);
        EXPECT_EQ(r.status, 200) << r.raw;
        for (const auto& m : r.body["data"]) out.push_back(m["key"]);
        return out;
    };
    EXPECT_EQ(keys(Json{{"tags", {{"team", "growth"}}}}), std::vector<std::string>{trained});
    EXPECT_TRUE(keys(Json{{"tags", {{"team", "other"}}}}).empty());
    EXPECT_EQ(keys(Json{{"algorithm", "fine_tuned"}}), std::vector<std::string>{external});
    EXPECT_EQ(keys(Json{{"metrics", {{"f1_score", {{"gte", 0.8}}}}}}), std::vector<std::string>{external});
}

TEST_F(ServeTest, BatchedPredictionsEqualEachRequestPredictedAlone) {
    std::string key = train()["registry_key"];
    auto model = train::LoadedModel::load(*ws.store, key);
    lang::DatasetSpec csv;
    csv.name = "rows";
    csv.source = "csv";
    csv.path = (ws.dir / "customers.csv").string();
    data::Frame all = data::load_dataset(csv);
    // 16 requests of 1..16 rows from 8 threads; the first of a batch waits 5 ms.
    server::PredictionBatcher batcher(24, std::chrono::microseconds(5000));
    std::vector<std::vector<std::size_t>> picks(16);
    for (std::size_t i = 0; i < picks.size(); ++i)
        for (std::size_t r = 0; r <= i; ++r) picks[i].push_back(i * 100 + r);
    std::vector<server::PredictionBatcher::Answer> answers(picks.size());
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (std::size_t i = static_cast<std::size_t>(t); i < picks.size(); i += 8)
                answers[i] = batcher.predict(key, model, model->prepare(all.take(picks[i])));
        });
    for (auto& t : threads) t.join();
    bool batched = false;
    for (std::size_t i = 0; i < picks.size(); ++i) {
        train::Predictions alone = model->predict(all.take(picks[i]));
        EXPECT_EQ(answers[i].predictions.values, alone.values) << i;
        EXPECT_EQ(answers[i].predictions.proba, alone.proba) << i;
        EXPECT_EQ(answers[i].predictions.classes, alone.classes);
        EXPECT_LE(answers[i].batch_rows, std::max<std::size_t>(24, picks[i].size()));
        batched = batched || answers[i].batch_rows > picks[i].size();
    }
    EXPECT_TRUE(batched) << "requests waiting together were predicted together";
    // One request over the row limit runs alone.
    std::vector<std::size_t> many(40);
    for (std::size_t r = 0; r < many.size(); ++r) many[r] = r;
    auto big = batcher.predict(key, model, model->prepare(all.take(many)));
    EXPECT_EQ(big.batch_rows, 40u);
    EXPECT_EQ(big.predictions.values, model->predict(all.take(many)).values);
}

TEST_F(ServeTest, SyntheticDataFillsPromptTemplates) {
    // The training-service API's documented request: its placeholders have no values to fill them with.
    Json seed_request{{"template_prompts",
                       {"How can I help you with {topic}?", "What would you like to know about {subject}?",
                        "Let me explain {concept} to you."}},
                      {"generation_config",
                       {{"num_samples", 5}, {"temperature", 0.7}, {"max_tokens", 512}, {"quality_filter", true}}},
                      {"output_format", "jsonl"}};
    Reply missing = http->post_json("/api/training/synthetic-data", seed_request);
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(missing.body["error"], "missing_variables");
    EXPECT_EQ(missing.body["message"], "the templates use placeholders with no values: concept, subject, topic");

    seed_request["variables"] = {{"topic", {"billing", "shipping"}}, {"subject", {"refunds"}}, {"concept", {"tenure"}}};
    Reply made = http->post_json("/api/training/synthetic-data", seed_request);
    ASSERT_EQ(made.status, 200) << made.raw;
    const Json& d = made.body["data"];
    EXPECT_EQ(d["num_samples"], 5);
    EXPECT_EQ(d["warnings"].size(), 3u);
    std::string content = d["content"];
    std::vector<std::string> lines;
    for (std::size_t at = 0, nl; (nl = content.find('\n', at)) != std::string::npos; at = nl + 1)
        lines.push_back(content.substr(at, nl - at));
    ASSERT_EQ(lines.size(), 5u);
    std::set<std::string> allowed = {"How can I help you with billing?", "How can I help you with shipping?",
                                     "What would you like to know about refunds?", "Let me explain tenure to you."};
    for (const auto& l : lines) EXPECT_TRUE(allowed.count(Json::parse(l)["text"].get<std::string>())) << l;
    // The same seed, the same samples.
    EXPECT_EQ(http->post_json("/api/training/synthetic-data", seed_request).body["data"]["content"], content);
}

TEST_F(ServeTest, TrainsThenServesHistoryModelsAndPredictions) {
    Json first = train();
    EXPECT_EQ(first["status"], "ok");
    EXPECT_EQ(first["job"], "baseline_churn_model");
    EXPECT_EQ(first["model"], "churn_classifier");
    EXPECT_EQ(first["dataset"], "customer_data");
    EXPECT_EQ(first["algorithm"], "random_forest");
    EXPECT_EQ(first["hyperparameters"]["n_estimators"], 30);
    EXPECT_GT(first["metrics"]["accuracy"].get<double>(), 0.80);
    EXPECT_GT(first["metrics"]["auc"].get<double>(), 0.85);
    EXPECT_EQ(first["training_samples"], 2100);
    ASSERT_TRUE(first["registry_key"].is_string());
    const std::string key = first["registry_key"];
    EXPECT_EQ(key.rfind("churn_classifier_baseline_churn_model_v", 0), 0u);

    // The job-run API's runtime overrides.
    Json second = train(Json::parse(R"({"payload": {}, "overrides": {"hyperparameters": {"n_estimators": 10}}})"));
    EXPECT_EQ(second["status"], "ok");
    EXPECT_EQ(second["hyperparameters"]["n_estimators"], 10);
    const std::string key2 = second["registry_key"];
    EXPECT_NE(key2, key);

    // History: newest first, the run history shape.
    Reply history = http->get("/api/training/jobs/baseline_churn_model/history");
    EXPECT_EQ(history.status, 200);
    ASSERT_EQ(history.body.size(), 2u);
    EXPECT_EQ(history.body[0]["status"], "ok");
    EXPECT_EQ(history.body[0]["registry_key"], key2);
    EXPECT_EQ(history.body[1]["registry_key"], key);
    EXPECT_EQ(history.body[1]["metrics"], first["metrics"]);
    EXPECT_GT(history.body[0]["duration_ms"].get<double>(), 0.0);
    EXPECT_GT(history.body[0]["ts"].get<double>(), 1.6e9);
    EXPECT_EQ(http->get("/api/training/jobs/baseline_churn_model/history?limit=1").body.size(), 1u);
    EXPECT_EQ(http->get("/api/training/jobs/baseline_churn_model/history?limit=x").status, 400);

    Reply metrics = http->get("/api/training/jobs/baseline_churn_model/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.body["job"], "baseline_churn_model");
    EXPECT_EQ(metrics.body["status"], "ok");
    EXPECT_EQ(metrics.body["metrics"], second["metrics"]);
    EXPECT_EQ(metrics.body["registry_key"], key2);
    EXPECT_GT(metrics.body["timestamp"].get<double>(), history.body[0]["ts"].get<double>());

    // The registry entry, wrapped as the training-service API's endpoints are.
    Reply entry = http->get("/api/training/models/" + key);
    EXPECT_EQ(entry.status, 200);
    EXPECT_EQ(entry.body["data"]["key"], key);
    EXPECT_EQ(entry.body["data"]["version"], 1);
    EXPECT_EQ(entry.body["data"]["metrics"], first["metrics"]);
    EXPECT_EQ(http->get("/api/training/models/no_such_model").body["error"], "model_not_found");

    // Predictions in every input format equal LoadedModel::predict on the same rows.
    lang::DatasetSpec csv;
    csv.name = "rows";
    csv.source = "csv";
    csv.path = (ws.dir / "customers.csv").string();
    std::vector<std::size_t> picks;
    for (std::size_t r = 0; r < 40; ++r) picks.push_back(r * 7);  // rows 0 and 37*k have a missing spend
    data::Frame rows = data::load_dataset(csv).take(picks);
    auto model = train::LoadedModel::load(*ws.store, key);
    train::Predictions expected = model->predict(rows);
    Json expected_proba = expected.proba;
    const auto& features = model->features();

    Json records = Json::array(), split_data = Json::array(), positional = Json::array();
    for (std::size_t r = 0; r < rows.rows(); ++r) {
        Json rec = Json::object(), values = Json::array();
        for (const auto& f : features) {
            rec[f] = cell_json(rows.at(f), r);
            values.push_back(rec[f]);
        }
        rec["customer_id"] = cell_json(rows.at("customer_id"), r);  // extra keys are ignored
        records.push_back(rec);
        split_data.push_back(values);
        positional.push_back(values);
    }
    std::vector<Json> bodies = {
        Json{{"records", records}},
        Json{{"dataframe_records", records}},
        Json{{"dataframe_split", Json{{"columns", features}, {"data", split_data}}}},
        Json{{"instances", positional}},
        Json{{"instances", records}},
    };
    for (const auto& body : bodies) {
        Reply p = http->post_json("/api/training/models/" + key + "/predict", body);
        ASSERT_EQ(p.status, 200) << p.raw;
        EXPECT_EQ(p.body["predictions"], Json(expected.values)) << body.begin().key();
        EXPECT_EQ(p.body["probabilities"], expected_proba) << body.begin().key();
        EXPECT_EQ(p.body["classes"], Json::parse(R"(["false", "true"])"));
        EXPECT_TRUE(p.body["predictions"][0].is_boolean());
    }
    EXPECT_EQ(server->models_loaded(), 1u);  // loaded once, then cached

    // A missing feature column: 422 naming it.
    Json without = records;
    for (auto& rec : without) rec.erase("support_calls");
    Reply missing = http->post_json("/api/training/models/" + key + "/predict", Json{{"records", without}});
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(missing.body["error"], "missing_feature");
    EXPECT_EQ(missing.body["message"], "feature column 'support_calls' is missing from the rows");
    EXPECT_EQ(missing.body["details"][0]["column"], "support_calls");
    EXPECT_EQ(missing.body["hint"], "the model takes: tenure, monthly_spend, support_calls, contract_type");
    Json typo = records;
    typo[3].erase("tenure");
    typo[3]["tenur"] = 5;
    Reply one_row = http->post_json("/api/training/models/" + key + "/predict", Json{{"records", typo}});
    EXPECT_EQ(one_row.status, 422);
    EXPECT_EQ(one_row.body["message"], "feature column 'tenure' is missing from row 4");
    Reply split_missing = http->post_json("/api/training/models/" + key + "/predict",
                                     Json::parse(R"({"dataframe_split": {"columns": ["tenure", "monthly_spend", "support_call",
                                                 "contract_type"], "data": [[1, 50.0, 2, "monthly"]]}})"));
    EXPECT_EQ(split_missing.status, 422);
    EXPECT_EQ(split_missing.body["message"],
              "feature column 'support_calls' is missing from the rows; did you mean 'support_call'?");
    Reply wrong_shape = http->post("/api/training/models/" + key + "/predict", R"({"rows": []})");
    EXPECT_EQ(wrong_shape.status, 400);
    EXPECT_EQ(wrong_shape.body["error"], "invalid_rows");
    EXPECT_EQ(wrong_shape.body["message"],
              "no rows: the body holds none of 'records', 'dataframe_split', 'dataframe_records' or 'instances'");
    Reply short_instance = http->post("/api/training/models/" + key + "/predict", R"({"instances": [[1, 2]]})");
    EXPECT_EQ(short_instance.status, 400);
    EXPECT_EQ(short_instance.body["message"],
              "instances[0] has 2 values; the model takes 4 features in this order: tenure, monthly_spend, "
              "support_calls, contract_type");
    Reply text_number = http->post("/api/training/models/" + key + "/predict",
                                   R"({"records": [{"tenure": "ten", "monthly_spend": 1, "support_calls": 1, "contract_type": "annual"}]})");
    EXPECT_EQ(text_number.status, 422);
    EXPECT_EQ(text_number.body["error"], "feature_type_mismatch");

    // Search by name, algorithm (any alias), stage and metric thresholds.
    auto search = [&](const std::string& body) {
        Reply r = http->post("/api/training/models/search", body);
        EXPECT_EQ(r.status, 200) << r.raw;
        std::vector<std::string> keys;
        for (const auto& e : r.body["data"]) keys.push_back(e["key"]);
        return keys;
    };
    EXPECT_EQ(search(R"({"name": "churn_classifier"})"), (std::vector<std::string>{key2, key}));
    EXPECT_EQ(search("{}"), (std::vector<std::string>{key2, key}));
    EXPECT_EQ(search(R"({"algorithm": "RandomForestClassifier", "stage": "none", "limit": 1})"),
              (std::vector<std::string>{key2}));
    EXPECT_EQ(search(R"({"stage": "production"})"), std::vector<std::string>{});
    EXPECT_EQ(search(R"({"name": "other_model"})"), std::vector<std::string>{});
    double acc1 = first["metrics"]["accuracy"], acc2 = second["metrics"]["accuracy"];
    Json only_best{{"metrics", {{"accuracy", {{"gte", std::max(acc1, acc2)}}}}}};
    EXPECT_EQ(search(only_best.dump()), (std::vector<std::string>{acc2 >= acc1 ? key2 : key}));
    EXPECT_EQ(search(R"({"metrics": {"accuracy": {"gte": 0.5, "lte": 1.0}, "auc": {"gt": 0.5}}})"),
              (std::vector<std::string>{key2, key}));
    EXPECT_EQ(search(R"({"metrics": {"accuracy": {"gt": 1.0}}})"), std::vector<std::string>{});
    EXPECT_EQ(search(R"({"metrics": {"r2": {"gt": 0}}})"), std::vector<std::string>{});
    Reply bad_stage = http->post("/api/training/models/search", R"({"stage": "prod"})");
    EXPECT_EQ(bad_stage.status, 400);
    EXPECT_EQ(bad_stage.body["message"], "invalid stage 'prod': expected 'none', 'staging', 'production' or 'archived'");
    Reply bad_op = http->post("/api/training/models/search", R"({"metrics": {"accuracy": {"gtee": 0.8}}})");
    EXPECT_EQ(bad_op.status, 400);
    EXPECT_EQ(bad_op.body["message"], "unknown condition 'gtee' on metric 'accuracy'; did you mean 'gte'?");
    EXPECT_EQ(http->post("/api/training/models/search", R"({"algorithm": "random_forrest"})").body["error"],
              "unknown_algorithm");

    // The cache behind predict: one load per key, least recently used dropped.
    server::ModelCache cache(*ws.store, 1);
    auto a = cache.get(key);
    EXPECT_EQ(cache.get(key), a);
    EXPECT_EQ(cache.loads(), 1u);
    auto b = cache.get(key2);
    EXPECT_EQ(b->entry().key, key2);
    EXPECT_EQ(cache.loads(), 2u);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_NE(cache.get(key), a);  // dropped for key2, loaded again
    EXPECT_EQ(cache.loads(), 3u);
    EXPECT_THROW(cache.get("no_such_model"), Error);
    EXPECT_EQ(cache.size(), 1u);  // failures are not kept

    // Delete: entry and files gone, later reads 404, the other model untouched.
    std::string dir = entry.body["data"]["file_path"];
    ASSERT_TRUE(fs::exists(dir));
    Reply deleted = http->del("/api/training/models/" + key);
    EXPECT_EQ(deleted.status, 200);
    EXPECT_EQ(deleted.body, (Json{{"data", {{"key", key}, {"deleted", true}}}}));
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_EQ(http->get("/api/training/models/" + key).status, 404);
    EXPECT_EQ(http->post_json("/api/training/models/" + key + "/predict", Json{{"records", records}}).status, 404);
    EXPECT_EQ(http->del("/api/training/models/" + key).status, 404);
    EXPECT_EQ(search("{}"), (std::vector<std::string>{key2}));
    bool audited = false;
    for (const auto& a : ws.store->audit_log(10))
        audited = audited || (a["action"] == "delete_model" && a["target"] == key);
    EXPECT_TRUE(audited);
}

TEST_F(ServeTest, TunesWithOverridesThenServesTrialsAndBest) {
    Reply run = http->post("/api/training/tuning/jobs/optimized_churn_model/run",
                           R"({"payload": {}, "overrides": {"max_trials": 3}})");
    ASSERT_EQ(run.status, 200) << run.raw;
    const Json& r = run.body;
    EXPECT_EQ(r["status"], "ok");
    EXPECT_EQ(r["job"], "optimized_churn_model");
    EXPECT_EQ(r["training_job"], "baseline_churn_model");
    EXPECT_EQ(r["strategy"], "random");
    EXPECT_EQ(r["total_trials"], 3);
    ASSERT_TRUE(r["best_trial"].is_number_integer());
    EXPECT_GT(r["best_metrics"]["auc"].get<double>(), 0.85);
    ASSERT_TRUE(r["best_model_registry_key"].is_string());

    Reply trials = http->get("/api/training/tuning/jobs/optimized_churn_model/trials");
    EXPECT_EQ(trials.status, 200);
    ASSERT_EQ(trials.body.size(), 3u);
    std::set<int> valid_trees = {10, 20, 30};
    double best_value = -1;
    for (int i = 0; i < 3; ++i) {
        const Json& t = trials.body[i];
        EXPECT_EQ(t["trial_index"], i);
        EXPECT_EQ(t["status"], "ok");
        EXPECT_TRUE(valid_trees.count(t["hyperparameters"]["n_estimators"].get<int>()));
        int depth = t["hyperparameters"]["max_depth"];
        EXPECT_TRUE(depth >= 3 && depth <= 6);
        EXPECT_TRUE(t["metrics"].contains("auc"));
        best_value = std::max(best_value, t["value"].get<double>());
    }

    Reply best = http->get("/api/training/tuning/jobs/optimized_churn_model/best");
    EXPECT_EQ(best.status, 200);
    EXPECT_EQ(best.body["best_trial"], r["best_trial"]);
    EXPECT_EQ(best.body["best_hyperparameters"], r["best_hyperparameters"]);
    EXPECT_EQ(best.body["best_hyperparameters"], trials.body[r["best_trial"].get<int>()]["hyperparameters"]);
    EXPECT_EQ(best.body["best_model_registry_key"], r["best_model_registry_key"]);
    EXPECT_DOUBLE_EQ(best.body["best_value"].get<double>(), best_value);
    EXPECT_FALSE(best.body.contains("trials"));

    // ?fields keeps only the fields named, in the order of the trial document.
    Reply light = http->get("/api/training/tuning/jobs/optimized_churn_model/trials?fields=value,trial_index");
    ASSERT_EQ(light.status, 200) << light.raw;
    ASSERT_EQ(light.body.size(), 3u);
    EXPECT_EQ(light.body[1], (Json{{"value", trials.body[1]["value"]}, {"trial_index", 1}}));
    Reply newest = http->get("/api/training/tuning/jobs/optimized_churn_model/trials?sort=-trial_index&limit=2&fields=trial_index");
    EXPECT_EQ(newest.body, Json::parse(R"([{"trial_index": 2}, {"trial_index": 1}])")) << newest.raw;
    Reply unknown = http->get("/api/training/tuning/jobs/optimized_churn_model/trials?fields=value,hyperparameter");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.body["message"], "fields: unknown field 'hyperparameter'; did you mean 'hyperparameters'?")
        << unknown.raw;

    // The best model serves predictions.
    std::string key = r["best_model_registry_key"];
    Reply p = http->post("/api/training/models/" + key + "/predict",
                         R"({"instances": [{"tenure": 2, "monthly_spend": 95.5, "support_calls": 7, "contract_type": "monthly"},
                                           {"tenure": 70, "monthly_spend": 40.0, "support_calls": 0, "contract_type": "two_year"}]})");
    EXPECT_EQ(p.status, 200) << p.raw;
    EXPECT_EQ(p.body["predictions"], Json::parse("[true, false]"));
}

TEST(Serve, RefusesABusyPortAndDuplicateJobs) {
    test_support::Workspace ws;
    std::ofstream(ws.dir / "churn.n3") << kJobFile;
    auto loaded = lang::load_job_file(ws.dir / "churn.n3");
    ASSERT_TRUE(loaded.ok());
    server::ServerOptions options;
    options.port = 0;
    server::Server first({loaded.spec}, *ws.store, options);
    first.start();
    options.port = first.port();
    server::Server second({loaded.spec}, *ws.store, options);
    try {
        second.start();
        ADD_FAILURE() << "bound a busy port";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "bind_failed");
        EXPECT_EQ(e.kind(), ErrorKind::io);
    }
    first.stop();
    first.stop();  // idempotent

    // Bodies over the limit: 413 in the same error shape.
    options.port = 0;
    options.max_body_bytes = 100;
    server::Server small({loaded.spec}, *ws.store, options);
    small.start();
    Client client(small.port(), "");
    Reply big = client.post("/api/training/models/search", std::string(200, ' '));
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(big.body["error"], "payload_too_large");
    EXPECT_EQ(big.body["message"], "the body is larger than the limit of 100 bytes (--max-body-bytes)");
    EXPECT_EQ(client.post("/api/training/models/search", "{}").status, 200);
    small.stop();

    try {
        server::Server twice({loaded.spec, loaded.spec}, *ws.store, {});
        ADD_FAILURE() << "accepted a job defined twice";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "duplicate_job");
    }
}
