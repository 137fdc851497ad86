#pragma once
// Where the registry lives, for every command that reads or writes it: flags,
// then HONE_* environment variables, then ./.hone/.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "registry/store.hpp"

namespace hone::cli {

struct Settings {
    std::string store;       // --store: SQLite path (or postgresql:// URL)
    std::string model_root;  // --model-root: artifact directory
};

void add_settings_options(CLI::App& cmd, Settings& settings);
std::unique_ptr<registry::Store> open_settings_store(const Settings& settings);
std::string model_root(const Settings& settings);
// $USER, else "hone".
std::string created_by();

}  // namespace hone::cli
