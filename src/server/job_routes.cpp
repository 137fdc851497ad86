// The job-run API's endpoints: the training and tuning jobs of the served files, run
// synchronously, and their results read back from the store. Flat JSON, as the
// job-run API's examples show.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "lang/job_file.hpp"
#include "metrics/registry.hpp"
#include "models/catalog.hpp"
#include "server/context.hpp"
#include "train/trainer.hpp"
#include "tune/study.hpp"
#include "tune/validate.hpp"

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
// optional. The payload, part of the job-run API, is accepted and has no use here.
struct RunRequest {
    Json overrides = Json::object();
    bool resume = false;  // continue the job's latest unfinished run from its checkpoint
};

RunRequest run_request(const Request& req) {
    Json body = parse_body(req);
    check_fields(body, {"payload", "overrides", "resume"}, "the run request");
    RunRequest out;
    if (body.contains("resume")) {
        if (!body["resume"].is_boolean())
            throw Error(ErrorKind::validation, "invalid_field",
                        std::string("'resume' must be true or false, got ") + body["resume"].type_name());
        out.resume = body["resume"].get<bool>();
    }
    for (const char* key : {"payload", "overrides"})
        if (body.contains(key) && !body[key].is_null() && !body[key].is_object())
            throw Error(ErrorKind::validation, "invalid_field",
                        std::string("'") + key + "' must be an object, got " + body[key].type_name());
    Json overrides = body.value("overrides", Json::object());
    if (overrides.is_null()) return out;
    check_stored_size(overrides, "the overrides");  // kept with the run
    out.overrides = std::move(overrides);
    return out;
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

// The training-service API's progress fields from the trainer's: the round as current_epoch of
// total_epochs, the estimated remaining milliseconds from the pace so far.
class ProgressFeed {
public:
    explicit ProgressFeed(train::RunControl& control) : control_(control) {}

    void training(const train::Progress& p) {
        Json progress{{"stage", p.stage}};
        if (p.round >= 0) {
            int done = p.round + 1;
            progress["current_epoch"] = done;
            progress["total_epochs"] = p.total_rounds;
            progress["percent"] = p.total_rounds > 0 ? 100.0 * done / p.total_rounds : 0.0;
            // The fit's pace (train/epoch_metrics.hpp), in milliseconds.
            const Json& tm = p.training_metrics;
            progress["estimated_remaining"] = tm.is_object() ? tm["eta_seconds"].get<double>() * 1000 : 0.0;
            if (tm.is_object()) progress["training_metrics"] = tm;
        }
        // Rounds without metrics (they are not taken every round) carry the latest.
        if (!p.metrics.empty()) metrics_ = p.metrics;
        control_.publish("progress", Json{{"progress", progress}, {"metrics", metrics_}});
    }

    void trial(const tune::TrialEvent& e) {
        Json progress{{"stage", "tuning"},          {"current_trial", e.finished},
                      {"total_trials", e.total},   {"current_epoch", e.finished},
                      {"total_epochs", e.total},   {"percent", e.total > 0 ? 100.0 * e.finished / e.total : 0.0},
                      {"estimated_remaining", remaining_ms(e.finished, e.total)}};
        Json metrics = e.best.is_object() && e.best.contains("metrics") ? e.best["metrics"] : Json::object();
        control_.publish("trial", Json{{"event", e.kind}, {"trial", e.trial}, {"best", e.best},
                                       {"progress", progress}, {"metrics", metrics}});
    }

private:
    double remaining_ms(int done, int total) const {
        if (done <= 0 || total <= done) return 0.0;
        double spent = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
        return spent / done * (total - done);
    }

    train::RunControl& control_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    Json metrics_ = Json::object();
};

// Queues a run of a training or tuning job with the runner; returns its id.
std::string submit(Context& ctx, const std::string& kind, const std::string& name, const RunRequest& request,
                   const std::string& actor) {
    const lang::JobFile& file = kind == "training" ? ctx.training_file(name) : ctx.tuning_file(name);
    const Json& overrides = request.overrides;
    const bool resume = request.resume;
    // Overrides and a resume are checked now, so a bad one is a 4xx rather than a failed run.
    if (kind == "training") {
        lang::TrainingSpec changed = train::training_with_overrides(file, name, overrides, lang::OverrideSource::request);
        // Columns need the data: read only when the request changes which ones the job uses.
        if (overrides.is_object() && (overrides.contains("target") || overrides.contains("features")))
            train::check_columns(file, changed);
        if (resume) train::resumable_run(ctx.store, name, changed, ctx.model_root());
    } else {
        tune::tuning_with_overrides(file, name, overrides, lang::OverrideSource::request);
        if (resume)
            throw Error(ErrorKind::validation, "invalid_field",
                        "'resume' continues a training run from its checkpoint; '" + name + "' is a tuning job", {},
                        "a study resumes with 'hone tune FILE " + name + " --resume'");
    }
    train::RunSpec spec;
    spec.job = name;
    spec.kind = kind;
    spec.actor = actor;
    spec.timeout_seconds = ctx.options.job_timeout_seconds;
    Context* c = &ctx;
    const lang::JobFile* f = &file;
    spec.work = [c, f, kind, name, overrides, resume, actor](const std::string& run_id, train::RunControl& control) {
        ProgressFeed feed(control);
        // What a training run and a study take alike.
        auto common = [&](auto& options) {
            options.overrides = overrides;
            options.override_source = lang::OverrideSource::request;
            options.context = c->run_context(actor);
            options.context.cancelled = [&control] { return control.checkpoint(); };
            options.run_id = run_id;
        };
        if (kind == "training") {
            train::TrainOptions options;
            common(options);
            options.resume = resume;
            options.on_progress = [&feed](const train::Progress& p) { feed.training(p); };
            return train::run_training_job(*f, name, c->store, options);
        }
        tune::TuneOptions options;
        common(options);
        options.on_trial = [&feed](const tune::TrialEvent& e) { feed.trial(e); };
        return tune::run_tuning_job(*f, name, c->store, options);
    };
    return ctx.runner.submit(std::move(spec));
}

// The job-run API's synchronous run: queued like any other, answered when it ends.
Response run_now(Context& ctx, const Request& req, const std::string& kind) {
    std::string id = submit(ctx, kind, req.param("name"), run_request(req), req.actor);
    ctx.runner.wait(id);
    ctx.runner.rethrow_failure(id);
    return ok(ctx.runner.get(id)->result);
}

Response run_training(Context& ctx, const Request& req) { return run_now(ctx, req, "training"); }
Response run_tuning(Context& ctx, const Request& req) { return run_now(ctx, req, "tuning"); }

std::filesystem::path data_root(const Context& ctx) {
    std::filesystem::path root = ctx.options.data_root.empty() ? std::filesystem::current_path()
                                                               : std::filesystem::path(ctx.options.data_root);
    return std::filesystem::weakly_canonical(std::filesystem::absolute(root));
}

// A dataset of a job created over HTTP must be a file inside the data root:
// after resolving "..", and symbolic links as far as the path exists.
void check_inside_data_root(const lang::DatasetSpec& d, const std::filesystem::path& root) {
    if (d.path.empty()) return;  // postgres: a connection, not a file
    std::filesystem::path resolved = std::filesystem::weakly_canonical(d.resolved_path());
    auto [r, p] = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
    if (r != root.end())
        throw Error(ErrorKind::validation, "path_outside_data_root",
                    "dataset '" + d.name + "' path '" + d.path + "' resolves to " + resolved.string() +
                        ", outside the data root " + root.string(),
                    {}, "jobs created over HTTP read data under the server's --data-root only");
}

struct CreatedJob {
    lang::JobFile file;
    Json warnings = Json::array();  // "request body:LINE:COL: message", as `hone check` words them
};

// The body of POST /api/training/jobs: the configuration template (name, model,
// trainingData, hyperparameters, ...) with the N3 training fields, or a whole job
// file as JSON blocks. Validated exactly as `hone check` validates a file, from
// the text as sent, so messages point at the client's own lines; relative data
// paths resolve against the data root.
CreatedJob parse_created_job(const Context& ctx, const Json& body, std::string_view text) {
    if (body.contains("name")) {
        if (!body["name"].is_string())
            throw Error(ErrorKind::validation, "invalid_field",
                        std::string("'name' must be a string, got ") + body["name"].type_name());
        check_name(body["name"].get<std::string>(), "job name");
    }
    std::filesystem::path root = data_root(ctx);
    // `"model": "name"` naming a model block of the served job files means that
    // block, as written there; any other name is the shorthand for an algorithm.
    // A template with a string model reads as one model block: its body is replaced.
    auto served_model = [&](lang::Document& doc) {
        if (!body.contains("model") || !body["model"].is_string()) return;
        std::optional<lang::Node> served = ctx.served_model_block(body["model"].get<std::string>());
        if (!served) return;
        for (auto& b : doc.blocks)
            if (b.kind == "model") b.body = *served;
    };
    lang::LoadedJobFile loaded = lang::parse_job_text(text, "request body", lang::Format::json, served_model);
    for (auto& d : loaded.spec.datasets) d.base_dir = root;
    tune::validate_job(loaded);
    if (!loaded.ok()) {
        // The first error's place goes in `details` for a client to point at;
        // the message holds them all, rendered as `hone check` renders them.
        Location first("request body");
        for (const auto& d : loaded.diags.sorted())
            if (d.severity == lang::Diagnostic::Severity::error) {
                first.line = d.pos.line;
                first.col = d.pos.col;
                break;
            }
        throw Error(ErrorKind::validation, "invalid_job", "the job does not validate:\n" + loaded.report(), first,
                    "the same checks as `hone check`");
    }
    if (loaded.spec.trainings.empty() && loaded.spec.tunings.empty())
        throw Error(ErrorKind::validation, "invalid_job", "the request defines no training or tuning job");
    for (const auto& t : loaded.spec.trainings) check_name(t.name, "training job");
    for (const auto& t : loaded.spec.tunings) check_name(t.name, "tuning job");
    // Checked now for a clear 400, and again by the data layer whenever a run
    // opens the file, so a link placed in the data root later leads nowhere.
    for (auto& d : loaded.spec.datasets) {
        check_inside_data_root(d, root);
        if (!d.path.empty()) d.confined_to = root.string();
    }
    CreatedJob out;
    for (const auto& d : loaded.diags.sorted())
        if (d.severity == lang::Diagnostic::Severity::warning)
            out.warnings.push_back(d.pos.file + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) +
                                   ": " + d.message);
    out.file = std::move(loaded.spec);
    return out;
}

Response create_job(Context& ctx, const Request& req) {
    Json body = parse_body(req);
    check_stored_size(body, "the job definition");
    CreatedJob job = parse_created_job(ctx, body, req.body);
    lang::JobFile& file = job.file;
    Json created = Json::array();
    for (const auto& t : file.trainings) created.push_back(Json{{"job_id", t.name}, {"kind", "training"}});
    for (const auto& t : file.tunings) created.push_back(Json{{"job_id", t.name}, {"kind", "tuning"}});
    std::string first = created[0]["job_id"];
    ctx.add_job_file(std::move(file), true);
    // Kept as sent, so a restarted server validates and serves it again.
    ctx.store.save_job("created", first, body);
    ctx.store.audit(req.actor, "create_job", first, "ok", Json{{"jobs", created}});
    Json data{{"job_id", first}, {"status", "created"}, {"jobs", created}, {"warnings", std::move(job.warnings)}};
    Response r = wrapped(std::move(data), 201);
    r.headers.emplace_back("Location", "/api/training/jobs/" + first);
    return r;
}

// The kind of job `name` is; an unknown name is the training lookup's 404.
std::string kind_of(const Context& ctx, const std::string& name) {
    auto tunings = ctx.tuning_names();
    if (std::find(tunings.begin(), tunings.end(), name) != tunings.end()) return "tuning";
    ctx.training_file(name);
    return "training";
}

Response start_job(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    std::string kind = kind_of(ctx, name);
    std::string id = submit(ctx, kind, name, run_request(req), req.actor);
    ctx.store.audit(req.actor, "start", name, "ok", Json{{"run_id", id}});
    Response r = wrapped(Json{{"job_id", name}, {"run_id", id}, {"status", "pending"}}, 202);
    r.headers.emplace_back("Location", "/api/training/runs/" + id);
    return r;
}

// The job's run that is not finished, newest first.
std::optional<train::RunView> active_run(Context& ctx, const std::string& name) {
    for (auto& v : ctx.runner.list())
        if (v.job == name && !train::finished(v.state)) return v;
    return std::nullopt;
}

Response cancel_job(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    kind_of(ctx, name);
    auto run = active_run(ctx, name);
    if (!run)
        throw Error(ErrorKind::conflict, "not_running", "job '" + name + "' has no run to cancel", {},
                    "POST /api/training/jobs/" + name + "/start starts one");
    train::RunView v = ctx.runner.cancel(run->id);
    ctx.store.audit(req.actor, "cancel", name, "ok", Json{{"run_id", v.id}});
    return wrapped(v.to_json());
}

// The job-run API's flat spec, with the training-service API's view of the job under "data": its
// status (idle or the state of its latest run), progress and metrics.
Response get_training_job(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    Json out = lang::to_json(*ctx.training_file(name).find_training(name));
    std::optional<train::RunView> latest;
    for (auto& v : ctx.runner.list())
        if (v.job == name && v.kind == "training") {
            latest = std::move(v);
            break;
        }
    if (!latest)  // none on this server: the store's latest
        if (auto runs = training_runs(ctx, name, 1); !runs.empty()) latest = train::view_of(runs.front());
    Json data = latest ? latest->to_json()
                       : Json{{"job_id", name}, {"status", "idle"}, {"progress", Json::object()}, {"metrics", Json::object()}};
    data.erase("result");
    out["data"] = std::move(data);
    return ok(std::move(out));
}

Response statistics(Context& ctx, const Request&) {
    struct Tally {
        int total = 0, ok = 0, failed = 0, cancelled = 0;
        double ms = 0;
    };
    Tally all;
    std::map<std::string, Tally> by_algorithm;
    for (const auto& name : ctx.training_names()) {
        const lang::JobFile& file = ctx.training_file(name);
        const lang::TrainingSpec* spec = file.find_training(name);
        const lang::ModelSpec* model = file.find_model(spec->model);
        // The catalog's name, so aliases count together; a name it does not know as written.
        std::string algorithm = model ? model->algorithm : "";
        try {
            if (model) algorithm = train::algorithm_of(*model, spec->framework).name;
        } catch (const Error&) {
        }
        for (const auto& run : training_runs(ctx, name, 1000)) {
            for (Tally* t : {&all, &by_algorithm[algorithm]}) {
                ++t->total;
                t->ok += run.status == "ok";
                t->failed += run.status == "error";
                t->cancelled += run.status == "cancelled";
                t->ms += run.status == "ok" ? run.duration_ms : 0;
            }
        }
    }
    auto view = [](const Tally& t) {
        return Json{{"total_jobs", t.total},
                    {"completed", t.ok},
                    {"failed", t.failed},
                    {"cancelled", t.cancelled},
                    {"success_rate", t.total ? static_cast<double>(t.ok) / t.total : 0.0},
                    {"average_duration_ms", t.ok ? t.ms / t.ok : 0.0}};
    };
    Json data = view(all);
    data["running"] = ctx.runner.running();
    data["queued"] = ctx.runner.queued();
    data["by_algorithm"] = Json::object();
    for (const auto& [name, t] : by_algorithm) data["by_algorithm"][name] = view(t);
    return wrapped(std::move(data));
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

// ?status (ok, pruned, failed, running) filters; ?intermediate=false leaves
// out each trial's intermediate values (the bulk of a long study); ?fields
// keeps only the fields named; ?sort=FIELD or -FIELD orders; ?offset and
// ?limit page (route.hpp).
Response tuning_trials(Context& ctx, const Request& req) {
    static const std::vector<std::string> known = {"trial_index", "status", "hyperparameters", "metrics", "value",
                                                   "intermediate_values", "started_at", "duration_ms", "error",
                                                   "registry_key"};
    const std::string& name = req.param("name");
    ctx.tuning_file(name);
    Page page = page_of(req);
    std::vector<std::string> fields = fields_of(req, known);
    std::string status = req.query_value("status");
    std::string intermediate = req.query_value("intermediate", "true");
    if (intermediate != "true" && intermediate != "false")
        throw Error(ErrorKind::validation, "invalid_query", "intermediate must be 'true' or 'false', got '" + intermediate + "'");
    auto study = latest_study_of(ctx, name);
    std::vector<registry::TrialRow> trials = ctx.store.trials_of(study.id);
    if (!status.empty())
        std::erase_if(trials, [&](const registry::TrialRow& t) { return t.status != status; });
    // By number, unless ?sort asks otherwise: then every trial is a document first.
    std::string sort = req.query_value("sort");
    std::vector<Json> sorted;
    if (!sort.empty()) {
        for (const auto& t : trials) sorted.push_back(t.to_json());
        sort_items(sorted, sort, {"trial_index", "value", "started_at", "duration_ms", "status"}, "trials");
    }
    Json out = Json::array();
    for (std::size_t i = page.first(trials.size()); i < page.last(trials.size()); ++i) {
        Json t = sort.empty() ? trials[i].to_json() : std::move(sorted[i]);
        if (intermediate == "false") t.erase("intermediate_values");
        out.push_back(keep_fields(std::move(t), fields));
    }
    Response r = ok(std::move(out));
    page.describe(r, trials.size());
    return r;
}

// Which way the study's objective goes: as the finished study recorded it,
// else from the tuning job's objective metric (maximize when it names none hone knows).
std::string objective_direction(const registry::RunRecord& study, const lang::TuningSpec& spec) {
    if (study.result.contains("objective") && study.result["objective"].contains("direction"))
        return study.result["objective"]["direction"].get<std::string>();
    try {
        return std::string(metrics::to_string(metrics::resolve_objective(spec.objective_metric).direction));
    } catch (const Error&) {
        return "maximize";
    }
}

// What a study's first view needs in one answer: its id and status, the
// objective and its direction, trials by status, the best trial and the
// hyperparameters' importance, computed from the trials so far.
Response tuning_study(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    const lang::TuningSpec& spec = *ctx.tuning_file(name).find_tuning(name);
    auto study = latest_study_of(ctx, name);
    std::vector<registry::TrialRow> trials = ctx.store.trials_of(study.id);
    std::string direction = objective_direction(study, spec);
    Json counts = Json::object();
    const registry::TrialRow* best = nullptr;
    for (const auto& t : trials) {
        counts[t.status] = counts.value(t.status, 0) + 1;
        if (t.status != "ok" || !t.value || !std::isfinite(*t.value)) continue;
        if (!best || (direction == "maximize" ? *t.value > *best->value : *t.value < *best->value)) best = &t;
    }
    return ok(Json{{"study_id", study.id},
                   {"status", study.status},
                   {"started_at", study.ts},
                   {"objective", Json{{"metric", spec.objective_metric}, {"direction", direction}}},
                   {"total_trials", trials.size()},
                   {"trials_by_status", counts},
                   {"best_trial", best ? Json(best->number) : Json()},
                   {"best_value", best ? Json(*best->value) : Json()},
                   {"best_hyperparameters", best ? best->params : Json()},
                   {"importance", tune::hyperparameter_importance(trials)}});
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

int restore_created_jobs(Context& ctx) {
    int restored = 0;
    for (const auto& [name, body] : ctx.store.jobs_of_kind("created")) {
        try {
            ctx.add_job_file(parse_created_job(ctx, body, json_text(body)).file, true);
            ++restored;
        } catch (const Error& e) {
            if (ctx.options.log) ctx.options.log("job '" + name + "' created over HTTP is not served: " + e.what());
        }
    }
    return restored;
}

std::vector<Route> job_routes(Context& ctx) {
    Context* c = &ctx;
    return {
        {"GET", "/api/training/jobs", "The names of the training jobs", true,
         [c](const Request&) { return ok(names_json(c->training_names())); }},
        {"GET", "/api/training/jobs/{name}",
         "A training job's spec, with its status, progress and metrics under \"data\"", true, bound(ctx, get_training_job)},
        {"POST", "/api/training/jobs",
         "Create a job from JSON: a configuration template or job-file blocks; validated like a job file", true,
         bound(ctx, create_job)},
        {"POST", "/api/training/jobs/{name}/start", "Queue a run of a training or tuning job; 202 with its run id",
         true, bound(ctx, start_job)},
        {"POST", "/api/training/jobs/{name}/cancel", "Cancel the job's pending or running run", true,
         bound(ctx, cancel_job)},
        {"GET", "/api/training/statistics", "Runs in total, success rate, average duration, per algorithm", true,
         bound(ctx, statistics)},
        {"POST", "/api/training/jobs/{name}/run",
         "Run a training job now and answer its result; body: {\"overrides\": {...}}", true, bound(ctx, run_training)},
        {"GET", "/api/training/jobs/{name}/metrics", "The metrics of a training job's latest run", true,
         bound(ctx, training_metrics)},
        {"GET", "/api/training/jobs/{name}/history", "A training job's runs, newest first; ?limit=N", true,
         bound(ctx, training_history)},
        {"GET", "/api/training/tuning/jobs", "The names of the tuning jobs", true,
         [c](const Request&) { return ok(names_json(c->tuning_names())); }},
        {"GET", "/api/training/tuning/jobs/{name}", "A tuning job's spec", true,
         [c](const Request& req) {
             const std::string& name = req.param("name");
             return ok(lang::to_json(*c->tuning_file(name).find_tuning(name)));
         }},
        {"POST", "/api/training/tuning/jobs/{name}/run",
         "Run a tuning study now and answer its result; body: {\"overrides\": {\"max_trials\": N, ...}}", true,
         bound(ctx, run_tuning)},
        {"GET", "/api/training/tuning/jobs/{name}/trials",
         "The trials of a tuning job's latest study; ?status filters, ?fields=a,b keeps only those fields, "
         "?sort=FIELD or -FIELD orders, "
         "?intermediate=false leaves out intermediate "
         "values, ?offset and ?limit page",
         true, bound(ctx, tuning_trials)},
        {"GET", "/api/training/tuning/jobs/{name}/study",
         "A tuning job's latest study at a glance: status, objective and direction, trials by status, best trial, "
         "hyperparameter importance",
         true, bound(ctx, tuning_study)},
        {"GET", "/api/training/tuning/jobs/{name}/best", "The best trial of a tuning job's latest study", true,
         bound(ctx, tuning_best)},
    };
}

}  // namespace hone::server
