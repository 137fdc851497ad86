// The pipelines of the served job files: list them, queue a run with the job
// runner (202 and the execution id, which is also its run id: its stage events
// stream from /api/training/runs/{id}/events), read an execution.
#include "common/error.hpp"
#include "pipeline/executor.hpp"
#include "server/context.hpp"

namespace hone::server {
namespace {

Response list_pipelines(Context& ctx, const Request&) {
    Json out = Json::array();
    for (const auto& name : ctx.pipeline_names()) {
        Json item = pipeline::describe_pipeline(*ctx.pipeline_file(name).find_pipeline(name));
        auto latest = pipeline::executions_of(ctx.store, name, 1);
        item["latest_execution"] = latest.empty() ? Json() : latest.front();
        out.push_back(std::move(item));
    }
    return wrapped(Json{{"pipelines", out}});
}

// Body (optional): {"resume": bool, "no_cache": bool}.
struct PipelineRequest {
    bool resume = false;
    bool no_cache = false;
};

PipelineRequest pipeline_request(const Request& req) {
    Json body = parse_body(req);
    PipelineRequest out;
    for (const auto& [key, value] : body.items()) {
        if (key != "resume" && key != "no_cache")
            throw Error(ErrorKind::validation, "invalid_field", "unknown field '" + key + "'", {},
                        "a pipeline run takes 'resume' and 'no_cache'");
        if (!value.is_boolean())
            throw Error(ErrorKind::validation, "invalid_field", "'" + key + "' must be true or false, found " + value.dump());
        (key == "resume" ? out.resume : out.no_cache) = value.get<bool>();
    }
    return out;
}

Response run_pipeline(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    const lang::JobFile& file = ctx.pipeline_file(name);
    const PipelineRequest request = pipeline_request(req);
    if (request.resume) pipeline::resumable_execution(ctx.store, name);  // nothing to resume is a 4xx, not a failed run
    train::RunSpec spec;
    spec.job = name;
    spec.kind = "pipeline";
    spec.actor = req.actor;
    spec.timeout_seconds = ctx.options.job_timeout_seconds;
    Context* c = &ctx;
    const lang::JobFile* f = &file;
    const std::string actor = req.actor;
    spec.work = [c, f, name, request, actor](const std::string& run_id, train::RunControl& control) {
        pipeline::ExecutionOptions options;
        options.context = c->run_context(actor);
        options.context.cancelled = [&control] { return control.checkpoint(); };
        options.execution_id = run_id;
        options.use_cache = !request.no_cache;
        options.resume = request.resume;
        // Under "stage": an event's own "status" is the run's.
        options.on_stage = [&control](const pipeline::StageEvent& e) {
            control.publish("stage", Json{{"stage", e.stage}});
        };
        Json doc = pipeline::run_pipeline(*f, name, c->store, options);
        if (doc["status"] == "failed")  // recorded already; the runner shows the run failed
            throw Error(ErrorKind::data, "pipeline_failed", doc["error"].get<std::string>());
        return doc;
    };
    const std::string id = ctx.runner.submit(std::move(spec));
    ctx.store.audit(req.actor, "run_pipeline", name, "ok", Json{{"execution_id", id}});
    Response r = wrapped(Json{{"pipeline", name}, {"execution_id", id}, {"status", "pending"}}, 202);
    r.headers.emplace_back("Location", "/api/training/pipelines/executions/" + id);
    return r;
}

Response get_execution(Context& ctx, const Request& req) {
    const std::string& id = req.param("id");
    auto doc = pipeline::find_execution(ctx.store, id);
    if (!doc) throw Error(ErrorKind::not_found, "execution_not_found", "no pipeline execution '" + id + "'");
    return wrapped(*doc);
}

Response pipeline_executions(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    ctx.pipeline_file(name);  // a 404 naming the pipelines
    Json out = Json::array();
    for (auto& doc : pipeline::executions_of(ctx.store, name, 50)) out.push_back(std::move(doc));
    return wrapped(Json{{"pipeline", name}, {"executions", out}});
}

}  // namespace

std::vector<Route> pipeline_routes(Context& ctx) {
    return {
        {"GET", "/api/training/pipelines", "The served job files' pipelines, each with its stages and latest execution",
         true, bound(ctx, list_pipelines)},
        {"POST", "/api/training/pipelines/{name}/run",
         "Queue a run of a pipeline; 202 with its execution id; body: {\"resume\": bool, \"no_cache\": bool}", true,
         bound(ctx, run_pipeline)},
        {"GET", "/api/training/pipelines/{name}/executions", "A pipeline's executions, newest first", true,
         bound(ctx, pipeline_executions)},
        {"GET", "/api/training/pipelines/executions/{id}",
         "An execution: each stage's status, times, whether it came from the cache, and its output", true,
         bound(ctx, get_execution)},
    };
}

}  // namespace hone::server
