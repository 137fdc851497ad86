// The data sources registry: `source:` name -> loader. Each loader checks the
// fields its source needs, reads the data and applies the declared schema;
// load_dataset names the dataset in every error.
#include "data/source.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <new>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"
#include "data/csv_reader.hpp"
#include "data/schema.hpp"
#include "data/seed_formats.hpp"

namespace hone::data {

namespace {

constexpr const char* kCode = "dataset_load_failed";

using Loader = std::function<Frame(const lang::DatasetSpec&)>;

struct SourceEntry {
    std::string name;
    Loader load;
};

[[noreturn]] void invalid(const std::string& message, const std::string& hint = {}) {
    throw Error(ErrorKind::validation, kCode, message, {}, hint);
}

// The file a file-based source reads, which must exist.
std::filesystem::path require_file(const lang::DatasetSpec& spec, std::string_view source) {
    if (spec.path.empty()) invalid("a " + std::string(source) + " source needs `path`");
    std::filesystem::path path = spec.resolved_path();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        std::string hint;
        if (std::filesystem::path(spec.path).is_relative() && !spec.base_dir.empty())
            hint = "relative paths resolve against the job file's folder, " + spec.base_dir.string();
        throw Error(ErrorKind::not_found, kCode, "file not found: " + path.string(), {}, hint);
    }
    return path;
}

// Fields that belong to other sources are mistakes worth reporting, not ignoring.
void reject_fields(const lang::DatasetSpec& spec, std::string_view source, bool database) {
    std::vector<std::string> stray;
    if (!database) {
        if (!spec.table.empty()) stray.push_back("table");
        if (!spec.query.empty()) stray.push_back("query");
    }
    if (source != "postgres" && !spec.connection.empty()) stray.push_back("connection");
    if (source == "postgres" && !spec.path.empty()) stray.push_back("path");
    if (!stray.empty())
        invalid("`" + join(stray, "`, `") + "` " + (stray.size() == 1 ? "does" : "do") + " not apply to a " +
                std::string(source) + " source");
}

char csv_delimiter(const std::string& d) {
    if (d.empty()) return 0;
    if (d == "\\t" || to_lower(d) == "tab") return '\t';
    if (d.size() != 1) invalid("`delimiter` must be one character (or \\t), got '" + d + "'");
    return d.front();
}

// The column names of a CSV file, from its first line through the CSV reader
// itself; empty when that line alone does not parse (a header with a quoted
// newline), in which case read_csv decides.
std::vector<std::string> csv_header(const std::filesystem::path& path, const CsvOptions& options) {
    std::ifstream in(path, std::ios::binary);
    std::string first;
    if (!in || !std::getline(in, first)) return {};
    CsvOptions header_only = options;
    header_only.types.clear();
    try {
        return read_csv_text(first + "\n", header_only, path.string()).names();
    } catch (const Error&) {
        return {};
    }
}

Frame load_csv_file(const lang::DatasetSpec& spec, std::string_view source, char default_delimiter) {
    reject_fields(spec, source, false);
    auto path = require_file(spec, source);
    CsvOptions options;
    options.delimiter = spec.delimiter.empty() ? default_delimiter : csv_delimiter(spec.delimiter);
    options.header = spec.header;
    options.na_values = spec.na_values;
    // read_csv rejects a declared column it does not find; apply_schema reports
    // those better (nearest name, every column listed), so only columns the
    // header has get their types fixed here.
    std::vector<std::string> header = csv_header(path, options);
    for (const auto& decl : spec.schema) {
        auto type = parse_dtype(decl.type);
        bool present = header.empty() || std::find(header.begin(), header.end(), decl.name) != header.end();
        if (type && present) options.types.push_back({decl.name, *type});
    }
    Frame frame = read_csv(path, options);
    apply_schema(frame, spec.schema, path.string());
    return frame;
}

Frame load_json_file(const lang::DatasetSpec& spec, std::string_view source, bool lines) {
    reject_fields(spec, source, false);
    auto path = require_file(spec, source);
    Frame frame = lines ? read_jsonl(path) : read_json(path);
    apply_schema(frame, spec.schema, path.string());
    return frame;
}

Frame load_seed_file(const lang::DatasetSpec& spec, std::string_view source) {
    reject_fields(spec, source, false);
    auto path = require_file(spec, source);
    Frame frame = read_seed_format(path, source);
    apply_schema(frame, spec.schema, path.string());
    return frame;
}

void require_table_or_query(const lang::DatasetSpec& spec, std::string_view source) {
    if (spec.table.empty() && spec.query.empty()) invalid("a " + std::string(source) + " source needs `table` or `query`");
    if (!spec.table.empty() && !spec.query.empty())
        invalid("a " + std::string(source) + " source takes `table` or `query`, not both");
}

// What a database source's messages call the data.
std::string relation_name(const lang::DatasetSpec& spec, const std::string& where) {
    std::string what = spec.table.empty() ? "query result" : "table '" + spec.table + "'";
    return where.empty() ? what : what + " of " + where;
}

Frame load_sqlite(const lang::DatasetSpec& spec) {
    reject_fields(spec, "sqlite", true);
    require_table_or_query(spec, "sqlite");
    auto path = require_file(spec, "sqlite");
    Frame frame = read_sqlite(path, spec.table, spec.query);
    apply_schema(frame, spec.schema, relation_name(spec, path.string()));
    return frame;
}

Frame load_postgres(const lang::DatasetSpec& spec) {
    reject_fields(spec, "postgres", true);
    require_table_or_query(spec, "postgres");
    Frame frame = read_postgres(postgres_connection(spec.connection), spec.table, spec.query);
    apply_schema(frame, spec.schema, relation_name(spec, ""));
    return frame;
}

const std::vector<std::string>& file_formats() {
    static const std::vector<std::string> formats = {"csv", "tsv", "json", "jsonl"};
    return formats;
}

// `format:` if given, else the extension; ndjson is another name for jsonl.
std::string file_format(const lang::DatasetSpec& spec) {
    if (!spec.format.empty()) {
        std::string f = to_lower(spec.format);
        if (f == "ndjson") return "jsonl";
        for (const auto& known : file_formats())
            if (f == known) return f;
        std::string msg = "unknown format '" + spec.format + "'";
        if (std::string near = nearest(f, file_formats()); !near.empty()) msg += " (did you mean '" + near + "'?)";
        invalid(msg + "; expected " + join_or(file_formats(), "'"));
    }
    if (spec.path.empty()) invalid("a file source needs `path`");
    std::string ext = to_lower(std::filesystem::path(spec.path).extension().string());
    if (ext == ".csv" || ext == ".txt") return "csv";
    if (ext == ".tsv" || ext == ".tab") return "tsv";
    if (ext == ".json") return "json";
    if (ext == ".jsonl" || ext == ".ndjson") return "jsonl";
    invalid("cannot tell the format of '" + spec.path + "' from its extension; set `format:` to " +
            join_or(file_formats(), "'"));
}

Frame load_file(const lang::DatasetSpec& spec) {
    std::string format = file_format(spec);
    if (format == "csv") return load_csv_file(spec, "file", 0);
    if (format == "tsv") return load_csv_file(spec, "file", '\t');
    return load_json_file(spec, "file", format == "jsonl");
}

const std::vector<SourceEntry>& registry() {
    static const std::vector<SourceEntry> entries = {
        {"csv", [](const lang::DatasetSpec& s) { return load_csv_file(s, "csv", 0); }},
        {"json", [](const lang::DatasetSpec& s) { return load_json_file(s, "json", false); }},
        {"jsonl", [](const lang::DatasetSpec& s) { return load_json_file(s, "jsonl", true); }},
        {"sqlite", load_sqlite},
        {"postgres", load_postgres},
        {"file", load_file},
        {"classification", [](const lang::DatasetSpec& s) { return load_seed_file(s, "classification"); }},
        {"interactions", [](const lang::DatasetSpec& s) { return load_seed_file(s, "interactions"); }},
    };
    return entries;
}

const SourceEntry& find_source(const lang::DatasetSpec& spec) {
    // Without `source:` a path says enough: its extension picks the format.
    std::string name = spec.source.empty() && !spec.path.empty() ? "file" : to_lower(spec.source);
    if (name == "postgresql") name = "postgres";
    for (const auto& e : registry())
        if (e.name == name) return e;
    if (spec.source.empty()) invalid("the dataset needs `source:` (" + join_or(source_names()) + ")");
    std::string msg = "unknown source '" + spec.source + "'";
    if (std::string near = nearest(name, source_names()); !near.empty()) msg += " (did you mean '" + near + "'?)";
    invalid(msg + "; expected " + join_or(source_names(), "'"));
}

}  // namespace

const std::vector<std::string>& source_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& e : registry()) out.push_back(e.name);
        return out;
    }();
    return names;
}

std::string read_text_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error(ErrorKind::not_found, kCode, "file not found: " + path.string());
    if (std::filesystem::is_directory(path, ec))
        throw Error(ErrorKind::io, kCode, path.string() + " is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::io, kCode, "cannot read " + path.string());
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad()) throw Error(ErrorKind::io, kCode, "cannot read " + path.string());
    return std::move(out).str();
}

Frame load_dataset(const lang::DatasetSpec& spec) {
    const std::string who = spec.name.empty() ? "dataset" : "dataset '" + spec.name + "'";
    try {
        return find_source(spec).load(spec);
    } catch (const Error& e) {
        throw Error(e.kind(), kCode, who + ": " + e.what(), {}, e.hint());
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(ErrorKind::data, kCode, who + ": " + e.what());
    }
}

}  // namespace hone::data
