#pragma once
// Overrides of one job's settings (`hone train --set KEY=VALUE`, the
// `overrides` of a run requested over HTTP), applied to the parsed document
// before binding, so that they get exactly the checks and the messages of the
// job file itself; any key the block takes can be overridden.
//
// A JSON object merges key by key into a map (`hyperparameters.n_estimators`
// changes one hyperparameter and keeps the others); any other value replaces
// what the file says. What an override wrote is located at its origin instead
// of a line of the file: "--set split.stratify=3" on the command line,
// "overrides.split.stratify" in a request.
#include <string>
#include <string_view>

#include "lang/job_file.hpp"

namespace hone::lang {

enum class OverrideSource { command_line, request };

// The job file with block `kind "name"` (training or tuning) bound again with
// `overrides` applied; the other blocks are the file's own. Problems are in
// the result's diags; errors located in the file itself are the file's own and
// were reported when it was loaded. Throws hone::Error(internal) when `file`
// keeps no document (built by hand).
LoadedJobFile with_overrides(const JobFile& file, std::string_view kind, std::string_view name, const Json& overrides,
                             OverrideSource source);

// The errors of `loaded`, one per line: "origin: message" for an override's,
// rendered with the source line for the file's.
std::string override_errors(const LoadedJobFile& loaded);

// "a.b=VALUE" (VALUE read as N3 reads a bare scalar, or a flow list `[100, 50]`
// or map `{k: v}`) into {"a": {"b": VALUE}}
// merged into `into`. hone::Error(validation, "invalid_override") when it is
// not KEY=VALUE.
void add_override(Json& into, const std::string& assignment);

}  // namespace hone::lang
