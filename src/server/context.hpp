#pragma once
// What the route handlers share: the job files, the store, the options, the
// model cache. Internal to src/server/.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lang/spec.hpp"
#include "registry/store.hpp"
#include "server/model_cache.hpp"
#include "server/route.hpp"
#include "server/server.hpp"

namespace hone::server {

struct Context {
    Context(std::vector<lang::JobFile> job_files, registry::Store& s, ServerOptions o);

    std::vector<lang::JobFile> files;  // never resized after construction: the maps point into it
    registry::Store& store;
    ServerOptions options;
    ModelCache models;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<bool> stopping{false};

    // Runs execute one at a time: the store's one SQLite connection cannot hold
    // two registration transactions at once. The job queue replaces this.
    std::mutex run_mu;

    std::vector<std::string> training_names;  // declaration order, over all files
    std::vector<std::string> tuning_names;
    std::map<std::string, const lang::JobFile*> training_files;
    std::map<std::string, const lang::JobFile*> tuning_files;

    // The file defining a job; an unknown name is hone::Error(not_found,
    // "job_not_found") with "did you mean" and the known names.
    const lang::JobFile& training_file(const std::string& name) const;
    const lang::JobFile& tuning_file(const std::string& name) const;

    std::string model_root() const;
};

// Seed 000's endpoints: training and tuning jobs.
std::vector<Route> job_routes(Context& ctx);
// Seed 004's registry endpoints, health, and prediction.
std::vector<Route> model_routes(Context& ctx);

}  // namespace hone::server
