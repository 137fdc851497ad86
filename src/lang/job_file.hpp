#pragma once
// Reading a job file of any format into validated specs: the entry point for
// `hone check`, `hone train` and the server. N3 (.n3 and anything else), YAML
// (.yaml, .yml) and JSON (.json) all go through the same binder.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "lang/diagnostics.hpp"
#include "lang/node.hpp"
#include "lang/spec.hpp"

namespace hone::lang {

enum class Format { n3, yaml, json };

// Job files nest lists and maps at most this deep, the file's top level counting
// as one (a block's body is level 2). Real job files stay under 10 levels; the
// bound keeps the recursive readers (ours and yaml-cpp's) far from the end of the
// stack, even under ASan, and a deeper file is one located error in N3, YAML and
// JSON alike.
inline constexpr int max_nesting_depth = kMaxJsonDepth;  // one bound for every outside document

// A job file (or a job sent over HTTP) is at most this many bytes: real ones are a
// few KB, and reading multiplies size many times over in memory (yaml-cpp keeps
// some 700 bytes per value), so a larger text is one error before any parsing.
inline constexpr std::size_t max_job_file_bytes = 1 << 20;

// The message of that error: "nesting deeper than 64 levels ...".
std::string nesting_error_message();

// From the file name's extension; N3 unless .yaml, .yml or .json.
Format format_for(const std::filesystem::path& path);

struct LoadedJobFile {
    Document doc;
    JobFile spec;
    Diagnostics diags;

    bool ok() const { return !diags.has_errors(); }
    // The rendered errors and warnings, compiler style.
    std::string report() const { return render_all(diags, doc.lines); }
};

// `file` is the name shown in messages and the base for relative data paths.
// `adjust`, when given, may change the parsed document before it is bound (a
// server puts in the model blocks it serves that a request names).
LoadedJobFile parse_job_text(std::string_view text, const std::string& file, Format format,
                             const std::function<void(Document&)>& adjust = {});
// Binds a document read earlier (overrides.hpp changes one and binds it again).
LoadedJobFile bind_document(Document doc);
// Reads the file; an unreadable file is one diagnostic, not an exception.
LoadedJobFile load_job_file(const std::filesystem::path& path);

// YAML or JSON text -> Document: either blocks written as maps of name -> body
// (app, datasets/dataset, models/model, trainings/training, tunings/tuning), or
// the configuration template (model, training_data, hyperparameters,
// optimization, evaluation, deployment) plus the N3 training fields.
Document parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags);

}  // namespace hone::lang
