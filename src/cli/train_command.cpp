// `hone train FILE [JOB]`: run a training job, show progress, print the metrics
// and the registry key (or the whole result with --json).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "common/json.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "lang/job_file.hpp"
#include "train/run_log.hpp"
#include "train/trainer.hpp"

namespace hone::cli {

namespace {

// A bar on a terminal; one line per round otherwise (logs, CI).
// " loss 0.4123 val_loss 0.4550 accuracy 0.8100 ETA 12s": what the bar shows
// of an epoch's training metrics.
std::string bar_values(const train::Json& m) {
    std::string out;
    for (auto [key, label] : {std::pair{"training_loss", "loss"}, {"validation_loss", "val_loss"},
                              {"accuracy", "accuracy"}, {"rmse", "rmse"}}) {
        if (!m.contains(key) || !m[key].is_number()) continue;
        char buf[48];
        std::snprintf(buf, sizeof buf, " %s %.4f", label, m[key].get<double>());
        out += buf;
    }
    if (m.contains("eta_seconds") && m["eta_seconds"].is_number() && m["eta_seconds"].get<double>() >= 1) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " ETA %.0fs", m["eta_seconds"].get<double>());
        out += buf;
    }
    return out;
}

// Stages as lines; epochs as a bar on a terminal, as about ten lines otherwise.
class ProgressPrinter {
public:
    explicit ProgressPrinter(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO)) {}

    void operator()(const train::Progress& p) {
        if (quiet_) return;
        if (p.round < 0) {
            end_bar();
            std::cerr << "  " << p.stage << "...\n";
            return;
        }
        if (!tty_) {  // a log file: about ten lines per fit, as the run's log
            if (train::logs_round(p.round, p.total_rounds)) std::cerr << "  " << train::epoch_line(p.training_metrics) << "\n";
            return;
        }
        int width = 30;
        int filled = p.total_rounds > 0 ? (p.round + 1) * width / p.total_rounds : 0;
        std::cerr << "\r  [" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << (p.round + 1)
                  << "/" << p.total_rounds << bar_values(p.training_metrics) << "\033[K" << std::flush;
        bar_open_ = true;
    }

    void end_bar() {
        if (bar_open_) std::cerr << "\n";
        bar_open_ = false;
    }

private:
    bool quiet_;
    bool tty_;
    bool bar_open_ = false;
};

std::string metric_cell(const train::Json& v) {
    if (!v.is_number()) return std::string("-");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v.get<double>());
    return std::string(buf);
}

// Each fold's held-out metrics, then their mean and standard deviation.
void print_folds_table(const train::Json& cv) {
    const auto& mean = cv["metrics"];
    std::cout << "\n  " << cv["folds"] << "-fold cross-validation\n  " << std::left << std::setw(12) << "metric"
              << std::right;
    for (const auto& f : cv["per_fold"]) std::cout << std::setw(10) << ("fold " + std::to_string(f["fold"].get<int>()));
    std::cout << std::setw(10) << "mean" << std::setw(10) << "std" << "\n";
    for (auto it = mean.begin(); it != mean.end(); ++it) {
        std::cout << "  " << std::left << std::setw(12) << it.key() << std::right;
        for (const auto& f : cv["per_fold"])
            std::cout << std::setw(10) << metric_cell(f["metrics"].contains(it.key()) ? f["metrics"][it.key()] : train::Json());
        std::cout << std::setw(10) << metric_cell(it.value()) << std::setw(10) << metric_cell(cv["cv_std"][it.key()])
                  << "\n";
    }
}

void print_metrics_table(const train::Json& result) {
    const auto& test = result["metrics"];
    const auto& valid = result["validation_metrics"];
    bool has_test = result["test_samples"].get<std::size_t>() > 0;
    int width = 12;  // the metric column: as wide as its longest name
    for (const auto* metrics : {&test, &valid})
        for (auto it = metrics->begin(); it != metrics->end(); ++it)
            width = std::max(width, static_cast<int>(it.key().size()) + 2);
    std::cout << "\n  " << std::left << std::setw(width) << "metric" << std::right << std::setw(12) << "validation";
    if (has_test) std::cout << std::setw(12) << "test";
    // A recommender's baseline, scored as its test: what the model must beat.
    const train::Json baseline = result.contains("baseline") ? result["baseline"]["metrics"] : train::Json();
    if (baseline.is_object()) std::cout << std::setw(12) << result["baseline"]["algorithm"].get<std::string>();
    std::cout << "\n";
    const auto& rows = valid.empty() ? test : valid;
    for (auto it = rows.begin(); it != rows.end(); ++it) {
        auto cell = [](const train::Json& metrics, const std::string& key) {
            return metric_cell(metrics.contains(key) ? metrics[key] : train::Json());
        };
        std::cout << "  " << std::left << std::setw(width) << it.key() << std::right << std::setw(12)
                  << cell(valid, it.key());
        if (has_test) std::cout << std::setw(12) << cell(test, it.key());
        if (baseline.is_object()) std::cout << std::setw(12) << cell(baseline, it.key());
        std::cout << "\n";
    }
}

// " (+420 augmented)" when the training texts were augmented.
std::string augmented_text(const train::Json& augmentation) {
    if (!augmentation.is_object()) return "";
    return " (+" + augmentation["added_rows"].dump() + " augmented)";
}

// A clusterer's metrics (on the rows it clustered, one column).
void print_cluster_metrics(const train::Json& metrics) {
    std::cout << "\n  " << std::left << std::setw(24) << "metric" << std::right << std::setw(12) << "value" << "\n";
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        std::cout << "  " << std::left << std::setw(24) << it.key() << std::right << std::setw(12)
                  << metric_cell(it.value()) << "\n";
}

// Its clusters' sizes and the means of the first numeric columns (headed by
// their names), from the profiles (noise last): what a segmentation reads first.
void print_clusters(const train::Json& result) {
    print_cluster_metrics(result["metrics"]);
    const auto& c = result["clustering"];
    const double rows = std::max(1.0, c["rows"].get<double>());
    constexpr std::size_t kShownMeans = 5;
    std::vector<std::string> columns;
    if (!c["profiles"].empty())
        for (const auto& [name, mean] : c["profiles"][0]["means"].items())
            if (columns.size() < kShownMeans) columns.push_back(name);
    std::cout << "\n  " << std::left << std::setw(10) << "cluster" << std::right << std::setw(10) << "rows"
              << std::setw(10) << "share";
    for (const auto& name : columns) std::cout << "  " << std::setw(16) << name.substr(0, 16);
    std::cout << "\n";
    for (const auto& p : c["profiles"]) {
        const double n = p["size"].get<double>();
        const int k = p["cluster"].get<int>();
        std::cout << "  " << std::left << std::setw(10) << (k < 0 ? std::string("noise") : std::to_string(k))
                  << std::right << std::setw(10) << static_cast<long>(n) << std::setw(9) << std::fixed
                  << std::setprecision(1) << 100 * n / rows << "%" << std::defaultfloat;
        for (const auto& name : columns) std::cout << "  " << std::setw(16) << metric_cell(p["means"][name]);
        std::cout << "\n";
    }
    if (!c["identifiers"].empty())
        std::cout << "  (not profiled, they identify rows: " << join(c["identifiers"].get<std::vector<std::string>>(), ", ")
                  << ")\n";
}

// "ncf on 3582 interactions (300 users, 240 items, density 4.97%)", or
// "random_forest on 2100 rows, 12 features".
std::string fitted_on(const train::Json& result) {
    std::string out = result["algorithm"].get<std::string>() + " on " + result["training_samples"].dump();
    if (result.contains("labels"))
        return out + " texts" + augmented_text(result["augmentation"]) + ", " +
               std::to_string(result["labels"]["label_names"].size()) + " labels (" +
               (result["labels"]["multi_label"].get<bool>() ? "a set per text" : "one per text") + ")";
    if (!result.contains("interactions")) return out + " rows, " + result["feature_count"].dump() + " features";
    const auto& stats = result["interactions"];
    return out + " interactions (" + stats["users"].dump() + " users, " + stats["items"].dump() + " items, density " +
           format_double(std::round(stats["density"].get<double>() * 10000) / 100) + "%)";
}

// "leave_one_out: each user's latest interaction ranked among 99 sampled unseen items"
void print_evaluation(const train::Json& result) {
    if (!result.contains("evaluation")) return;
    const auto& e = result["evaluation"];
    std::cout << "  evaluation: " << e["protocol"].get<std::string>() << ", each user's latest interaction ranked among "
              << (e.contains("negatives") ? e["negatives"].dump() + " sampled unseen items"
                                          : std::string("every item the user has not interacted with"))
              << " (" << e["test_users"] << " test users)\n";
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("train", "Run a training job: load, split, fit, evaluate, register");
    struct Options {
        std::string file, job;
        std::vector<std::string> sets;
        bool json = false, quiet = false, no_register = false, resume = false;
        int cv = 0;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("FILE", o->file, "job file")->required();
    cmd->add_option("JOB", o->job, "training job name (default: the file's only training job)");
    cmd->add_option("--set", o->sets, "override a field, e.g. --set hyperparameters.n_estimators=150 (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--cv", o->cv,
                    "also cross-validate in K folds (stratified for classifiers) before fitting as the job says; "
                    "the same as --set cv=K");
    add_threads_option(*cmd, o->settings);
    cmd->add_flag("--no-register", o->no_register, "evaluate only; write nothing to the registry");
    cmd->add_flag("--resume", o->resume,
                  "continue the job's latest run, interrupted or failed, from its last checkpoint (needs 'checkpoints:')");
    cmd->add_flag("--json", o->json, "print the result as JSON");
    cmd->add_flag("-q,--quiet", o->quiet, "no progress output");
    add_settings_options(*cmd, o->settings);
    cmd->callback([o, &exit_code] {
        auto loaded = load_checked_job_file(o->file);
        std::vector<std::string> names;
        for (const auto& t : loaded.spec.trainings) names.push_back(t.name);
        std::string job = pick_job(o->job, names, "training", o->file, "train");
        auto store = open_settings_store(o->settings);
        train::TrainOptions options;
        for (const auto& s : o->sets) lang::add_override(options.overrides, s);
        if (o->cv != 0) lang::add_override(options.overrides, "cv=" + std::to_string(o->cv));
        options.context = run_context(o->settings);
        options.register_model = !o->no_register;
        options.resume = o->resume;
        ProgressPrinter printer(o->quiet || o->json);
        options.on_progress = [&printer](const train::Progress& p) { printer(p); };
        if (!o->quiet && !o->json) std::cerr << "training " << job << "\n";
        train::Json result = train::run_training_job(loaded.spec, job, *store, options);
        printer.end_bar();
        if (o->json) {
            std::cout << hone::json_dump(result, 2) << "\n";
        } else {
            for (const auto& w : result["warnings"]) std::cerr << "warning: " << w.get<std::string>() << "\n";
            std::cout << job << ": " << fitted_on(result);
            if (!result["best_iteration"].is_null()) std::cout << ", best round " << (result["best_iteration"].get<int>() + 1);
            std::cout << " (" << static_cast<long>(result["duration_ms"].get<double>()) << " ms)\n";
            print_evaluation(result);
            if (result.contains("cross_validation")) print_folds_table(result["cross_validation"]);
            if (result.contains("clustering")) print_clusters(result);
            else print_metrics_table(result);
            if (result["registry_key"].is_string())
                std::cout << "\nregistered " << result["registry_key"].get<std::string>() << " (version "
                          << result["version"] << ")\n";
        }
        exit_code = 0;
    });
}

}  // namespace hone::cli
