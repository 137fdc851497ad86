#pragma once
// The artifact manifest's fields that every model has, written where a model is
// registered and read where it is loaded, so both sides agree on one format:
// {"format": "hone-model", "format_version", "algorithm", "library", "task", ...,
//  "params", "seed", "provenance"} (num_classes for classifiers and text classifiers).
#include <nlohmann/json.hpp>

#include "models/catalog.hpp"
#include "train/setup.hpp"

namespace hone::train {

// format, format_version, algorithm, library and task of `basis`; the caller adds
// its own fields, then params, seed and provenance.
Json manifest_head(const JobBasis& basis);

// The catalog entry and the configuration a manifest's model was trained with:
// task, num_classes (0 when absent), params and seed. An unknown algorithm or task
// is hone::Error(data, "model_load_failed").
struct ManifestModel {
    const models::AlgorithmSpec* algo = nullptr;
    models::EstimatorConfig config;
};
ManifestModel model_of(const Json& manifest);

}  // namespace hone::train
