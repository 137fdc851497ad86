#pragma once
// Bundles: a registered model as ONE file, to move it from one hone's registry
// into another's (`hone export KEY --format bundle`, `hone models import`).
//
// The container is a POSIX ustar archive (`tar tf` lists it, `tar xf` unpacks
// it), written and read here, regular files only, in this order:
//   hone-bundle.json    the manifest: {"format": "hone-bundle", "format_version": 1,
//                       "hone_version", "created_at", "key", "files": [{"name",
//                       "size", "sha256"}, ...]} listing every file below
//   hone-bundle.sha256  the manifest's SHA-256 (64 hex digits and a newline)
//   entry.json          the registry entry as `hone models show` prints it,
//                       without file_path (a path on the machine it came from)
//   model/NAME          every file of the model's artifact folder, its own
//                       manifest.json included, byte for byte
// The manifest comes first so a reader checks each file as it streams past,
// and knows every size before it reads a byte of content.
//
// The checksums find damage (a flipped byte, a truncated copy, an edited
// file); they are not a signature: someone who rewrites a file, the manifest
// and its checksum makes a bundle that imports. Import bundles you trust.
#include <cstdint>
#include <filesystem>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "common/run_context.hpp"
#include "registry/store.hpp"

namespace hone::exporting {

inline constexpr const char* kBundleManifest = "hone-bundle.json";
inline constexpr const char* kBundleChecksum = "hone-bundle.sha256";
inline constexpr const char* kBundleEntry = "entry.json";
inline constexpr const char* kBundleModelDir = "model/";
inline constexpr int kBundleFormatVersion = 1;
// Bounds a hostile bundle cannot pass: files in one bundle, and the size of
// its JSON documents (manifest, entry), which are read into memory.
inline constexpr std::size_t kMaxBundleFiles = 1024;
inline constexpr std::uint64_t kMaxBundleDocumentBytes = std::uint64_t{16} << 20;

// Writes the model `key` of `store` as a bundle to `out`, streaming its files.
// The artifact is verified against the registry's checksums first: an unknown
// key is hone::Error(not_found, "model_not_found"), changed files
// hone::Error(data, "artifact_corrupt"), an entry registered as a description
// only hone::Error(validation, "not_servable").
void write_bundle(registry::Store& store, const std::string& key, std::ostream& out);
// The same, as bytes.
std::string export_bundle(registry::Store& store, const std::string& key);

struct ImportOptions {
    // The model name to register under; empty: the bundle's. Either way the
    // entry is that name's next version in the target store.
    std::string name;
    // model_root (where the artifact goes) and who (the entry's created_by).
    RunContext context;
};

// Reads a bundle of `size` bytes from `in`, verifies ALL of it, and only then
// registers the model in `store`: its files staged, fsynced and renamed into
// the model root and the entry committed (registry/artifacts.hpp), under its
// name (or options.name) as the next version, stage none, created now by
// options.context.who. The entry keeps the original's algorithm, task,
// metrics, hyperparameters and metadata; metadata.imported_from records the
// original's key, version, stage, created_at and created_by and the bundle's
// SHA-256. Returns the new entry.
//
// Refused, with nothing stored: a bundle that does not read as one, is cut
// short, or whose file does not match the manifest (size or SHA-256), or whose
// manifest does not match its checksum, is hone::Error(data, "bundle_corrupt")
// naming the file inside the bundle; so is a hostile one: a name that is
// absolute, holds '..' or is outside the layout above, a link or any entry
// that is not a regular file, a declared size larger than what is left,
// more than kMaxBundleFiles files or a JSON document over
// kMaxBundleDocumentBytes. An invalid options.name is
// hone::Error(validation, "invalid_name").
registry::ModelEntry import_bundle(registry::Store& store, std::istream& in, std::uint64_t size,
                                   const ImportOptions& options);
// A bundle file; one that cannot be read is hone::Error(io, "io_error").
registry::ModelEntry import_bundle(registry::Store& store, const std::filesystem::path& path,
                                   const ImportOptions& options);
// A bundle in memory (an HTTP body).
registry::ModelEntry import_bundle_bytes(registry::Store& store, std::string_view bytes, const ImportOptions& options);

}  // namespace hone::exporting
