#include "train/runner.hpp"

#include <algorithm>

#include "common/clock.hpp"
#include "common/error.hpp"

namespace hone::train {

std::string_view to_string(RunState s) {
    switch (s) {
        case RunState::pending: return "pending";
        case RunState::running: return "running";
        case RunState::paused: return "paused";
        case RunState::completed: return "completed";
        case RunState::failed: return "failed";
        case RunState::cancelled: return "cancelled";
    }
    return "failed";
}

bool finished(RunState s) {
    return s == RunState::completed || s == RunState::failed || s == RunState::cancelled;
}

RunState state_of_status(std::string_view status) {
    if (status == "ok") return RunState::completed;
    if (status == "pending") return RunState::pending;
    if (status == "running") return RunState::running;
    if (status == "paused") return RunState::paused;
    if (status == "cancelled") return RunState::cancelled;
    return RunState::failed;
}

Json RunView::to_json() const {
    Json j{{"run_id", id},          {"job_id", job},         {"kind", kind},
           {"status", to_string(state)}, {"created_at", created_at}, {"started_at", started_at},
           {"finished_at", finished_at}, {"progress", progress}, {"metrics", metrics}};
    if (!result.is_null()) j["result"] = result;
    if (!error.empty()) j["error"] = error;
    return j;
}

RunView view_of(const registry::RunRecord& record) {
    RunView v;
    v.id = record.id;
    v.job = record.job;
    v.kind = record.kind;
    v.state = state_of_status(record.status);
    // The store keeps a run's start and its duration: a run the CLI or an
    // earlier server recorded started when it was created and, once over,
    // finished that much later.
    v.created_at = record.ts;
    if (v.state != RunState::pending) v.started_at = record.ts;
    if (finished(v.state)) v.finished_at = record.ts + record.duration_ms / 1000;
    v.metrics = record.metrics;
    if (!record.result.empty()) v.result = record.result;
    v.error = record.error;
    return v;
}

// One run's shared state. Every field is guarded by `mu`.
struct RunControl::Run {
    RunSpec spec;
    RunView view;
    std::vector<RunEvent> events;
    bool cancel_requested = false;
    bool pause_requested = false;
    bool stopping = false;  // the runner stops
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    bool timed_out = false;
    std::exception_ptr failure;  // why it failed or was cancelled
    Json result;                 // when completed; kept out of `view`, which list() copies
    mutable std::mutex mu;
    mutable std::condition_variable cv;  // pause/resume/cancel, new events, the end

    void add_event(const std::string& type, Json data) {
        RunEvent e;
        e.seq = events.size() + 1;
        e.type = type;
        data["job_id"] = view.job;
        data["jobId"] = view.job;  // the training-service API's progress messages name it so
        data["run_id"] = view.id;
        data["status"] = to_string(view.state);
        e.data = std::move(data);
        events.push_back(std::move(e));
        cv.notify_all();
    }
    void set_state(RunState s) {
        view.state = s;
        add_event("status", Json::object());
    }
};

bool RunControl::checkpoint() {
    Run& r = *run_;
    std::unique_lock lock(r.mu);
    auto over = [&] {
        if (!r.timed_out && std::chrono::steady_clock::now() >= r.deadline) r.timed_out = true;
        return r.cancel_requested || r.stopping || r.timed_out;
    };
    if (over()) return true;
    if (!r.pause_requested) return false;
    r.set_state(RunState::paused);
    while (r.pause_requested && !over()) r.cv.wait_until(lock, std::min(r.deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1)));
    if (over()) return true;
    r.set_state(RunState::running);
    return false;
}

void RunControl::publish(const std::string& type, Json data) {
    Run& r = *run_;
    std::lock_guard lock(r.mu);
    if (data.contains("progress")) r.view.progress = data["progress"];
    if (data.contains("metrics") && data["metrics"].is_object() && !data["metrics"].empty())
        r.view.metrics = data["metrics"];
    r.add_event(type, std::move(data));
}

JobRunner::JobRunner(registry::Store& store, RunnerOptions options) : store_(store), options_(options) {
    int n = std::max(1, options_.max_concurrent);
    for (int i = 0; i < n; ++i) workers_.emplace_back([this] { worker(); });
}

JobRunner::~JobRunner() { stop(); }

std::string JobRunner::submit(RunSpec spec) {
    auto run = std::make_shared<RunControl::Run>();
    {
        std::lock_guard lock(mu_);
        if (stopping_) throw Error(ErrorKind::busy, "stopping", "the server is stopping; no new runs start");
        for (const auto& other : order_) {
            std::lock_guard olock(other->mu);
            if (other->view.job == spec.job && other->view.kind == spec.kind && !finished(other->view.state))
                throw Error(ErrorKind::conflict, "job_running",
                            spec.kind + " job '" + spec.job + "' already has run " + other->view.id + " " +
                                std::string(to_string(other->view.state)),
                            {}, "wait for it, or POST /api/training/runs/" + other->view.id + "/cancel");
        }
        if (queue_.size() >= options_.max_queued)
            throw Error(ErrorKind::busy, "queue_full",
                        "the run queue is full (" + std::to_string(queue_.size()) + " runs waiting)", {},
                        "retry when runs have finished");
        run->view.id = random_id("run");
        run->view.job = spec.job;
        run->view.kind = spec.kind;
        run->view.actor = spec.actor;
        run->view.created_at = unix_seconds();
        run->spec = std::move(spec);
        registry::RunRecord record;
        record.id = run->view.id;
        record.job = run->view.job;
        record.kind = run->view.kind;
        record.status = "pending";
        record.ts = run->view.created_at;
        store_.insert_run(record);
        runs_[run->view.id] = run;
        order_.push_back(run);
        queue_.push_back(run);
        std::lock_guard rlock(run->mu);
        run->add_event("status", Json::object());
    }
    queue_cv_.notify_one();
    return run->view.id;
}

JobRunner::RunPtr JobRunner::find(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = runs_.find(id);
    if (it == runs_.end())
        throw Error(ErrorKind::not_found, "run_not_found", "no run '" + id + "'", {},
                    "GET /api/training/runs lists the runs of the served jobs");
    return it->second;
}

std::optional<RunView> JobRunner::get(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = runs_.find(id);
    if (it == runs_.end()) return std::nullopt;
    std::lock_guard rlock(it->second->mu);
    RunView v = it->second->view;
    v.result = it->second->result;
    return v;
}

std::vector<RunView> JobRunner::list() const {
    std::lock_guard lock(mu_);
    std::vector<RunView> out;
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
        std::lock_guard rlock((*it)->mu);
        out.push_back((*it)->view);
    }
    return out;
}

RunView JobRunner::wait(const std::string& id, std::chrono::milliseconds timeout) {
    RunPtr run = find(id);
    std::unique_lock lock(run->mu);
    run->cv.wait_for(lock, timeout, [&] { return finished(run->view.state); });
    return run->view;
}

namespace {

[[noreturn]] void refuse(const RunView& v, const std::string& action) {
    throw Error(ErrorKind::conflict, v.state == RunState::paused || v.state == RunState::running ? "run_not_paused"
                                                                                                  : "run_finished",
                "cannot " + action + " run " + v.id + ": it is " + std::string(to_string(v.state)));
}

}  // namespace

RunView JobRunner::cancel(const std::string& id) {
    RunPtr run = find(id);
    bool was_queued = false;
    {
        std::lock_guard lock(run->mu);
        if (finished(run->view.state)) refuse(run->view, "cancel");
        run->cancel_requested = true;
        if (run->view.state == RunState::pending && run->view.started_at == 0) was_queued = true;
        run->cv.notify_all();
    }
    if (was_queued) {
        std::lock_guard lock(mu_);
        auto it = std::find(queue_.begin(), queue_.end(), run);
        if (it != queue_.end()) {
            queue_.erase(it);
            std::lock_guard rlock(run->mu);
            run->view.error = "cancelled before it started";
            run->view.finished_at = unix_seconds();
            run->set_state(RunState::cancelled);
            run->add_event("end", Json::object());
            auto record = store_.get_run(id);
            if (record) {
                record->status = "cancelled";
                record->error = run->view.error;
                store_.update_run(*record);
            }
        }
    }
    std::lock_guard lock(run->mu);
    return run->view;
}

void JobRunner::rethrow_failure(const std::string& id) const {
    RunPtr run = find(id);
    std::lock_guard lock(run->mu);
    if (run->failure) std::rethrow_exception(run->failure);
    if (run->view.state == RunState::cancelled)
        throw Error(ErrorKind::cancelled, "cancelled", "run " + id + " was cancelled: " + run->view.error);
}

RunView JobRunner::pause(const std::string& id) {
    RunPtr run = find(id);
    std::lock_guard lock(run->mu);
    if (finished(run->view.state)) refuse(run->view, "pause");
    run->pause_requested = true;
    return run->view;
}

RunView JobRunner::resume(const std::string& id) {
    RunPtr run = find(id);
    std::lock_guard lock(run->mu);
    if (finished(run->view.state) || !run->pause_requested) refuse(run->view, "resume");
    run->pause_requested = false;
    run->cv.notify_all();
    return run->view;
}

EventBatch JobRunner::events(const std::string& id, std::uint64_t after, std::chrono::milliseconds wait) const {
    RunPtr run = find(id);
    std::unique_lock lock(run->mu);
    auto ready = [&] { return run->events.size() > after || finished(run->view.state); };
    run->cv.wait_for(lock, wait, ready);
    EventBatch out;
    for (std::size_t i = after; i < run->events.size(); ++i) out.events.push_back(run->events[i]);
    out.ended = finished(run->view.state) && !run->events.empty() && run->events.back().type == "end";
    return out;
}

void JobRunner::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
        for (const auto& run : order_) {
            std::lock_guard rlock(run->mu);
            run->stopping = true;
            run->cv.notify_all();
        }
    }
    queue_cv_.notify_all();
    for (auto& t : workers_)
        if (t.joinable()) t.join();
    workers_.clear();
    // Runs that never started end cancelled.
    std::lock_guard lock(mu_);
    for (const auto& run : queue_) {
        std::lock_guard rlock(run->mu);
        run->view.error = "the server stopped before the run started";
        run->view.finished_at = unix_seconds();
        run->set_state(RunState::cancelled);
        run->add_event("end", Json::object());
        if (auto record = store_.get_run(run->view.id)) {
            record->status = "cancelled";
            record->error = run->view.error;
            store_.update_run(*record);
        }
    }
    queue_.clear();
}

std::size_t JobRunner::running() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& run : order_) {
        std::lock_guard rlock(run->mu);
        n += run->view.state == RunState::running || run->view.state == RunState::paused;
    }
    return n;
}

std::size_t JobRunner::queued() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

void JobRunner::worker() {
    for (;;) {
        RunPtr run;
        {
            std::unique_lock lock(mu_);
            queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            run = queue_.front();
            queue_.pop_front();
        }
        execute(run);
        forget_old_runs();
    }
}

void JobRunner::execute(const RunPtr& run) {
    {
        std::lock_guard lock(run->mu);
        run->view.started_at = unix_seconds();
        if (run->spec.timeout_seconds > 0)
            run->deadline = std::chrono::steady_clock::now() +
                            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(run->spec.timeout_seconds));
        run->set_state(RunState::running);
    }
    RunControl control(run);
    Json result;
    std::string error;
    RunState end = RunState::completed;
    std::exception_ptr failure;
    try {
        result = run->spec.work(run->view.id, control);
    } catch (const Error& e) {
        error = e.what();
        end = e.kind() == ErrorKind::cancelled ? RunState::cancelled : RunState::failed;
        failure = std::current_exception();
    } catch (const std::exception& e) {
        error = std::string("internal error: ") + e.what();
        end = RunState::failed;
        failure = std::make_exception_ptr(Error(ErrorKind::internal, "internal_error", error));
    }
    std::lock_guard lock(run->mu);
    if (run->timed_out) {
        // The work saw a cancellation; the reason is the clock.
        end = RunState::failed;
        char buf[64];
        std::snprintf(buf, sizeof buf, "timed out after %g s", run->spec.timeout_seconds);
        error = buf;
        failure = std::make_exception_ptr(Error(ErrorKind::cancelled, "timed_out", "run " + run->view.id + " " + error,
                                                {}, "the server's --job-timeout sets the limit"));
    } else if (end == RunState::cancelled && run->stopping && !run->cancel_requested) {
        error = "the server stopped during the run";
    }
    settle_record(run->view.id, end, error, run->timed_out);
    run->view.finished_at = unix_seconds();
    run->view.error = error;
    run->failure = failure;
    if (end == RunState::completed) {
        if (result.contains("metrics")) run->view.metrics = result["metrics"];
        else if (result.contains("best_metrics")) run->view.metrics = result["best_metrics"];
        run->result = std::move(result);
    }
    run->set_state(end);
    Json last = Json::object();
    if (!error.empty()) last["error"] = error;
    run->add_event("end", std::move(last));
}

void JobRunner::forget_old_runs() {
    std::lock_guard lock(mu_);
    std::size_t finished_runs = 0;
    for (const auto& run : order_) {
        std::lock_guard rlock(run->mu);
        finished_runs += finished(run->view.state);
    }
    for (auto it = order_.begin(); it != order_.end() && finished_runs > options_.keep_finished;) {
        bool done;
        {
            std::lock_guard rlock((*it)->mu);
            done = finished((*it)->view.state);
        }
        if (!done) {
            ++it;
            continue;
        }
        runs_.erase((*it)->view.id);
        it = order_.erase(it);
        --finished_runs;
    }
}

void JobRunner::settle_record(const std::string& id, RunState end, const std::string& error, bool overrule) {
    // The work records its own outcome, unless it failed before taking the row
    // over (an unknown job, say) or the runner knows better (a timeout).
    auto record = store_.get_run(id);
    if (!record) return;
    bool open = state_of_status(record->status) == RunState::pending || record->status == "running";
    if (!open && !overrule) return;
    record->status = end == RunState::completed ? "ok" : end == RunState::cancelled ? "cancelled" : "error";
    record->error = error;
    store_.update_run(*record);
}

}  // namespace hone::train
