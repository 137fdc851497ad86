#include "registry/artifacts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/names.hpp"
#include "common/sha256.hpp"
#include "registry/recovery.hpp"

namespace hone::registry {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

void fsync_path(const fs::path& p, bool directory) {
    int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) throw Error(ErrorKind::io, "io_error", "cannot open " + p.string() + " to sync it");
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw Error(ErrorKind::io, "io_error", "cannot sync " + p.string());
}

std::string read_all(const fs::path& p) { return read_file(p).value_or(""); }

}  // namespace

ArtifactWriter::ArtifactWriter(const fs::path& root) : root_(root) {
    // The caller's context names the root; an empty one would write into the
    // working directory.
    if (root_.empty()) throw Error(ErrorKind::internal, "no_model_root", "no model root was given to write the model to");
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) throw Error(ErrorKind::io, "io_error", "cannot create the model root " + root_.string() + ": " + ec.message());
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        staging_ = root_ / (staging_prefix() + std::to_string(rd()));
        if (fs::create_directory(staging_, ec)) return;
    }
    throw Error(ErrorKind::io, "io_error", "cannot create a staging directory under " + root_.string());
}

ArtifactWriter::~ArtifactWriter() {
    if (!placed_) {
        std::error_code ec;
        fs::remove_all(staging_, ec);
    }
}

void ArtifactWriter::write_file(const std::string& name, const std::string& content) {
    std::ofstream out(staging_ / name, std::ios::binary);
    out << content;
    if (!out) throw Error(ErrorKind::io, "io_error", "cannot write " + (staging_ / name).string());
}

std::string ArtifactWriter::seal(Json manifest) {
    Json files = Json::object();
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(staging_))
        if (e.is_regular_file() && e.path().filename() != "manifest.json") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        files[n] = sha256_file(staging_ / n);
        fsync_path(staging_ / n, false);
    }
    manifest["files"] = files;
    std::string text = manifest.dump(2) + "\n";
    write_file("manifest.json", text);
    fsync_path(staging_ / "manifest.json", false);
    fsync_path(staging_, true);
    return sha256_hex(text);
}

std::string ArtifactWriter::place(const std::string& key) {
    // The key becomes one folder directly under the root, whatever made it.
    check_safe_name(key, "registry key", kMaxKeyLength);
    fs::path target = root_ / key;
    std::error_code ec;
    if (fs::exists(target, ec))
        throw Error(ErrorKind::conflict, "artifact_exists", "an artifact directory already exists at " + target.string());
    fs::rename(staging_, target, ec);
    if (ec) throw Error(ErrorKind::io, "io_error", "cannot move the artifact into " + target.string() + ": " + ec.message());
    placed_ = true;
    fsync_path(root_, true);
    return target.string();
}

Json verify_artifact(const fs::path& dir, const std::string& manifest_sha256) {
    fs::path manifest_path = dir / "manifest.json";
    if (!fs::exists(manifest_path))
        throw Error(ErrorKind::data, "artifact_corrupt", "the model's manifest is missing: " + manifest_path.string());
    std::string text = read_all(manifest_path);
    std::string digest = sha256_hex(text);
    if (!manifest_sha256.empty() && digest != manifest_sha256)
        throw Error(ErrorKind::data, "artifact_corrupt",
                    manifest_path.string() + " does not match its checksum (expected " + manifest_sha256 + ", found " +
                        digest + "); the file was changed or corrupted");
    Json manifest = Json::parse(text);
    for (auto it = manifest["files"].begin(); it != manifest["files"].end(); ++it) {
        fs::path file = dir / it.key();
        if (!fs::exists(file))
            throw Error(ErrorKind::data, "artifact_corrupt", "the model file " + file.string() + " is missing");
        std::string actual = sha256_file(file);
        if (actual != it.value().get<std::string>())
            throw Error(ErrorKind::data, "artifact_corrupt",
                        file.string() + " does not match its checksum (expected " + it.value().get<std::string>() +
                            ", found " + actual + "); the file was changed or corrupted");
    }
    return manifest;
}

}  // namespace hone::registry
