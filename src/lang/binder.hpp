#pragma once
// The binder: Document (syntax) -> JobFile (validated specs). It reads every
// block through the language's key table (keys.hpp) (unknown keys get the
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

// The block kinds: app, dataset, model, training, tuning (their keys: keys.hpp).
const std::vector<std::string>& block_kinds();

}  // namespace hone::lang
