#include "cli/settings.hpp"

#include <cstdlib>

namespace hone::cli {

void add_settings_options(CLI::App& cmd, Settings& settings) {
    cmd.add_option("--store", settings.store, "registry database (default: $HONE_STORE or .hone/hone.db)");
    cmd.add_option("--model-root", settings.model_root, "artifact directory (default: $HONE_MODEL_ROOT or .hone/models)");
}

std::unique_ptr<registry::Store> open_settings_store(const Settings& settings) {
    return registry::open_store(settings.store.empty() ? registry::default_store_location() : settings.store);
}

std::string model_root(const Settings& settings) {
    return settings.model_root.empty() ? registry::default_model_root() : settings.model_root;
}

std::string created_by() {
    const char* user = std::getenv("USER");
    return user && *user ? user : "hone";
}

}  // namespace hone::cli
