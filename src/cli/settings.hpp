#pragma once
// Where the registry lives, for every command that reads or writes it: flags,
// then HONE_* environment variables, then ./.hone/.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "common/run_context.hpp"
#include "lang/job_file.hpp"
#include "registry/store.hpp"

namespace hone::cli {

struct Settings {
    std::string store;       // --store: SQLite path (or postgresql:// URL)
    std::string model_root;  // --model-root: artifact directory
    unsigned threads = 0;    // --threads, where the command takes it
};

void add_settings_options(CLI::App& cmd, Settings& settings);
// --threads for a command that reads or trains on data.
void add_threads_option(CLI::App& cmd, Settings& settings, const std::string& doc = "threads to use (default: all cores)");
// The run context: the environment's defaults (common/run_context.hpp), then the flags.
RunContext run_context(const Settings& settings);
std::unique_ptr<registry::Store> open_settings_store(const Settings& settings);
std::string model_root(const Settings& settings);
// The job file, its warnings and errors printed to stderr; errors throw
// hone::Error(validation, "invalid_job_file").
lang::LoadedJobFile load_checked_job_file(const std::string& file);

// `given`, or the file's only job of that kind ("training", "tuning"); several
// and none given is hone::Error(validation, "job_required") listing them.
std::string pick_job(const std::string& given, const std::vector<std::string>& names, const std::string& kind,
                     const std::string& file, const std::string& command);


}  // namespace hone::cli
