#pragma once
// Model artifacts on disk: <root>/<key>/ holds manifest.json (what the model is and
// each file's SHA-256), the model file in its library's own format, and the
// preprocessing JSON.
//
// Writing is crash-safe: files go to a staging directory under <root>, are fsynced
// with the directory, and only then renamed to <root>/<key> (inside
// Store::register_model, before the entry is committed). A crash leaves at most an
// orphan staging directory, never an entry whose files are missing.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace hone::registry {

class ArtifactWriter {
public:
    explicit ArtifactWriter(const std::filesystem::path& root);
    ~ArtifactWriter();  // removes the staging directory unless placed
    ArtifactWriter(const ArtifactWriter&) = delete;
    ArtifactWriter& operator=(const ArtifactWriter&) = delete;

    const std::filesystem::path& dir() const { return staging_; }
    void write_file(const std::string& name, const std::string& content);

    // Adds "files": {name: sha256} for every file in the directory, writes
    // manifest.json, fsyncs everything; returns the manifest's own SHA-256.
    std::string seal(nlohmann::ordered_json manifest);

    // Renames the sealed directory to <root>/<key>; returns that path.
    std::string place(const std::string& key);

private:
    std::filesystem::path root_;
    std::filesystem::path staging_;
    bool placed_ = false;
};

// Reads <dir>/manifest.json after checking its digest against `manifest_sha256`
// and every listed file against the manifest. A mismatch or a missing file is
// hone::Error(data, "artifact_corrupt") naming the file; a model is never loaded
// from files that changed.
nlohmann::ordered_json verify_artifact(const std::filesystem::path& dir, const std::string& manifest_sha256);

}  // namespace hone::registry
