// Reading a bundle back (bundle.hpp): every byte checked while it streams in,
// the model files staged under the model root, and the model registered only
// once everything matched.
#include <fstream>
#include <map>
#include <streambuf>

#include "common/error.hpp"
#include "common/file.hpp"
#include "common/json.hpp"
#include "common/names.hpp"
#include "common/text.hpp"
#include "export/bundle.hpp"
#include "export/tar.hpp"
#include "registry/artifacts.hpp"

namespace hone::exporting {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using tar::corrupt;

namespace {

const std::string kModelManifest = std::string(kBundleModelDir) + "manifest.json";
// The most hone-bundle.sha256 may hold: one digest and a newline, with room.
constexpr std::uint64_t kMaxChecksumBytes = 256;

// The one rule for names inside a bundle, the layout of bundle.hpp: no name
// reaches outside the staging folder.
void check_member_name(const std::string& name) {
    const std::string model = kBundleModelDir;
    bool fixed = name == kBundleManifest || name == kBundleChecksum || name == kBundleEntry;
    bool in_model = name.size() > model.size() && name.compare(0, model.size(), model) == 0 &&
                    is_safe_name(std::string_view(name).substr(model.size()));
    if (!fixed && !in_model)
        throw corrupt("the bundle holds a file named '" + name +
                      "': a bundle's files are hone-bundle.json, hone-bundle.sha256, entry.json and model/NAME "
                      "(NAME of A-Z a-z 0-9 _ . -), never an absolute path, '..' or a folder");
}

struct Listed {
    std::string name;
    std::uint64_t size = 0;
    std::string sha256;
};

// A JSON document of the bundle, read whole (bounded: it is held in memory).
std::string read_document(tar::Reader& r, const tar::Member& m, std::uint64_t limit = kMaxBundleDocumentBytes) {
    if (m.size > limit)
        throw corrupt("'" + m.name + "' is " + std::to_string(m.size) + " bytes; a bundle's " + m.name +
                      " is at most " + std::to_string(limit));
    std::string text;
    text.reserve(static_cast<std::size_t>(m.size));
    r.content(m, [&](const char* p, std::size_t n) { text.append(p, n); });
    return text;
}

Json parse_document(const std::string& text, const std::string& name) {
    try {
        return parse_json(text, name);
    } catch (const Error& e) {
        throw corrupt("'" + name + "' is not valid JSON: " + e.message());
    }
}

Listed listed_file(const Json& f) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("size") ||
        !f["size"].is_number_unsigned() || !f.contains("sha256") || !f["sha256"].is_string())
        throw corrupt("hone-bundle.json lists a file without a name, a size and a sha256: " +
                      json_dump(f).substr(0, 200));
    Listed l{f["name"].get<std::string>(), f["size"].get<std::uint64_t>(), f["sha256"].get<std::string>()};
    check_member_name(l.name);
    if (l.name == kBundleManifest || l.name == kBundleChecksum)
        throw corrupt("hone-bundle.json lists '" + l.name + "', which no manifest lists");
    return l;
}

// The manifest and its checksum, the first two members: the files to expect.
std::vector<Listed> read_manifest(tar::Reader& r) {
    auto head = r.next(kBundleManifest);
    if (!head || head->name != kBundleManifest)
        throw corrupt("the bundle does not start with hone-bundle.json: it is not a hone bundle ('hone export KEY "
                      "--format bundle' writes one)");
    const std::string text = read_document(r, *head);
    auto sum = r.next(kBundleChecksum);
    if (!sum || sum->name != kBundleChecksum)
        throw corrupt("hone-bundle.sha256 does not follow hone-bundle.json: the bundle was altered");
    const std::string stated(trim(read_document(r, *sum, kMaxChecksumBytes)));
    const std::string actual = sha256_hex(text);
    if (stated != actual)
        throw corrupt("hone-bundle.json does not match its checksum in hone-bundle.sha256 (expected " + stated +
                      ", found " + actual + "): the bundle was damaged or altered");
    Json m = parse_document(text, kBundleManifest);
    if (!m.is_object() || m.value("format", Json()) != "hone-bundle")
        throw corrupt("hone-bundle.json does not describe a hone bundle (its \"format\" is not \"hone-bundle\")");
    if (m.value("format_version", Json()) != kBundleFormatVersion)
        throw Error(ErrorKind::validation, "bundle_version_unsupported",
                    "the bundle is of format_version " + json_dump(m.value("format_version", Json())) +
                        "; this hone reads version " + std::to_string(kBundleFormatVersion),
                    {}, "import it with the hone that exported it, or a newer one");
    const Json& files = m.value("files", Json());
    if (!files.is_array() || files.size() > kMaxBundleFiles)
        throw corrupt("hone-bundle.json must list at most " + std::to_string(kMaxBundleFiles) + " files");
    std::vector<Listed> out;
    std::map<std::string, int> seen;
    for (const auto& f : files) {
        out.push_back(listed_file(f));
        if (seen[out.back().name]++) throw corrupt("hone-bundle.json lists '" + out.back().name + "' twice");
    }
    for (const std::string& needed : {std::string(kBundleEntry), kModelManifest})
        if (!seen.count(needed)) throw corrupt("hone-bundle.json does not list '" + needed + "', which every bundle holds");
    return out;
}

struct Verified {
    std::map<std::string, std::string> sha256;  // every file checked, by name in the bundle
    std::string entry_text;
    std::string bundle_sha256;
};

// One listed member: its size and digest checked, its content kept (entry.json)
// or written into the staging folder (model/NAME).
void read_member(tar::Reader& r, const tar::Member& m, const Listed& l, const fs::path& staging, Verified& v) {
    if (m.size != l.size)
        throw corrupt("'" + m.name + "' is " + std::to_string(m.size) + " bytes in the bundle and its manifest lists " +
                      std::to_string(l.size));
    Sha256 digest;
    if (m.name == kBundleEntry) {
        v.entry_text = read_document(r, m);
        digest.update(v.entry_text);
    } else {
        fs::path to = staging / m.name.substr(std::string(kBundleModelDir).size());
        std::ofstream out(to, std::ios::binary);
        r.content(m, [&](const char* p, std::size_t n) {
            digest.update(p, n);
            out.write(p, static_cast<std::streamsize>(n));
        });
        out.close();
        if (!out) throw Error(ErrorKind::io, "io_error", "cannot write " + to.string());
    }
    const std::string found = digest.hex();
    if (found != l.sha256)
        throw corrupt("'" + m.name + "' does not match its SHA-256 in the manifest (expected " + l.sha256 +
                      ", found " + found + "): the bundle was damaged or altered");
    v.sha256[m.name] = found;
}

// Every member after the manifest, each once, each as listed; then the end.
Verified read_members(tar::Reader& r, const std::vector<Listed>& listed, const fs::path& staging) {
    Verified v;
    std::map<std::string, const Listed*> pending;
    for (const auto& l : listed) pending[l.name] = &l;
    for (std::size_t next = 0; !pending.empty();) {
        while (!pending.count(listed[next].name)) ++next;  // the first not yet read, in the manifest's order
        auto m = r.next(listed[next].name);
        if (!m) throw corrupt("the bundle ends before '" + listed[next].name + "', which its manifest lists");
        auto it = pending.find(m->name);
        if (it == pending.end())
            throw corrupt(v.sha256.count(m->name) ? "the bundle holds '" + m->name + "' twice"
                                                  : "the bundle holds '" + m->name + "', which its manifest does not list");
        read_member(r, *m, *it->second, staging, v);
        pending.erase(it);
    }
    if (auto extra = r.next(""))
        throw corrupt("the bundle holds '" + extra->name + "', which its manifest does not list");
    v.bundle_sha256 = r.finish_digest();
    return v;
}

// entry.json as a ModelEntry, each field of the type `hone models show` prints.
registry::ModelEntry entry_of(const Json& j) {
    if (!j.is_object()) throw corrupt("'entry.json' is not a model entry (a JSON object)");
    auto field = [&](const char* name, bool (Json::*is)() const noexcept, const char* type) -> const Json& {
        auto it = j.find(name);
        if (it == j.end() || !((*it).*is)())
            throw corrupt(std::string("'entry.json' has no ") + name + " of type " + type + ": the bundle was altered");
        return *it;
    };
    registry::ModelEntry e;
    e.key = field("key", &Json::is_string, "string").get<std::string>();
    e.name = field("name", &Json::is_string, "string").get<std::string>();
    e.version = field("version", &Json::is_number_integer, "integer").get<int>();
    e.algorithm = field("algorithm", &Json::is_string, "string").get<std::string>();
    e.framework = field("framework", &Json::is_string, "string").get<std::string>();
    e.task = field("task", &Json::is_string, "string").get<std::string>();
    e.metrics = field("metrics", &Json::is_object, "object");
    e.validation_metrics = field("validation_metrics", &Json::is_object, "object");
    e.hyperparameters = field("hyperparameters", &Json::is_object, "object");
    e.metadata = field("metadata", &Json::is_object, "object");
    e.feature_count = field("feature_count", &Json::is_number_integer, "integer").get<int>();
    e.training_samples = field("training_samples", &Json::is_number_integer, "integer").get<std::int64_t>();
    e.created_at = field("created_at", &Json::is_number, "number").get<double>();
    e.created_by = field("created_by", &Json::is_string, "string").get<std::string>();
    e.stage = field("stage", &Json::is_string, "string").get<std::string>();
    e.sha256 = field("sha256", &Json::is_string, "string").get<std::string>();
    e.run_id = field("run_id", &Json::is_string, "string").get<std::string>();
    return e;
}

// The artifact's own manifest agrees with the entry and with the bundle: its
// digest is the entry's sha256, and it lists exactly the model files.
void check_artifact(const Json& artifact, const registry::ModelEntry& entry, const Verified& v) {
    const std::string& manifest_sha = v.sha256.at(kModelManifest);
    if (manifest_sha != entry.sha256)
        throw corrupt("'model/manifest.json' does not match the sha256 of 'entry.json' (expected " + entry.sha256 +
                      ", found " + manifest_sha + "): the bundle was altered");
    const Json& files = artifact.is_object() ? artifact.value("files", Json()) : Json();
    if (!files.is_object()) throw corrupt("'model/manifest.json' lists no files: the bundle was altered");
    for (auto it = files.begin(); it != files.end(); ++it) {
        const std::string name = kBundleModelDir + it.key();
        auto found = v.sha256.find(name);
        if (found == v.sha256.end())
            throw corrupt("'" + name + "', which model/manifest.json lists, is not in the bundle");
        if (!it.value().is_string() || found->second != it.value().get<std::string>())
            throw corrupt("'" + name + "' does not match its SHA-256 in model/manifest.json: the bundle was altered");
    }
    for (const auto& [name, sha] : v.sha256)
        if (name != kBundleEntry && name != kModelManifest &&
            !files.contains(name.substr(std::string(kBundleModelDir).size())))
            throw corrupt("'" + name + "' is in the bundle but not in model/manifest.json");
}

// The entry as it is registered here: a new version of its name, created now.
registry::ModelEntry imported_entry(registry::ModelEntry original, const Verified& v, const ImportOptions& options) {
    registry::ModelEntry e = original;
    if (!options.name.empty()) e.name = options.name;
    check_safe_name(e.name, "model name");
    e.metadata["imported_from"] = Json{{"key", original.key},           {"name", original.name},
                                       {"version", original.version},   {"stage", original.stage},
                                       {"created_at", original.created_at}, {"created_by", original.created_by},
                                       {"run_id", original.run_id},     {"bundle_sha256", v.bundle_sha256}};
    e.key.clear();
    e.version = 0;
    e.created_at = 0;  // now
    e.created_by = options.context.who;
    e.stage = "none";  // a stage is a decision about this registry's models, not the other's
    e.run_id.clear();  // no run of this registry made it
    e.file_path.clear();
    return e;
}

// The job part of the new key: the training job's name when it is one.
std::string job_of(const registry::ModelEntry& e) {
    const Json& job = e.metadata.contains("training_job") ? e.metadata["training_job"] : Json();
    return job.is_string() && is_safe_name(job.get<std::string>()) ? job.get<std::string>() : std::string("imported");
}

// A bundle in memory, read as a stream without a copy.
struct ViewBuffer : std::streambuf {
    explicit ViewBuffer(std::string_view bytes) {
        char* p = const_cast<char*>(bytes.data());  // only read: get area
        setg(p, p, p + bytes.size());
    }
};

}  // namespace

registry::ModelEntry import_bundle(registry::Store& store, std::istream& in, std::uint64_t size,
                                   const ImportOptions& options) {
    if (!options.name.empty()) check_safe_name(options.name, "model name");
    // The manifest's header and content, and the end marker, at the least.
    if (size < 2 * tar::kBlock)
        throw corrupt("the bundle is " + std::to_string(size) +
                      " bytes: too short to be a hone bundle ('hone export KEY --format bundle' writes one)");
    tar::Reader reader(in, size, check_member_name);
    // Files stream into a staging folder, removed by the writer unless placed:
    // a bundle refused halfway leaves nothing behind.
    registry::ArtifactWriter writer(options.context.model_root);
    const std::vector<Listed> listed = read_manifest(reader);
    const Verified v = read_members(reader, listed, writer.dir());
    const registry::ModelEntry original = entry_of(parse_document(v.entry_text, kBundleEntry));
    Json artifact = parse_document(read_file(writer.dir() / "manifest.json").value_or(""), kModelManifest);
    check_artifact(artifact, original, v);

    registry::ModelEntry entry = imported_entry(original, v, options);
    artifact.erase("files");  // seal lists the staged files again, with their digests
    entry.sha256 = writer.seal(artifact);
    return store.register_model(entry, job_of(entry), [&](const std::string& key) { return writer.place(key); });
}

registry::ModelEntry import_bundle(registry::Store& store, const fs::path& path, const ImportOptions& options) {
    std::error_code ec;
    const std::uint64_t size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
    std::ifstream in(path, std::ios::binary);
    if (ec || !fs::is_regular_file(path) || !in)
        throw Error(ErrorKind::io, "io_error", "cannot read the bundle " + path.string() + ": not a readable file");
    return import_bundle(store, in, size, options);
}

registry::ModelEntry import_bundle_bytes(registry::Store& store, std::string_view bytes, const ImportOptions& options) {
    ViewBuffer buffer(bytes);
    std::istream in(&buffer);
    return import_bundle(store, in, bytes.size(), options);
}

}  // namespace hone::exporting
