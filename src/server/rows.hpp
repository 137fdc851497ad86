#pragma once
// The rows of a prediction request as a Frame holding a model's feature columns.
//
// The body holds exactly one of:
//   {"records": [{"tenure": 3, ...}, ...]}                     hone's own
//   {"dataframe_records": [{...}, ...]}                        MLflow, pandas "records"
//   {"dataframe_split": {"columns": [...], "data": [[...]]}}   MLflow, pandas "split" ("index" ignored)
//   {"instances": [{...} or [...], ...]}                       MLflow / TF Serving; an array
//                                                              lists the features in the model's order
// Only the model's features are read; other keys are ignored. A column is typed by
// its values: booleans -> bool, integers -> int64, any fraction -> float64, any
// string (or a mix of kinds) -> string with numbers as their text; null is a
// missing value (imputed as at training). The preprocessing then treats each
// column as it was fitted (numbers in text are parsed, categories match by text).
//
// This differs from data::read_json_text (which infers every key of a file) in
// knowing the model: positional instances, only its features, and a feature
// absent from a row is an error naming the feature and the row.
//
// Errors: a body of another shape, or a value that is an array or object, is
// hone::Error(validation, "invalid_rows"); a feature missing from the rows is
// hone::Error(data, "missing_feature") naming it (and "did you mean" among the
// columns sent), with the column and first row in its location.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"

namespace hone::server {

// The accepted body keys, in the order the error message lists them.
const std::vector<std::string>& row_formats();

data::Frame rows_to_frame(const nlohmann::ordered_json& body, const std::vector<std::string>& features);

// The same Frame as rows_to_frame(parse(body), features), read straight from the
// text, for the bodies a prediction client usually sends: "records",
// "dataframe_records" or "instances" of scalar values, strings without escapes
// or non-ASCII bytes, every feature in every row, each column of one kind (or
// null). nullopt for anything else (other shapes, errors, columns that mix
// numbers with strings or booleans): the caller then parses the whole body and
// calls rows_to_frame, which reads every shape and words every error. Skipping
// the JSON document halves the time of a one-row request.
std::optional<data::Frame> fast_rows_to_frame(std::string_view body, const std::vector<std::string>& features);

}  // namespace hone::server
