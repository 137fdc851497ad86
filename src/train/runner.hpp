#pragma once
// The job runner: a queue of runs executed by a fixed number of workers, with
// the run lifecycle (pending, running, paused, completed, failed,
// cancelled), live progress events, cancel / pause / resume and a per-run
// timeout. What a run does is a closure: the runner knows nothing of training
// or tuning, so the server hands it either (see server/job_routes.cpp).
//
// Contracts:
// - A run is a row in the store from the moment it is queued (status "pending").
//   The work records its own outcome there (the trainer and the study do); the
//   runner only rewrites it for what the work cannot know: a timeout, or a run
//   cancelled before it started.
// - Statuses in the store keep the run history shape's vocabulary ("ok", "error",
//   "cancelled", "running", "pending"); RunState is the run lifecycle's view of them.
// - Runs a crashed process left pending or running are marked "error" with
//   reason "interrupted" by registry::recover(), which the server and every
//   command run when they open the store.
// - checkpoint() is the only place a paused run waits and the only place a
//   cancel, a timeout or a stop is seen; work calls it every round and trial.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/store.hpp"

namespace hone::train {

using Json = nlohmann::ordered_json;

enum class RunState { pending, running, paused, completed, failed, cancelled };
std::string_view to_string(RunState s);
bool finished(RunState s);
// A store status ("ok", "error", ...) as a RunState.
RunState state_of_status(std::string_view status);

class RunControl;

struct RunSpec {
    std::string job;
    std::string kind = "training";  // training or tuning
    std::string actor;              // who asked, for the audit log
    double timeout_seconds = 0;     // 0 = none; past it the run fails with that reason
    // Does the run. `run_id` is the id of its row in the store, which it takes
    // over; returns the result document; throws hone::Error on failure.
    std::function<Json(const std::string& run_id, RunControl&)> work;
};

struct RunEvent {
    std::uint64_t seq = 0;  // 1, 2, ... within a run
    std::string type;       // status, progress, trial, end
    Json data;
};

// One run as the API shows it.
struct RunView {
    std::string id, job, kind, actor;
    RunState state = RunState::pending;
    double created_at = 0, started_at = 0, finished_at = 0;  // unix seconds; 0 = not yet
    Json progress = Json::object();  // the latest progress event's "progress"
    Json metrics = Json::object();   // the latest metrics seen (while running) or the result's
    Json result;                     // when completed; only get() and view_of() fill it
    std::string error;               // when failed or cancelled
    Json to_json() const;
};

// A run as the store kept it (one of an earlier server process, say).
RunView view_of(const registry::RunRecord& record);

struct RunnerOptions {
    int max_concurrent = 1;     // runs at once
    std::size_t max_queued = 64;  // pending runs beyond it: hone::Error(busy)
    // Finished runs kept in memory (view and events); older ones are forgotten
    // here and remain in the store.
    std::size_t keep_finished = 1000;
};

class RunControl {
public:
    // False to go on. True once the run is cancelled, timed out or the runner
    // stops. While the run is paused, waits here until resumed or cancelled.
    bool checkpoint();
    // A progress event for subscribers; `data` gets job_id and run_id added.
    void publish(const std::string& type, Json data);

private:
    friend class JobRunner;
    struct Run;
    explicit RunControl(std::shared_ptr<Run> run) : run_(std::move(run)) {}
    std::shared_ptr<Run> run_;
};

struct EventBatch {
    std::vector<RunEvent> events;  // seq > the `after` asked for, in order
    bool ended = false;            // the run has finished and `events` holds its last
};

class JobRunner {
public:
    JobRunner(registry::Store& store, RunnerOptions options = {});
    ~JobRunner();  // stop()
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    // Queues a run and returns its id. The same job already pending, running or
    // paused: hone::Error(conflict, "job_running"); the queue full:
    // hone::Error(busy, "queue_full").
    std::string submit(RunSpec spec);

    std::optional<RunView> get(const std::string& id) const;
    // Runs this runner holds, newest first, without their result documents.
    std::vector<RunView> list() const;
    // Waits until the run has finished (or `timeout` passed) and returns its view.
    RunView wait(const std::string& id, std::chrono::milliseconds timeout = std::chrono::hours(24 * 365));
    // A failed or cancelled run: throws what ended it (the work's hone::Error,
    // or "timed_out" / "cancelled"). Otherwise returns.
    void rethrow_failure(const std::string& id) const;

    // Unknown id: hone::Error(not_found, "run_not_found"). A finished run:
    // hone::Error(conflict, "run_finished"). Pausing a pending run holds it at its
    // first checkpoint; resume of a run not paused is a conflict too.
    RunView cancel(const std::string& id);
    RunView pause(const std::string& id);
    RunView resume(const std::string& id);

    // The run's events after sequence number `after`, waiting up to `wait` for
    // one when there are none yet.
    EventBatch events(const std::string& id, std::uint64_t after, std::chrono::milliseconds wait) const;

    // Cancels every run (pending ones never start), waits for the workers.
    // Idempotent.
    void stop();

    std::size_t running() const;
    std::size_t queued() const;

private:
    using RunPtr = std::shared_ptr<RunControl::Run>;
    RunPtr find(const std::string& id) const;
    void worker();
    void execute(const RunPtr& run);
    void settle_record(const std::string& id, RunState end, const std::string& error, bool overrule);
    void forget_old_runs();

    registry::Store& store_;
    RunnerOptions options_;
    mutable std::mutex mu_;
    std::condition_variable queue_cv_;
    std::deque<RunPtr> queue_;
    std::map<std::string, RunPtr> runs_;
    std::vector<RunPtr> order_;  // submission order
    std::vector<std::thread> workers_;
    bool stopping_ = false;
};

}  // namespace hone::train
