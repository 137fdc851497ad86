// The registry over HTTP (seed 004's endpoints, answers wrapped in {"data": ...}),
// the health check, and prediction with a registered model.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>

#include "common/error.hpp"
#include "common/text.hpp"
#include "models/catalog.hpp"
#include "server/context.hpp"
#include "server/rows.hpp"

#ifndef HONE_VERSION
#define HONE_VERSION "0.0.0"
#endif

namespace hone::server {

namespace {

Response wrapped(Json payload, int status = 200) {
    Response r;
    r.status = status;
    r.body = Json{{"data", std::move(payload)}};
    return r;
}

registry::ModelEntry require_model(Context& ctx, const std::string& key) {
    auto entry = ctx.store.get_model(key);
    if (!entry)
        throw Error(ErrorKind::not_found, "model_not_found", "no model '" + key + "' in the registry", {},
                    "POST /api/training/models/search lists the registered models");
    return *entry;
}

Response health(Context& ctx, const Request&) {
    bool store_ok = true;
    std::string store_error;
    try {
        ctx.store.get_model("");  // one query: the store answers
    } catch (const std::exception& e) {
        store_ok = false;
        store_error = e.what();
    }
    Json store{{"ok", store_ok}};
    if (!store_ok) store["error"] = store_error;
    double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
    Json out{{"status", store_ok ? "ok" : "degraded"},
             {"version", HONE_VERSION},
             {"uptime_seconds", uptime},
             {"store", store},
             {"jobs", Json{{"training", ctx.training_names().size()}, {"tuning", ctx.tuning_names().size()}}},
             {"models_cached", ctx.models.size()}};
    return wrapped(std::move(out), store_ok ? 200 : 503);
}

Response get_model(Context& ctx, const Request& req) {
    return wrapped(require_model(ctx, req.param("key")).to_json());
}

Response delete_model(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    auto entry = require_model(ctx, key);
    ctx.store.delete_model(key);
    ctx.models.evict(key);
    std::error_code ec;
    std::filesystem::remove_all(entry.file_path, ec);
    ctx.store.audit(req.actor, "delete_model", key, "ok", Json{{"name", entry.name}, {"version", entry.version}});
    return wrapped(Json{{"key", key}, {"deleted", true}});
}

// One metric threshold: {"gte": 0.8, "lt": 0.95}.
struct Threshold {
    std::string metric, op;
    double value = 0;

    bool holds(const Json& metrics) const {
        auto it = metrics.find(metric);
        if (it == metrics.end() || !it->is_number()) return false;
        double v = it->get<double>();
        if (op == "gt") return v > value;
        if (op == "gte") return v >= value;
        if (op == "lt") return v < value;
        if (op == "lte") return v <= value;
        return v == value;  // eq
    }
};

std::string string_field(const Json& body, const char* key) {
    if (!body.contains(key) || body[key].is_null()) return "";
    if (!body[key].is_string())
        throw Error(ErrorKind::validation, "invalid_field",
                    std::string("'") + key + "' must be a string, got " + body[key].type_name());
    return body[key].get<std::string>();
}

// Body: name, algorithm (catalog name or alias), stage, task, training_job
// (exact matches), metrics ({"accuracy": {"gte": 0.8}}; ops gt, gte, lt, lte,
// eq; a model without the metric does not match), limit. Newest first.
Response search_models(Context& ctx, const Request& req) {
    Json body = parse_body(req);
    check_fields(body, {"name", "algorithm", "stage", "task", "training_job", "metrics", "limit"}, "the search");
    registry::ModelFilter filter;
    filter.name = string_field(body, "name");
    filter.algorithm = string_field(body, "algorithm");
    if (!filter.algorithm.empty()) filter.algorithm = models::find_algorithm(filter.algorithm).name;
    filter.stage = string_field(body, "stage");
    const auto& stages = registry::stages();
    if (!filter.stage.empty() && std::find(stages.begin(), stages.end(), filter.stage) == stages.end())
        throw Error(ErrorKind::validation, "invalid_stage",
                    "invalid stage '" + filter.stage + "': expected " + join_or(stages, "'"));
    std::string task = string_field(body, "task");
    std::string training_job = string_field(body, "training_job");

    std::vector<Threshold> thresholds;
    static const std::vector<std::string> ops = {"gt", "gte", "lt", "lte", "eq"};
    if (body.contains("metrics") && !body["metrics"].is_null()) {
        const Json& metrics = body["metrics"];
        if (!metrics.is_object())
            throw Error(ErrorKind::validation, "invalid_field",
                        "'metrics' must be an object such as {\"accuracy\": {\"gte\": 0.8}}, got " +
                            std::string(metrics.type_name()));
        for (auto m = metrics.begin(); m != metrics.end(); ++m) {
            if (!m->is_object() || m->empty())
                throw Error(ErrorKind::validation, "invalid_field",
                            "metrics." + m.key() + " must be an object of conditions such as {\"gte\": 0.8}", {},
                            "conditions: " + join_or(ops, "'"));
            for (auto c = m->begin(); c != m->end(); ++c) {
                if (std::find(ops.begin(), ops.end(), c.key()) == ops.end()) {
                    std::string msg = "unknown condition '" + c.key() + "' on metric '" + m.key() + "'";
                    std::string near = nearest(c.key(), ops);
                    if (!near.empty()) msg += "; did you mean '" + near + "'?";
                    throw Error(ErrorKind::validation, "invalid_field", msg, {}, "conditions: " + join_or(ops, "'"));
                }
                if (!c->is_number())
                    throw Error(ErrorKind::validation, "invalid_field",
                                "metrics." + m.key() + "." + c.key() + " must be a number, got " + c->type_name());
                thresholds.push_back({m.key(), c.key(), c->get<double>()});
            }
        }
    }
    std::size_t limit = std::numeric_limits<std::size_t>::max();
    if (body.contains("limit")) {
        const Json& l = body["limit"];
        if (!l.is_number_integer() || l.get<long long>() < 1)
            throw Error(ErrorKind::validation, "invalid_field", "'limit' must be a whole number of at least 1");
        limit = l.get<std::size_t>();
    }

    Json out = Json::array();
    for (const auto& e : ctx.store.list_models(filter)) {
        if (out.size() >= limit) break;
        if (!task.empty() && e.task != task) continue;
        if (!training_job.empty() && e.metadata.value("training_job", std::string()) != training_job) continue;
        bool all = true;
        for (const auto& t : thresholds) all = all && t.holds(e.metrics);
        if (all) out.push_back(e.to_json());
    }
    return wrapped(std::move(out));
}

// MLflow's scoring shape: {"predictions": [...]}, plus per-class probabilities
// (columns in the order of "classes") for classifiers that have them.
Response predict(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    auto model = ctx.models.get(key);
    Json body = parse_body(req);
    data::Frame rows = rows_to_frame(body, model->features());
    auto t0 = std::chrono::steady_clock::now();
    train::Predictions p = model->predict(rows);
    std::size_t n = p.values.size();
    ctx.metrics.record_prediction(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), n, n);
    Json out{{"predictions", p.values}};
    if (!p.proba.empty()) out["probabilities"] = p.proba;
    if (!p.classes.empty()) out["classes"] = p.classes;
    out["model"] = key;
    Response r;
    r.body = std::move(out);
    return r;
}

}  // namespace

std::vector<Route> model_routes(Context& ctx) {
    Context* c = &ctx;
    auto with = [c](Response (*f)(Context&, const Request&)) {
        return [c, f](const Request& req) { return f(*c, req); };
    };
    return {
        {"GET", "/api/training/health", "Health: status, version, uptime, whether the store answers", false,
         with(health)},
        {"POST", "/api/training/models/search",
         "Registered models by name, algorithm, stage, task, training_job and metric thresholds", true,
         with(search_models)},
        {"GET", "/api/training/models/{key}", "A registered model's entry", true, with(get_model)},
        {"DELETE", "/api/training/models/{key}", "Delete a registered model and its files", true, with(delete_model)},
        {"POST", "/api/training/models/{key}/predict",
         "Predict rows sent as records, dataframe_split, dataframe_records or instances", true, with(predict)},
    };
}

}  // namespace hone::server
