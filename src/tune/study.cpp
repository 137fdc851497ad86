#include "tune/study.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/file.hpp"
#include "lang/job_file.hpp"
#include "registry/recovery.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "train/early_stopping.hpp"
#include "train/run_log.hpp"
#include "train/setup.hpp"
#include "train/trainer.hpp"
#include "tune/pruner.hpp"
#include "tune/validate.hpp"
#include "tune/sampler.hpp"
#include "tune/worker_processes.hpp"
#include "models/worker_processes.hpp"

namespace hone::tune {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

TrialState state_of(const std::string& status) {
    if (status == "ok") return TrialState::complete;
    if (status == "pruned") return TrialState::pruned;
    if (status == "failed") return TrialState::failed;
    return TrialState::running;
}

bool better(double a, double b, Direction d) { return d == Direction::maximize ? a > b : a < b; }

// The sampler's view of the study's trials.
std::vector<TrialRecord> records_of(const std::vector<registry::TrialRow>& rows) {
    std::vector<TrialRecord> history;
    history.reserve(rows.size());
    for (const auto& row : rows) {
        TrialRecord t;
        t.number = row.number;
        t.state = state_of(row.status);
        t.params = row.params;
        t.value = row.value;
        if (t.state == TrialState::pruned && !row.intermediate.empty())
            t.step = row.intermediate.back()[0].get<int>();
        history.push_back(std::move(t));
    }
    return history;
}

// next_trial(): nothing to claim yet, but the shared study's trials are not over.
constexpr int kWaitForTrial = -2;

// What one trial's fit gives back to the study.
struct TrialOutcome {
    std::string status = "ok";
    std::optional<double> value;
    Json metrics = Json::object();
    std::string error;
    std::unique_ptr<train::FitResult> fit;  // kept while it may be the best
};

class Study {
public:
    Study(const lang::TuningSpec& spec, train::TrainingSetup& setup, registry::Store& store,
          const TuneOptions& options, registry::RunRecord& run)
        : spec_(spec), setup_(setup), store_(store), options_(options), run_(run), log_(store, run.id) {
        objective_ = metrics::resolve_objective(spec.objective_metric, setup.task);
        direction_ = objective_.direction;
        if (std::find(setup_.metric_names.begin(), setup_.metric_names.end(), objective_.metric) ==
            setup_.metric_names.end())
            setup_.metric_names.push_back(objective_.metric);
        check_space(spec, *setup.algo);
        space_ = SearchSpace::from_spec(spec.search_space);
        SamplerOptions so;
        so.seed = spec.seed;
        so.direction = direction_;
        so.grid_points = spec.grid_points;
        so.max_trials = spec.max_trials;
        sampler_ = make_sampler(spec.strategy, space_, so);
        for (const auto& n : sampler_->notes()) notes_.push_back(n);
        pruner_ = make_pruner(spec.pruner, direction_);
        round_key_ = train::round_key(objective_.metric, setup.task);
        if (spec.cv > 1 && setup.task == models::Task::clustering)
            notes_.push_back("'cv' is not used by clusterers: each trial is measured on the rows it clusters");
        if (spec.pruner != "none" && cross_validates()) {
            notes_.push_back("pruning is off under cross-validation: rounds of different folds do not compare");
            pruner_ = make_pruner("none", direction_);
        } else if (spec.pruner != "none" && !setup.algo->iterative) {
            notes_.push_back("pruner '" + spec.pruner + "' has nothing to act on: " + setup.algo->name +
                             " does not train in rounds");
        } else {
            prunes_ = spec.pruner != "none";
        }
        if (spec.early_stopping && spec.early_stopping->enabled) {
            train::ResolvedStopping stopping = train::resolve_stopping(*spec.early_stopping, setup.task);
            stopper_.emplace(stopping.spec);
            stop_metric_ = stopping.metric;
        }
        unsigned cores = options.context.threads ? options.context.threads : std::max(1u, std::thread::hardware_concurrency());
        workers_ = std::max(1, spec.parallel_trials);
        threads_per_trial_ = std::max(1u, cores / static_cast<unsigned>(workers_));
        max_trials_ = spec.max_trials;
        if (auto cap = sampler_->capacity(); cap && *cap < static_cast<std::size_t>(max_trials_)) {
            notes_.push_back("the grid has " + std::to_string(*cap) + " points, fewer than max_trials (" +
                             std::to_string(max_trials_) + "): the study ends after " + std::to_string(*cap));
            max_trials_ = static_cast<int>(*cap);
        }
    }

    // Trials already in the store (resume): ended ones are kept, running ones rerun.
    void adopt(std::vector<registry::TrialRow> previous) {
        for (auto& row : previous) {
            if (row.number != static_cast<int>(rows_.size()))
                throw Error(ErrorKind::data, "study_corrupt",
                            "study " + run_.id + " has no trial " + std::to_string(rows_.size()));
            TrialProgress p;
            p.number = row.number;
            p.state = state_of(row.status);
            for (const auto& iv : row.intermediate) p.intermediate[iv[0].get<int>()] = iv[1].get<double>();
            if (p.state == TrialState::running) rerun_.push_back(row.number);
            else observe_end(row);
            progress_.push_back(std::move(p));
            rows_.push_back(std::move(row));
        }
        resumed_ = static_cast<int>(rows_.size()) - static_cast<int>(rerun_.size());
    }

    void run() {
        std::thread beat;
        if (shared_) beat = std::thread([this] { heartbeats(); });
        std::vector<std::thread> pool;
        for (int i = 1; i < workers_; ++i) pool.emplace_back([this] { work(); });
        try {
            work();
        } catch (...) {
            for (auto& t : pool) t.join();
            stop_heartbeats(beat);
            throw;
        }
        for (auto& t : pool) t.join();
        stop_heartbeats(beat);
    }

    // This process as one worker of a shared study: trials come from the store.
    void share(const registry::ClaimRules& rules, double poll_seconds, int threads_per_trial) {
        shared_ = true;
        watching_ = false;
        rules_ = rules;
        rules_.max_trials = max_trials_;
        poll_seconds_ = poll_seconds;
        workers_ = 1;
        if (threads_per_trial > 0) threads_per_trial_ = static_cast<unsigned>(threads_per_trial);
    }

    // The coordinator's view: reads the store's trials and shows each start
    // and end once. Returns whether the study's trials are over (the budget
    // spent, or stopped, and nothing running or waiting).
    bool watch() {
        auto stored = store_.trials_of(run_.id);
        std::lock_guard lock(mu_);
        watching_ = true;
        merge(stored);
        for (const auto& row : rows_) {
            std::string& seen = seen_[row.number];
            if (seen == row.status) continue;
            seen = row.status;
            if (row.status == "running") {
                emit("started", row);
            } else if (row.status != "waiting") {
                ++finished_;
                observe_end(row);
                emit("ended", row);
            }
        }
        return !registry::any_trial_open(rows_) &&
               (registry::trials_counted(rows_) >= max_trials_ || stopped_early(rows_));
    }

    // What this process ran of a shared study.
    Json worker_summary() {
        std::lock_guard lock(mu_);
        Json counts{{"study_id", run_.id}, {"job", spec_.name}, {"trials_run", 0}, {"ok", 0}, {"pruned", 0},
                    {"failed", 0}, {"lost", 0}};
        for (const auto& row : rows_) {
            if (row.owner != rules_.owner || row.status == "running" || row.status == "waiting") continue;
            bool lost = row.status == "failed" && row.error.rfind("lost:", 0) == 0;
            counts["trials_run"] = counts["trials_run"].get<int>() + 1;
            const char* kind = lost ? "lost" : row.status.c_str();
            if (counts.contains(kind)) counts[kind] = counts[kind].get<int>() + 1;
        }
        counts["claims"] = cost_.claims;
        counts["claim_ms"] = cost_.claim_ms;
        counts["sample_ms"] = cost_.sample_ms;
        counts["store_ms"] = cost_.claim_ms + cost_.other_store_ms + heartbeat_ms_.load();
        return counts;
    }

    // The result's view of a shared study: every trial as the store has it.
    void take_stored_trials() {
        auto stored = store_.trials_of(run_.id);
        std::lock_guard lock(mu_);
        mine_.clear();
        merge(stored);
        best_number_ = -1;
        for (const auto& row : rows_) observe_end(row);
    }

    Json result(double duration_ms) {
        std::lock_guard lock(mu_);
        Json r;
        int ok = 0, pruned = 0, failed = 0;
        Json trials = Json::array();
        Json errors = Json::array();
        for (const auto& row : rows_) {
            ok += row.status == "ok";
            pruned += row.status == "pruned";
            failed += row.status == "failed";
            if (row.status == "failed") errors.push_back("trial " + std::to_string(row.number) + ": " + row.error);
            trials.push_back(row.to_json());
        }
        bool all_failed = ok == 0 && pruned == 0 && failed > 0;
        const registry::TrialRow* best = best_number_ >= 0 ? &rows_[static_cast<std::size_t>(best_number_)] : nullptr;
        r["status"] = all_failed ? "error" : (cancelled_ ? "cancelled" : "ok");
        r["job"] = spec_.name;
        r["training_job"] = spec_.training_job;
        r["strategy"] = spec_.strategy;
        r["total_trials"] = rows_.size();
        r["best_trial"] = best ? Json(best->number) : Json();
        r["best_hyperparameters"] = best ? best->params : Json();
        r["best_metrics"] = best ? best->metrics : Json();
        r["best_value"] = best ? Json(*best->value) : Json();
        r["best_model_registry_key"] = best_key_.empty() ? Json() : Json(best_key_);
        r["study_id"] = run_.id;
        r["objective"] = Json{{"metric", objective_.metric},
                              {"direction", direction_ == Direction::maximize ? "maximize" : "minimize"},
                              {"split", split_name()}};
        if (cross_validates()) r["cv"] = spec_.cv;
        r["completed_trials"] = ok;
        r["pruned_trials"] = pruned;
        r["failed_trials"] = failed;
        r["resumed_trials"] = resumed_;
        r["parallel_trials"] = workers_;
        if (options_.workers > 0) {
            r["workers"] = options_.workers;
            r["rerun_trials"] = static_cast<int>(rows_.size()) - registry::trials_counted(rows_);
        }
        r["pruner"] = spec_.pruner;
        r["duration_ms"] = duration_ms;
        r["importance"] = hyperparameter_importance(rows_);
        r["notes"] = notes_;
        Json warnings = warnings_;
        for (const auto& w : setup_.warnings) warnings.push_back(w);
        r["warnings"] = warnings;
        if (!errors.empty()) r["errors"] = errors;
        r["trials"] = trials;
        return r;
    }

    // Registers the best trial's model (refitted on the training split under cv).
    void register_best(const train::TrainOptions& train_options) {
        if (best_number_ < 0 || spec_.register_models == "all" || !options_.register_models) return;
        const registry::TrialRow& best = rows_[static_cast<std::size_t>(best_number_)];
        if (!best_fit_) {
            train::FitHooks hooks;
            hooks.threads = options_.context.threads;
            hooks.cancelled = options_.context.cancelled;
            best_fit_ = std::make_unique<train::FitResult>(train::fit_model(setup_, best.params, hooks));
        }
        auto entry = train::register_trained(store_, setup_, *best_fit_, run_.id, train_options, trial_metadata(best));
        best_key_ = entry.key;
        rows_[static_cast<std::size_t>(best_number_)].registry_key = entry.key;
        store_.save_trial(rows_[static_cast<std::size_t>(best_number_)]);
    }

    bool cancelled() const { return cancelled_; }

    bool cross_validates() const { return spec_.cv > 1 && setup_.task != models::Task::clustering; }

    // Where trials are scored: a clusterer on the rows it clusters.
    const char* split_name() const {
        if (setup_.task == models::Task::clustering) return "clustered";
        return cross_validates() ? "cv" : (setup_.y_valid.empty() ? "test" : "validation");
    }
    const Json& warnings() const { return warnings_; }

private:
    // Each dimension as the job checker checks it (validate.hpp). A categorical
    // with one value is not a search: a warning.
    void check_space(const lang::TuningSpec& spec, const models::AlgorithmSpec& algo) {
        for (const auto& d : spec.search_space) {
            if (auto warning = check_dimension(d, algo, setup_.spec.strict)) warnings_.push_back(*warning);
            if (d.type == lang::SearchDimension::Type::categorical && d.values.size() == 1)
                warnings_.push_back("search space key '" + d.name + "' has a single value (" + d.values[0].dump() +
                                    "): it is fixed, not searched");
        }
    }

    Json trial_metadata(const registry::TrialRow& row) const {
        return Json{{"tuning_job", spec_.name}, {"study_id", run_.id}, {"trial", row.number}};
    }

    // The next trial to run, or -1 when the study is done. Called under the lock.
    int next_trial() {
        if (stop_ || cancelled_) return -1;
        if (options_.context.is_cancelled()) {
            cancelled_ = true;
            return -1;
        }
        if (!rerun_.empty()) {
            int n = rerun_.front();
            rerun_.pop_front();
            return n;
        }
        if (shared_) return claim_next();
        if (static_cast<int>(rows_.size()) >= max_trials_) return -1;
        int n = static_cast<int>(rows_.size());
        registry::TrialRow row;
        row.study = run_.id;
        row.number = n;
        row.params = sampler_->suggest(records_of(rows_), n);
        rows_.push_back(row);
        TrialProgress p;
        p.number = n;
        progress_.push_back(p);
        return n;
    }

    void work() {
        while (true) {
            int n = start_next();
            if (n == kWaitForTrial) {
                wait_between_claims();
                continue;
            }
            if (n < 0) return;
            auto started = Clock::now();
            TrialOutcome out = run_trial(n);
            std::string key;
            if (out.status == "ok" && spec_.register_models == "all" && options_.register_models && out.fit)
                key = register_now(n, *out.fit);
            std::lock_guard lock(mu_);
            auto& row = rows_[static_cast<std::size_t>(n)];
            row.status = out.status;
            row.value = out.value;
            row.metrics = out.metrics;
            row.error = out.error;
            row.duration_ms = ms_since(started);
            row.registry_key = key;
            progress_[static_cast<std::size_t>(n)].state = state_of(out.status);
            if (!record_end(row)) continue;
            bool is_best = observe_end(row);
            if (is_best && out.fit && spec_.register_models != "all" && options_.register_models && spec_.cv <= 1)
                best_fit_ = std::move(out.fit);
            ++finished_;
            emit("ended", row);
        }
    }

    // Takes the next trial and records its start: its number, -1 when this
    // worker is done, or kWaitForTrial.
    int start_next() {
        std::lock_guard lock(mu_);
        int n;
        try {
            n = next_trial();
        } catch (const Error& e) {
            if (e.code() != "grid_exhausted") throw;
            stop_ = true;
            n = -1;
        }
        if (n < 0) return n;
        auto& row = rows_[static_cast<std::size_t>(n)];
        row.status = "running";
        row.error.clear();
        row.value.reset();
        row.intermediate = Json::array();
        progress_[static_cast<std::size_t>(n)].intermediate.clear();
        progress_[static_cast<std::size_t>(n)].state = TrialState::running;
        if (!shared_) {  // a claimed trial is in the store already
            row.started_at = unix_seconds();
            store_.save_trial(row);
        }
        emit("started", row);
        return n;
    }

    // Writes an ended trial; false when a shared trial was declared lost
    // meanwhile (its rerun stands in for it, so this result is dropped). Under the lock.
    bool record_end(registry::TrialRow& row) {
        if (!shared_) {
            store_.save_trial(row);
            return true;
        }
        mine_.erase(row.number);
        lost_here_.erase(row.number);
        if (cancelled_ && row.status == "failed") {  // stopped, not failed: another worker reruns it
            store_.release_trial(row, rules_.owner);
            log_.info("trial " + std::to_string(row.number) + " handed back: its worker " + rules_.owner + " was stopped");
            return false;
        }
        auto started = Clock::now();
        bool still_ours = store_.finish_trial(row, rules_.owner);
        cost_.other_store_ms += ms_since(started);
        if (still_ours) return true;
        log_.warning("trial " + std::to_string(row.number) +
                     " ended after it was declared lost (no heartbeat reached the store in time); its result is "
                     "dropped and its rerun counts instead");
        return false;
    }

    void wait_between_claims() {
        auto until = Clock::now() + std::chrono::duration<double>(poll_seconds_);
        while (Clock::now() < until && !options_.context.is_cancelled())
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    // A trial from the store (shared studies). Under the lock.
    int claim_next() {
        auto started = Clock::now();
        double sampling_ms = 0;
        registry::Claim c = store_.claim_trial(run_.id, rules_, [&](const std::vector<registry::TrialRow>& rows, int number) {
            auto t = Clock::now();
            auto params = sample_for(rows, number);
            sampling_ms += ms_since(t);
            return params;
        });
        cost_.claims += 1;
        cost_.claim_ms += ms_since(started) - sampling_ms;
        cost_.sample_ms += sampling_ms;
        if (c.state == registry::Claim::State::done) return -1;
        if (c.state == registry::Claim::State::wait) return kWaitForTrial;
        auto read = Clock::now();
        // The claim's view leaves out what the pruner compares (other trials'
        // rounds) and why a trial was lost: read those whole.
        bool whole = c.trials.empty() || prunes_ || !c.lost.empty();
        merge(whole ? store_.trials_of(run_.id) : c.trials);
        cost_.other_store_ms += ms_since(read);
        for (int lost : c.lost) log_.warning("trial " + std::to_string(lost) + " " + rows_[static_cast<std::size_t>(lost)].error);
        mine_.insert(c.trial.number);
        return c.trial.number;
    }

    std::optional<Json> sample_for(const std::vector<registry::TrialRow>& rows, int number) {
        if (stopped_early(rows)) return std::nullopt;
        try {
            return sampler_->suggest(records_of(rows), number);
        } catch (const Error& e) {
            if (e.code() == "grid_exhausted") return std::nullopt;
            throw;
        }
    }

    // The study's early stopping over the completed trials in number order (a
    // shared study: every worker decides the same from the same trials).
    bool stopped_early(const std::vector<registry::TrialRow>& rows) {
        if (!stopper_) return false;
        train::EarlyStopper stopper(stopper_->spec());
        int completed = 0;
        for (const auto& row : rows) {
            if (row.status != "ok" || !row.value) continue;
            const Json& m = row.metrics;
            double v = m.contains(stop_metric_) && m[stop_metric_].is_number() ? m[stop_metric_].get<double>() : std::nan("");
            if (stopper.observe(completed++, v)) {
                if (!stop_noted_)
                    notes_.push_back("study early stopping: no improvement of " + stop_metric_ + " in " +
                                     std::to_string(stopper.spec().patience) + " completed trials");
                stop_noted_ = true;
                return true;
            }
        }
        return false;
    }

    // Takes the store's trials into rows_ (numbers are dense), keeping this
    // process's own running trials, whose copy is newer. Under the lock.
    void merge(std::vector<registry::TrialRow> stored) {
        for (auto& row : stored) {
            auto i = static_cast<std::size_t>(row.number);
            if (i < rows_.size() && mine_.count(row.number)) continue;
            if (i >= rows_.size()) {
                rows_.resize(i + 1);
                progress_.resize(i + 1);
            }
            TrialProgress& p = progress_[i];
            p.number = row.number;
            p.state = state_of(row.status);
            p.intermediate.clear();
            for (const auto& iv : row.intermediate) p.intermediate[iv[0].get<int>()] = iv[1].get<double>();
            rows_[i] = std::move(row);
        }
    }

    // Beats for this process's running trials every heartbeat_interval; a trial
    // the store no longer has as ours was declared lost: its fit is stopped.
    void heartbeats() {
        auto interval = std::chrono::duration<double>(spec_.heartbeat_interval);
        std::unique_lock lock(mu_);
        while (!beat_cv_.wait_for(lock, interval, [this] { return !beating_; })) {
            std::vector<registry::TrialRow> mine;
            for (int n : mine_) mine.push_back(rows_[static_cast<std::size_t>(n)]);
            lock.unlock();
            std::vector<int> lost;
            for (const auto& row : mine) {
                try {
                    auto started = Clock::now();
                    if (!store_.heartbeat_trial(row, rules_.owner)) lost.push_back(row.number);
                    heartbeat_ms_ += ms_since(started);
                } catch (const Error& e) {
                    log_.warning("trial " + std::to_string(row.number) + ": heartbeat not recorded: " + e.what());
                }
            }
            lock.lock();
            for (int n : lost)
                if (mine_.count(n)) lost_here_.insert(n);
        }
    }

    void stop_heartbeats(std::thread& beat) {
        if (!beat.joinable()) return;
        {
            std::lock_guard lock(mu_);
            beating_ = false;
        }
        beat_cv_.notify_all();
        beat.join();
    }

    // Stops trial n's fit: the study is cancelled, or (shared) the trial was declared lost.
    std::function<bool()> trial_cancelled(int n) {
        if (!shared_) return options_.context.cancelled;
        return [this, n] { return options_.context.is_cancelled() || lost_here(n); };
    }

    bool lost_here(int n) {
        std::lock_guard lock(mu_);
        return lost_here_.count(n) > 0;
    }

    std::string register_now(int n, const train::FitResult& fit) {
        train::TrainOptions to;
        to.context = options_.context;
        registry::TrialRow snapshot;
        {
            std::lock_guard lock(mu_);
            snapshot = rows_[static_cast<std::size_t>(n)];
        }
        return train::register_trained(store_, setup_, fit, run_.id, to, trial_metadata(snapshot)).key;
    }

    // Updates the best trial and the study's early stopping with an ended trial;
    // true when it is the new best. Called under the lock (or before workers start).
    bool observe_end(const registry::TrialRow& row) {
        if (row.status != "ok" || !row.value) return false;
        bool is_best = best_number_ < 0 || better(*row.value, *rows_best_value_, direction_);
        if (is_best) {
            best_number_ = row.number;
            rows_best_value_ = row.value;
        }
        if (stopper_ && !shared_ && !watching_) {  // a shared study: stopped_early()
            const Json& m = row.metrics;
            double v = m.contains(stop_metric_) && m[stop_metric_].is_number() ? m[stop_metric_].get<double>()
                                                                                : std::nan("");
            if (stopper_->observe(completed_++, v) && !stop_) {
                stop_ = true;
                notes_.push_back("study early stopping: no improvement of " + stop_metric_ + " in " +
                                 std::to_string(stopper_->spec().patience) + " completed trials");
            }
        }
        return is_best;
    }

    TrialOutcome run_trial(int n) {
        Json params;
        {
            std::lock_guard lock(mu_);
            params = rows_[static_cast<std::size_t>(n)].params;
        }
        TrialOutcome out;
        try {
            if (cross_validates()) return run_cv_trial(n, params);
            train::FitHooks hooks;
            hooks.threads = threads_per_trial_;
            hooks.cancelled = trial_cancelled(n);
            if (prunes_)
                hooks.should_stop = [this, n](const models::RoundReport& r) { return report_round(n, r); };
            else
                hooks.on_round = [this, n](const models::RoundReport& r) { report_round(n, r); };
            auto fit = std::make_unique<train::FitResult>(train::fit_model(setup_, params, hooks));
            const Json& scored = setup_.y_valid.empty() ? fit->test_metrics : fit->validation_metrics;
            out.metrics = scored;
            if (fit->stopped_by_hook) {
                out.status = "pruned";
                std::lock_guard lock(mu_);
                const auto& iv = progress_[static_cast<std::size_t>(n)].intermediate;
                if (!iv.empty()) out.value = iv.rbegin()->second;
                return out;
            }
            if (!scored.contains(objective_.metric) || !scored[objective_.metric].is_number())
                throw Error(ErrorKind::validation, "objective_missing",
                            "the objective metric '" + objective_.metric + "' was not computed for this trial");
            out.value = scored[objective_.metric].get<double>();
            out.fit = std::move(fit);
        } catch (const Error& e) {
            bool lost = shared_ && lost_here(n);  // only this trial was stopped
            if (e.kind() == ErrorKind::cancelled && !lost) {
                std::lock_guard lock(mu_);
                cancelled_ = true;
            }
            out.status = "failed";
            out.error = e.what();
        } catch (const std::exception& e) {
            out.status = "failed";
            out.error = e.what();
        }
        return out;
    }

    TrialOutcome run_cv_trial(int n, const Json& params) {
        TrialOutcome out;
        train::FitHooks hooks;
        hooks.threads = threads_per_trial_;
        hooks.cancelled = trial_cancelled(n);
        train::CrossValidation cv = train::cross_validate(setup_, params, hooks);
        for (auto it = cv.mean.begin(); it != cv.mean.end(); ++it) {
            out.metrics[it.key()] = it.value();
            out.metrics[it.key() + "_std"] = cv.std[it.key()];
        }
        if (!out.metrics.contains(objective_.metric))
            throw Error(ErrorKind::validation, "objective_missing",
                        "the objective metric '" + objective_.metric + "' was not computed for this trial");
        out.value = out.metrics[objective_.metric].get<double>();
        return out;
    }

    // Records the round's objective and asks the pruner; true prunes the trial.
    bool report_round(int n, const models::RoundReport& r) {
        if (!r.metrics.contains(round_key_) || !r.metrics[round_key_].is_number()) return false;
        double v = r.metrics[round_key_].get<double>();
        std::lock_guard lock(mu_);
        auto& p = progress_[static_cast<std::size_t>(n)];
        p.intermediate[r.round] = v;
        rows_[static_cast<std::size_t>(n)].intermediate.push_back(Json::array({r.round, v}));
        return pruner_->should_prune(progress_, p, r.round);
    }

    void emit(const char* kind, const registry::TrialRow& row) {
        if (!watching_) log_trial(kind, row);  // the coordinator shows what workers logged
        if (!options_.on_trial) return;
        TrialEvent e;
        e.kind = kind;
        e.trial = row.to_json();
        e.finished = finished_ + resumed_;
        e.total = max_trials_;
        if (best_number_ >= 0) e.best = rows_[static_cast<std::size_t>(best_number_)].to_json();
        options_.on_trial(e);
    }

    // "trial 3 started: {...}", "trial 3 ok: accuracy 0.81", "trial 3 pruned at
    // round 12: 0.74", "trial 3 failed: why".
    void log_trial(const std::string& kind, const registry::TrialRow& row) {
        std::string head = "trial " + std::to_string(row.number) + " ";
        if (kind == "started") return log_.info(head + "started: " + row.params.dump());
        std::string value = row.value ? format_double(*row.value) : "no value";
        if (row.status == "ok") return log_.info(head + "ok: " + objective_.metric + " " + value);
        if (row.status == "pruned")
            return log_.info(head + "pruned: " + objective_.metric + " " + value + " at its last report");
        log_.warning(head + row.status + (row.error.empty() ? "" : ": " + row.error));
    }

    const lang::TuningSpec& spec_;
    train::TrainingSetup& setup_;
    registry::Store& store_;
    const TuneOptions& options_;
    registry::RunRecord& run_;
    train::RunLog log_;

    metrics::Objective objective_;
    Direction direction_ = Direction::maximize;
    SearchSpace space_;
    std::unique_ptr<Sampler> sampler_;
    std::unique_ptr<Pruner> pruner_;
    bool prunes_ = false;  // a pruner that can act: trials report every round to it
    std::string round_key_;
    std::optional<train::EarlyStopper> stopper_;
    std::string stop_metric_;
    int workers_ = 1;
    unsigned threads_per_trial_ = 1;
    int max_trials_ = 0;

    std::mutex mu_;
    std::vector<registry::TrialRow> rows_;  // by number
    std::vector<TrialProgress> progress_;   // by number
    std::deque<int> rerun_;
    Json notes_ = Json::array();
    Json warnings_ = Json::array();
    int best_number_ = -1;
    std::optional<double> rows_best_value_;
    std::unique_ptr<train::FitResult> best_fit_;
    std::string best_key_;
    int completed_ = 0;
    int finished_ = 0;
    int resumed_ = 0;
    bool stop_ = false;
    bool cancelled_ = false;

    // Shared studies (tuning workers).
    bool shared_ = false;
    registry::ClaimRules rules_;
    double poll_seconds_ = 1;
    std::set<int> mine_;       // trials running in this process
    std::set<int> lost_here_;  // of those, the ones the store says were lost
    std::map<int, std::string> seen_;  // the coordinator: each trial's status last shown
    bool stop_noted_ = false;
    // Time this worker spent on the study rather than on its trials (under mu_).
    struct {
        int claims = 0;
        double claim_ms = 0;        // in claim_trial, its sampling left out
        double sample_ms = 0;       // in the sampler, inside the claims
        double other_store_ms = 0;  // reading the trials after a claim, writing ends
    } cost_;
    std::atomic<double> heartbeat_ms_{0};  // the heartbeat thread's store calls
    bool beating_ = true;
    bool watching_ = false;
    std::condition_variable beat_cv_;
};

// The search space as stored with a study, to tell on resume whether it changed.
Json space_json(const lang::TuningSpec& spec) { return lang::to_json(spec)["search_space"]; }

void check_same_space(const registry::RunRecord& run, const lang::TuningSpec& spec) {
    if (!run.result.contains("search_space")) return;  // a study from before spaces were recorded
    const Json& was = run.result["search_space"];
    Json now = space_json(spec);
    std::vector<std::string> changes;
    for (auto it = was.begin(); it != was.end(); ++it) {
        if (!now.contains(it.key())) changes.push_back("'" + it.key() + "' was removed");
        else if (now[it.key()] != it.value())
            changes.push_back("'" + it.key() + "' changed from " + it.value().dump() + " to " + now[it.key()].dump());
    }
    for (auto it = now.begin(); it != now.end(); ++it)
        if (!was.contains(it.key())) changes.push_back("'" + it.key() + "' was added");
    if (!changes.empty())
        throw Error(ErrorKind::conflict, "search_space_changed",
                    "cannot resume study " + run.id + " of '" + run.job + "': its search space changed: " + join(changes, "; "),
                    {}, "run the study anew without --resume, or restore the search space");
}

// What a shared study keeps for its workers: the job file's text and path
// (data paths resolve against its folder) and the overrides.
Json shared_study_info(const TuneOptions& options) {
    if (options.job_file.empty())
        throw Error(ErrorKind::internal, "invalid_options", "tuning workers need the job file's path");
    auto path = std::filesystem::absolute(options.job_file);
    auto text = read_file(path);
    if (!text) throw Error(ErrorKind::io, "file_unreadable", "cannot read the job file " + path.string());
    return Json{{"job_file", path.string()}, {"text", *text}, {"overrides", options.overrides}};
}

registry::ClaimRules claim_rules(const lang::TuningSpec& spec) {
    registry::ClaimRules rules;
    rules.owner = registry::process_identity();
    rules.max_retry = spec.max_retry;
    rules.grace_seconds = spec.grace_period;
    return rules;
}

// The arguments of each `hone worker` the coordinator starts.
unsigned threads_per_worker(const TuneOptions& options) {
    return models::workers::threads_per_worker(options.context.threads, options.workers);
}

std::vector<std::string> worker_arguments(const TuneOptions& options, const std::string& study) {
    std::vector<std::string> args{"worker", "--study", study, "--store", options.context.store, "--threads",
                                  std::to_string(threads_per_worker(options)), "--quiet"};
    if (!options.context.model_root.empty()) {
        args.push_back("--model-root");
        args.push_back(options.context.model_root);
    }
    return args;
}

// The coordinator of a shared study: starts the workers, shows trials as they
// start and end, runs what is left itself if every worker has exited, and
// leaves the study's trials in `study` for its result. Worker processes that
// failed are warnings of the result.
void coordinate(Study& study, const lang::TuningSpec& spec, const TuneOptions& options, const std::string& study_id,
                std::vector<std::string>& warnings) {
    std::string program = models::workers::worker_program(options.program).string();
    {
        // OpenMP's threads (libraries beside the trial's own) default to every
        // core and spin while they wait: workers sharing a machine would slow
        // each other's trials by a third (bench/distributed/workers.sh).
        std::string omp = "OMP_NUM_THREADS=" + std::to_string(threads_per_worker(options));
        WorkerProcesses workers(program, worker_arguments(options, study_id), options.workers, {omp});
        bool over = false;
        while (!over && !workers.all_exited() && !options.context.is_cancelled()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            over = study.watch();
        }
        if (over) workers.wait(10);  // each exits at its next claim
        for (auto& failure : workers.failures()) warnings.push_back("tuning " + failure);
    }
    study.watch();
    if (!options.context.is_cancelled()) {
        study.share(claim_rules(spec), 0.5, 0);  // trials no worker is left to run
        study.run();
    }
    study.take_stored_trials();
}

// A study `hone worker` may join: by id, else the latest study of a tuning job.
registry::RunRecord shared_study(registry::Store& store, const std::string& name) {
    auto run = store.get_run(name);
    if (!run || run->kind != "tuning") run = latest_study(store, name);
    if (!run)
        throw Error(ErrorKind::not_found, "study_not_found", "no study '" + name + "' in the store", {},
                    "name a study id or a tuning job ('hone runs JOB' lists its studies)");
    if (run->status != "running")
        throw Error(ErrorKind::conflict, "study_ended",
                    "study " + run->id + " of '" + run->job + "' has ended (" + run->status + ")");
    if (!run->result.contains("shared"))
        throw Error(ErrorKind::conflict, "study_not_shared",
                    "study " + run->id + " of '" + run->job + "' runs its trials in one process: it was started without --workers",
                    {}, "start a study for workers with: hone tune FILE " + run->job + " --workers N");
    return *run;
}

// The tuning job `job` of `file` with `overrides`, its catalog ranges
// resolved, and the training job it tunes.
std::pair<lang::TuningSpec, const lang::TrainingSpec*> tuning_and_training(const lang::JobFile& file,
                                                                           const std::string& job, const Json& overrides,
                                                                           lang::OverrideSource source) {
    lang::TuningSpec spec = tuning_with_overrides(file, job, overrides, source);
    const lang::TrainingSpec* training = file.find_training(spec.training_job);
    if (!training)
        throw Error(ErrorKind::not_found, "job_not_found",
                    "tuning job '" + job + "' names training job '" + spec.training_job + "', which is not in the file");
    resolve_catalog_ranges(spec, file);
    return {std::move(spec), training};
}

// The training's data loaded, split and preprocessed once, for every trial.
train::TrainingSetup prepare_trials(const lang::JobFile& file, const lang::TrainingSpec& training,
                                    const lang::TuningSpec& spec, const RunContext& context) {
    train::PrepareOptions prepare;
    prepare.load = {context.threads, context.postgres_url};
    prepare.cv_folds = spec.cv;
    return train::prepare_training(file, training, prepare);
}

// This process as one worker of `run` until its trials are over.
Json work_on(registry::Store& store, registry::RunRecord run, const WorkerOptions& options) {
    const Json& shared = run.result["shared"];
    std::string path = shared["job_file"].get<std::string>();
    auto loaded = lang::parse_job_text(shared["text"].get<std::string>(), path, lang::format_for(path));
    validate_job(loaded);
    if (!loaded.ok())
        throw Error(ErrorKind::validation, "invalid_job_file",
                    "the job file kept with study " + run.id + " no longer checks:\n" + loaded.report());
    auto tuned = tuning_and_training(loaded.spec, run.job, shared.value("overrides", Json::object()),
                                     lang::OverrideSource::command_line);
    const lang::TuningSpec& spec = tuned.first;
    const lang::TrainingSpec* training = tuned.second;
    TuneOptions tune_options;
    tune_options.context = options.context;
    tune_options.on_trial = options.on_trial;
    train::TrainingSetup setup = prepare_trials(loaded.spec, *training, spec, options.context);
    Study study(spec, setup, store, tune_options, run);
    study.share(claim_rules(spec), options.poll_seconds, static_cast<int>(options.context.threads));
    auto started = Clock::now();
    study.run();
    study.take_stored_trials();
    Json summary = study.worker_summary();
    summary["wall_ms"] = ms_since(started);
    // In the study's log, for whoever watches the study (and bench/distributed).
    auto seconds = [&](const char* key) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3f s", summary[key].get<double>() / 1000);
        return std::string(text);
    };
    train::RunLog(store, run.id)
        .info("worker " + registry::process_identity() + " done: " + summary["trials_run"].dump() + " trials in " +
              seconds("wall_ms") + ", " + seconds("store_ms") + " of it in the store (" + summary["claims"].dump() +
              " claims), " + seconds("sample_ms") + " sampling");
    return summary;
}

// The study's run in the store, marked running: the job's latest study (its
// trials into `previous`) under `resume`, else a new one.
registry::RunRecord open_study(registry::Store& store, const std::string& job, const lang::TuningSpec& spec,
                               const TuneOptions& options, std::vector<registry::TrialRow>& previous) {
    registry::RunRecord run;
    if (options.resume && !options.run_id.empty())
        throw Error(ErrorKind::internal, "invalid_options", "a resumed study keeps its own id; run_id is for new ones");
    if (options.resume) {
        auto last = latest_study(store, job);
        if (!last)
            throw Error(ErrorKind::not_found, "study_not_found", "no study of tuning job '" + job + "' to resume", {},
                        "run it without --resume first");
        run = *last;
        check_same_space(run, spec);
        if (options.workers > 0 && !run.result.contains("shared"))
            throw Error(ErrorKind::conflict, "study_not_shared",
                        "study " + run.id + " of '" + job + "' ran its trials in one process; it resumes that way", {},
                        "resume it without --workers");
        previous = store.trials_of(run.id);
        run.status = "running";
        run.error.clear();
        store.update_run(run);
    } else {
        run.id = options.run_id.empty() ? random_id("study") : options.run_id;
        run.job = job;
        run.kind = "tuning";
        run.status = "running";
        run.ts = unix_seconds();
        run.result = Json{{"search_space", space_json(spec)}};
        if (options.workers > 0) run.result["shared"] = shared_study_info(options);
        store.save_job("tuning", job, lang::to_json(spec));
        if (options.run_id.empty())
            store.insert_run(run);
        else
            store.update_run(run);
    }
    return run;
}

}  // namespace

Json run_worker(registry::Store& store, const WorkerOptions& options) {
    Json studies = Json::array();
    if (!options.all) {
        studies.push_back(work_on(store, shared_study(store, options.study), options));
    } else {
        std::set<std::string> finished;
        while (!options.context.is_cancelled()) {
            bool found = false;
            for (const auto& run : store.unfinished_runs()) {
                if (run.kind != "tuning" || run.status != "running" || !run.result.contains("shared") ||
                    finished.count(run.id))
                    continue;
                found = true;
                studies.push_back(work_on(store, run, options));
                finished.insert(run.id);
            }
            if (!found) std::this_thread::sleep_for(std::chrono::duration<double>(options.poll_seconds));
        }
    }
    int total = 0;
    for (const auto& s : studies) total += s["trials_run"].get<int>();
    return Json{{"studies", studies}, {"trials_run", total}};
}

lang::TuningSpec tuning_with_overrides(const lang::JobFile& file, const std::string& job, const Json& overrides,
                                      lang::OverrideSource source) {
    const lang::TuningSpec* base = file.find_tuning(job);
    if (!base) {
        std::vector<std::string> names;
        for (const auto& t : file.tunings) names.push_back(t.name);
        std::string msg = "no tuning job '" + job + "'";
        msg += did_you_mean(job, names);
        throw Error(ErrorKind::not_found, "job_not_found", msg, {},
                    names.empty() ? "there is none" : "there are: " + join(names));
    }
    if (!overrides.is_object() || overrides.empty()) return *base;
    lang::LoadedJobFile changed = lang::with_overrides(file, "tuning", job, overrides, source);
    validate_job(changed);
    if (!changed.ok()) throw Error(ErrorKind::validation, "invalid_override", lang::override_errors(changed));
    return *changed.spec.find_tuning(job);
}

std::optional<registry::RunRecord> latest_study(registry::Store& store, const std::string& job) {
    for (auto& run : store.runs_of(job, 1000))
        if (run.kind == "tuning") return run;
    return std::nullopt;
}

Json hyperparameter_importance(const std::vector<registry::TrialRow>& trials) {
    std::vector<const registry::TrialRow*> done;
    for (const auto& t : trials)
        if (t.status == "ok" && t.value && std::isfinite(*t.value)) done.push_back(&t);
    Json out = Json::array();
    if (done.size() < 3) return out;
    double mean = 0;
    for (auto* t : done) mean += *t->value;
    mean /= static_cast<double>(done.size());
    double total = 0;
    for (auto* t : done) total += (*t->value - mean) * (*t->value - mean);
    if (total <= 0) return out;

    std::vector<std::pair<std::string, double>> explained;
    for (auto it = done[0]->params.begin(); it != done[0]->params.end(); ++it) {
        const std::string& name = it.key();
        // Group key per trial: a quantile bin for numbers, the value itself otherwise.
        std::vector<std::string> group(done.size());
        bool numeric = true;
        for (auto* t : done) numeric = numeric && t->params.contains(name) && t->params[name].is_number();
        if (numeric) {
            std::vector<double> xs;
            for (auto* t : done) xs.push_back(t->params[name].get<double>());
            std::vector<double> sorted = xs;
            std::sort(sorted.begin(), sorted.end());
            std::size_t bins = std::min<std::size_t>(4, done.size() / 2);
            for (std::size_t i = 0; i < done.size(); ++i) {
                std::size_t rank = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), xs[i]) - sorted.begin());
                group[i] = std::to_string(rank * std::max<std::size_t>(bins, 1) / done.size());
            }
        } else {
            for (std::size_t i = 0; i < done.size(); ++i)
                group[i] = done[i]->params.contains(name) ? done[i]->params[name].dump() : "null";
        }
        std::map<std::string, std::pair<double, std::size_t>> sums;
        for (std::size_t i = 0; i < done.size(); ++i) {
            sums[group[i]].first += *done[i]->value;
            sums[group[i]].second += 1;
        }
        double between = 0;
        for (const auto& [g, s] : sums) {
            double m = s.first / static_cast<double>(s.second);
            between += static_cast<double>(s.second) * (m - mean) * (m - mean);
        }
        explained.emplace_back(name, between / total);
    }
    double sum = 0;
    for (const auto& e : explained) sum += e.second;
    std::stable_sort(explained.begin(), explained.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [name, v] : explained) out.push_back(Json{{"name", name}, {"importance", sum > 0 ? v / sum : 0.0}});
    return out;
}

Json run_tuning_job(const lang::JobFile& file, const std::string& job, registry::Store& store,
                    const TuneOptions& options) {
    auto tuned = tuning_and_training(file, job, options.overrides, options.override_source);
    const lang::TuningSpec& spec = tuned.first;
    const lang::TrainingSpec* training = tuned.second;
    auto started = Clock::now();
    std::vector<registry::TrialRow> previous;
    registry::RunRecord run = open_study(store, job, spec, options, previous);
    double previous_ms = run.duration_ms;
    train::RunLog log(store, run.id);
    log.info(std::string(options.resume ? "tuning job '" + job + "' resumed by " : "tuning job '" + job + "' started by ") +
             options.context.who + ": up to " + std::to_string(spec.max_trials) + " trials, " + spec.strategy +
             " sampler");
    // What a study that ended before its result keeps: enough to resume it.
    auto unfinished_result = [&] {
        Json r{{"search_space", space_json(spec)}};
        if (run.result.contains("shared")) r["shared"] = run.result["shared"];
        return r;
    };
    auto finish = [&](const std::string& status, const Json& result, const std::string& error) {
        run.status = status;
        run.duration_ms = previous_ms + ms_since(started);
        run.result = result;
        run.error = error;
        store.update_run(run);
    };
    try {
        train::TrainingSetup setup = prepare_trials(file, *training, spec, options.context);
        Study study(spec, setup, store, options, run);
        std::vector<std::string> worker_warnings;
        bool shared = run.result.contains("shared");
        if (shared) {
            coordinate(study, spec, options, run.id, worker_warnings);
        } else {
            study.adopt(std::move(previous));
            study.run();
        }
        train::TrainOptions to;
        to.context = options.context;
        if (!study.cancelled()) study.register_best(to);
        Json result = study.result(previous_ms + ms_since(started));
        result["search_space"] = space_json(spec);
        for (auto& w : worker_warnings) result["warnings"].push_back(w);
        run.metrics = result["best_metrics"].is_object() ? result["best_metrics"] : Json::object();
        run.registry_key = result["best_model_registry_key"].is_string() ? result["best_model_registry_key"].get<std::string>() : "";
        std::string status = result["status"].get<std::string>();
        log.write(status == "error" ? "error" : "info",
                  "study " + status + ": " + (run.registry_key.empty() ? "" : "best model " + run.registry_key + ", ") +
                      train::metrics_line(run.metrics));
        finish(status, result, status == "error" ? "every trial failed" : "");
        store.audit(options.context.who, "tune", job, status, Json{{"run_id", run.id}, {"registry_key", run.registry_key}});
        return result;
    } catch (const Error& e) {
        log.write(e.kind() == ErrorKind::cancelled ? "warning" : "error", e.what());
        finish(e.kind() == ErrorKind::cancelled ? "cancelled" : "error", unfinished_result(), e.what());
        store.audit(options.context.who, "tune", job, "error", Json{{"run_id", run.id}, {"error", e.what()}});
        throw;
    } catch (const std::exception& e) {
        // A defect of ours, but the study still ends recorded, never "running" forever.
        log.error(std::string("internal error: ") + e.what());
        finish("error", unfinished_result(), std::string("internal error: ") + e.what());
        throw;
    }
}

}  // namespace hone::tune
