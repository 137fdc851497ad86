// Runs of the job runner: their state, pause / resume / cancel, and their
// progress as a Server-Sent Events stream. The training-service API's shape: {"data": ...}.
#include <chrono>
#include <string>

#include "common/error.hpp"
#include "server/context.hpp"
#include "train/run_log.hpp"

namespace hone::server {

namespace {

Response get_run(Context& ctx, const Request& req) {
    const std::string& id = req.param("id");
    if (auto v = ctx.runner.get(id)) return wrapped(v->to_json());
    // A run of an earlier server process: what the store kept.
    if (auto record = ctx.store.get_run(id)) return wrapped(train::view_of(*record).to_json());
    throw Error(ErrorKind::not_found, "run_not_found", "no run '" + id + "'", {},
                "GET /api/training/runs lists the runs of this server");
}

Response list_runs(Context& ctx, const Request&) {
    Json out = Json::array();
    for (const auto& v : ctx.runner.list()) {
        Json j = v.to_json();
        j.erase("result");
        out.push_back(std::move(j));
    }
    return wrapped(std::move(out));
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

}  // namespace

std::vector<Route> run_routes(Context& ctx) {
    Context* c = &ctx;
    auto action = [c](Action a, const char* name) {
        return [c, a, name](const Request& req) { return act(*c, req, a, name); };
    };
    return {
        {"GET", "/api/training/runs", "The runs of this server, newest first", true, bound(ctx, list_runs)},
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
        {"GET", "/api/training/runs/{id}/logs",
         "The run's log: timestamp, level and message per line; ?level=warning or error for those only", true,
         bound(ctx, logs)},
    };
}

}  // namespace hone::server
