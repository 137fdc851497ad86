#pragma once
// Where the registry lives, for every command that reads or writes it: flags,
// then HONE_* environment variables, then ./.hone/.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "lang/job_file.hpp"
#include "registry/store.hpp"

namespace hone::cli {

struct Settings {
    std::string store;       // --store: SQLite path (or postgresql:// URL)
    std::string model_root;  // --model-root: artifact directory
};

void add_settings_options(CLI::App& cmd, Settings& settings);
std::unique_ptr<registry::Store> open_settings_store(const Settings& settings);
std::string model_root(const Settings& settings);
// The job file, its warnings and errors printed to stderr; errors throw
// hone::Error(validation, "invalid_job_file").
lang::LoadedJobFile load_checked_job_file(const std::string& file);

// `given`, or the file's only job of that kind ("training", "tuning"); several
// and none given is hone::Error(validation, "job_required") listing them.
std::string pick_job(const std::string& given, const std::vector<std::string>& names, const std::string& kind,
                     const std::string& file, const std::string& command);

// $USER, else "hone".
std::string created_by();

}  // namespace hone::cli
