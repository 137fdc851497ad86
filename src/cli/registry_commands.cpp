// `hone models list|show|delete|stage|compress` (import: export_command.cpp), `hone runs JOB`, `hone audit`,
// `hone algorithms [NAME]`:
// reading the registry and the catalog.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "common/json.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "models/catalog.hpp"
#include "registry/audit_page.hpp"
#include "train/compress.hpp"
#include "train/predictor.hpp"
#include "train/run_log.hpp"

namespace hone::cli {

// Prints rows as aligned columns.
void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (const auto& r : rows) {
        for (std::size_t i = 0; i < r.size(); ++i)
            std::cout << (i ? "  " : "") << std::left << std::setw(i + 1 < r.size() ? static_cast<int>(width[i]) : 0)
                      << r[i];
        std::cout << "\n";
    }
}

namespace {

using Json = registry::Json;

std::string time_text(double unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    return buf;
}

using train::metrics_line;

using train::require_model;

void print_compression(const Json& r) {
    std::cout << "registered " << r["key"].get<std::string>() << " (version " << r["version"] << "), "
              << r["precision"].get<std::string>() << " weights of " << r["parent"].get<std::string>() << "\n";
    std::cout << "  model files: " << r["model_bytes"]["before"] << " -> " << r["model_bytes"]["after"]
              << " bytes; largest weight change " << format_double(r["max_abs_error"].get<double>()) << "\n";
    const Json& e = r["evaluation"];
    if (e.is_null()) {
        std::cout << "  " << r["note"].get<std::string>() << " (--job FILE measures it)\n";
    } else {
        std::cout << "  on " << e["rows"] << " " << e["split"].get<std::string>() << " rows, "
                  << format_double(100 * e["unchanged_predictions"].get<double>()) << "% predictions unchanged:\n";
        std::vector<std::vector<std::string>> rows = {{"  METRIC", "BEFORE", "AFTER", "DELTA"}};
        for (auto it = e["metrics_after"].begin(); it != e["metrics_after"].end(); ++it) {
            auto num = [](const Json& v) { return v.is_number() ? format_double(v.get<double>()) : std::string("-"); };
            rows.push_back({"  " + it.key(), num(e["metrics_before"][it.key()]), num(it.value()),
                            num(e["delta"].value(it.key(), Json()))});
        }
        print_table(rows);
    }
    for (const auto& w : r["warnings"]) std::cerr << "warning: " << w.get<std::string>() << "\n";
}

void add_compress(CLI::App& models, const std::shared_ptr<Settings>& settings, int& exit_code) {
    auto* cmd = models.add_subcommand(
        "compress", "Quantize a linear model's weights (int8 or float16) into its next version, measured against it");
    struct Options {
        std::string key, precision = "int8", job_file;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("KEY", o->key, "registry key")->required();
    cmd->add_option("--precision", o->precision, "int8 (default) or float16");
    cmd->add_option("--job", o->job_file,
                    "the job file that trained the model: both versions are measured on its held-out rows");
    cmd->add_flag("--json", o->json, "print the report as JSON");
    cmd->callback([=, &exit_code] {
        train::CompressOptions options;
        options.precision = models::parse_precision(o->precision);
        options.context = run_context(*settings);
        lang::LoadedJobFile file;
        if (!o->job_file.empty()) {
            file = load_checked_job_file(o->job_file);
            options.job_file = [&file](const std::string&) { return &file.spec; };
        }
        auto store = open_settings_store(*settings);
        train::CompressResult result = train::compress_model(*store, o->key, options);
        store->audit(run_context(*settings).who, "compress", o->key, "ok",
                     Json{{"key", result.entry.key}, {"precision", result.report["precision"]}});
        if (o->json)
            std::cout << hone::json_dump(result.report, 2) << "\n";
        else
            print_compression(result.report);
        exit_code = 0;
    });
}

void add_models(CLI::App& app, int& exit_code) {
    auto* models = app.add_subcommand("models", "List, show, stage, compress, import and delete registered models");
    models->require_subcommand(1);
    auto settings = std::make_shared<Settings>();
    add_settings_options(*models, *settings);

    auto* list = models->add_subcommand("list", "Registered models, newest first");
    auto filter = std::make_shared<registry::ModelFilter>();
    auto list_json = std::make_shared<bool>(false);
    list->add_option("--name", filter->name, "only this model name");
    list->add_option("--algorithm", filter->algorithm, "only this algorithm");
    list->add_option("--stage", filter->stage, "only this stage");
    list->add_flag("--json", *list_json, "print JSON");
    list->callback([=, &exit_code] {
        auto store = open_settings_store(*settings);
        auto entries = store->list_models(*filter);
        if (*list_json) {
            Json out = Json::array();
            for (const auto& e : entries) out.push_back(e.to_json());
            std::cout << hone::json_dump(out, 2) << "\n";
        } else if (entries.empty()) {
            std::cout << "no models registered\n";
        } else {
            std::vector<std::vector<std::string>> rows = {{"KEY", "VERSION", "ALGORITHM", "STAGE", "CREATED", "METRICS"}};
            for (const auto& e : entries)
                rows.push_back({e.key, std::to_string(e.version), e.algorithm, e.stage, time_text(e.created_at),
                                metrics_line(e.metrics)});
            print_table(rows);
        }
        exit_code = 0;
    });

    auto* show = models->add_subcommand("show", "Everything the registry holds about one model");
    auto key = std::make_shared<std::string>();
    show->add_option("KEY", *key, "registry key")->required();
    show->callback([=, &exit_code] {
        auto store = open_settings_store(*settings);
        std::cout << hone::json_dump(require_model(*store, *key).to_json(), 2) << "\n";
        exit_code = 0;
    });

    auto* del = models->add_subcommand("delete", "Remove a model's entry and its files");
    auto del_key = std::make_shared<std::string>();
    del->add_option("KEY", *del_key, "registry key")->required();
    del->callback([=, &exit_code] {
        auto store = open_settings_store(*settings);
        auto entry = require_model(*store, *del_key);
        store->delete_model(*del_key);
        std::error_code ec;
        std::filesystem::remove_all(entry.file_path, ec);
        store->audit(run_context(*settings).who, "delete_model", *del_key, "ok");
        std::cout << "deleted " << *del_key << "\n";
        exit_code = 0;
    });

    auto* stage = models->add_subcommand("stage", "Move a model to a stage: none, staging, production, archived");
    auto stage_key = std::make_shared<std::string>();
    auto stage_name = std::make_shared<std::string>();
    stage->add_option("KEY", *stage_key, "registry key")->required();
    stage->add_option("STAGE", *stage_name, "none, staging, production or archived")->required();
    stage->callback([=, &exit_code] {
        auto store = open_settings_store(*settings);
        store->set_stage(*stage_key, *stage_name);
        store->audit(run_context(*settings).who, "set_stage", *stage_key, "ok", Json{{"stage", *stage_name}});
        std::cout << *stage_key << " is now in " << *stage_name << "\n";
        exit_code = 0;
    });

    add_compress(*models, settings, exit_code);
    add_models_import(*models, settings, exit_code);
}

// hone runs logs RUN_ID: the run's log lines, as GET /api/training/runs/{id}/logs.
void add_run_logs(CLI::App& runs, int& exit_code) {
    auto* cmd = runs.add_subcommand("logs", "A run's log: time, level and message per line");
    auto run_id = std::make_shared<std::string>();
    auto level = std::make_shared<std::string>("info");
    auto json = std::make_shared<bool>(false);
    auto settings = std::make_shared<Settings>();
    cmd->add_option("RUN_ID", *run_id, "a run or study id ('hone runs JOB' lists them)")->required();
    cmd->add_option("--level", *level, "the lowest level shown: info (default), warning or error");
    cmd->add_flag("--json", *json, "print JSON (the shape GET /api/training/runs/{id}/logs answers)");
    add_settings_options(*cmd, *settings);
    cmd->callback([=, &exit_code] {
        auto store = open_settings_store(*settings);
        Json lines = train::run_logs(*store, *run_id, *level);
        if (*json) {
            std::cout << hone::json_dump(lines, 2) << "\n";
        } else {
            for (const auto& l : lines)
                std::cout << "[" << l["timestamp"].get<std::string>() << "] " << l["level"].get<std::string>() << ": "
                          << l["message"].get<std::string>() << "\n";
        }
        exit_code = 0;
    });
}

void add_runs(CLI::App& app, int& exit_code) {
    auto* runs = app.add_subcommand("runs", "The history of a job's runs, newest first ('hone runs logs RUN_ID': a run's log)");
    auto job = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto settings = std::make_shared<Settings>();
    runs->add_option("JOB", *job, "job name");
    runs->add_flag("--json", *json, "print JSON (the run history shape)");
    add_settings_options(*runs, *settings);
    add_run_logs(*runs, exit_code);
    runs->require_subcommand(0, 1);
    runs->callback([=, &exit_code] {
        if (runs->get_subcommands().size() > 0) return;  // `runs logs` answered
        if (job->empty())
            throw CLI::RequiredError("JOB (or 'hone runs logs RUN_ID')");
        auto store = open_settings_store(*settings);
        auto records = store->runs_of(*job);
        if (*json) {
            Json out = Json::array();
            for (const auto& r : records) out.push_back(r.to_json());
            std::cout << hone::json_dump(out, 2) << "\n";
        } else if (records.empty()) {
            std::cout << "no runs of " << *job << "\n";
        } else {
            std::vector<std::vector<std::string>> rows = {{"RUN", "STATUS", "STARTED", "DURATION", "MODEL", "METRICS"}};
            for (const auto& r : records) {
                char duration[32];
                std::snprintf(duration, sizeof duration, "%.1fs", r.duration_ms / 1000);
                rows.push_back({r.id, r.status, time_text(r.ts), duration, r.registry_key,
                                r.status == "ok" ? metrics_line(r.metrics) : r.error.substr(0, 80)});
            }
            print_table(rows);
        }
        exit_code = 0;
    });
}

// hone audit: who changed what through the server (and the CLI's own
// changes), newest first, a page at a time, as GET /api/training/audit.
void add_audit(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("audit", "The audit log, newest first: who changed what, when, and the outcome");
    auto offset = std::make_shared<std::size_t>(0);
    auto limit = std::make_shared<std::size_t>(registry::kDefaultAuditLimit);
    auto json = std::make_shared<bool>(false);
    auto settings = std::make_shared<Settings>();
    cmd->add_option("--offset", *offset, "entries to skip, newest first (default 0)");
    cmd->add_option("--limit", *limit, "entries to show, 1 to 1000 (default 100)")
        ->check(CLI::Range(std::size_t{1}, registry::kMaxAuditLimit));
    cmd->add_flag("--json", *json, "print JSON (the shape GET /api/training/audit answers)");
    add_settings_options(*cmd, *settings);
    cmd->callback([=, &exit_code] {
        auto store = open_settings_store(*settings);
        Json page = registry::audit_page(*store, *offset, *limit);
        if (*json) {
            std::cout << hone::json_dump(page, 2) << "\n";
        } else if (page["entries"].empty()) {
            std::cout << "no audit entries" << (*offset ? " past the first " + std::to_string(*offset) : "") << "\n";
        } else {
            std::vector<std::vector<std::string>> rows = {{"WHEN", "WHO", "ACTION", "TARGET", "OUTCOME", "DETAILS"}};
            for (const auto& e : page["entries"]) {
                std::string details = e["details"].is_object() && !e["details"].empty() ? e["details"].dump() : "";
                rows.push_back({time_text(e["ts"].get<double>()), e["actor"].get<std::string>(),
                                e["action"].get<std::string>(), e["target"].get<std::string>(),
                                e["outcome"].get<std::string>(), details.substr(0, 100)});
            }
            print_table(rows);
        }
        exit_code = 0;
    });
}

void add_algorithms(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("algorithms", "The algorithms hone trains and their hyperparameters");
    auto name = std::make_shared<std::string>();
    auto markdown = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    cmd->add_option("NAME", *name, "an algorithm (catalog or scikit-learn class name) to describe");
    cmd->add_flag("--markdown", *markdown, "print docs/algorithms.md");
    cmd->add_flag("--json", *json, "print JSON");
    cmd->callback([=, &exit_code] {
        if (*markdown) {
            std::cout << models::algorithms_markdown();
            exit_code = 0;
            return;
        }
        auto param_json = [](const models::ParamSpec& p) {
            Json j{{"name", p.name}, {"default", p.default_value}, {"aliases", p.aliases}, {"doc", p.doc}};
            if (auto text = models::tuning_range_text(p); !text.empty()) j["tuned_over"] = text;
            return j;
        };
        if (name->empty()) {
            if (*json) {
                Json out = Json::array();
                for (const auto& a : models::algorithms()) {
                    Json names = Json::array();
                    for (const auto& n : a.aliases) names.push_back(n.name);
                    out.push_back(Json{{"name", a.name}, {"aliases", names}, {"library", a.library}, {"doc", a.doc},
                                       {"quantizable", a.quantizable},
                                       {"distributed", a.distributed}});
                }
                std::cout << hone::json_dump(out, 2) << "\n";
            } else {
                std::vector<std::vector<std::string>> rows = {{"ALGORITHM", "LIBRARY", "ALSO KNOWN AS"}};
                for (const auto& a : models::algorithms()) {
                    std::vector<std::string> names;
                    for (const auto& n : a.aliases) names.push_back(n.name);
                    rows.push_back({a.name, a.library, join(names)});
                }
                print_table(rows);
                std::cout << "\n'hone algorithms NAME' lists an algorithm's hyperparameters.\n";
            }
            exit_code = 0;
            return;
        }
        const auto& a = models::find_algorithm(*name);
        if (*json) {
            Json params = Json::array();
            for (const auto& p : a.params) params.push_back(param_json(p));
            std::cout << hone::json_dump(Json{{"name", a.name}, {"library", a.library}, {"doc", a.doc}, {"params", params}}, 2) << "\n";
        } else {
            std::cout << a.name << " (" << a.library << "): " << a.doc << "\n\n";
            std::vector<std::vector<std::string>> rows = {{"PARAMETER", "DEFAULT", "TUNED OVER", "ALIASES", "MEANING"}};
            for (const auto& p : a.params)
                rows.push_back({p.name, p.default_value.is_null() ? "null" : p.default_value.dump(),
                                models::tuning_range_text(p), join(p.aliases), p.doc});
            print_table(rows);
        }
        exit_code = 0;
    });
}

}  // namespace

void add_registry_commands(CLI::App& app, int& exit_code) {
    add_models(app, exit_code);
    add_runs(app, exit_code);
    add_audit(app, exit_code);
    add_algorithms(app, exit_code);
}

}  // namespace hone::cli
