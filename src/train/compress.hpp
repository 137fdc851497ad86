#pragma once
// Compressing a registered model: its weights quantized to int8 or float16
// (models/quantize.hpp) and registered as the next version of the same model,
// the original left as it was. The training-service API's POST /api/training/models/{id}/compress
// with compression_type "quantization".
//
// What it answers is what a data scientist needs to decide whether to deploy
// the smaller model: the model files' bytes before and after, the largest change
// of one weight, and, when the training job that made the model is given, both
// models' metrics on the same held-out split (test, else validation), with the
// deltas and the share of rows whose prediction is unchanged. Without the job the
// new entry has no metrics (none were measured) and the answer says so.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/run_context.hpp"
#include "lang/spec.hpp"
#include "models/quantize.hpp"
#include "registry/store.hpp"

namespace hone::train {

using Json = nlohmann::ordered_json;

struct CompressOptions {
    models::Precision precision = models::Precision::int8;
    RunContext context;  // its model root and who
    // The file holding a training job, by name, or null when it is not known;
    // called with the job named in the entry's metadata. The held-out split is
    // rebuilt from it (same data, seed and preprocessing) to measure both models.
    // Empty or null: not measured.
    std::function<const lang::JobFile*(const std::string& training_job)> job_file;
};

struct CompressResult {
    registry::ModelEntry entry;  // the new version
    Json report;                 // see the file comment; "key" is the new entry's
};

// Errors: an unknown key is hone::Error(not_found, "model_not_found"); an
// algorithm that is not quantizable, or a model already compressed, is
// hone::Error(validation, "not_quantizable") naming the algorithms that are;
// a job whose rebuilt preprocessing differs from the model's (the data changed
// since) is hone::Error(data, "split_not_reproduced"). Nothing is registered
// when anything throws.
CompressResult compress_model(registry::Store& store, const std::string& key, const CompressOptions& options);

}  // namespace hone::train
