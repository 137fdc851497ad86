// `hone tune FILE [JOB]`: run a tuning study with a live table of trials;
// `hone trials JOB` and `hone best JOB`: read a study back from the store.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "common/json.hpp"
#include "common/error.hpp"
#include "train/trainer.hpp"
#include "tune/study.hpp"

namespace hone::cli {

namespace {

using Json = tune::Json;

std::string cell(const Json& v, int width, int precision = 4) {
    char buf[96];
    if (v.is_number_float()) std::snprintf(buf, sizeof buf, "%*.*f", width, precision, v.get<double>());
    else if (v.is_null()) std::snprintf(buf, sizeof buf, "%*s", width, "-");
    else std::snprintf(buf, sizeof buf, "%*s", width, v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
    return buf;
}

std::string params_text(const Json& params) {
    std::string out;
    for (auto it = params.begin(); it != params.end(); ++it) {
        Json v = it.value();
        std::string text;
        if (v.is_number_float()) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
            text = buf;
        } else {
            text = v.is_string() ? v.get<std::string>() : v.dump();
        }
        out += (out.empty() ? "" : " ") + it.key() + "=" + text;
    }
    return out;
}

std::string trial_line(const Json& t) {
    std::string line = cell(t["trial_index"], 5) + "  " + cell(t["status"], 7) + "  " + cell(t["value"], 9) + "  " +
                       cell(Json(static_cast<long>(t["duration_ms"].get<double>())), 9) + "  " + params_text(t["hyperparameters"]);
    if (t.contains("error")) line += "  (" + t["error"].get<std::string>() + ")";
    return line;
}

const char* kTrialHeader = "trial   status      value    time ms  hyperparameters";

// Trials as they end; on a terminal also a status line of what is running.
class TrialPrinter {
public:
    explicit TrialPrinter(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO)) {}

    void operator()(const tune::TrialEvent& e) {
        if (quiet_) return;
        std::lock_guard lock(mu_);
        if (!header_) {
            std::cerr << kTrialHeader << "\n";
            header_ = true;
        }
        running_ += e.kind == "started" ? 1 : -1;
        if (e.kind == "ended") {
            if (tty_) std::cerr << "\r\033[K";
            std::cerr << trial_line(e.trial) << "\n";
        }
        if (tty_) {
            std::cerr << "\r\033[K  " << e.finished << "/" << e.total << " done, " << running_ << " running";
            if (e.best.is_object())
                std::cerr << ", best trial " << e.best["trial_index"] << " = " << cell(e.best["value"], 0);
            std::cerr << std::flush;
            status_open_ = true;
        }
    }

    void end() {
        if (status_open_) std::cerr << "\r\033[K";
        status_open_ = false;
    }

private:
    bool quiet_;
    bool tty_;
    std::mutex mu_;
    bool header_ = false;
    bool status_open_ = false;
    int running_ = 0;
};

void print_summary(const Json& r) {
    std::cout << r["job"].get<std::string>() << ": " << r["total_trials"] << " trials (" << r["completed_trials"]
              << " ok, " << r["pruned_trials"] << " pruned, " << r["failed_trials"] << " failed) in "
              << static_cast<long>(r["duration_ms"].get<double>()) << " ms\n";
    for (const auto& n : r["notes"]) std::cout << "note: " << n.get<std::string>() << "\n";
    if (r["best_trial"].is_null()) {
        std::cout << "no trial succeeded\n";
        for (const auto& e : r.value("errors", Json::array())) std::cout << "  " << e.get<std::string>() << "\n";
        return;
    }
    std::cout << "\nbest trial " << r["best_trial"] << ": " << r["objective"]["metric"].get<std::string>() << " = "
              << cell(r["best_value"], 0) << " (" << r["objective"]["direction"].get<std::string>() << ", on "
              << r["objective"]["split"].get<std::string>() << ")\n";
    for (auto it = r["best_hyperparameters"].begin(); it != r["best_hyperparameters"].end(); ++it)
        std::cout << "  " << it.key() << " = " << (it.value().is_string() ? it.value().get<std::string>() : it.value().dump())
                  << "\n";
    if (!r["importance"].empty()) {
        std::cout << "\nhyperparameter importance\n";
        for (const auto& i : r["importance"]) {
            double v = i["importance"].get<double>();
            std::cout << "  " << i["name"].get<std::string>() << std::string(std::max<std::size_t>(1, 20 - i["name"].get<std::string>().size()), ' ')
                      << cell(Json(v), 6, 3) << "  " << std::string(static_cast<std::size_t>(v * 30 + 0.5), '#') << "\n";
        }
    }
    if (r["best_model_registry_key"].is_string())
        std::cout << "\nregistered " << r["best_model_registry_key"].get<std::string>() << "\n";
}

// The latest study of `job`, or hone::Error(not_found).
registry::RunRecord study_of(registry::Store& store, const std::string& job) {
    auto study = tune::latest_study(store, job);
    if (!study)
        throw Error(ErrorKind::not_found, "study_not_found", "no study of tuning job '" + job + "' in the store", {},
                    "run one with: hone tune FILE " + job);
    return *study;
}

// Set by SIGINT or SIGTERM: the worker hands its trial back and leaves. A
// second signal ends it at once (the default action is restored).
std::atomic<bool> worker_stopping{false};

void stop_worker(int sig) {
    worker_stopping = true;
    std::signal(sig, SIG_DFL);
}

void add_tuning_worker_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("worker", "Run trials of a study shared through the store (one tuning worker)");
    struct Options {
        std::string study;
        bool all = false, json = false, quiet = false;
        double poll = 1;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    auto* study = cmd->add_option("--study", o->study,
                                  "the study to work on: its id, or a tuning job's name (its latest study)");
    auto* all = cmd->add_flag("--all", o->all, "work on every open shared study, waiting for new ones until stopped");
    study->excludes(all);
    cmd->add_option("--poll", o->poll, "seconds between claims when there is nothing to claim")
        ->check(CLI::PositiveNumber);
    add_threads_option(*cmd, o->settings,
                       "threads for each trial (default: all cores; workers sharing a machine should split them, "
                       "and OMP_NUM_THREADS likewise)");
    cmd->add_flag("--json", o->json, "print what this worker ran as JSON");
    cmd->footer("A worker stopped with SIGTERM or Ctrl-C hands its running trial back for another worker to run, "
                "and exits with 130; a second signal ends it at once.");
    cmd->add_flag("-q,--quiet", o->quiet, "no progress output");
    add_settings_options(*cmd, o->settings);
    cmd->callback([o, &exit_code] {
        if (o->study.empty() && !o->all)
            throw Error(ErrorKind::validation, "study_required", "hone worker needs --study ID (or a tuning job) or --all");
        auto store = open_settings_store(o->settings);
        tune::WorkerOptions options;
        options.study = o->study;
        options.all = o->all;
        options.poll_seconds = o->poll;
        options.context = run_context(o->settings);
        std::signal(SIGINT, stop_worker);
        std::signal(SIGTERM, stop_worker);
        options.context.cancelled = [] { return worker_stopping.load(); };
        TrialPrinter printer(o->quiet || o->json);
        options.on_trial = [&printer](const tune::TrialEvent& e) { printer(e); };
        Json result = tune::run_worker(*store, options);
        printer.end();
        if (o->json) {
            std::cout << hone::json_dump(result, 2) << "\n";
        } else if (!o->quiet) {
            for (const auto& s : result["studies"])
                std::cout << "study " << s["study_id"].get<std::string>() << " (" << s["job"].get<std::string>()
                          << "): ran " << s["trials_run"] << " trials (" << s["ok"] << " ok, " << s["pruned"]
                          << " pruned, " << s["failed"] << " failed, " << s["lost"] << " lost)\n";
        }
        exit_code = worker_stopping ? hone::exit_code(ErrorKind::cancelled) : 0;
    });
}

}  // namespace

void add_tune_commands(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("tune", "Run a tuning study: trials in parallel, pruning, the best model registered");
    struct Options {
        std::string file, job;
        std::vector<std::string> sets;
        bool json = false, quiet = false, resume = false, no_register = false;
        int workers = 0;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("FILE", o->file, "job file")->required();
    cmd->add_option("JOB", o->job, "tuning job name (default: the file's only tuning job)");
    cmd->add_option("--set", o->sets,
                    "override a study setting, e.g. --set max_trials=20 (max_trials, parallel_trials, strategy, seed, "
                    "pruner, cv, grid_points, objective_metric, register; repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("--resume", o->resume, "continue the job's latest study (after a crash or a stop)");
    cmd->add_option("--workers", o->workers,
                    "start N worker processes that claim trials through the store; workers on other machines "
                    "join with 'hone worker --store URL --study ID' (default 0: trials run in this process)")
        ->check(CLI::Range(0, 256));
    add_threads_option(*cmd, o->settings, "threads for all trials together (default: all cores)");
    cmd->add_flag("--no-register", o->no_register, "register no model (the trials are still recorded)");
    cmd->add_flag("--json", o->json, "print the result as JSON");
    cmd->add_flag("-q,--quiet", o->quiet, "no progress output");
    add_settings_options(*cmd, o->settings);
    cmd->callback([o, &exit_code] {
        auto loaded = load_checked_job_file(o->file);
        std::vector<std::string> names;
        for (const auto& t : loaded.spec.tunings) names.push_back(t.name);
        std::string job = pick_job(o->job, names, "tuning", o->file, "tune");
        auto store = open_settings_store(o->settings);
        tune::TuneOptions options;
        for (const auto& s : o->sets) {
            Json one;
            lang::add_override(one, s);
            for (auto it = one.begin(); it != one.end(); ++it) options.overrides[it.key()] = it.value();
        }
        options.resume = o->resume;
        options.workers = o->workers;
        options.job_file = o->file;
        options.register_models = !o->no_register;
        options.context = run_context(o->settings);
        TrialPrinter printer(o->quiet || o->json);
        options.on_trial = [&printer](const tune::TrialEvent& e) { printer(e); };
        if (!o->quiet && !o->json)
            std::cerr << (o->resume ? "resuming " : "tuning ") << job
                      << (o->workers > 0 ? " with " + std::to_string(o->workers) +
                                               (o->workers == 1 ? " worker process" : " worker processes")
                                         : "")
                      << "\n";
        Json result = tune::run_tuning_job(loaded.spec, job, *store, options);
        printer.end();
        if (o->json) std::cout << hone::json_dump(result, 2) << "\n";
        else print_summary(result);
        exit_code = result["status"] == "ok" ? 0 : 1;
    });

    auto* trials = app.add_subcommand("trials", "The trials of a tuning job's latest study");
    struct ReadOptions {
        std::string job;
        bool json = false;
        Settings settings;
    };
    auto t = std::make_shared<ReadOptions>();
    trials->add_option("JOB", t->job, "tuning job name")->required();
    trials->add_flag("--json", t->json, "print JSON");
    add_settings_options(*trials, t->settings);
    trials->callback([t, &exit_code] {
        auto store = open_settings_store(t->settings);
        auto study = study_of(*store, t->job);
        auto rows = store->trials_of(study.id);
        if (t->json) {
            Json out = Json::array();
            for (const auto& r : rows) out.push_back(r.to_json());
            // The list, each trial as `hone tune --json` and the HTTP API show it.
            std::cout << hone::json_dump(out, 2) << "\n";
        } else {
            std::cout << "study " << study.id << " (" << study.status << "), " << rows.size() << " trials\n"
                      << kTrialHeader << "\n";
            for (const auto& r : rows) std::cout << trial_line(r.to_json()) << "\n";
        }
        exit_code = 0;
    });

    auto* best = app.add_subcommand("best", "The best trial of a tuning job's latest study");
    auto b = std::make_shared<ReadOptions>();
    best->add_option("JOB", b->job, "tuning job name")->required();
    best->add_flag("--json", b->json, "print JSON");
    add_settings_options(*best, b->settings);
    best->callback([b, &exit_code] {
        auto store = open_settings_store(b->settings);
        auto study = study_of(*store, b->job);
        if (study.result.contains("best_trial") && !b->json) {
            print_summary(study.result);
        } else if (study.result.contains("best_trial")) {
            Json r = study.result;
            r.erase("trials");
            std::cout << hone::json_dump(r, 2) << "\n";
        } else {
            throw Error(ErrorKind::not_found, "study_unfinished",
                        "study " + study.id + " of '" + b->job + "' has not finished (" + study.status + ")", {},
                        "'hone trials " + b->job + "' shows its trials; 'hone tune FILE " + b->job +
                            " --resume' continues it");
        }
        exit_code = 0;
    });

    add_tuning_worker_command(app, exit_code);
}

}  // namespace hone::cli
