#include "common/run_context.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace hone {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : "";
}

// $VAR, else $HONE_HOME/leaf, else .hone/leaf.
std::string under_home(const char* var, const char* leaf) {
    if (auto v = env(var); !v.empty()) return v;
    if (auto home = env("HONE_HOME"); !home.empty()) return (std::filesystem::path(home) / leaf).string();
    return (std::filesystem::path(".hone") / leaf).string();
}

}  // namespace

RunContext context_from_environment() {
    RunContext c;
    c.store = under_home("HONE_STORE", "hone.db");
    c.model_root = under_home("HONE_MODEL_ROOT", "models");
    c.postgres_url = env("HONE_POSTGRES_URL");
    if (c.postgres_url.empty()) c.postgres_url = env("DATABASE_URL");
    if (auto user = env("USER"); !user.empty()) c.who = user;
    return c;
}

unsigned threads_for(unsigned threads, std::size_t work) {
    unsigned n = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(n, work)));
}

}  // namespace hone
