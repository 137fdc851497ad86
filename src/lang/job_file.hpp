#pragma once
// Reading a job file of any format into validated specs: the entry point for
// `hone check`, `hone train` and the server. N3 (.n3 and anything else), YAML
// (.yaml, .yml) and JSON (.json) all go through the same binder.
#include <filesystem>
#include <string>
#include <string_view>

#include "lang/diagnostics.hpp"
#include "lang/node.hpp"
#include "lang/spec.hpp"

namespace hone::lang {

enum class Format { n3, yaml, json };

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
LoadedJobFile parse_job_text(std::string_view text, const std::string& file, Format format);
// Reads the file; an unreadable file is one diagnostic, not an exception.
LoadedJobFile load_job_file(const std::filesystem::path& path);

// YAML or JSON text -> Document: either blocks written as maps of name -> body
// (app, datasets/dataset, models/model, trainings/training, tunings/tuning), or
// seed 004's configuration template (model, training_data, hyperparameters,
// optimization, evaluation, deployment) plus the N3 training fields.
Document parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags);

}  // namespace hone::lang
