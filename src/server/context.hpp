#pragma once
// What the route handlers share: the job files, the store, the options, the
// model cache. Internal to src/server/.
#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lang/node.hpp"
#include "lang/spec.hpp"
#include "registry/store.hpp"
#include "server/batcher.hpp"
#include "server/model_cache.hpp"
#include "server/prometheus.hpp"
#include "server/route.hpp"
#include "server/server.hpp"
#include "train/runner.hpp"

namespace hone::server {

struct Context {
    Context(std::vector<lang::JobFile> job_files, registry::Store& s, ServerOptions o);

    registry::Store& store;
    ServerOptions options;
    ModelCache models;
    PredictionBatcher batcher;
    train::JobRunner runner;
    ServerMetrics metrics;  // for GET /metrics
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<bool> stopping{false};

    // Job names in declaration order: the served files' first, then those
    // created over HTTP in creation order.
    std::vector<std::string> training_names() const;
    std::vector<std::string> tuning_names() const;

    // The file defining a job; an unknown name is hone::Error(not_found,
    // "job_not_found") with "did you mean" and the known names. The reference
    // stays valid: jobs are never removed.
    const lang::JobFile& training_file(const std::string& name) const;
    const lang::JobFile& tuning_file(const std::string& name) const;
    // Pipelines, as the jobs: names in declaration order, and the file defining
    // one (hone::Error(not_found, "pipeline_not_found") listing them).
    std::vector<std::string> pipeline_names() const;
    const lang::JobFile& pipeline_file(const std::string& name) const;
    // The file defining a training job, or null.
    const lang::JobFile* find_training_file(const std::string& name) const;

    // Adds a served job file, or one created over HTTP. A job name already
    // served: hone::Error(validation, "duplicate_job") between files,
    // hone::Error(conflict, "job_exists") for a request.
    void add_job_file(lang::JobFile file, bool over_http = false);

    std::string model_root() const;
    // The server's run context with `who` set to the caller.
    RunContext run_context(const std::string& who) const;

    // The body of a model block of the files served from the start (not of
    // jobs created over HTTP), as written, or nullopt when none has that name.
    std::optional<lang::Node> served_model_block(const std::string& name) const;

    // A dataset block of the served or created files, by name; an unknown name
    // is hone::Error(not_found, "dataset_not_found") listing the known ones.
    const lang::DatasetSpec& dataset(const std::string& name) const;

private:
    mutable std::mutex jobs_mu_;
    std::deque<lang::JobFile> files_;  // a deque: adding keeps references to the others valid
    std::size_t served_files_ = 0;     // the first files_, given at start
    std::vector<std::string> training_names_, tuning_names_;
    std::map<std::string, const lang::JobFile*> training_files_, tuning_files_, pipeline_files_;
    std::vector<std::string> pipeline_names_;
};

// A route handler that calls `f` with the server's context.
inline std::function<Response(const Request&)> bound(Context& ctx, Response (*f)(Context&, const Request&)) {
    return [c = &ctx, f](const Request& req) { return f(*c, req); };
}

// Serves again the jobs earlier servers on this store created over HTTP; one
// that no longer validates (a dataset moved out of the data root, a name now
// taken by a served file) is logged and left out. Returns how many were.
int restore_created_jobs(Context& ctx);
// The job-run API's endpoints: training and tuning jobs.
std::vector<Route> job_routes(Context& ctx);
// The served datasets' rows, a page at a time.
std::vector<Route> dataset_routes(Context& ctx);
// What describes the server: OpenAPI document, docs page, Prometheus metrics.
// `routes` is the whole table, this group's routes included once returned.
std::vector<Route> meta_routes(Context& ctx, const std::vector<Route>& routes);
// The training-service API's synthetic data from prompt templates.
std::vector<Route> synthetic_routes(Context& ctx);
// The job runner's runs: state, pause/resume/cancel, event streams.
std::vector<Route> run_routes(Context& ctx);
// Pipelines: list, run (queued with the runner), executions.
std::vector<Route> pipeline_routes(Context& ctx);
// The training-service API's registry endpoints, health, and prediction.
std::vector<Route> model_routes(Context& ctx);
// The dashboard's page and its embedded scripts and styles.
std::vector<Route> dashboard_routes();

}  // namespace hone::server
