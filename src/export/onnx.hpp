#pragma once
// A registered model as one ONNX file that needs nothing of hone: the raw
// feature columns in, the fitted preprocessing (onnx_preprocess.hpp), the
// model (a writer of onnx_writers.hpp), hone's predictions out. docs/export.md
// is the user's description.
//
// Inputs: one per feature column, [N, 1]: float for numeric and bool columns
// (NaN = null), string for categorical ones ("" = null).
// Outputs, by task:
//  - classification: "label" [N], int64 when the manifest's target_type is
//    int64, else string (the class as hone prints it: "true", "1.5", "yes");
//    "probabilities", float [N, classes] in the manifest's class order, when the
//    model has probabilities;
//  - regression: "variable", float [N, 1];
//  - clustering: "label", int64 [N], the cluster index.
// Opsets: the default domain 17, ai.onnx.ml 3 (IR version 8, onnx 1.12). The
// model's metadata_props hold model_key, model_version, algorithm, task and
// hone_commit; producer is "hone" with hone's version.
#include <string>
#include <string_view>
#include <vector>

#include "train/predictor.hpp"

namespace hone::exporting {

// The serialized ModelProto of `model`. A model whose algorithm has no writer
// (and every text classifier and recommender) is hone::Error(validation,
// "not_exportable") naming the algorithm and the algorithms that export.
// A model that replays its dataset's processing (data/processing.hpp) is
// refused too, naming its first step.
std::string export_onnx(const train::LoadedModel& model);

// hone::Error(validation, "not_exportable") naming the first step of the
// model's dataset processing, which no export format expresses yet; nothing
// for a model without one.
void refuse_processing(const train::LoadedModel& model, std::string_view format);

// The algorithms export_onnx writes, in registry order.
std::vector<std::string> onnx_exportable_algorithms();

}  // namespace hone::exporting
