// The API description (OpenAPI document and docs page) from a route table and the
// catalog, and the Prometheus metrics text: exact outcomes, no server needed.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "models/catalog.hpp"
#include "server/openapi.hpp"
#include "server/prometheus.hpp"

using namespace hone;
using namespace hone::server;

namespace {

Route route(std::string method, std::string pattern, std::string summary, bool needs_token = true) {
    return {std::move(method), std::move(pattern), std::move(summary), needs_token, nullptr};
}

std::vector<Route> small_table() {
    return {
        route("GET", "/api/training/health", "Health", false),
        route("GET", "/api/training/jobs", "The training jobs"),
        route("GET", "/api/training/jobs/{name}", "A training job's spec"),
        route("POST", "/api/training/jobs/{name}/run", "Run a training job"),
        route("GET", "/api/training/models/{key}", "A registered model"),
        route("DELETE", "/api/training/models/{key}", "Delete a registered model"),
        route("GET", "/metrics", "Prometheus metrics", false),
    };
}

std::vector<std::string> keys(const Json& object) {
    std::vector<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
    return out;
}

Json path_param(const std::string& name) {
    return Json::parse(R"({"name": ")" + name +
                       R"(", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"}})");
}

const Json kBearer = Json::parse(R"([{"bearer": []}])");

}  // namespace

// ---- OpenAPI ----

TEST(OpenApi, PathsOperationsAndOrder) {
    Json doc = openapi_document(small_table(), "1.2.3");
    EXPECT_EQ(doc["openapi"], "3.0.3");
    EXPECT_EQ(doc["info"]["title"], "hone");
    EXPECT_EQ(doc["info"]["version"], "1.2.3");
    EXPECT_EQ(keys(doc["paths"]),
              (std::vector<std::string>{"/api/training/health", "/api/training/jobs", "/api/training/jobs/{name}",
                                        "/api/training/jobs/{name}/run", "/api/training/models/{key}", "/metrics"}));
    EXPECT_EQ(keys(doc["paths"]["/api/training/models/{key}"]), (std::vector<std::string>{"get", "delete"}));
    EXPECT_EQ(keys(doc["paths"]["/api/training/jobs/{name}/run"]), (std::vector<std::string>{"post"}));
    EXPECT_EQ(doc["paths"]["/api/training/jobs/{name}"]["get"]["summary"], "A training job's spec");
}

TEST(OpenApi, OperationIds) {
    Json doc = openapi_document(small_table(), "1");
    std::map<std::string, std::string> expected = {
        {"/api/training/health get", "get_api_training_health"},
        {"/api/training/jobs get", "get_api_training_jobs"},
        {"/api/training/jobs/{name} get", "get_api_training_jobs_name"},
        {"/api/training/jobs/{name}/run post", "post_api_training_jobs_name_run"},
        {"/api/training/models/{key} get", "get_api_training_models_key"},
        {"/api/training/models/{key} delete", "delete_api_training_models_key"},
        {"/metrics get", "get_metrics"},
    };
    std::map<std::string, std::string> got;
    for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p)
        for (auto m = p->begin(); m != p->end(); ++m) got[p.key() + " " + m.key()] = (*m)["operationId"];
    EXPECT_EQ(got, expected);
}

TEST(OpenApi, ClashingOperationIdsAreNumberedInTableOrder) {
    Json doc = openapi_document({route("GET", "/a/{x}", "one"), route("GET", "/a/x", "two"), route("GET", "/a-x", "three")},
                                "1");
    EXPECT_EQ(doc["paths"]["/a/{x}"]["get"]["operationId"], "get_a_x");
    EXPECT_EQ(doc["paths"]["/a/x"]["get"]["operationId"], "get_a_x_2");
    EXPECT_EQ(doc["paths"]["/a-x"]["get"]["operationId"], "get_a_x_3");
}

TEST(OpenApi, PathParameters) {
    Json doc = openapi_document(small_table(), "1");
    const Json& paths = doc["paths"];
    EXPECT_FALSE(paths["/api/training/jobs"]["get"].contains("parameters"));
    EXPECT_FALSE(paths["/api/training/health"]["get"].contains("parameters"));
    EXPECT_EQ(paths["/api/training/jobs/{name}"]["get"]["parameters"], Json::array({path_param("name")}));
    EXPECT_EQ(paths["/api/training/jobs/{name}/run"]["post"]["parameters"], Json::array({path_param("name")}));
    EXPECT_EQ(paths["/api/training/models/{key}"]["delete"]["parameters"], Json::array({path_param("key")}));

    Json two = openapi_document({route("GET", "/api/training/runs/{run}/rounds/{round}", "A round")}, "1");
    EXPECT_EQ(two["paths"]["/api/training/runs/{run}/rounds/{round}"]["get"]["parameters"],
              Json::array({path_param("run"), path_param("round")}));
}

TEST(OpenApi, SecurityFollowsNeedsToken) {
    Json doc = openapi_document(small_table(), "1");
    const Json& paths = doc["paths"];
    EXPECT_EQ(paths["/api/training/health"]["get"]["security"], Json::array());
    EXPECT_EQ(paths["/metrics"]["get"]["security"], Json::array());
    EXPECT_EQ(paths["/api/training/jobs"]["get"]["security"], kBearer);
    EXPECT_EQ(paths["/api/training/models/{key}"]["delete"]["security"], kBearer);
    EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"], Json::parse(R"({"type": "http", "scheme": "bearer"})"));
    EXPECT_FALSE(doc.contains("security"));  // per operation only
}

TEST(OpenApi, PredictionPortOperationsAreMarked) {
    std::vector<Route> table = small_table();
    table.front().data_plane = true;  // health
    Json doc = openapi_document(table, "1");
    EXPECT_EQ(doc["paths"]["/api/training/health"]["get"]["x-hone-prediction-port"], true);
    EXPECT_FALSE(doc["paths"]["/api/training/jobs"]["get"].contains("x-hone-prediction-port"));
    EXPECT_NE(doc["info"]["description"].get<std::string>().find("hone serve --predict-port"), std::string::npos);
}

TEST(OpenApi, TagsAndResponses) {
    Json doc = openapi_document(small_table(), "1");
    const Json& paths = doc["paths"];
    EXPECT_EQ(doc["tags"], Json::parse(R"([{"name": "meta"}, {"name": "jobs"}, {"name": "models"}])"));
    EXPECT_EQ(paths["/api/training/health"]["get"]["tags"], Json::array({"meta"}));
    EXPECT_EQ(paths["/metrics"]["get"]["tags"], Json::array({"meta"}));
    EXPECT_EQ(paths["/api/training/jobs"]["get"]["tags"], Json::array({"jobs"}));
    EXPECT_EQ(paths["/api/training/jobs/{name}/run"]["post"]["tags"], Json::array({"jobs"}));
    EXPECT_EQ(paths["/api/training/models/{key}"]["get"]["tags"], Json::array({"models"}));

    Json tuning = openapi_document({route("GET", "/api/training/tuning/jobs", "t")}, "1");
    EXPECT_EQ(tuning["paths"]["/api/training/tuning/jobs"]["get"]["tags"], Json::array({"tuning"}));

    const Json& get = paths["/api/training/jobs"]["get"];
    EXPECT_EQ(keys(get["responses"]), (std::vector<std::string>{"200", "default"}));
    EXPECT_EQ(get["responses"]["default"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
    EXPECT_FALSE(get.contains("requestBody"));
    EXPECT_EQ(paths["/api/training/jobs/{name}/run"]["post"]["requestBody"]["content"]["application/json"]["schema"],
              Json::parse(R"({"type": "object"})"));
}

TEST(OpenApi, ErrorSchema) {
    Json error = openapi_document({}, "1")["components"]["schemas"]["Error"];
    EXPECT_EQ(error["type"], "object");
    EXPECT_EQ(error["required"], Json::parse(R"(["status", "error", "message", "details"])"));
    EXPECT_EQ(keys(error["properties"]), (std::vector<std::string>{"status", "error", "message", "details", "hint"}));
    EXPECT_EQ(error["properties"]["status"]["enum"], Json::array({"error"}));
    EXPECT_EQ(error["properties"]["details"]["type"], "array");
    EXPECT_EQ(error["properties"]["hint"]["type"], "string");
}

TEST(OpenApi, EveryCatalogAlgorithmAndParameter) {
    Json schemas = openapi_document({}, "1")["components"]["schemas"];
    Json names = Json::array();
    for (const auto& a : models::algorithms()) names.push_back(a.name);
    EXPECT_EQ(schemas["Algorithm"]["type"], "string");
    EXPECT_EQ(schemas["Algorithm"]["enum"], names);
    for (const auto& a : models::algorithms()) {
        SCOPED_TRACE(a.name);
        const Json& s = schemas["Hyperparameters." + a.name];
        ASSERT_TRUE(s.is_object());
        EXPECT_EQ(s["type"], "object");
        EXPECT_EQ(s["description"], a.doc);
        std::vector<std::string> params;
        for (const auto& p : a.params) params.push_back(p.name);
        EXPECT_EQ(keys(s["properties"]), params);
        for (const auto& p : a.params) {
            const Json& ps = s["properties"][p.name];
            if (!p.default_value.is_null()) {
                EXPECT_EQ(ps["default"], p.default_value) << p.name;
            }
            EXPECT_EQ(ps.contains("nullable"), p.nullable) << p.name;
        }
    }
}

TEST(OpenApi, HyperparameterSchemasAreExact) {
    Json schemas = openapi_document({}, "1")["components"]["schemas"];
    const Json& xgb = schemas["Hyperparameters.xgboost"]["properties"];
    EXPECT_EQ(xgb["n_estimators"], Json::parse(R"({"type": "integer", "minimum": 1, "default": 100,
        "description": "Boosting rounds (one tree per class and round).", "x-aliases": ["num_boost_round", "num_round"]})"));
    EXPECT_EQ(xgb["max_depth"]["maximum"], 1000);
    EXPECT_EQ(schemas["Hyperparameters.xgboost"]["x-tasks"], Json::parse(R"(["classification", "regression"])"));

    const Json& svc = schemas["Hyperparameters.svc"]["properties"];
    EXPECT_EQ(svc["gamma"]["oneOf"], Json::parse(R"([{"type": "number", "minimum": 0, "exclusiveMinimum": true},
                                                     {"type": "string", "enum": ["scale", "auto"]}])"));
    EXPECT_EQ(svc["gamma"]["default"], "scale");
    EXPECT_EQ(svc["kernel"]["enum"], Json::parse(R"(["rbf", "linear", "poly", "sigmoid"])"));
    EXPECT_EQ(svc["C"]["exclusiveMinimum"], true);

    const Json& logistic = schemas["Hyperparameters.logistic_regression"]["properties"];
    EXPECT_EQ(logistic["class_weight"]["enum"], Json::parse(R"(["balanced", null])"));
    EXPECT_EQ(logistic["class_weight"]["nullable"], true);
    EXPECT_TRUE(logistic["class_weight"]["default"].is_null());
    EXPECT_EQ(logistic["random_state"]["maximum"], 4294967295LL);
    EXPECT_EQ(logistic["random_state"]["x-aliases"], Json::array({"seed"}));
}

// ---- docs page ----

TEST(DocsPage, ListsOperationsByTagWithTheirDetails) {
    std::string page = docs_page(openapi_document(small_table(), "1.2.3"));
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(page.find("<title>hone API 1.2.3</title>"), std::string::npos);
    auto jobs = page.find("<section id=\"tag-jobs\">");
    auto models = page.find("<section id=\"tag-models\">");
    auto meta = page.find("<section id=\"tag-meta\">");
    ASSERT_NE(jobs, std::string::npos);
    ASSERT_NE(models, std::string::npos);
    ASSERT_NE(meta, std::string::npos);
    EXPECT_LT(meta, jobs);  // the document's tag order
    EXPECT_LT(jobs, models);
    EXPECT_NE(page.find("<span class=\"method m-delete\">DELETE</span> <code>/api/training/models/{key}</code> "
                        "<span class=\"auth\">token</span>"),
              std::string::npos);
    EXPECT_NE(page.find("<span class=\"method m-get\">GET</span> <code>/api/training/health</code> "
                        "<span class=\"open\">no token</span>"),
              std::string::npos);
    EXPECT_NE(page.find("<li><code>name</code> in path, required, string matching <code>^[A-Za-z0-9_.-]+$</code></li>"),
              std::string::npos);
    EXPECT_NE(page.find("<p>A training job&#39;s spec</p>"), std::string::npos);
}

TEST(DocsPage, ListsAlgorithmsAndHyperparameters) {
    std::string page = docs_page(openapi_document({}, "1"));
    for (const auto& a : models::algorithms()) EXPECT_NE(page.find("<h3 id=\"algo-" + a.name + "\">"), std::string::npos);
    EXPECT_NE(page.find("<tr><td><code>n_estimators</code><br><small>also num_boost_round, num_round</small></td>"
                        "<td>integer</td><td><code>100</code></td><td>&gt;= 1</td>"
                        "<td>Boosting rounds (one tree per class and round).</td></tr>"),
              std::string::npos);
    EXPECT_NE(page.find("<td>number or string</td><td><code>&quot;scale&quot;</code></td>"
                        "<td>&gt; 0, or one of &#39;scale&#39;, &#39;auto&#39;</td>"),
              std::string::npos);
    EXPECT_NE(page.find("<td>integer</td><td><code>6</code></td><td>[0, 1000]</td>"), std::string::npos);
}

TEST(DocsPage, EscapesEveryTextAndFetchesNothing) {
    auto table = small_table();
    table.push_back(route("GET", "/api/training/jobs/{name}/x&y", "<script>alert(\"hi\")</script>"));
    std::string page = docs_page(openapi_document(table, "<b>1</b>"));
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("<b>"), std::string::npos);
    EXPECT_NE(page.find("<p>&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;</p>"), std::string::npos);
    EXPECT_NE(page.find("<code>/api/training/jobs/{name}/x&amp;y</code>"), std::string::npos);
    EXPECT_NE(page.find("<title>hone API &lt;b&gt;1&lt;/b&gt;</title>"), std::string::npos);
    for (const char* external : {"<link", "src=", "@import", "http://", "https://", "url("})
        EXPECT_EQ(page.find(external), std::string::npos) << external;
}

TEST(DocsPage, ToleratesAMinimalDocument) {
    std::string page = docs_page(Json::object());
    EXPECT_NE(page.find("<title>API</title>"), std::string::npos);
    EXPECT_NE(page.find("</html>"), std::string::npos);
}

// ---- Prometheus ----

namespace {

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

// Every line a comment (# HELP / # TYPE) or `name{labels} value` / `name value`.
void expect_exposition_format(const std::string& text) {
    static const std::regex comment(R"(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
    static const std::regex type_line(R"(# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram))");
    static const std::regex sample(
        R"([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\})? )"
        R"((-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?|\+Inf|-Inf|NaN))");
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    std::istringstream in(text);
    std::set<std::string> typed;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#")) {
            EXPECT_TRUE(std::regex_match(line, comment)) << line;
            if (line.starts_with("# TYPE")) {
                EXPECT_TRUE(std::regex_match(line, type_line)) << line;
                EXPECT_TRUE(typed.insert(line.substr(7, line.find(' ', 7) - 7)).second) << "twice: " << line;
            }
        } else {
            EXPECT_TRUE(std::regex_match(line, sample)) << line;
        }
    }
}

std::string request_labels(const std::string& method, const std::string& route) {
    return "method=\"" + method + "\",route=\"" + route + "\"";
}

}  // namespace

TEST(Prometheus, RequestCountersAndCumulativeHistograms) {
    ServerMetrics m;
    // Binary fractions, so the sums print exactly.
    m.record_request("GET", "/api/training/health", 200, 0.000244140625);  // le 0.0005
    m.record_request("GET", "/api/training/health", 200, 0.001953125);     // le 0.0025
    m.record_request("GET", "/api/training/jobs/{name}", 404, 0.5);        // on a bound: le 0.5
    m.record_request("POST", "/api/training/models/{key}/predict", 200, 20);
    m.record_request("POST", "/api/training/models/{key}/predict", 422, 0.0625);
    std::string text = m.render({}, 0);
    expect_exposition_format(text);

    EXPECT_TRUE(has_line(text, R"(hone_http_requests_total{method="GET",route="/api/training/health",status="200"} 2)"));
    EXPECT_TRUE(has_line(text, R"(hone_http_requests_total{method="GET",route="/api/training/jobs/{name}",status="404"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_http_requests_total{method="POST",route="/api/training/models/{key}/predict",status="200"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_http_requests_total{method="POST",route="/api/training/models/{key}/predict",status="422"} 1)"));

    std::string health = request_labels("GET", "/api/training/health");
    std::vector<std::pair<std::string, int>> buckets = {
        {"0.0005", 1}, {"0.001", 1}, {"0.0025", 2}, {"0.005", 2}, {"0.01", 2}, {"0.025", 2}, {"0.05", 2}, {"0.1", 2},
        {"0.25", 2},   {"0.5", 2},   {"1", 2},      {"2.5", 2},   {"5", 2},    {"10", 2},    {"+Inf", 2}};
    std::string expected;
    for (const auto& [le, n] : buckets)
        expected += "hone_http_request_duration_seconds_bucket{" + health + ",le=\"" + le + "\"} " + std::to_string(n) + "\n";
    expected += "hone_http_request_duration_seconds_sum{" + health + "} 0.002197265625\n";
    expected += "hone_http_request_duration_seconds_count{" + health + "} 2\n";
    EXPECT_NE(text.find(expected), std::string::npos) << text;

    std::string job = request_labels("GET", "/api/training/jobs/{name}");
    EXPECT_TRUE(has_line(text, "hone_http_request_duration_seconds_bucket{" + job + ",le=\"0.25\"} 0"));
    EXPECT_TRUE(has_line(text, "hone_http_request_duration_seconds_bucket{" + job + ",le=\"0.5\"} 1"));

    std::string predict = request_labels("POST", "/api/training/models/{key}/predict");
    EXPECT_TRUE(has_line(text, "hone_http_request_duration_seconds_bucket{" + predict + ",le=\"0.1\"} 1"));
    EXPECT_TRUE(has_line(text, "hone_http_request_duration_seconds_bucket{" + predict + ",le=\"10\"} 1"));
    EXPECT_TRUE(has_line(text, "hone_http_request_duration_seconds_bucket{" + predict + ",le=\"+Inf\"} 2"));
    EXPECT_TRUE(has_line(text, "hone_http_request_duration_seconds_sum{" + predict + "} 20.0625"));
    EXPECT_TRUE(has_line(text, "hone_http_request_duration_seconds_count{" + predict + "} 2"));
}

TEST(Prometheus, SeriesSortedAndFamiliesInFixedOrder) {
    ServerMetrics m;
    m.record_request("POST", "/b", 200, 0);
    m.record_request("GET", "/b", 500, 0);
    m.record_request("GET", "/b", 200, 0);
    m.record_request("GET", "/a", 200, 0);
    std::string text = m.render({{"running", 1}, {"completed", 3}}, 1);
    auto at = [&](const std::string& s) { return text.find(s); };
    EXPECT_LT(at(R"(hone_http_requests_total{method="GET",route="/a",status="200"})"),
              at(R"(hone_http_requests_total{method="GET",route="/b",status="200"})"));
    EXPECT_LT(at(R"(hone_http_requests_total{method="GET",route="/b",status="200"})"),
              at(R"(hone_http_requests_total{method="GET",route="/b",status="500"})"));
    EXPECT_LT(at(R"(hone_http_requests_total{method="GET",route="/b",status="500"})"),
              at(R"(hone_http_requests_total{method="POST",route="/b",status="200"})"));
    EXPECT_LT(at(R"(hone_runs{status="completed"} 3)"), at(R"(hone_runs{status="running"} 1)"));

    std::vector<std::string> families = {"hone_http_requests_total counter",
                                         "hone_http_request_duration_seconds histogram",
                                         "hone_prediction_duration_seconds histogram",
                                         "hone_predicted_rows_total counter",
                                         "hone_prediction_batch_size histogram",
                                         "hone_runs gauge",
                                         "hone_uptime_seconds gauge"};
    std::size_t last = 0;
    for (const auto& f : families) {
        auto pos = at("# TYPE " + f + "\n");
        ASSERT_NE(pos, std::string::npos) << f;
        EXPECT_GT(pos, last) << f;
        EXPECT_NE(at("# HELP " + f.substr(0, f.find(' ')) + " "), std::string::npos) << f;
        last = pos;
    }
    EXPECT_EQ(text, m.render({{"running", 1}, {"completed", 3}}, 1));  // deterministic
}

TEST(Prometheus, Predictions) {
    ServerMetrics m;
    m.record_prediction(0.0001, 10, 10);         // on a bound: le 0.0001; batch le 16
    m.record_prediction(0.0009765625, 1, 1);     // le 0.001; batch le 1
    m.record_prediction(2.0, 2000, 2000);        // +Inf both
    std::string text = m.render({}, 0);
    expect_exposition_format(text);
    EXPECT_TRUE(has_line(text, R"(hone_prediction_duration_seconds_bucket{le="1e-05"} 0)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_duration_seconds_bucket{le="5e-05"} 0)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_duration_seconds_bucket{le="0.0001"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_duration_seconds_bucket{le="0.0005"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_duration_seconds_bucket{le="0.001"} 2)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_duration_seconds_bucket{le="1"} 2)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_duration_seconds_bucket{le="+Inf"} 3)"));
    EXPECT_TRUE(has_line(text, "hone_prediction_duration_seconds_count 3"));
    EXPECT_TRUE(has_line(text, "hone_predicted_rows_total 2011"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_batch_size_bucket{le="1"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_batch_size_bucket{le="8"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_batch_size_bucket{le="16"} 2)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_batch_size_bucket{le="1024"} 2)"));
    EXPECT_TRUE(has_line(text, R"(hone_prediction_batch_size_bucket{le="+Inf"} 3)"));
    EXPECT_TRUE(has_line(text, "hone_prediction_batch_size_sum 2011"));
    EXPECT_TRUE(has_line(text, "hone_prediction_batch_size_count 3"));
    // Bucket lines: 16 bounds + Inf for durations, 11 + Inf for batch sizes.
    std::size_t duration_buckets = 0, batch_buckets = 0;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        duration_buckets += l.starts_with("hone_prediction_duration_seconds_bucket");
        batch_buckets += l.starts_with("hone_prediction_batch_size_bucket");
    }
    EXPECT_EQ(duration_buckets, 17u);
    EXPECT_EQ(batch_buckets, 12u);
}

TEST(Prometheus, PredictionSumIsExact) {
    ServerMetrics m;
    m.record_prediction(0.0009765625, 1, 1);
    m.record_prediction(0.5, 1, 1);
    m.record_prediction(2.0, 1, 1);
    EXPECT_TRUE(has_line(m.render({}, 0), "hone_prediction_duration_seconds_sum 2.5009765625"));
}

TEST(Prometheus, EmptyRenderHasEveryFamily) {
    ServerMetrics m;
    std::string text = m.render({}, 3.25);
    expect_exposition_format(text);
    EXPECT_TRUE(has_line(text, "# TYPE hone_http_requests_total counter"));
    EXPECT_EQ(text.find("hone_http_requests_total{"), std::string::npos);
    EXPECT_TRUE(has_line(text, "hone_prediction_duration_seconds_count 0"));
    EXPECT_TRUE(has_line(text, "hone_prediction_duration_seconds_sum 0"));
    EXPECT_TRUE(has_line(text, "hone_predicted_rows_total 0"));
    EXPECT_TRUE(has_line(text, "# TYPE hone_runs gauge"));
    EXPECT_EQ(text.find("hone_runs{"), std::string::npos);
    EXPECT_TRUE(has_line(text, "hone_uptime_seconds 3.25"));
}

TEST(Prometheus, LabelValuesAreEscaped) {
    ServerMetrics m;
    m.record_request("GET", "/odd\"quote\\slash\nnewline", 500, 0.001);
    std::string text = m.render({{"we\"ird\\\n", 2}}, 0);
    expect_exposition_format(text);
    EXPECT_TRUE(has_line(text, R"(hone_http_requests_total{method="GET",route="/odd\"quote\\slash\nnewline",status="500"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_http_request_duration_seconds_count{method="GET",route="/odd\"quote\\slash\nnewline"} 1)"));
    EXPECT_TRUE(has_line(text, R"(hone_runs{status="we\"ird\\\n"} 2)"));
}

TEST(Prometheus, RunsAndUptimeGauges) {
    ServerMetrics m;
    std::string text = m.render({{"completed", 3}, {"failed", 1}, {"running", 0}}, 12.5);
    EXPECT_NE(text.find("# HELP hone_runs Runs in the registry, by status.\n# TYPE hone_runs gauge\n"
                        "hone_runs{status=\"completed\"} 3\nhone_runs{status=\"failed\"} 1\n"
                        "hone_runs{status=\"running\"} 0\n"),
              std::string::npos)
        << text;
    EXPECT_TRUE(text.ends_with("# TYPE hone_uptime_seconds gauge\nhone_uptime_seconds 12.5\n"));
}

TEST(Prometheus, BadDurationsCountAsZero) {
    ServerMetrics m;
    m.record_request("GET", "/a", 200, -1);
    m.record_request("GET", "/a", 200, std::nan(""));
    std::string text = m.render({}, 0);
    EXPECT_TRUE(has_line(text, R"(hone_http_request_duration_seconds_bucket{method="GET",route="/a",le="0.0005"} 2)"));
    EXPECT_TRUE(has_line(text, R"(hone_http_request_duration_seconds_sum{method="GET",route="/a"} 0)"));
}

TEST(Prometheus, ConcurrentRecordingLosesNothing) {
    ServerMetrics m;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&m, t] {
            for (int i = 0; i < 1000; ++i) {
                m.record_request("GET", "/api/training/health", 200 + (i % 2), 0.001);
                m.record_prediction(0.001, 2, 2);
                if (t == 0 && i % 100 == 0) (void)m.render({}, 0);
            }
        });
    for (auto& t : threads) t.join();
    std::string text = m.render({}, 0);
    EXPECT_TRUE(has_line(text, R"(hone_http_requests_total{method="GET",route="/api/training/health",status="200"} 2000)"));
    EXPECT_TRUE(has_line(text, R"(hone_http_requests_total{method="GET",route="/api/training/health",status="201"} 2000)"));
    EXPECT_TRUE(has_line(text, R"(hone_http_request_duration_seconds_count{method="GET",route="/api/training/health"} 4000)"));
    EXPECT_TRUE(has_line(text, "hone_predicted_rows_total 8000"));
    EXPECT_TRUE(has_line(text, "hone_prediction_batch_size_count 4000"));
}
