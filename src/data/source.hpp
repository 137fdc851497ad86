#pragma once
// Data sources by name (`source:` in a dataset block). load_dataset picks the
// source, loads a Frame and checks it against the declared schema. Every failure
// is hone::Error with code "dataset_load_failed" (kind data, validation, io or
// not_found; a file outside the data root has its own code), naming the dataset
// and what went wrong; an unknown source lists the valid ones.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.hpp"
#include "data/data_file.hpp"
#include "data/frame.hpp"
#include "lang/spec.hpp"

namespace hone::data {

// csv, json, jsonl, sqlite, postgres, file, classification, interactions.
const std::vector<std::string>& source_names();
// The `format:` names of a file source: csv, tsv, json, jsonl (ndjson is jsonl).
const std::vector<std::string>& file_formats();

// Errors name the dataset: "dataset 'x': <what went wrong>". Beyond each reader's:
//   a file with nothing in it:  data  "dataset 'x' (<path>): the file is empty"
//   columns but no rows:        data  "dataset 'x' (<path>): no rows" (a table or
//                               query names itself instead of the path)
//   a file outside spec.confined_to: validation "path_outside_data_root" (data_file.hpp)
// Column names and string values come out valid UTF-8 (utf8.hpp); what was
// mended is in the frame's warnings().
// What a load may use beyond the spec, from the run context (common/run_context.hpp).
struct LoadOptions {
    unsigned threads = 0;      // CSV parsing; 0 = every core
    std::string postgres_url;  // for a postgres dataset that names no `connection`
};
Frame load_dataset(const lang::DatasetSpec& spec, const LoadOptions& options = {});
// What load_dataset would refuse before opening anything: an unknown source, or
// an unknown `format:` of a file source. The same errors, without the
// dataset's name (the caller locates them).
void check_dataset(const lang::DatasetSpec& spec);

// The readers behind the registry. They load raw data without schema checks and
// throw hone::Error(..., "dataset_load_failed") naming the file, line or record;
// load_dataset adds the dataset's name.

// JSON: a top-level array of records, or an object holding exactly one array of
// records (e.g. {"metadata": {...}, "rows": [...]}). Column types are inferred per
// key over all records: bool, int, float (int mixed with float), else string;
// nested arrays and objects become their JSON text; a key missing from a record is null.
// Columns appear in the order their keys are first seen.
Frame read_json(const std::filesystem::path& path);
Frame read_json_text(std::string_view text, const std::string& name = "<input>");

// JSON Lines: one record per line, blank lines skipped, same inference as read_json.
Frame read_jsonl(const std::filesystem::path& path);
Frame read_jsonl_text(std::string_view text, const std::string& name = "<input>");

// SQLite, opened read-only: exactly one of `table` and `query`. Types follow the
// values' storage classes (INTEGER int, REAL float, TEXT string; int mixed with
// real is float, numbers mixed with text are strings); a column declared BOOLEAN
// holding only 0/1 is bool; a column with only NULLs takes its declared type.
Frame read_sqlite(const std::filesystem::path& path, const std::string& table, const std::string& query);
// Same, for a file the caller opened (and checked, and confined) as a DataFile.
Frame read_sqlite(const DataFile& file, const std::string& table, const std::string& query);

// PostgreSQL through libpqxx in a read-only transaction: exactly one of `table`
// (may be schema-qualified, "schema.table") and `query`. Types follow the result's
// type OIDs: int2/int4/int8 int, float4/float8/numeric float, bool bool, else string.
Frame read_postgres(const std::string& connection, const std::string& table, const std::string& query);

// The whole file as text, opened as DataFile opens it: a missing path is
// hone::Error(not_found), anything but a regular file (a directory, a FIFO, a
// device) hone::Error(validation), an unreadable file hone::Error(io), all
// "dataset_load_failed" naming the path.
std::string read_text_file(const std::filesystem::path& path);

// common/text.hpp's, here too where the sources use it.
using hone::redact_connection;

}  // namespace hone::data
