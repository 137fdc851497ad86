// The data sources registry: `source:` name -> loader. Each loader checks the
// fields its source needs, reads the data and applies the declared schema;
// load_dataset names the dataset in every error.
#include "data/source.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <new>

#include "common/registry.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "data/csv_reader.hpp"
#include "data/schema.hpp"
#include "data/seed_formats.hpp"
#include "data/utf8.hpp"

namespace hone::data {

const std::vector<std::string>& file_formats() {
    static const std::vector<std::string> formats = {"csv", "tsv", "json", "jsonl"};
    return formats;
}

namespace {

constexpr const char* kCode = "dataset_load_failed";

// What a source read, before the checks every source shares (load_dataset).
struct Loaded {
    Frame frame;
    std::string where;        // the file, table or query, for messages
    bool empty_file = false;  // a file with nothing in it: no header, no records
};

using Loader = std::function<Loaded(const lang::DatasetSpec&, const LoadOptions&)>;

using SourceEntry = Registered<Loader>;

[[noreturn]] void invalid(const std::string& message, const std::string& hint = {}) {
    throw Error(ErrorKind::validation, kCode, message, {}, hint);
}

// The file a file-based source reads, opened once as DataFile opens it (regular
// files only; inside spec.confined_to when that is set).
std::unique_ptr<DataFile> open_file(const lang::DatasetSpec& spec, std::string_view source) {
    if (spec.path.empty()) invalid("a " + std::string(source) + " source needs `path`");
    try {
        return std::make_unique<DataFile>(spec.resolved_path(), spec.confined_to);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found || !std::filesystem::path(spec.path).is_relative() || spec.base_dir.empty())
            throw;
        throw Error(e.kind(), e.code(), e.message(), e.where(),
                    "relative paths resolve against the job file's folder, " + spec.base_dir.string());
    }
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

// Nothing but white space and a byte order mark.
bool blank(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    return trim(text).empty();
}

Loaded load_csv_file(const lang::DatasetSpec& spec, const LoadOptions& load, std::string_view source,
                     char default_delimiter) {
    reject_fields(spec, source, false);
    auto file = open_file(spec, source);
    CsvOptions options;
    options.threads = load.threads;
    options.delimiter = spec.delimiter.empty() ? default_delimiter : csv_delimiter(spec.delimiter);
    options.header = spec.header;
    options.na_values = spec.na_values;
    // apply_schema reports a declared column the file lacks better (nearest name,
    // every column listed), so the reader skips those.
    options.ignore_absent_types = true;
    for (const auto& decl : spec.schema)
        if (auto type = parse_dtype(decl.type)) options.types.push_back({decl.name, *type});
    Frame frame = read_csv(*file, options);
    bool empty = frame.cols() == 0;  // the reader's word for an empty file
    return {std::move(frame), file->path().string(), empty};
}

Loaded load_json_file(const lang::DatasetSpec& spec, std::string_view source, bool lines) {
    reject_fields(spec, source, false);
    auto file = open_file(spec, source);
    std::string name = file->path().string();
    std::string text = file->read_all();
    if (blank(text)) return {Frame(), name, true};
    return {lines ? read_jsonl_text(text, name) : read_json_text(text, name), name, false};
}

Loaded load_seed_file(const lang::DatasetSpec& spec, std::string_view source) {
    reject_fields(spec, source, false);
    auto file = open_file(spec, source);
    std::string name = file->path().string();
    std::string text = file->read_all();
    if (blank(text)) return {Frame(), name, true};
    return {read_seed_format_text(text, source, name), name, false};
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

Loaded load_sqlite(const lang::DatasetSpec& spec) {
    reject_fields(spec, "sqlite", true);
    require_table_or_query(spec, "sqlite");
    auto file = open_file(spec, "sqlite");
    return {read_sqlite(*file, spec.table, spec.query), relation_name(spec, file->path().string()), false};
}

Loaded load_postgres(const lang::DatasetSpec& spec, const LoadOptions& load) {
    reject_fields(spec, "postgres", true);
    require_table_or_query(spec, "postgres");
    std::string connection = spec.connection.empty() ? load.postgres_url : spec.connection;
    return {read_postgres(connection, spec.table, spec.query), relation_name(spec, ""), false};
}

// `format:` if given, else the extension; ndjson is another name for jsonl.
std::string file_format(const lang::DatasetSpec& spec) {
    if (!spec.format.empty()) {
        std::string f = to_lower(spec.format);
        if (f == "ndjson") return "jsonl";
        for (const auto& known : file_formats())
            if (f == known) return f;
        throw unknown_name_error(kCode, "format", spec.format, file_formats());
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

Loaded load_file(const lang::DatasetSpec& spec, const LoadOptions& load) {
    std::string format = file_format(spec);
    if (format == "csv") return load_csv_file(spec, load, "file", 0);
    if (format == "tsv") return load_csv_file(spec, load, "file", '\t');
    return load_json_file(spec, "file", format == "jsonl");
}

const Registry<Registered<Loader>>& registry() {
    static const Registry<Registered<Loader>> sources(
        "source", kCode,
        {{"csv", {}, "a CSV file (delimiter detected)",
          [](const lang::DatasetSpec& s, const LoadOptions& o) { return load_csv_file(s, o, "csv", 0); }},
         {"json", {}, "a JSON array of records, or an object holding one",
          [](const lang::DatasetSpec& s, const LoadOptions&) { return load_json_file(s, "json", false); }},
         {"jsonl", {"ndjson"}, "one JSON record per line",
          [](const lang::DatasetSpec& s, const LoadOptions&) { return load_json_file(s, "jsonl", true); }},
         {"sqlite", {}, "a table or query of a SQLite file",
          [](const lang::DatasetSpec& s, const LoadOptions&) { return load_sqlite(s); }},
         {"postgres", {"postgresql"}, "a table or query of a PostgreSQL database", load_postgres},
         {"file", {}, "a data file whose format is `format:` or its extension", load_file},
         {"classification", {}, "the text-classification training format (samples with taxonomy codes)",
          [](const lang::DatasetSpec& s, const LoadOptions&) { return load_seed_file(s, "classification"); }},
         {"interactions", {}, "the interactions format (users, items, implicit ratings)",
          [](const lang::DatasetSpec& s, const LoadOptions&) { return load_seed_file(s, "interactions"); }}});
    return sources;
}

const SourceEntry& find_source(const lang::DatasetSpec& spec) {
    // Without `source:` a path says enough: its extension picks the format.
    if (spec.source.empty() && !spec.path.empty()) return registry().find("file");
    if (spec.source.empty()) invalid("the dataset needs `source:` (" + join_or(source_names()) + ")");
    return registry().find(spec.source);
}

}  // namespace

const std::vector<std::string>& source_names() {
    static const std::vector<std::string> names = registry().names();
    return names;
}

std::string read_text_file(const std::filesystem::path& path) { return DataFile(path).read_all(); }

namespace {

// Runs `step`, naming the dataset in its errors; every message leaves as valid UTF-8.
template <class Step>
auto naming(const std::string& who, Step&& step) -> decltype(step()) {
    try {
        return step();
    } catch (const Error& e) {
        throw Error(e.kind(), e.code(), escape_invalid_utf8(who + ": " + e.what()), {}, escape_invalid_utf8(e.hint()));
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(ErrorKind::data, kCode, escape_invalid_utf8(who + ": " + e.what()));
    }
}

// Nothing to learn from: an empty file, or columns without rows (a header-only
// CSV), said here before anything downstream words it worse.
void require_rows(const Loaded& loaded, const std::string& who) {
    const std::string at = escape_invalid_utf8(who + " (" + loaded.where + "): ");
    if (loaded.empty_file) throw Error(ErrorKind::data, kCode, at + "the file is empty");
    if (loaded.frame.rows() == 0)
        throw Error(ErrorKind::data, kCode, at + "no rows", {},
                    loaded.frame.cols() == 0 ? std::string()
                                             : escape_invalid_utf8("the columns are: " + join(loaded.frame.names())));
}

}  // namespace

void check_dataset(const lang::DatasetSpec& spec) {
    const SourceEntry& source = find_source(spec);
    if (source.name == "file" && !spec.format.empty()) file_format(spec);
}

Frame load_dataset(const lang::DatasetSpec& spec, const LoadOptions& options) {
    const std::string who = spec.name.empty() ? "dataset" : "dataset '" + spec.name + "'";
    Loaded loaded = naming(who, [&] { return find_source(spec).make(spec, options); });
    require_rows(loaded, who);
    // Before the schema, so declared names meet the mended ones.
    make_valid_utf8(loaded.frame);
    naming(who, [&] { apply_schema(loaded.frame, spec.schema, loaded.where); });
    return std::move(loaded.frame);
}

}  // namespace hone::data
