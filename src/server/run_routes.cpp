// Runs of the job runner: their state, pause / resume / cancel, and their
// progress as a Server-Sent Events stream. The training-service API's shape: {"data": ...}.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include "common/error.hpp"
#include "common/text.hpp"
#include "server/context.hpp"
#include "train/run_log.hpp"

namespace hone::server {

namespace {

// The store's runs read per served job for the runs list, newest first: a
// job's older runs stay in `hone runs JOB`.
constexpr int kMaxStoredRunsPerJob = 10000;

// The run as this server's runner sees it or, for a run of the CLI or of an
// earlier server process, as the store kept it; else hone::Error(not_found).
train::RunView find_run(Context& ctx, const std::string& id) {
    if (auto v = ctx.runner.get(id)) return *v;
    if (auto record = ctx.store.get_run(id)) return train::view_of(*record);
    throw Error(ErrorKind::not_found, "run_not_found", "no run '" + id + "'", {},
                "GET /api/training/runs lists the runs of the served jobs");
}

Response get_run(Context& ctx, const Request& req) { return wrapped(find_run(ctx, req.param("id")).to_json()); }

// Every run of the served jobs, pipelines included: those this server runs or
// ran (the runner's live view) and those the store kept from the CLI or from
// earlier servers, each once.
std::vector<train::RunView> served_runs(Context& ctx) {
    std::vector<train::RunView> out = ctx.runner.list();
    std::set<std::string> seen;
    for (const auto& v : out) seen.insert(v.id);
    std::vector<std::string> jobs = ctx.training_names();
    for (auto& n : ctx.tuning_names()) jobs.push_back(std::move(n));
    for (auto& n : ctx.pipeline_names()) jobs.push_back(std::move(n));
    for (const auto& job : jobs)
        for (const auto& record : ctx.store.runs_of(job, kMaxStoredRunsPerJob))
            if (seen.insert(record.id).second) out.push_back(train::view_of(record));
    return out;
}

// Newest first; ?status, ?job (a part of the job's name) and ?kind filter,
// ?sort orders, ?offset and ?limit page (route.hpp).
Response list_runs(Context& ctx, const Request& req) {
    Page page = page_of(req);
    std::string status = req.query_value("status"), job = req.query_value("job"), kind = req.query_value("kind");
    std::vector<Json> runs;
    for (const auto& v : served_runs(ctx)) {
        if (!status.empty() && train::to_string(v.state) != status) continue;
        if (!kind.empty() && v.kind != kind) continue;
        if (!job.empty() && v.job.find(job) == std::string::npos) continue;
        Json j = v.to_json();
        j.erase("result");
        runs.push_back(std::move(j));
    }
    std::string sort = req.query_value("sort", "-created_at");
    sort_items(runs, sort, {"created_at", "started_at", "finished_at", "job_id", "status", "kind"}, "runs");
    Json out = Json::array();
    for (std::size_t i = page.first(runs.size()); i < page.last(runs.size()); ++i) out.push_back(std::move(runs[i]));
    Response r = wrapped(std::move(out));
    page.describe(r, runs.size());
    return r;
}

using Action = train::RunView (train::JobRunner::*)(const std::string&);

Response act(Context& ctx, const Request& req, Action action, const char* name) {
    const std::string& id = req.param("id");
    try {
        train::RunView v = (ctx.runner.*action)(id);
        ctx.store.audit(req.actor, name, id, "ok", Json{{"job", v.job}});
        return wrapped(v.to_json());
    } catch (const Error& e) {
        ctx.store.audit(req.actor, name, id, "error", Json{{"error", e.what()}});
        throw;
    }
}

// "id: 3\nevent: progress\ndata: {...}\n\n"
std::string sse_frame(const train::RunEvent& e) {
    return "id: " + std::to_string(e.seq) + "\nevent: " + e.type + "\ndata: " +
           e.data.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n\n";
}

// Streams the run's events from the start (or after Last-Event-ID / ?after=N)
// to its end; a comment line every 15 s keeps proxies from closing it.
Response events(Context& ctx, const Request& req) {
    const std::string& id = req.param("id");
    if (!ctx.runner.get(id))
        throw Error(ErrorKind::not_found, "run_not_found", "no run '" + id + "' on this server", {},
                    "events stream while the server that ran it is up");
    std::uint64_t after = 0;
    std::string from = req.header("Last-Event-ID");
    if (from.empty()) from = req.query_value("after", "0");
    try {
        after = std::stoull(from);
    } catch (const std::exception&) {
        throw Error(ErrorKind::validation, "invalid_query", "the event id to resume after must be a number, got '" + from + "'");
    }
    Response r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("Cache-Control", "no-cache");
    Context* c = &ctx;
    r.stream = [c, id, after](const ChunkWriter& write) mutable {
        auto idle = std::chrono::steady_clock::now();
        for (;;) {
            train::EventBatch batch = c->runner.events(id, after, std::chrono::milliseconds(500));
            for (const auto& e : batch.events) {
                if (!write(sse_frame(e))) return;
                after = e.seq;
                idle = std::chrono::steady_clock::now();
            }
            if (batch.ended) return;
            if (c->stopping && batch.events.empty()) return;
            if (std::chrono::steady_clock::now() - idle > std::chrono::seconds(15)) {
                if (!write(": keep-alive\n\n")) return;
                idle = std::chrono::steady_clock::now();
            }
        }
    };
    return r;
}

Response logs(Context& ctx, const Request& req) {
    return wrapped(train::run_logs(ctx.store, req.param("id"), req.query_value("level", "info")));
}

// At most `max_points` of `rows`, evenly spaced, the first and the last kept:
// a long curve drawn from a sample of its rounds looks the same and arrives at once.
std::vector<Json> downsample(std::vector<Json> rows, std::size_t max_points) {
    if (rows.size() <= max_points) return rows;
    std::vector<Json> out;
    out.reserve(max_points);
    const double step = static_cast<double>(rows.size() - 1) / static_cast<double>(max_points - 1);
    for (std::size_t i = 0; i < max_points; ++i)
        out.push_back(std::move(rows[static_cast<std::size_t>(static_cast<double>(i) * step + 0.5)]));
    return out;
}

// The per-round (per-epoch) metrics the store kept, oldest first: what a
// run's curves are drawn from before its live events take over.
// ?max_points=N (2 to 100000, default 2000) samples long curves.
Response rounds(Context& ctx, const Request& req) {
    const std::string& id = req.param("id");
    find_run(ctx, id);  // a run that does not exist is a 404, not an empty curve
    std::size_t max_points = query_number(req, "max_points", 2000, 2, 100000);
    std::vector<Json> rows = ctx.store.rounds_of(id);
    std::size_t total = rows.size();
    Json out = Json::array();
    for (auto& row : downsample(std::move(rows), max_points)) out.push_back(std::move(row));
    return wrapped(Json{{"run_id", id}, {"total_rounds", total}, {"rounds", std::move(out)}});
}

}  // namespace

std::vector<Route> run_routes(Context& ctx) {
    Context* c = &ctx;
    auto action = [c](Action a, const char* name) {
        return [c, a, name](const Request& req) { return act(*c, req, a, name); };
    };
    return {
        {"GET", "/api/training/runs",
         "The runs of the served jobs (this server's, the CLI's and earlier servers'), newest first; ?status, ?job, ?kind filter, ?sort=FIELD or -FIELD, ?offset and ?limit page",
         true, bound(ctx, list_runs)},
        {"GET", "/api/training/runs/{id}", "A run: status, progress (current_epoch, total_epochs, ETA), metrics",
         true, bound(ctx, get_run)},
        {"POST", "/api/training/runs/{id}/pause", "Pause a run at its next round or trial", true,
         action(&train::JobRunner::pause, "pause")},
        {"POST", "/api/training/runs/{id}/resume", "Resume a paused run", true,
         action(&train::JobRunner::resume, "resume")},
        {"POST", "/api/training/runs/{id}/cancel", "Cancel a run; it stops within a round or trial", true,
         action(&train::JobRunner::cancel, "cancel")},
        {"GET", "/api/training/runs/{id}/events",
         "Server-Sent Events: status, progress (training-service API fields) and, for studies, one event per trial",
         true, bound(ctx, events)},
        {"GET", "/api/training/runs/{id}/rounds",
         "The run's per-round (per-epoch) metrics as stored, oldest first; ?max_points=N samples long curves", true,
         bound(ctx, rounds)},
        {"GET", "/api/training/runs/{id}/logs",
         "The run's log: timestamp, level and message per line; ?level=warning or error for those only", true,
         bound(ctx, logs)},
    };
}

}  // namespace hone::server
