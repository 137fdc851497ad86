#include "tune/study.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <mutex>
#include <thread>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "train/early_stopping.hpp"
#include "train/run_log.hpp"
#include "train/setup.hpp"
#include "train/trainer.hpp"
#include "tune/pruner.hpp"
#include "tune/validate.hpp"
#include "tune/sampler.hpp"

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
        std::vector<std::thread> pool;
        for (int i = 1; i < workers_; ++i) pool.emplace_back([this] { work(); });
        work();
        for (auto& t : pool) t.join();
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
        if (static_cast<int>(rows_.size()) >= max_trials_) return -1;
        int n = static_cast<int>(rows_.size());
        std::vector<TrialRecord> history;
        history.reserve(rows_.size());
        for (const auto& row : rows_) {
            TrialRecord t;
            t.number = row.number;
            t.state = state_of(row.status);
            t.params = row.params;
            t.value = row.value;
            if (t.state == TrialState::pruned && !row.intermediate.empty())
                t.step = row.intermediate.back()[0].get<int>();
            history.push_back(std::move(t));
        }
        registry::TrialRow row;
        row.study = run_.id;
        row.number = n;
        row.params = sampler_->suggest(history, n);
        rows_.push_back(row);
        TrialProgress p;
        p.number = n;
        progress_.push_back(p);
        return n;
    }

    void work() {
        while (true) {
            int n;
            {
                std::lock_guard lock(mu_);
                try {
                    n = next_trial();
                } catch (const Error& e) {
                    if (e.code() != "grid_exhausted") throw;
                    stop_ = true;
                    n = -1;
                }
                if (n < 0) return;
                auto& row = rows_[static_cast<std::size_t>(n)];
                row.status = "running";
                row.error.clear();
                row.value.reset();
                row.intermediate = Json::array();
                row.started_at = unix_seconds();
                progress_[static_cast<std::size_t>(n)].intermediate.clear();
                progress_[static_cast<std::size_t>(n)].state = TrialState::running;
                store_.save_trial(row);
                emit("started", row);
            }
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
            store_.save_trial(row);
            bool is_best = observe_end(row);
            if (is_best && out.fit && spec_.register_models != "all" && options_.register_models && spec_.cv <= 1)
                best_fit_ = std::move(out.fit);
            ++finished_;
            emit("ended", row);
        }
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
        if (stopper_) {
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
            if (cross_validates()) return run_cv_trial(params);
            train::FitHooks hooks;
            hooks.threads = threads_per_trial_;
            hooks.cancelled = options_.context.cancelled;
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
            if (e.kind() == ErrorKind::cancelled) {
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

    TrialOutcome run_cv_trial(const Json& params) {
        TrialOutcome out;
        train::FitHooks hooks;
        hooks.threads = threads_per_trial_;
        hooks.cancelled = options_.context.cancelled;
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
        log_trial(kind, row);
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

}  // namespace

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
    lang::TuningSpec spec = tuning_with_overrides(file, job, options.overrides, options.override_source);
    const lang::TrainingSpec* training = file.find_training(spec.training_job);
    if (!training)
        throw Error(ErrorKind::not_found, "job_not_found",
                    "tuning job '" + job + "' names training job '" + spec.training_job + "', which is not in the file");
    resolve_catalog_ranges(spec, file);

    auto started = Clock::now();
    registry::RunRecord run;
    std::vector<registry::TrialRow> previous;
    if (options.resume && !options.run_id.empty())
        throw Error(ErrorKind::internal, "invalid_options", "a resumed study keeps its own id; run_id is for new ones");
    if (options.resume) {
        auto last = latest_study(store, job);
        if (!last)
            throw Error(ErrorKind::not_found, "study_not_found", "no study of tuning job '" + job + "' to resume", {},
                        "run it without --resume first");
        run = *last;
        check_same_space(run, spec);
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
        store.save_job("tuning", job, lang::to_json(spec));
        if (options.run_id.empty())
            store.insert_run(run);
        else
            store.update_run(run);
    }
    double previous_ms = run.duration_ms;
    train::RunLog log(store, run.id);
    log.info(std::string(options.resume ? "tuning job '" + job + "' resumed by " : "tuning job '" + job + "' started by ") +
             options.context.who + ": up to " + std::to_string(spec.max_trials) + " trials, " + spec.strategy +
             " sampler");
    auto finish = [&](const std::string& status, const Json& result, const std::string& error) {
        run.status = status;
        run.duration_ms = previous_ms + ms_since(started);
        run.result = result;
        run.error = error;
        store.update_run(run);
    };
    try {
        train::PrepareOptions prepare;
        prepare.load = {options.context.threads, options.context.postgres_url};
        prepare.cv_folds = spec.cv;
        train::TrainingSetup setup = train::prepare_training(file, *training, prepare);
        Study study(spec, setup, store, options, run);
        study.adopt(std::move(previous));
        study.run();
        train::TrainOptions to;
        to.context = options.context;
        if (!study.cancelled()) study.register_best(to);
        Json result = study.result(previous_ms + ms_since(started));
        result["search_space"] = space_json(spec);
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
        finish(e.kind() == ErrorKind::cancelled ? "cancelled" : "error", Json{{"search_space", space_json(spec)}},
               e.what());
        store.audit(options.context.who, "tune", job, "error", Json{{"run_id", run.id}, {"error", e.what()}});
        throw;
    } catch (const std::exception& e) {
        // A defect of ours, but the study still ends recorded, never "running" forever.
        log.error(std::string("internal error: ") + e.what());
        finish("error", Json{{"search_space", space_json(spec)}}, std::string("internal error: ") + e.what());
        throw;
    }
}

}  // namespace hone::tune
