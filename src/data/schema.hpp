#pragma once
// Checks a loaded Frame against a dataset's declared `schema:` and converts
// columns to the declared types. A missing column, or a value that does not fit
// the declared type, is hone::Error(data, "dataset_load_failed") naming the
// column, the 1-based row and the value.
#include <string>
#include <vector>

#include "data/frame.hpp"
#include "lang/spec.hpp"

namespace hone::data {

// `source_name` stands for the file or table in messages.
void apply_schema(Frame& frame, const std::vector<lang::ColumnDecl>& schema, const std::string& source_name);

}  // namespace hone::data
