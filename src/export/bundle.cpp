// Writing a bundle (bundle.hpp); reading one back is bundle_import.cpp.
#include "export/bundle.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/build_info.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/sha256.hpp"
#include "export/tar.hpp"
#include "train/predictor.hpp"

namespace hone::exporting {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// Files stream through a buffer of this size.
constexpr std::size_t kChunk = 64 << 10;

struct Listed {
    std::string name;  // inside the bundle
    std::uint64_t size = 0;
    std::string sha256;
    fs::path source;   // a file to stream; empty: `text`
    std::string text;
};

void write_member(std::ostream& out, const Listed& f, std::uint64_t mtime) {
    auto h = tar::header(f.name, f.size, mtime);
    out.write(h.data(), h.size());
    if (f.source.empty()) {
        out.write(f.text.data(), static_cast<std::streamsize>(f.text.size()));
    } else {
        std::ifstream in(f.source, std::ios::binary);
        std::vector<char> buf(kChunk);
        std::uint64_t left = f.size;
        while (left > 0 && in) {
            in.read(buf.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(left, buf.size())));
            out.write(buf.data(), in.gcount());
            left -= static_cast<std::uint64_t>(in.gcount());
        }
        if (left > 0)
            throw Error(ErrorKind::io, "io_error", "cannot read " + f.source.string() + " whole: it changed while it was exported");
    }
    tar::pad(out, f.size);
}

Listed text_member(std::string name, std::string text) {
    Listed f{std::move(name), text.size(), sha256_hex(text), {}, std::move(text)};
    return f;
}

Listed file_member(const std::string& name, const fs::path& source, const std::string& sha256) {
    std::error_code ec;
    std::uint64_t size = fs::file_size(source, ec);
    if (ec) throw Error(ErrorKind::io, "io_error", "cannot read " + source.string() + ": " + ec.message());
    return Listed{name, size, sha256, source, {}};
}

// The entry as a user sees it, without where its files were on this machine.
Json entry_document(const registry::ModelEntry& entry) {
    Json j = entry.to_json();
    j.erase("file_path");
    return j;
}

}  // namespace

void write_bundle(registry::Store& store, const std::string& key, std::ostream& out) {
    registry::ModelEntry entry = train::require_model(store, key);
    Json artifact = train::loadable_manifest(entry);  // every file checked against the registry's digests
    const fs::path dir = entry.file_path;
    std::vector<Listed> files;
    files.push_back(text_member(kBundleEntry, json_dump(entry_document(entry), 2) + "\n"));
    files.push_back(file_member(std::string(kBundleModelDir) + "manifest.json", dir / "manifest.json", entry.sha256));
    for (auto it = artifact["files"].begin(); it != artifact["files"].end(); ++it)
        files.push_back(file_member(kBundleModelDir + it.key(), dir / it.key(), it.value().get<std::string>()));

    Json listed = Json::array();
    for (const auto& f : files) listed.push_back(Json{{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
    Json manifest{{"format", "hone-bundle"},
                  {"format_version", kBundleFormatVersion},
                  {"hone_version", hone_version()},
                  {"key", entry.key},
                  {"files", listed}};
    Listed head = text_member(kBundleManifest, json_dump(manifest, 2) + "\n");
    Listed sum = text_member(kBundleChecksum, head.sha256 + "\n");
    // The entry's time, not the export's: the same model makes the same bytes.
    const auto mtime = static_cast<std::uint64_t>(std::max(0.0, entry.created_at));
    write_member(out, head, mtime);
    write_member(out, sum, mtime);
    for (const auto& f : files) write_member(out, f, mtime);
    tar::finish(out);
    out.flush();
    if (!out) throw Error(ErrorKind::io, "io_error", "cannot write the bundle of '" + key + "'");
}

std::string export_bundle(registry::Store& store, const std::string& key) {
    std::ostringstream out(std::ios::binary);
    write_bundle(store, key, out);
    return std::move(out).str();
}

}  // namespace hone::exporting
