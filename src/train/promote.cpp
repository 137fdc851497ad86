#include "train/promote.hpp"

namespace hone::train {

std::vector<std::string> other_production_versions(registry::Store& store, const registry::ModelEntry& entry) {
    registry::ModelFilter same;
    same.name = entry.name;
    same.stage = "production";
    std::vector<std::string> out;
    for (const auto& e : store.list_models(same))
        if (e.key != entry.key) out.push_back(e.key);
    return out;
}

void promote(registry::Store& store, const std::string& key, const std::vector<std::string>& others) {
    store.set_stage(key, "production");
    for (const auto& k : others) store.set_stage(k, "archived");
}

}  // namespace hone::train
