// The registry over HTTP (the training-service API's endpoints, answers wrapped in {"data": ...}),
// the health check, and prediction with a registered model.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"
#include "models/catalog.hpp"
#include "server/context.hpp"
#include "train/promote.hpp"
#include "server/rows.hpp"
#include "registry/artifacts.hpp"
#include "data/source.hpp"
#include "export/bundle.hpp"
#include "export/formats.hpp"
#include "train/compress.hpp"

#ifndef HONE_VERSION
#define HONE_VERSION "0.0.0"
#endif

namespace hone::server {

namespace {

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

// Tags are an object of string values: {"team": "growth"}.
// With `allow_null`, a null value stands for "remove this tag".
Json tags_field(const Json& body, bool allow_null = false) {
    const Json& tags = body["tags"];
    bool ok = tags.is_object();
    for (auto it = tags.begin(); ok && it != tags.end(); ++it) ok = it->is_string() || (allow_null && it->is_null());
    if (!ok)
        throw Error(ErrorKind::validation, "invalid_field",
                    "'tags' must be an object of strings such as {\"team\": \"growth\"}");
    return tags;
}

// A whole-number field of a body of at least `min`; `fallback` when absent.
std::size_t count_field(const Json& body, const char* key, long long min, std::size_t fallback) {
    if (!body.contains(key)) return fallback;
    const Json& v = body[key];
    if (!v.is_number_integer() || v.get<long long>() < min)
        throw Error(ErrorKind::validation, "invalid_field",
                    std::string("'") + key + "' must be a whole number of at least " + std::to_string(min) + ", got " +
                        json_text(v));
    return v.get<std::size_t>();
}

// Body: name, algorithm (catalog name or alias), stage, task, training_job
// (exact matches), metrics ({"accuracy": {"gte": 0.8}}; ops gt, gte, lt, lte,
// eq; a model without the metric does not match), offset and limit (a page of
// the matches). Newest first; the number of matches in X-Total-Count.
Response search_models(Context& ctx, const Request& req) {
    Json body = parse_body(req);
    check_fields(body, {"name", "algorithm", "stage", "task", "training_job", "metrics", "tags", "offset", "limit"},
                 "the search");
    Json tags = body.contains("tags") ? tags_field(body) : Json::object();
    registry::ModelFilter filter;
    filter.name = string_field(body, "name");
    filter.algorithm = string_field(body, "algorithm");
    // A catalog name or alias is matched by its canonical name; another name only
    // when some registered model has it (the model_type of external models), so a
    // typo is still an error listing the algorithms.
    if (!filter.algorithm.empty()) {
        try {
            filter.algorithm = models::find_algorithm(filter.algorithm).name;
        } catch (const Error&) {
            registry::ModelFilter external;
            external.algorithm = filter.algorithm;
            if (ctx.store.list_models(external).empty()) throw;
        }
    }
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
                    msg += did_you_mean(c.key(), ops);
                    throw Error(ErrorKind::validation, "invalid_field", msg, {}, "conditions: " + join_or(ops, "'"));
                }
                if (!c->is_number())
                    throw Error(ErrorKind::validation, "invalid_field",
                                "metrics." + m.key() + "." + c.key() + " must be a number, got " + c->type_name());
                thresholds.push_back({m.key(), c.key(), c->get<double>()});
            }
        }
    }
    std::size_t limit = count_field(body, "limit", 1, std::numeric_limits<std::size_t>::max());
    std::size_t offset = count_field(body, "offset", 0, 0);

    std::vector<const registry::ModelEntry*> matched;
    std::vector<registry::ModelEntry> entries = ctx.store.list_models(filter);
    for (const auto& e : entries) {
        if (!task.empty() && e.task != task) continue;
        if (!training_job.empty() && e.metadata.value("training_job", std::string()) != training_job) continue;
        bool all = true;
        for (const auto& t : thresholds) all = all && t.holds(e.metrics);
        for (auto it = tags.begin(); all && it != tags.end(); ++it)
            all = e.metadata.contains("tags") && e.metadata["tags"].value(it.key(), std::string()) == it.value();
        if (all) matched.push_back(&e);
    }
    Json out = Json::array();
    for (std::size_t i = offset; i < matched.size() && out.size() < limit; ++i) out.push_back(matched[i]->to_json());
    Response r = wrapped(std::move(out));
    r.headers.emplace_back("X-Total-Count", std::to_string(matched.size()));
    return r;
}

// Body: any of "stage" (none, staging, production, archived), "tags" (merged
// into the model's; a null value removes a tag), "description".
Response update_model(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    Json body = parse_body(req);
    check_fields(body, {"stage", "tags", "description"}, "the model update");
    if (body.empty()) throw Error(ErrorKind::validation, "invalid_field", "the update needs stage, tags or description");
    registry::ModelEntry entry = require_model(ctx, key);
    std::string stage = string_field(body, "stage");
    if (!stage.empty()) ctx.store.set_stage(key, stage);
    if (body.contains("tags") || body.contains("description")) {
        Json metadata = entry.metadata;
        if (body.contains("tags")) {
            Json tags = tags_field(body, true);
            if (!metadata.contains("tags")) metadata["tags"] = Json::object();
            for (auto it = tags.begin(); it != tags.end(); ++it) {
                if (it->is_null())
                    metadata["tags"].erase(it.key());
                else
                    metadata["tags"][it.key()] = it.value();
            }
        }
        if (body.contains("description")) metadata["description"] = string_field(body, "description");
        check_stored_size(metadata, "the model's metadata after the update");
        ctx.store.set_metadata(key, metadata);
    }
    ctx.store.audit(req.actor, "update_model", key, "ok", body);
    return wrapped(require_model(ctx, key).to_json());
}

// The training-service API's registration of a model made elsewhere: name, version,
// description, model_type, size_mb, parameter_count, architecture,
// performance_metrics, tags. It is a registry entry with its description as the
// artifact (framework "external"): searchable, comparable, stageable, but with
// no model file to predict with.
Response register_external(Context& ctx, const Request& req) {
    Json body = parse_body(req);
    check_fields(body, {"name", "version", "description", "model_type", "size_mb", "parameter_count", "architecture",
                        "performance_metrics", "tags", "metadata"},
                 "the model registration");
    std::string name = string_field(body, "name");
    check_name(name, "model name");
    check_stored_size(body, "the registration");
    registry::ModelEntry entry;
    entry.name = name;
    entry.algorithm = body.contains("model_type") ? string_field(body, "model_type") : "external";
    entry.framework = "external";
    if (body.contains("performance_metrics")) {
        if (!body["performance_metrics"].is_object())
            throw Error(ErrorKind::validation, "invalid_field", "'performance_metrics' must be an object of numbers");
        entry.metrics = body["performance_metrics"];
    }
    entry.metadata = Json{{"registered_via", "api"}};
    for (const char* k : {"version", "description", "size_mb", "parameter_count", "architecture", "metadata"})
        if (body.contains(k)) entry.metadata[k == std::string("version") ? "version_label" : k] = body[k];
    if (body.contains("tags")) entry.metadata["tags"] = tags_field(body);
    entry.created_by = req.actor;
    registry::ArtifactWriter writer(ctx.model_root());
    writer.write_file("description.json", json_text(body));
    entry.sha256 = writer.seal(Json{{"external", true}, {"name", name}});
    registry::ModelEntry stored =
        ctx.store.register_model(entry, "external", [&](const std::string& key) { return writer.place(key); });
    ctx.store.audit(req.actor, "register_model", stored.key, "ok", Json{{"name", name}});
    return wrapped(stored.to_json(), 201);
}

// Body: {"keys": [k1, k2, ...]}. Metrics and hyperparameters side by side, each
// metric's delta against the first model, and which hyperparameters differ.
Response compare_models(Context& ctx, const Request& req) {
    Json body = parse_body(req);
    check_fields(body, {"keys"}, "the comparison");
    if (!body.contains("keys") || !body["keys"].is_array() || body["keys"].size() < 2)
        throw Error(ErrorKind::validation, "invalid_field", "'keys' must list at least two model keys");
    std::vector<registry::ModelEntry> entries;
    for (const auto& k : body["keys"]) {
        if (!k.is_string()) throw Error(ErrorKind::validation, "invalid_field", "'keys' must hold strings");
        entries.push_back(require_model(ctx, k.get<std::string>()));
    }
    Json models = Json::array(), metrics = Json::object(), deltas = Json::object(), params = Json::object();
    const registry::ModelEntry& base = entries.front();
    for (const auto& e : entries) {
        models.push_back(Json{{"key", e.key}, {"name", e.name}, {"version", e.version}, {"algorithm", e.algorithm},
                              {"stage", e.stage}, {"created_at", e.created_at}});
        for (auto it = e.metrics.begin(); it != e.metrics.end(); ++it) {
            metrics[it.key()][e.key] = it.value();
            if (it->is_number() && base.metrics.contains(it.key()) && base.metrics[it.key()].is_number())
                deltas[it.key()][e.key] = it->get<double>() - base.metrics[it.key()].get<double>();
        }
        for (auto it = e.hyperparameters.begin(); it != e.hyperparameters.end(); ++it)
            params[it.key()]["values"][e.key] = it.value();
    }
    for (auto it = params.begin(); it != params.end(); ++it) {
        const Json& values = it.value()["values"];
        bool differs = values.size() != entries.size();
        for (auto v = values.begin(); v != values.end(); ++v) differs = differs || *v != *values.begin();
        it.value()["differs"] = differs;
    }
    return wrapped(Json{{"baseline", base.key}, {"models", models}, {"metrics", metrics}, {"deltas", deltas},
                        {"hyperparameters", params}});
}

// Body: {"target": "local"} (the default). Local: load the model into the
// serving set, check it answers, then make it the production version of its
// name and archive the one before. A model that fails to load or answer leaves
// the previous production version serving. Other targets: 501.
Response deploy_model(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    Json body = parse_body(req);
    // auto_rollback and health_check_timeout come from the training-service API; rolling back is what
    // local deploys always do.
    check_fields(body, {"target", "deployment_target", "auto_rollback", "health_check_timeout"}, "the deployment");
    std::string target = string_field(body, body.contains("deployment_target") ? "deployment_target" : "target");
    if (target.empty()) target = "local";
    registry::ModelEntry entry = require_model(ctx, key);
    if (target != "local") {
        Response r = error_response(501, "not_implemented",
                                    "deployment target '" + target + "' is not available; only 'local' is");
        ctx.store.audit(req.actor, "deploy", key, "error", Json{{"target", target}});
        return r;
    }
    const std::vector<std::string> previous = train::other_production_versions(ctx.store, entry);
    try {
        ctx.models.evict(key);  // load afresh from disk: the checksums are verified now
        auto model = ctx.models.get(key);
        // One row of missing values: the whole path, preprocessing included, answers.
        Json row = Json::object();
        for (const auto& f : model->features()) row[f] = nullptr;
        model->predict(rows_to_frame(Json{{"records", Json::array({row})}}, model->features()));
    } catch (const Error& e) {
        ctx.models.evict(key);
        ctx.store.audit(req.actor, "deploy", key, "error", Json{{"error", e.what()}, {"kept", previous}});
        throw Error(e.kind(), "deploy_failed", "model '" + key + "' failed its health check: " + e.what(), {},
                    previous.empty() ? "nothing was serving before" : "still serving " + join(previous));
    }
    train::promote(ctx.store, key, previous);
    ctx.store.audit(req.actor, "deploy", key, "ok", Json{{"target", target}, {"archived", previous}});
    Json archived = Json::array();
    for (const auto& k : previous) archived.push_back(k);
    return wrapped(Json{{"key", key}, {"target", "local"}, {"status", "deployed"}, {"stage", "production"},
                        {"archived", archived}});
}

// Body: {"dataset": "<a dataset of the served files>"} or rows in any format
// of rows.hpp holding the target column too; optional "metrics": [...].
Response evaluate_model(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    auto model = ctx.models.get(key);
    Json body = parse_body(req);
    std::vector<std::string> names;
    if (body.contains("metrics")) {
        if (!body["metrics"].is_array())
            throw Error(ErrorKind::validation, "invalid_field", "'metrics' must list metric names");
        for (const auto& m : body["metrics"]) {
            if (!m.is_string()) throw Error(ErrorKind::validation, "invalid_field", "'metrics' must list metric names");
            names.push_back(m.get<std::string>());
        }
        body.erase("metrics");
    }
    std::string target = model->entry().metadata.value("target", std::string());
    data::Frame rows;
    std::string source;
    if (body.contains("dataset")) {
        check_fields(body, {"dataset"}, "the evaluation");
        source = string_field(body, "dataset");
        rows = data::load_dataset(ctx.dataset(source), {ctx.options.run.threads, ctx.options.run.postgres_url});
    } else {
        std::vector<std::string> columns = model->features();
        columns.push_back(target);
        rows = rows_to_frame(body, columns);
        source = "request";
    }
    Json out = model->evaluate(rows, names);
    out["model"] = key;
    out["dataset"] = source;
    ctx.store.audit(req.actor, "evaluate", key, "ok", Json{{"dataset", source}, {"rows", out["rows"]}});
    return wrapped(std::move(out));
}

// The training-service API's model compression. Body: {"compression_type": "quantization",
// "precision": "int8" | "float16"} (those are the defaults). A new version of the
// model is registered; the answer (train/compress.hpp) measures both versions on
// the training job's held-out rows when the server serves that job.
Response compress_model(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    Json body = parse_body(req);
    check_fields(body, {"compression_type", "precision"}, "the compression");
    std::string type = string_field(body, "compression_type");
    if (!type.empty() && type != "quantization")
        throw Error(ErrorKind::validation, "invalid_compression",
                    "unknown compression_type '" + type + "': expected 'quantization'");
    std::string precision = string_field(body, "precision");
    train::CompressOptions options;
    options.precision = models::parse_precision(precision.empty() ? "int8" : precision);
    options.context = ctx.run_context(req.actor);
    options.job_file = [&ctx](const std::string& job) { return ctx.find_training_file(job); };
    train::CompressResult result = train::compress_model(ctx.store, key, options);
    ctx.store.audit(req.actor, "compress", key, "ok",
                    Json{{"key", result.entry.key}, {"precision", result.report["precision"]}});
    return wrapped(std::move(result.report), 201);
}

// A double as nlohmann::json writes it (shortest round trip; NaN and infinities
// as null), so answers read the same whichever way they were written.
void append_number(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[64];
    char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

// The answer of predict as text: what dumping the document {"predictions",
// "probabilities", "classes", "model"} gives, without building it (a one-row
// request spent a tenth of its time there).
std::string prediction_json(const train::Predictions& p, const std::string& key) {
    std::string out;
    out.reserve(64 + p.values.size() * (16 + 24 * p.classes.size()));
    out += "{\"predictions\":[";
    for (std::size_t i = 0; i < p.values.size(); ++i) {
        if (i) out += ',';
        if (p.values[i].is_number_float()) append_number(out, p.values[i].get<double>());
        else out += p.values[i].dump();
    }
    out += ']';
    if (!p.proba.empty()) {
        out += ",\"probabilities\":[";
        for (std::size_t r = 0; r < p.proba.size(); ++r) {
            out += r ? ",[" : "[";
            for (std::size_t k = 0; k < p.proba[r].size(); ++k) {
                if (k) out += ',';
                append_number(out, p.proba[r][k]);
            }
            out += ']';
        }
        out += ']';
    }
    if (!p.classes.empty()) {
        out += ",\"classes\":[";
        for (std::size_t k = 0; k < p.classes.size(); ++k) {
            if (k) out += ',';
            out += Json(p.classes[k]).dump();
        }
        out += ']';
    }
    out += ",\"model\":";
    out += Json(key).dump();
    out += '}';
    return out;
}

// MLflow's scoring shape: {"predictions": [...]}, plus per-class probabilities
// (columns in the order of "classes") for classifiers that have them.
Response predict(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    auto model = ctx.models.get(key);
    std::optional<data::Frame> plain = fast_rows_to_frame(req.body, model->features());
    if (model->takes_text()) {  // texts are not a feature matrix: no batching across requests
        auto started = std::chrono::steady_clock::now();
        train::Predictions p = model->predict(plain ? *plain : rows_to_frame(parse_body(req), model->features()));
        ctx.metrics.record_prediction(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                                      p.values.size(), p.values.size());
        Response r;
        r.content_type = "application/json";
        r.text = prediction_json(p, key);
        return r;
    }
    data::Matrix x = model->prepare(plain ? *plain : rows_to_frame(parse_body(req), model->features()));
    std::size_t n = x.rows;
    PredictionBatcher::Answer answer = ctx.batcher.predict(key, model, std::move(x));
    const train::Predictions& p = answer.predictions;
    ctx.metrics.record_prediction(answer.seconds, n, answer.batch_rows);
    Response r;
    r.content_type = "application/json";
    r.text = prediction_json(p, key);
    return r;
}

// {"user_id", "cold_start", "items": [{"item_id", "score"}], "model"}, or
// {"recommendations": [...], "model"} for user_ids: the same document as
// `hone recommend --json`.
Response recommend(Context& ctx, const Request& req) {
    const std::string& key = req.param("key");
    auto model = ctx.models.get(key);
    const train::ServedRecommender& recommender = model->require_recommender();
    Json body = parse_body(req);
    check_fields(body, {"user_id", "user_ids", "k", "include_seen"}, "a recommendation request");
    Json answer = recommender.answer(train::read_recommend_request(body));
    answer["model"] = key;
    Response r;
    r.content_type = "application/json";
    r.text = json_text(answer);
    return r;
}

// The model as one file in an export format (?format=, default bundle), the
// file as the body: its media type, a download name and its SHA-256.
Response export_model(Context& ctx, const Request& req) {
    const exporting::Format& format = exporting::find_format(req.query_value("format", "bundle"));
    const std::string& key = req.param("key");
    require_model(ctx, key);
    Response r;
    r.content_type = format.media_type;
    r.text = format.write(ctx.store, key);
    r.headers = {{"Content-Disposition", "attachment; filename=\"" + key + "." + format.extension + "\""},
                 {"X-Content-SHA256", sha256_hex(r.text)}};
    return r;
}

// A bundle as the body (application/octet-stream, within the body limit),
// registered as the next version of its model (?name= another name); the new
// entry, 201. Nothing is stored unless every file of the bundle matched.
Response import_model(Context& ctx, const Request& req) {
    exporting::ImportOptions options{req.query_value("name"), ctx.run_context(req.actor)};
    registry::ModelEntry entry = exporting::import_bundle_bytes(ctx.store, req.body, options);
    ctx.store.audit(req.actor, "import_model", entry.key, "ok",
                    Json{{"from", entry.metadata["imported_from"]["key"]}, {"version", entry.version}});
    return wrapped(entry.to_json(), 201);
}

}  // namespace

std::vector<Route> model_routes(Context& ctx) {
    return {
        {"GET", "/api/training/health", "Health: status, version, uptime, whether the store answers", false,
         bound(ctx, health), false, true},
        {"POST", "/api/training/models/search",
         "Registered models by name, algorithm, stage, task, training_job and metric thresholds", true,
         bound(ctx, search_models), true},
        {"GET", "/api/training/models/{key}", "A registered model's entry", true, bound(ctx, get_model)},
        {"DELETE", "/api/training/models/{key}", "Delete a registered model and its files", true, bound(ctx, delete_model)},
        {"PUT", "/api/training/models/{key}", "Update a registered model: stage, tags, description", true,
         bound(ctx, update_model)},
        {"POST", "/api/training/models",
         "Register a model made elsewhere from the training-service API's model description (no model file)", true,
         bound(ctx, register_external)},
        {"POST", "/api/training/models/compare",
         "Compare models: metrics and hyperparameters side by side, deltas against the first", true,
         bound(ctx, compare_models), true},
        {"POST", "/api/training/evaluate/{key}",
         "A model's metrics on a named dataset or on posted rows that hold the target", true, bound(ctx, evaluate_model),
         true},
        {"POST", "/api/training/deploy/{key}",
         "Deploy a model locally: load, health-check, make it production (the previous one is archived)", true,
         bound(ctx, deploy_model)},
        {"POST", "/api/training/models/{key}/compress",
         "Quantize a linear model's weights to int8 or float16 and register it as the next version, measured "
         "against the original",
         true, bound(ctx, compress_model)},
        {"GET", "/api/training/models/{key}/export",
         "The model as one file: ?format=bundle (default; its files, entry and SHA-256s, for POST "
         "/api/training/models/import in another hone); the SHA-256 in X-Content-SHA256",
         true, bound(ctx, export_model)},
        {"POST", "/api/training/models/import",
         "Register a bundle sent as the body (application/octet-stream) as the next version of its model "
         "(?name= another name), every file verified first; the new entry",
         true, bound(ctx, import_model), false, false, Json(), "application/octet-stream"},
        {"POST", "/api/training/models/{key}/predict",
         "Predict rows sent as records, dataframe_split, dataframe_records or instances", true, bound(ctx, predict), true,
         true},
        {"POST", "/api/training/models/{key}/recommend",
         "A recommender's top k items for a user (user_id) or several (user_ids); seen items left out unless "
         "include_seen; an unknown user gets the most popular items (cold_start)",
         true, bound(ctx, recommend), true, true},
    };
}

}  // namespace hone::server
