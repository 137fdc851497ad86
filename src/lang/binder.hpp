#pragma once
// The binder: Document (syntax) -> JobFile (validated specs). It checks every
// block's keys against the fields the language defines (unknown keys get the
// nearest valid one), value types and ranges, enumerations, required fields,
// references between blocks (with "did you mean"), duplicate names, split ratios
// and search spaces, and reports all problems to `diags`.
#include <string>
#include <vector>

#include "lang/diagnostics.hpp"
#include "lang/node.hpp"
#include "lang/spec.hpp"

namespace hone::lang {

JobFile bind(const Document& doc, Diagnostics& diags);

// The value sets of the language, for validation, docs and "expected one of" lists.
const std::vector<std::string>& block_kinds();       // app, dataset, model, training, tuning
const std::vector<std::string>& column_types();      // int, float, string, bool, category, datetime
const std::vector<std::string>& model_types();       // classifier, regressor, ...
const std::vector<std::string>& frameworks();        // sklearn, xgboost, pytorch, tensorflow

}  // namespace hone::lang
