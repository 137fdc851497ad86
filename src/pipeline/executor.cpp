#include "pipeline/executor.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/build_info.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"
#include "pipeline/stages.hpp"

namespace hone::pipeline {
namespace {

const lang::PipelineSpec& find_pipeline(const lang::JobFile& file, const std::string& name) {
    if (const auto* p = file.find_pipeline(name)) return *p;
    std::vector<std::string> names;
    for (const auto& p : file.pipelines) names.push_back(p.name);
    std::string near = did_you_mean(name, names);
    throw Error(ErrorKind::not_found, "pipeline_not_found",
                file.path + " has no pipeline '" + name + "'" +
                    (!near.empty()      ? near
                     : names.empty()    ? "; it defines none"
                                        : "; its pipelines are " + join_or(names, "'")));
}

// The run statuses of the store, as an execution says them.
std::string execution_status(const std::string& run_status) {
    if (run_status == "ok") return "completed";
    if (run_status == "error") return "failed";
    return run_status;  // running, cancelled
}

// The stored document, its status from the run: an execution whose process
// died mid-stage shows that stage as interrupted.
Json document_of(const registry::RunRecord& run) {
    Json doc = run.result;
    doc["status"] = execution_status(run.status);
    doc["duration_ms"] = run.duration_ms;
    doc["error"] = run.error.empty() ? Json() : Json(run.error);
    if (run.status != "running")
        for (auto& s : doc["stages"])
            if (s["status"] == "running") s["status"] = "interrupted";
    return doc;
}

}  // namespace

registry::RunRecord resumable_execution(registry::Store& store, const std::string& name) {
    for (const auto& run : store.runs_of(name, 100)) {
        if (run.kind != "pipeline") continue;
        if (run.status == "ok")
            throw Error(ErrorKind::conflict, "run_finished",
                        "the latest execution of pipeline '" + name + "' (" + run.id + ") completed: nothing to resume",
                        {}, "run it again without --resume: stages whose inputs did not change come from the cache");
        return run;
    }
    throw Error(ErrorKind::not_found, "execution_not_found", "pipeline '" + name + "' has no execution to resume", {},
                "run it without --resume");
}

namespace {

Json stage_entry(const lang::StageSpec& s) {
    return Json{{"id", s.id},           {"type", s.type},    {"dependencies", s.dependencies},
                {"status", "pending"},  {"cached", false},   {"reused_from", nullptr},
                {"attempts", 0},        {"started_at", nullptr}, {"duration_ms", 0},
                {"cache_key", nullptr}, {"output", nullptr}, {"error", nullptr}};
}

class Execution {
public:
    Execution(const lang::JobFile& file, const lang::PipelineSpec& pipeline, registry::Store& store,
              const ExecutionOptions& options)
        : file_(file), pipeline_(pipeline), store_(store), options_(options) {}

    Json run() {
        if (options_.resume) remember_prior();
        start_record();
        schedule();
        return finish_record();
    }

private:
    // ---- the execution's record -------------------------------------------

    void remember_prior() {
        registry::RunRecord prior = resumable_execution(store_, pipeline_.name);
        prior_id_ = prior.id;
        for (const auto& s : prior.result.value("stages", Json::array()))
            if (s["status"] == "completed" && s["cache_key"].is_string()) prior_[s["id"].get<std::string>()] = s;
    }

    void start_record() {
        run_.id = options_.execution_id.empty() ? random_id("pipe") : options_.execution_id;
        run_.job = pipeline_.name;
        run_.kind = "pipeline";
        run_.status = "running";
        run_.ts = unix_seconds();
        Json stages = Json::array();
        for (const auto& s : pipeline_.stages) stages.push_back(stage_entry(s));
        doc_ = Json{{"execution_id", run_.id},  {"pipeline", pipeline_.name}, {"file", file_.path},
                    {"status", "running"},      {"started_at", rfc3339(run_.ts)},
                    {"duration_ms", 0},         {"resumed_from", prior_id_.empty() ? Json() : Json(prior_id_)},
                    {"error", nullptr},         {"stages", stages}};
        run_.result = doc_;
        if (options_.execution_id.empty()) store_.insert_run(run_);
        else store_.update_run(run_);
        log("pipeline " + pipeline_.name + ": " + std::to_string(pipeline_.stages.size()) + " stages" +
            (prior_id_.empty() ? "" : ", resuming " + prior_id_));
    }

    Json finish_record() {
        std::lock_guard<std::mutex> lock(mutex_);
        const bool cancelled = options_.context.is_cancelled();
        run_.status = !first_error_.empty() ? "error" : cancelled ? "cancelled" : "ok";
        run_.error = !first_error_.empty() ? first_error_ : cancelled ? "cancelled" : "";
        run_.duration_ms = (unix_seconds() - run_.ts) * 1000;
        run_.result = doc_;
        store_.update_run(run_);
        return document_of(run_);
    }

    // Writes the document as it stands (called with mutex_ held).
    void save() {
        run_.result = doc_;
        run_.duration_ms = (unix_seconds() - run_.ts) * 1000;
        store_.update_run(run_);
    }

    void log(const std::string& message, const std::string& level = "info") {
        store_.add_log(run_.id, registry::LogEntry{unix_seconds(), level, message});
    }

    Json& entry(std::size_t i) { return doc_["stages"][i]; }

    void publish(std::size_t i) {
        if (options_.on_stage) options_.on_stage(StageEvent{run_.id, entry(i)});
    }

    // ---- scheduling ---------------------------------------------------------

    std::size_t index_of(const std::string& id) const {
        for (std::size_t i = 0; i < pipeline_.stages.size(); ++i)
            if (pipeline_.stages[i].id == id) return i;
        throw Error(ErrorKind::internal, "unknown_stage", "no stage '" + id + "'");
    }

    std::string status(std::size_t i) { return entry(i)["status"].get<std::string>(); }

    // Pending stages whose dependencies completed start (up to max_parallel);
    // those with a failed or skipped dependency are skipped. Called with the lock.
    void launch_ready(std::vector<std::thread>& threads) {
        for (std::size_t i = 0; i < pipeline_.stages.size(); ++i) {
            if (status(i) != "pending") continue;
            bool ready = true, blocked = false;
            for (const auto& dep : pipeline_.stages[i].dependencies) {
                const std::string s = status(index_of(dep));
                ready = ready && s == "completed";
                blocked = blocked || s == "failed" || s == "skipped" || s == "cancelled";
            }
            if (blocked) {
                entry(i)["status"] = "skipped";
                entry(i)["error"] = "a stage it depends on did not complete";
                save();
                publish(i);
                continue;
            }
            if (!ready || running_ >= static_cast<std::size_t>(pipeline_.max_parallel)) continue;
            if (options_.context.is_cancelled()) {
                entry(i)["status"] = "cancelled";
                save();
                continue;
            }
            ++running_;
            entry(i)["status"] = "running";
            entry(i)["started_at"] = rfc3339(unix_seconds());
            save();
            publish(i);
            threads.emplace_back([this, i] { run_stage(i); });
        }
    }

    bool unfinished() {
        for (std::size_t i = 0; i < pipeline_.stages.size(); ++i) {
            const std::string s = status(i);
            if (s == "pending" || s == "running") return true;
        }
        return false;
    }

    void schedule() {
        std::vector<std::thread> threads;
        std::exception_ptr failure;  // the store failing under us: stop launching, let running stages end
        {
            std::unique_lock<std::mutex> lock(mutex_);
            try {
                launch_ready(threads);
                while (unfinished()) {
                    changed_.wait(lock);
                    launch_ready(threads);
                }
            } catch (...) {
                failure = std::current_exception();
                changed_.wait(lock, [this] { return running_ == 0; });
            }
        }
        for (auto& t : threads) t.join();
        if (failure) std::rethrow_exception(failure);
    }

    // ---- one stage ----------------------------------------------------------

    // The outputs of every stage `s` depends on, directly or not (completed).
    std::map<std::string, Json> upstream_of(const lang::StageSpec& s) {
        std::map<std::string, Json> out;
        std::vector<std::string> todo = s.dependencies;
        while (!todo.empty()) {
            std::string id = todo.back();
            todo.pop_back();
            if (out.count(id)) continue;
            out[id] = entry(index_of(id))["output"];
            for (const auto& d : pipeline_.find_stage(id)->dependencies) todo.push_back(d);
        }
        return out;
    }

    // What identifies each dependency's output: its cache key, or for one
    // without a key the digest of its output. Called with the lock.
    Json dependency_keys(const lang::StageSpec& s) {
        Json deps = Json::object();
        for (const auto& d : s.dependencies) {
            const Json& e = entry(index_of(d));
            deps[d] = e["cache_key"].is_string() ? e["cache_key"] : Json(sha256_hex(e["output"].dump()));
        }
        return deps;
    }

    // SHA-256 of what the output depends on: hone's version, the stage's
    // settings, the blocks and data it reads, and its dependencies' keys. Empty
    // when it cannot be cached (a source without a fingerprint).
    static std::string cache_key(const StageType& type, const StageInput& in, const Json& dependencies) {
        Json inputs = type.inputs(in);
        if (inputs.is_null()) return "";
        Json stage = lang::to_json(in.stage);
        for (const char* key : {"cache", "retries", "retry_delay"}) stage.erase(key);  // how it runs, not what
        return sha256_hex(
            Json{{"hone", hone_version()}, {"stage", stage}, {"inputs", inputs}, {"dependencies", dependencies}}.dump());
    }

    // A completed output reused for this key: from the execution resumed, else
    // from the cache; null when there is none or it no longer holds.
    Json reusable(const StageType& type, const StageInput& in, const std::string& key, std::size_t i) {
        if (key.empty()) return nullptr;
        auto prior = prior_.find(in.stage.id);
        if (prior != prior_.end() && prior->second["cache_key"] == key && type.still_valid(in, prior->second["output"])) {
            entry(i)["reused_from"] = prior_id_;
            return prior->second["output"];
        }
        if (!options_.use_cache || !in.stage.cache) return nullptr;
        auto cached = store_.stage_output(key);
        if (cached && type.still_valid(in, *cached)) return *cached;
        return nullptr;
    }

    // Runs the stage, retried as it says; the output, or throws the last error.
    Json attempt(const StageType& type, const StageInput& in, std::size_t i) {
        for (int attempt = 1;; ++attempt) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                entry(i)["attempts"] = attempt;
            }
            try {
                return type.run(in);
            } catch (const std::exception& e) {
                if (attempt > in.stage.retries || options_.context.is_cancelled()) throw;
                log("stage " + in.stage.id + " failed (attempt " + std::to_string(attempt) + "): " + e.what() +
                        "; retrying in " + format_double(in.stage.retry_delay) + " s",
                    "warning");
                sleep_unless_cancelled(in.stage.retry_delay);
            }
        }
    }

    void sleep_unless_cancelled(double seconds) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < until && !options_.context.is_cancelled())
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    void run_stage(std::size_t i) {
        const lang::StageSpec& spec = pipeline_.stages[i];
        const auto started = std::chrono::steady_clock::now();
        std::string error;
        Json output;
        bool cached = false;
        std::string key;
        try {
            const StageType& type = stage_types().find(spec.type);
            StageInput in{file_, pipeline_, spec, store_, options_.context, {},
                          [this, &spec](const std::string& m) { log("[" + spec.id + "] " + m); }, fingerprints_};
            Json dependencies;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                in.upstream = upstream_of(spec);
                dependencies = dependency_keys(spec);
            }
            key = cache_key(type, in, dependencies);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                output = reusable(type, in, key, i);
            }
            cached = !output.is_null();
            if (!cached) {
                output = attempt(type, in, i);
                if (!key.empty()) store_.save_stage_output(key, output);
            }
        } catch (const std::exception& e) {
            error = e.what();
        }
        finish_stage(i, key, output, cached, error, started);
    }

    void finish_stage(std::size_t i, const std::string& key, const Json& output, bool cached, const std::string& error,
                      std::chrono::steady_clock::time_point started) {
        const std::string& id = pipeline_.stages[i].id;
        if (error.empty())
            log("stage " + id + (cached ? " completed (cached)" : " completed"));
        else
            log("stage " + id + " failed: " + error, "error");
        std::lock_guard<std::mutex> lock(mutex_);
        Json& e = entry(i);
        e["status"] = error.empty() ? "completed" : "failed";
        e["cached"] = cached;
        e["cache_key"] = key.empty() ? Json() : Json(key);
        e["output"] = output;
        e["error"] = error.empty() ? Json() : Json(error);
        e["duration_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        if (!error.empty() && first_error_.empty()) first_error_ = "stage '" + id + "' failed: " + error;
        --running_;
        save();
        publish(i);
        changed_.notify_all();
    }

    const lang::JobFile& file_;
    const lang::PipelineSpec& pipeline_;
    registry::Store& store_;
    const ExecutionOptions& options_;
    registry::RunRecord run_;
    Json doc_;
    std::string prior_id_;
    std::map<std::string, Json> prior_;  // the resumed execution's completed stages
    std::mutex mutex_;                   // doc_, running_, first_error_ and the store's run row
    std::condition_variable changed_;
    std::size_t running_ = 0;
    std::string first_error_;
    Fingerprints fingerprints_;
};

}  // namespace

Json run_pipeline(const lang::JobFile& file, const std::string& name, registry::Store& store,
                  const ExecutionOptions& options) {
    const lang::PipelineSpec& pipeline = find_pipeline(file, name);
    return Execution(file, pipeline, store, options).run();
}

std::optional<Json> find_execution(registry::Store& store, const std::string& id) {
    auto run = store.get_run(id);
    if (!run || run->kind != "pipeline") return std::nullopt;
    return document_of(*run);
}

std::vector<Json> executions_of(registry::Store& store, const std::string& name, int limit) {
    std::vector<Json> out;
    for (const auto& run : store.runs_of(name, limit))
        if (run.kind == "pipeline") out.push_back(document_of(run));
    return out;
}

Json describe_pipeline(const lang::PipelineSpec& pipeline) { return lang::to_json(pipeline); }

}  // namespace hone::pipeline
