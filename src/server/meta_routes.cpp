// What describes the server: its OpenAPI document (from the route table and the
// algorithm catalog), a readable page of it, Prometheus metrics, and the audit
// log of what was changed through it.
#include <chrono>
#include <map>

#include "registry/audit_page.hpp"
#include "server/context.hpp"
#include "server/openapi.hpp"

#ifndef HONE_VERSION
#define HONE_VERSION "dev"
#endif

namespace hone::server {

namespace {

// Newest first, ?offset and ?limit (default 100, at most 1000): the log grows
// with every change, so it is always read a page at a time.
Response audit_page(Context& ctx, const Request& req) {
    Page page = page_of(req);
    std::size_t limit = query_number(req, "limit", registry::kDefaultAuditLimit, 1, registry::kMaxAuditLimit);
    return wrapped(registry::audit_page(ctx.store, page.offset, limit));
}

// Each model's predict and recommend answers since the server started, on
// either port: requests, errors (status 400 or more), their share, and latency
// percentiles estimated from the same buckets as /metrics' histogram (so a
// PromQL histogram_quantile over them agrees).
Response serving_page(Context& ctx) {
    Json models = Json::array();
    for (const ModelServing& m : ctx.metrics.serving()) {
        double rate = m.requests ? static_cast<double>(m.errors) / static_cast<double>(m.requests) : 0.0;
        models.push_back(Json{{"model", m.model},
                              {"requests", m.requests},
                              {"errors", m.errors},
                              {"error_rate", rate},
                              {"latency_ms", Json{{"p50", m.p50_seconds * 1000},
                                                  {"p95", m.p95_seconds * 1000},
                                                  {"p99", m.p99_seconds * 1000}}}});
    }
    double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
    return wrapped(Json{{"uptime_seconds", uptime}, {"models", std::move(models)}});
}

}  // namespace

std::vector<Route> meta_routes(Context& ctx, const std::vector<Route>& routes) {
    Context* c = &ctx;
    const std::vector<Route>* all = &routes;  // the server's table, complete once it is built
    auto text = [](std::string body, std::string type) {
        Response r;
        r.text = std::move(body);
        r.content_type = std::move(type);
        return r;
    };
    // The OpenAPI document and the docs page describe the API, not its data,
    // and a browser opening the page cannot send a bearer token: no token.
    return {
        {"GET", "/api/openapi.json", "The OpenAPI 3 description of every endpoint and algorithm", false,
         [all](const Request&) {
             Response r;
             r.body = openapi_document(*all, HONE_VERSION);
             return r;
         }},
        {"GET", "/api/docs", "A readable page of the API and the algorithms", false,
         [all, text](const Request&) {
             return text(docs_page(openapi_document(*all, HONE_VERSION)), "text/html; charset=utf-8");
         }},
        {"GET", "/api/training/audit",
         "The audit log, newest first: who changed what, when, and the outcome; ?offset and ?limit (at most 1000) page",
         true, [c](const Request& req) { return audit_page(*c, req); }},
        {"GET", "/api/training/serving",
         "Each model's predict and recommend answers since the server started: requests, errors, error rate, "
         "latency percentiles (p50, p95, p99 in ms)",
         true, [c](const Request&) { return serving_page(*c); }},
        // Metrics tell what the server does (routes, runs, predictions): guarded
        // like every endpoint but health and the two descriptions of the API above.
        {"GET", "/metrics", "Prometheus metrics: requests and latency by route, runs by status, predictions", true,
         [c, text](const Request&) {
             std::map<std::string, std::int64_t> runs;
             for (const auto& v : c->runner.list()) ++runs[std::string(train::to_string(v.state))];
             double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - c->started).count();
             return text(c->metrics.render(runs, uptime), kPrometheusContentType);
         }},
    };
}

}  // namespace hone::server
