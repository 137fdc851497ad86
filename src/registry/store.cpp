// What every back end of the store shares: the stages, the JSON shapes of its
// records, and the choice of back end by location.
#include "registry/store.hpp"

#include "common/clock.hpp"
#include "registry/backends.hpp"

namespace hone::registry {

const std::vector<std::string>& stages() {
    static const std::vector<std::string> v = {"none", "staging", "production", "archived"};
    return v;
}

Json ModelEntry::to_json() const {
    return Json{{"key", key},
                {"name", name},
                {"version", version},
                {"algorithm", algorithm},
                {"framework", framework},
                {"task", task},
                {"metrics", metrics},
                {"validation_metrics", validation_metrics},
                {"hyperparameters", hyperparameters},
                {"metadata", metadata},
                {"feature_count", feature_count},
                {"training_samples", training_samples},
                {"created_at", created_at},
                {"created_by", created_by},
                {"stage", stage},
                {"file_path", file_path},
                {"sha256", sha256},
                {"run_id", run_id}};
}

Json RunRecord::to_json() const {
    Json j{{"run_id", id},         {"job", job},         {"kind", kind},
           {"status", status},     {"ts", ts},           {"duration_ms", duration_ms},
           {"metrics", metrics}};
    if (!registry_key.empty()) j["registry_key"] = registry_key;
    if (!error.empty()) j["error"] = error;
    return j;
}

Json LogEntry::to_json() const { return Json{{"timestamp", rfc3339(ts)}, {"level", level}, {"message", message}}; }

Json TrialRow::to_json() const {
    Json j{{"trial_index", number}, {"status", status}, {"hyperparameters", params},
           {"metrics", metrics}, {"value", value ? Json(*value) : Json()},
           {"intermediate_values", intermediate}, {"started_at", started_at}, {"duration_ms", duration_ms}};
    if (!error.empty()) j["error"] = error;
    if (!registry_key.empty()) j["registry_key"] = registry_key;
    if (!owner.empty()) j["worker"] = owner;
    if (retry_of) j["retry_of"] = *retry_of;
    return j;
}

int trials_counted(const std::vector<TrialRow>& trials) {
    int reruns = 0;
    for (const auto& t : trials) reruns += t.retry_of.has_value();
    return static_cast<int>(trials.size()) - reruns;
}

bool any_trial_open(const std::vector<TrialRow>& trials) {
    for (const auto& t : trials)
        if (t.status == "running" || t.status == "waiting") return true;
    return false;
}

bool is_postgres_url(const std::string& location) {
    return location.rfind("postgres://", 0) == 0 || location.rfind("postgresql://", 0) == 0;
}

std::unique_ptr<Store> open_store(const std::string& location) {
    return is_postgres_url(location) ? open_postgres_store(location) : open_sqlite_store(location);
}

SchemaStatus migrate_store(const std::string& location, int target) {
    return is_postgres_url(location) ? migrate_postgres_store(location, target) : migrate_sqlite_store(location, target);
}

}  // namespace hone::registry
