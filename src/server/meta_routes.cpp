// What describes the server: its OpenAPI document (from the route table and the
// algorithm catalog), a readable page of it, and Prometheus metrics.
#include <chrono>
#include <map>

#include "server/context.hpp"
#include "server/openapi.hpp"

#ifndef HONE_VERSION
#define HONE_VERSION "dev"
#endif

namespace hone::server {

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
