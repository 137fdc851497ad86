// `hone pipeline run|status|list`: run a job file's pipeline (each stage's
// line as it ends, cached stages said so), show a stored execution, list a
// file's pipelines with their latest execution.
#include <algorithm>
#include <cmath>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/settings.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "pipeline/executor.hpp"
#include "registry/store.hpp"

namespace hone::cli {
namespace {

using pipeline::Json;

// "61 ms", "12.3 s"
std::string duration_text(double ms) {
    if (ms < 1000) return std::to_string(static_cast<long>(std::round(ms))) + " ms";
    return format_double(std::round(ms / 100) / 10) + " s";
}

// "  train        model_training     completed   12.3 s  (cached)"
std::string stage_line(const Json& s) {
    std::string line = "  " + s["id"].get<std::string>();
    line.resize(std::max<std::size_t>(line.size() + 1, 18), ' ');
    std::string type = s["type"].get<std::string>();
    type.resize(std::max<std::size_t>(type.size() + 1, 20), ' ');
    std::string status = s["status"].get<std::string>();
    status.resize(std::max<std::size_t>(status.size() + 1, 12), ' ');
    line += type + status + duration_text(s["duration_ms"].get<double>());
    if (s["cached"].get<bool>()) line += s["reused_from"].is_string() ? "  (reused from " + s["reused_from"].get<std::string>() + ")" : "  (cached)";
    if (s["error"].is_string() && s["status"] != "completed") line += "\n      " + s["error"].get<std::string>();
    return line;
}

// The execution's line, then (unless they were shown as they ended) its stages.
void print_execution(const Json& doc, bool with_stages = true) {
    std::cout << "pipeline " << doc["pipeline"].get<std::string>() << ", execution " << doc["execution_id"].get<std::string>()
              << ": " << doc["status"].get<std::string>() << " in " << duration_text(doc["duration_ms"].get<double>())
              << "\n";
    if (with_stages)
        for (const auto& s : doc["stages"]) std::cout << stage_line(s) << "\n";
    if (doc["error"].is_string()) std::cout << "error: " << doc["error"].get<std::string>() << "\n";
}

void add_run(CLI::App& parent, int& exit_code) {
    auto* cmd = parent.add_subcommand("run", "Run a pipeline: its stages by their dependencies, unchanged ones from the cache");
    struct Options {
        std::string file, name;
        bool json = false, quiet = false, no_cache = false, resume = false;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("FILE", o->file, "job file")->required();
    cmd->add_option("NAME", o->name, "pipeline name (default: the file's only pipeline)");
    cmd->add_flag("--no-cache", o->no_cache, "run every stage, even those whose inputs did not change");
    cmd->add_flag("--resume", o->resume,
                  "continue the pipeline's latest execution that failed or was interrupted, without rerunning the "
                  "stages it completed");
    cmd->add_flag("--json", o->json, "print the execution as JSON");
    cmd->add_flag("-q,--quiet", o->quiet, "no progress output");
    add_threads_option(*cmd, o->settings);
    add_settings_options(*cmd, o->settings);
    cmd->callback([o, &exit_code] {
        auto loaded = load_checked_job_file(o->file);
        std::vector<std::string> names;
        for (const auto& p : loaded.spec.pipelines) names.push_back(p.name);
        const std::string name = pick_job(o->name, names, "pipeline", o->file, "pipeline run");
        // Stages run on threads of their own, each writing to the store.
        auto store = registry::serialized(open_settings_store(o->settings));
        pipeline::ExecutionOptions options;
        options.context = run_context(o->settings);
        options.use_cache = !o->no_cache;
        options.resume = o->resume;
        const bool progress = !o->quiet && !o->json;
        // Each stage's line as it ends (on stderr); the summary line on stdout.
        options.on_stage = [progress](const pipeline::StageEvent& e) {
            if (progress && e.stage["status"] != "running") std::cerr << stage_line(e.stage) << "\n";
        };
        if (progress) std::cerr << "running pipeline " << name << "\n";
        Json doc = pipeline::run_pipeline(loaded.spec, name, *store, options);
        if (o->json) std::cout << json_dump(doc, 2) << "\n";
        else print_execution(doc, !progress);
        exit_code = doc["status"] == "completed" ? 0 : 1;
    });
}

void add_status(CLI::App& parent, int& exit_code) {
    auto* cmd = parent.add_subcommand("status", "Show an execution: each stage's status, time and whether it was cached");
    struct Options {
        std::string id;
        bool json = false;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("EXECUTION_ID", o->id, "the execution (printed by `hone pipeline run`)")->required();
    cmd->add_flag("--json", o->json, "print the execution as JSON");
    add_settings_options(*cmd, o->settings);
    cmd->callback([o, &exit_code] {
        auto store = open_settings_store(o->settings);
        auto doc = pipeline::find_execution(*store, o->id);
        if (!doc) throw Error(ErrorKind::not_found, "execution_not_found", "no pipeline execution '" + o->id + "'");
        if (o->json) std::cout << json_dump(*doc, 2) << "\n";
        else print_execution(*doc);
        exit_code = 0;
    });
}

void add_list(CLI::App& parent, int& exit_code) {
    auto* cmd = parent.add_subcommand("list", "List a job file's pipelines, their stages and latest execution");
    struct Options {
        std::string file;
        bool json = false;
        Settings settings;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("FILE", o->file, "job file")->required();
    cmd->add_flag("--json", o->json, "print JSON");
    add_settings_options(*cmd, o->settings);
    cmd->callback([o, &exit_code] {
        auto loaded = load_checked_job_file(o->file);
        auto store = open_settings_store(o->settings);
        Json out = Json::array();
        std::vector<std::vector<std::string>> rows = {{"pipeline", "stages", "latest", "status"}};
        for (const auto& p : loaded.spec.pipelines) {
            Json item = pipeline::describe_pipeline(p);
            auto latest = pipeline::executions_of(*store, p.name, 1);
            item["latest_execution"] = latest.empty() ? Json() : latest.front();
            rows.push_back({p.name, std::to_string(p.stages.size()),
                            latest.empty() ? "-" : latest.front()["execution_id"].get<std::string>(),
                            latest.empty() ? "never run" : latest.front()["status"].get<std::string>()});
            out.push_back(std::move(item));
        }
        if (o->json) std::cout << json_dump(Json{{"pipelines", out}}, 2) << "\n";
        else print_table(rows);
        exit_code = 0;
    });
}

}  // namespace

void add_pipeline_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("pipeline", "Run pipelines of stages (prepare, validate, train, gate, deploy)");
    cmd->require_subcommand(1);
    add_run(*cmd, exit_code);
    add_status(*cmd, exit_code);
    add_list(*cmd, exit_code);
}

}  // namespace hone::cli
