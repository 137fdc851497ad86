#include "cli/settings.hpp"

#include <cstdlib>
#include <iostream>

#include "common/error.hpp"
#include "common/text.hpp"
#include "registry/recovery.hpp"
#include "tune/validate.hpp"

namespace hone::cli {

void add_settings_options(CLI::App& cmd, Settings& settings) {
    cmd.add_option("--store", settings.store, "registry database (default: $HONE_STORE or .hone/hone.db)");
    cmd.add_option("--model-root", settings.model_root, "artifact directory (default: $HONE_MODEL_ROOT or .hone/models)");
}

void add_threads_option(CLI::App& cmd, Settings& settings, const std::string& doc) {
    cmd.add_option("--threads", settings.threads, doc);
}

RunContext run_context(const Settings& settings) {
    RunContext c = context_from_environment();
    if (!settings.store.empty()) c.store = settings.store;
    if (!settings.model_root.empty()) c.model_root = settings.model_root;
    c.threads = settings.threads;
    return c;
}

std::unique_ptr<registry::Store> open_settings_store(const Settings& settings) {
    auto store = registry::open_store(run_context(settings).store);
    // What a crashed process left is put right before anything reads the store.
    for (const auto& note : registry::recover(*store, model_root(settings)).notes) std::cerr << "hone: " << note << "\n";
    return store;
}

std::string model_root(const Settings& settings) { return run_context(settings).model_root; }

lang::LoadedJobFile load_checked_job_file(const std::string& file) {
    auto loaded = lang::load_job_file(file);
    tune::validate_job(loaded);
    std::cerr << loaded.report();
    if (!loaded.ok())
        throw Error(ErrorKind::validation, "invalid_job_file", "the job file has errors (see above)", Location(file));
    return loaded;
}

std::string pick_job(const std::string& given, const std::vector<std::string>& names, const std::string& kind,
                     const std::string& file, const std::string& command) {
    if (!given.empty()) return given;
    if (names.size() == 1) return names[0];
    throw Error(ErrorKind::validation, "job_required",
                file + " has " + std::to_string(names.size()) + " " + kind + " jobs; name one: hone " + command + " " +
                    file + " JOB",
                {}, names.empty() ? "" : kind + " jobs: " + join(names));
}

}  // namespace hone::cli
