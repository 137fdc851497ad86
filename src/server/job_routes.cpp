// Seed 000's endpoints: the training and tuning jobs of the served files, run
// synchronously, and their results read back from the store. Flat JSON, as the
// seed's examples show.
#include <string>

#include "common/error.hpp"
#include "server/context.hpp"
#include "train/trainer.hpp"
#include "tune/study.hpp"

namespace hone::server {

namespace {

Response ok(Json body) {
    Response r;
    r.body = std::move(body);
    return r;
}

Json names_json(const std::vector<std::string>& names) {
    Json out = Json::array();
    for (const auto& n : names) out.push_back(n);
    return out;
}

// The overrides of a run request: {"payload": {...}, "overrides": {...}}, both
// optional. The payload is accepted for seed 000's runtime API and has no use here.
Json run_overrides(const Request& req) {
    Json body = parse_body(req);
    check_fields(body, {"payload", "overrides"}, "the run request");
    for (const char* key : {"payload", "overrides"})
        if (body.contains(key) && !body[key].is_null() && !body[key].is_object())
            throw Error(ErrorKind::validation, "invalid_field",
                        std::string("'") + key + "' must be an object, got " + body[key].type_name());
    Json overrides = body.value("overrides", Json::object());
    return overrides.is_null() ? Json::object() : overrides;
}

// ?limit=N, 1..1000, default 100.
int limit_of(const Request& req) {
    std::string text = req.query_value("limit", "100");
    std::size_t used = 0;
    int n = 0;
    try {
        n = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || n < 1 || n > 1000)
        throw Error(ErrorKind::validation, "invalid_query", "limit must be a whole number from 1 to 1000, got '" + text + "'");
    return n;
}

std::vector<registry::RunRecord> training_runs(Context& ctx, const std::string& job, int limit) {
    std::vector<registry::RunRecord> out;
    for (auto& run : ctx.store.runs_of(job, limit))
        if (run.kind == "training") out.push_back(std::move(run));
    return out;
}

registry::RunRecord latest_study_of(Context& ctx, const std::string& job) {
    auto study = tune::latest_study(ctx.store, job);
    if (!study)
        throw Error(ErrorKind::not_found, "study_not_found", "tuning job '" + job + "' has not run yet", {},
                    "POST /api/training/tuning/jobs/" + job + "/run runs it");
    return *study;
}

// Seed 000's trial shape (trial_index, status, hyperparameters, metrics) and the rest of the row.
Json trial_json(const registry::TrialRow& t) {
    Json j{{"trial_index", t.number},  {"status", t.status},          {"hyperparameters", t.params},
           {"metrics", t.metrics},     {"value", t.value ? Json(*t.value) : Json()},
           {"intermediate_values", t.intermediate}, {"started_at", t.started_at}, {"duration_ms", t.duration_ms}};
    if (!t.error.empty()) j["error"] = t.error;
    if (!t.registry_key.empty()) j["registry_key"] = t.registry_key;
    return j;
}

Response run_training(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    const lang::JobFile& file = ctx.training_file(name);
    train::TrainOptions options;
    options.overrides = run_overrides(req);
    options.model_root = ctx.model_root();
    options.created_by = req.actor;
    options.cancelled = [&ctx] { return ctx.stopping.load(); };
    // The trainer records the run and its audit row (created_by is the caller).
    std::lock_guard lock(ctx.run_mu);
    return ok(train::run_training_job(file, name, ctx.store, options));
}

Response run_tuning(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    const lang::JobFile& file = ctx.tuning_file(name);
    tune::TuneOptions options;
    options.overrides = run_overrides(req);
    options.model_root = ctx.model_root();
    options.created_by = req.actor;
    options.cancelled = [&ctx] { return ctx.stopping.load(); };
    // The study records itself and its audit row.
    std::lock_guard lock(ctx.run_mu);
    return ok(tune::run_tuning_job(file, name, ctx.store, options));
}

Response training_metrics(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    ctx.training_file(name);
    auto runs = training_runs(ctx, name, 100);
    if (runs.empty())
        throw Error(ErrorKind::not_found, "no_runs", "training job '" + name + "' has not run yet", {},
                    "POST /api/training/jobs/" + name + "/run runs it");
    const auto& run = runs.front();
    Json out{{"job", name}, {"status", run.status}, {"metrics", run.metrics},
             {"timestamp", run.ts + run.duration_ms / 1000}, {"run_id", run.id}};
    if (run.result.contains("validation_metrics")) out["validation_metrics"] = run.result["validation_metrics"];
    if (!run.registry_key.empty()) out["registry_key"] = run.registry_key;
    if (!run.error.empty()) out["error"] = run.error;
    return ok(std::move(out));
}

Response training_history(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    ctx.training_file(name);
    Json out = Json::array();
    for (const auto& run : training_runs(ctx, name, limit_of(req))) out.push_back(run.to_json());
    return ok(std::move(out));
}

Response tuning_trials(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    ctx.tuning_file(name);
    auto study = latest_study_of(ctx, name);
    Json out = Json::array();
    for (const auto& t : ctx.store.trials_of(study.id)) out.push_back(trial_json(t));
    return ok(std::move(out));
}

Response tuning_best(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    ctx.tuning_file(name);
    auto study = latest_study_of(ctx, name);
    if (!study.result.contains("best_trial"))
        throw Error(ErrorKind::conflict, "study_unfinished",
                    "the latest study of '" + name + "' (" + study.id + ") has not finished: " + study.status, {},
                    "GET /api/training/tuning/jobs/" + name + "/trials shows its trials so far");
    Json out = study.result;
    out.erase("trials");
    return ok(std::move(out));
}

}  // namespace

std::vector<Route> job_routes(Context& ctx) {
    Context* c = &ctx;
    auto with = [c](Response (*f)(Context&, const Request&)) {
        return [c, f](const Request& req) { return f(*c, req); };
    };
    return {
        {"GET", "/api/training/jobs", "The names of the training jobs", true,
         [c](const Request&) { return ok(names_json(c->training_names)); }},
        {"GET", "/api/training/jobs/{name}", "A training job's spec", true,
         [c](const Request& req) {
             const std::string& name = req.param("name");
             return ok(lang::to_json(*c->training_file(name).find_training(name)));
         }},
        {"POST", "/api/training/jobs/{name}/run",
         "Run a training job now and answer its result; body: {\"overrides\": {...}}", true, with(run_training)},
        {"GET", "/api/training/jobs/{name}/metrics", "The metrics of a training job's latest run", true,
         with(training_metrics)},
        {"GET", "/api/training/jobs/{name}/history", "A training job's runs, newest first; ?limit=N", true,
         with(training_history)},
        {"GET", "/api/training/tuning/jobs", "The names of the tuning jobs", true,
         [c](const Request&) { return ok(names_json(c->tuning_names)); }},
        {"GET", "/api/training/tuning/jobs/{name}", "A tuning job's spec", true,
         [c](const Request& req) {
             const std::string& name = req.param("name");
             return ok(lang::to_json(*c->tuning_file(name).find_tuning(name)));
         }},
        {"POST", "/api/training/tuning/jobs/{name}/run",
         "Run a tuning study now and answer its result; body: {\"overrides\": {\"max_trials\": N, ...}}", true,
         with(run_tuning)},
        {"GET", "/api/training/tuning/jobs/{name}/trials", "The trials of a tuning job's latest study", true,
         with(tuning_trials)},
        {"GET", "/api/training/tuning/jobs/{name}/best", "The best trial of a tuning job's latest study", true,
         with(tuning_best)},
    };
}

}  // namespace hone::server
