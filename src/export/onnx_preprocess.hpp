#pragma once
// The fitted preprocessing (data/preprocess.hpp) as ONNX nodes: raw columns in,
// the float feature matrix Preprocessor::transform makes out, bit for bit.
//
// One graph input per input column, in the preprocessor's order, shape [N, 1]:
//  - numeric and bool columns: float; a null is NaN; bools are 0 or 1. Values
//    pass through float32, so a number float32 cannot hold is rounded before
//    preprocessing (hone itself reads it as a double);
//  - categorical columns: string; a null is "" (the empty string), which
//    becomes the fill category, as a null does in hone.
// Numeric steps are computed as hone computes them: in double (NaN replaced by
// the fill, minus the offset, divided by the divisor), then rounded to float.
// Categories go through ai.onnx.ml's LabelEncoder to their slot (one-hot:
// unseen ones to the `__other__` column; ordinal: unseen ones to -1).
#include <string>

#include "data/preprocess.hpp"
#include "export/onnx_graph.hpp"

namespace hone::exporting {

// Declares the inputs above and adds the nodes that compute the feature matrix;
// returns the name of that float tensor [N, pre.output_size()].
std::string add_preprocessing(GraphBuilder& graph, const data::Preprocessor& pre);

// A serialized ModelProto of the preprocessing alone: the inputs above and one
// output, "features" (float [N, F], F = pre.output_size()). For tests and tools
// that compare the graph with Preprocessor::transform.
std::string preprocessing_onnx(const data::Preprocessor& pre);

}  // namespace hone::exporting
