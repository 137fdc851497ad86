#pragma once
// Moving a model to production, as the deploy route and a pipeline's
// model_deployment stage both do: the other versions of its name that were in
// production are archived, so one version of a name serves at a time.
#include <string>
#include <vector>

#include "registry/store.hpp"

namespace hone::train {

// The keys of the other versions of `entry`'s name now in production: what
// promote() will archive.
std::vector<std::string> other_production_versions(registry::Store& store, const registry::ModelEntry& entry);

// `key` to production, each of `others` (other_production_versions) to archived.
void promote(registry::Store& store, const std::string& key, const std::vector<std::string>& others);

}  // namespace hone::train
