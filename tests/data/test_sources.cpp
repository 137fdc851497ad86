// Data sources: the registry, JSON/JSONL, the classification and interactions formats, SQLite and
// PostgreSQL (against a real server started for the tests), schema checking.
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/error.hpp"
#include "data/schema.hpp"
#include "data/seed_formats.hpp"
#include "common/run_context.hpp"
#include "data/source.hpp"
#include "../support/postgres_server.hpp"

namespace fs = std::filesystem;
using hone::Error;
using hone::ErrorKind;
using hone::data::Column;
using hone::data::DType;
using hone::data::Frame;
using hone::lang::ColumnDecl;
using hone::lang::DatasetSpec;

namespace {

const fs::path kFixtures = fs::path(HONE_SOURCE_DIR) / "tests" / "data" / "sources";

// A directory removed with everything in it when the test ends.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "hone-sources-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    fs::path write(const std::string& name, const std::string& text) const {
        fs::path p = path_ / name;
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }

private:
    fs::path path_;
};

// Sets an environment variable for one scope and restores it after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        had_ = std::getenv(name) != nullptr;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (had_)
            ::setenv(name_.c_str(), old_.c_str(), 1);
        else
            ::unsetenv(name_.c_str());
    }

private:
    std::string name_, old_;
    bool had_ = false;
};

DatasetSpec spec_of(const std::string& name, const std::string& source, const std::string& path = {}) {
    DatasetSpec s;
    s.name = name;
    s.source = source;
    s.path = path;
    return s;
}

DatasetSpec sqlite_spec(const fs::path& db, const std::string& table, const std::string& query = {}) {
    DatasetSpec s = spec_of("shop", "sqlite", db.string());
    s.table = table;
    s.query = query;
    return s;
}

ColumnDecl decl(const std::string& name, const std::string& type) {
    ColumnDecl d;
    d.name = name;
    d.type = type;
    return d;
}

// Runs f, which must throw hone::Error of `kind` with code dataset_load_failed and this what().
void expect_load_error(const std::function<void()>& f, ErrorKind kind, const std::string& what) {
    try {
        f();
        ADD_FAILURE() << "no error; expected: " << what;
    } catch (const Error& e) {
        EXPECT_EQ(e.what(), what);
        EXPECT_EQ(e.kind(), kind) << "kind " << hone::to_string(e.kind()) << " for: " << e.what();
        EXPECT_EQ(e.code(), "dataset_load_failed") << e.what();
    }
}

std::vector<std::string> texts(const Column& c) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < c.size(); ++i) out.push_back(c.is_null(i) ? "<null>" : c.to_text(i));
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

// --- registry ---

TEST(SourceRegistry, ListsEverySourceByName) {
    EXPECT_EQ(hone::data::source_names(),
              (Strings{"csv", "json", "jsonl", "sqlite", "postgres", "file", "classification", "interactions"}));
}

TEST(SourceRegistry, UnknownSourceListsTheValidOnesWithANearName) {
    expect_load_error([] { hone::data::load_dataset(spec_of("shop", "sqlit", "shop.db")); }, ErrorKind::validation,
                      "dataset 'shop': unknown source 'sqlit'; did you mean 'sqlite'?");
    expect_load_error([] { hone::data::load_dataset(spec_of("shop", "parquet", "shop.parquet")); },
                      ErrorKind::validation,
                      "dataset 'shop': unknown source 'parquet'");
    try {
        hone::data::load_dataset(spec_of("shop", "parquet", "shop.parquet"));
    } catch (const Error& e) {
        EXPECT_EQ(e.hint(), "valid sources: csv, json, jsonl, sqlite, postgres, file, classification, interactions");
    }
}

TEST(SourceRegistry, RequiredFieldsAreNamed) {
    expect_load_error([] { hone::data::load_dataset(spec_of("d", "json")); }, ErrorKind::validation,
                      "dataset 'd': a json source needs `path`");
    expect_load_error([] { hone::data::load_dataset(spec_of("d", "classification")); }, ErrorKind::validation,
                      "dataset 'd': a classification source needs `path`");
    expect_load_error([] { hone::data::load_dataset(spec_of("d", "sqlite", "x.db")); }, ErrorKind::validation,
                      "dataset 'd': a sqlite source needs `table` or `query`");
    expect_load_error(
        [] {
            auto s = spec_of("d", "sqlite", "x.db");
            s.table = "t";
            s.query = "SELECT 1";
            hone::data::load_dataset(s);
        },
        ErrorKind::validation, "dataset 'd': a sqlite source takes `table` or `query`, not both");
    expect_load_error([] { hone::data::load_dataset(spec_of("d", "postgres")); }, ErrorKind::validation,
                      "dataset 'd': a postgres source needs `table` or `query`");
    expect_load_error([] { hone::data::load_dataset(spec_of("d", "")); }, ErrorKind::validation,
                      "dataset 'd': the dataset needs `source:` (csv, json, jsonl, sqlite, postgres, file, "
                      "classification or interactions)");
}

TEST(SourceRegistry, FieldsOfOtherSourcesAreRejected) {
    expect_load_error(
        [] {
            auto s = spec_of("d", "json", (kFixtures / "customers.json").string());
            s.table = "customers";
            hone::data::load_dataset(s);
        },
        ErrorKind::validation, "dataset 'd': `table` does not apply to a json source");
    expect_load_error(
        [] {
            auto s = spec_of("d", "postgres", "x.db");
            s.query = "SELECT 1";
            s.connection = "postgresql://u@127.0.0.1:1/x";
            hone::data::load_dataset(s);
        },
        ErrorKind::validation, "dataset 'd': `path` does not apply to a postgres source");
}

TEST(SourceRegistry, MissingFileIsNotFoundNamingTheResolvedPath) {
    auto s = spec_of("customers", "json", "data/missing.json");
    s.base_dir = "/srv/jobs";
    try {
        hone::data::load_dataset(s);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "dataset 'customers': file not found: /srv/jobs/data/missing.json");
        EXPECT_EQ(e.kind(), ErrorKind::not_found);
        EXPECT_EQ(e.code(), "dataset_load_failed");
        EXPECT_EQ(e.hint(), "relative paths resolve against the job file's folder, /srv/jobs");
    }
    expect_load_error([] { hone::data::load_dataset(sqlite_spec("/nonexistent/shop.db", "customers")); },
                      ErrorKind::not_found, "dataset 'shop': file not found: /nonexistent/shop.db");
}

TEST(SourceRegistry, RelativePathsResolveAgainstBaseDir) {
    auto s = spec_of("customers", "json", "customers.json");
    s.base_dir = kFixtures;
    Frame f = hone::data::load_dataset(s);
    EXPECT_EQ(f.rows(), 3u);
}

TEST(SourceRegistry, FileSourceTakesItsFormatFromTheExtensionOrFormat) {
    Frame a = hone::data::load_dataset(spec_of("a", "file", (kFixtures / "customers.jsonl").string()));
    EXPECT_EQ(a.names(), (Strings{"customer_id", "tenure", "monthly", "plan", "churned"}));
    EXPECT_EQ(a.rows(), 3u);

    TempDir dir;
    fs::path odd = dir.write("customers.data", R"([{"x": 1}, {"x": 2}])");
    auto s = spec_of("b", "file", odd.string());
    expect_load_error([&] { hone::data::load_dataset(s); }, ErrorKind::validation,
                      "dataset 'b': cannot tell the format of '" + odd.string() +
                          "' from its extension; set `format:` to 'csv', 'tsv', 'json' or 'jsonl'");
    s.format = "JSON";
    Frame b = hone::data::load_dataset(s);
    EXPECT_EQ(texts(b.at("x")), (Strings{"1", "2"}));
    s.format = "jsn";
    expect_load_error([&] { hone::data::load_dataset(s); }, ErrorKind::validation,
                      "dataset 'b': unknown format 'jsn'; did you mean 'json'?");

    // Without `source:` the path's extension decides.
    Frame c = hone::data::load_dataset(spec_of("c", "", (kFixtures / "customers.json").string()));
    EXPECT_EQ(c.rows(), 3u);
}

// --- JSON ---

TEST(JsonSource, InfersTypesPerKeyAcrossRecords) {
    Frame f = hone::data::read_json_text(R"([
        {"id": 1, "score": 1.5, "ok": true, "name": "ann", "tags": [1, 2], "meta": {"k": 1}},
        {"id": 2, "score": 2, "ok": false, "name": null},
        {"id": 3, "score": -0.25, "extra": "x"}
    ])");
    EXPECT_EQ(f.names(), (Strings{"id", "score", "ok", "name", "tags", "meta", "extra"}));
    EXPECT_EQ(f.at("id").type(), DType::int64);
    EXPECT_EQ(f.at("score").type(), DType::float64);
    EXPECT_EQ(f.at("ok").type(), DType::boolean);
    EXPECT_EQ(f.at("name").type(), DType::string);
    EXPECT_EQ(f.at("tags").type(), DType::string);
    EXPECT_EQ(f.at("meta").type(), DType::string);
    EXPECT_EQ(f.at("extra").type(), DType::string);
    EXPECT_EQ(f.at("id").ints(), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(f.at("score").floats(), (std::vector<double>{1.5, 2.0, -0.25}));
    EXPECT_EQ(texts(f.at("ok")), (Strings{"true", "false", "<null>"}));
    EXPECT_EQ(texts(f.at("name")), (Strings{"ann", "<null>", "<null>"}));
    EXPECT_EQ(texts(f.at("tags")), (Strings{"[1,2]", "<null>", "<null>"}));
    EXPECT_EQ(texts(f.at("meta")), (Strings{R"({"k":1})", "<null>", "<null>"}));
    EXPECT_EQ(texts(f.at("extra")), (Strings{"<null>", "<null>", "x"}));
}

TEST(JsonSource, MixedKindsBecomeStrings) {
    Frame f = hone::data::read_json_text(R"([
        {"a": 1, "b": true, "c": null, "d": 18446744073709551615},
        {"a": "two", "b": 0, "c": null, "d": 1}
    ])");
    EXPECT_EQ(f.at("a").type(), DType::string);
    EXPECT_EQ(texts(f.at("a")), (Strings{"1", "two"}));
    EXPECT_EQ(f.at("b").type(), DType::string);
    EXPECT_EQ(texts(f.at("b")), (Strings{"true", "0"}));
    // Only nulls: nothing to infer from.
    EXPECT_EQ(f.at("c").type(), DType::string);
    EXPECT_EQ(f.at("c").null_count(), 2u);
    // Beyond int64: float.
    EXPECT_EQ(f.at("d").type(), DType::float64);
    EXPECT_EQ(f.at("d").floats()[1], 1.0);
}

TEST(JsonSource, ObjectWithOneArrayOfRecords) {
    Frame f = hone::data::read_json_text(R"({"metadata": {"count": 2}, "rows": [{"x": 1}, {"x": 2}]})");
    EXPECT_EQ(f.names(), (Strings{"x"}));
    EXPECT_EQ(f.at("x").ints(), (std::vector<std::int64_t>{1, 2}));
    // Of several arrays, the one holding records.
    Frame g = hone::data::read_json_text(R"({"labels": ["a", "b"], "rows": [{"x": 1}]})");
    EXPECT_EQ(g.rows(), 1u);
    Frame empty = hone::data::read_json_text("[]");
    EXPECT_EQ(empty.rows(), 0u);
    EXPECT_EQ(empty.cols(), 0u);
}

TEST(JsonSource, BadDocumentsAreErrorsNamingTheFile) {
    expect_load_error([] { hone::data::read_json_text("[{\"x\": 1},\n {\"x\": }]", "data.json"); }, ErrorKind::data,
                      "data.json: invalid JSON: parse error at line 2, column 8: syntax error while parsing value - "
                      "unexpected '}'; expected '[', '{', or a literal");
    expect_load_error([] { hone::data::read_json_text("42", "data.json"); }, ErrorKind::data,
                      "data.json: expected an array of records or an object holding one, got a number");
    expect_load_error([] { hone::data::read_json_text(R"({"a": 1, "b": {}})", "data.json"); }, ErrorKind::data,
                      "data.json: expected an array of records or an object holding one; the object has no array "
                      "among its members 'a', 'b'");
    expect_load_error([] { hone::data::read_json_text(R"({"x": [{"a": 1}], "y": [{"a": 2}]})", "data.json"); },
                      ErrorKind::data,
                      "data.json: the object holds several arrays ('x', 'y'); expected exactly one array of records");
    expect_load_error([] { hone::data::read_json_text(R"([{"a": 1}, {"a": 2}, [3]])", "data.json"); },
                      ErrorKind::data, "data.json, row 3: expected a record (an object), got [3]");
}

TEST(JsonSource, LoadsThroughTheRegistryWithASchema) {
    auto s = spec_of("customers", "json", (kFixtures / "customers.json").string());
    s.schema = {decl("tenure", "float"), decl("monthly", "float"), decl("plan", "category")};
    Frame f = hone::data::load_dataset(s);
    EXPECT_EQ(f.names(), (Strings{"customer_id", "tenure", "monthly", "plan", "churned"}));
    EXPECT_EQ(f.at("tenure").type(), DType::float64);
    EXPECT_EQ(texts(f.at("tenure")), (Strings{"12", "40", "<null>"}));
    EXPECT_EQ(f.at("monthly").floats(), (std::vector<double>{29.5, 79.0, 49.25}));
    EXPECT_EQ(f.at("plan").type(), DType::string);
    EXPECT_EQ(f.at("churned").type(), DType::boolean);
}

// --- JSON Lines ---

TEST(JsonlSource, OneRecordPerLineBlankLinesSkipped) {
    Frame f = hone::data::load_dataset(spec_of("c", "jsonl", (kFixtures / "customers.jsonl").string()));
    EXPECT_EQ(f.names(), (Strings{"customer_id", "tenure", "monthly", "plan", "churned"}));
    EXPECT_EQ(f.at("customer_id").ints(), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(texts(f.at("tenure")), (Strings{"12", "40", "<null>"}));
    EXPECT_EQ(f.at("monthly").type(), DType::float64);
    EXPECT_EQ(texts(f.at("churned")), (Strings{"false", "true", "false"}));

    Frame crlf = hone::data::read_jsonl_text("\xEF\xBB\xBF{\"a\": 1}\r\n{\"a\": 2.5}\r\n");
    EXPECT_EQ(crlf.at("a").floats(), (std::vector<double>{1.0, 2.5}));
}

TEST(JsonlSource, ABadLineNamesItsLineNumber) {
    expect_load_error([] { hone::data::read_jsonl_text("{\"a\": 1}\n\n{\"a\": 2,}\n", "events.jsonl"); },
                      ErrorKind::data,
                      "events.jsonl:3: invalid JSON: parse error at column 9: syntax error while parsing object key "
                      "- unexpected '}'; expected string literal");
    expect_load_error([] { hone::data::read_jsonl_text("{\"a\": 1}\n[1, 2]\n", "events.jsonl"); }, ErrorKind::data,
                      "events.jsonl:2: expected a record (an object), got [1,2]");
    TempDir dir;
    fs::path p = dir.write("bad.jsonl", "{\"a\": 1}\n{\"a\": tru}\n");
    expect_load_error([&] { hone::data::load_dataset(spec_of("events", "jsonl", p.string())); }, ErrorKind::data,
                      "dataset 'events': " + p.string() +
                          ":2: invalid JSON: parse error at column 10: syntax error while parsing value - invalid "
                          "literal; last read: '\"a\": tru}'");
}

// --- classification and interactions formats ---

TEST(SeedFormats, ClassificationLoadsTextCodesAndConfidence) {
    Frame f = hone::data::load_dataset(
        spec_of("taxonomy", "classification", (kFixtures / "classification.json").string()));
    EXPECT_EQ(f.names(), (Strings{"text", "taxonomy_codes", "confidence"}));
    EXPECT_EQ(f.at("text").type(), DType::string);
    EXPECT_EQ(f.at("taxonomy_codes").type(), DType::string);
    EXPECT_EQ(f.at("confidence").type(), DType::float64);
    EXPECT_EQ(texts(f.at("text")),
              (Strings{"Machine learning is a subset of artificial intelligence.", "Philosophy asks what can be known.",
                       "Neural networks learn representations from data.",
                       "Libraries organise knowledge by subject."}));
    EXPECT_EQ(texts(f.at("taxonomy_codes")), (Strings{"000|004", "100", "004", "000"}));
    EXPECT_EQ(texts(f.at("confidence")), (Strings{"1", "0.75", "<null>", "0"}));
}

TEST(SeedFormats, InteractionsLoadWithOptionalFieldsNull) {
    Frame f = hone::data::load_dataset(
        spec_of("ncf", "interactions", (kFixtures / "interactions.json").string()));
    EXPECT_EQ(f.names(), (Strings{"user_id", "item_id", "timestamp", "interaction_type", "implicit_rating"}));
    EXPECT_EQ(texts(f.at("user_id")), (Strings{"user_1", "user_1", "user_2", "user_2"}));
    EXPECT_EQ(texts(f.at("item_id")), (Strings{"item_42", "item_7", "item_42", "item_9"}));
    EXPECT_EQ(texts(f.at("timestamp")),
              (Strings{"2024-01-15T10:30:00", "2024-01-16T08:05:12Z", "<null>", "2024-02-29T23:59:59.250+01:00"}));
    EXPECT_EQ(texts(f.at("interaction_type")), (Strings{"view", "bookmark", "<null>", "<null>"}));
    EXPECT_EQ(f.at("implicit_rating").type(), DType::float64);
    EXPECT_EQ(f.at("implicit_rating").floats(), (std::vector<double>{1.0, 2.0, 0.5, 1.0}));
}

TEST(SeedFormats, ValidFixturesHaveNoProblems) {
    for (const char* kind : {"classification", "interactions"}) {
        std::ifstream in(kFixtures / (std::string(kind) + ".json"));
        auto data = nlohmann::json::parse(in);
        EXPECT_EQ(hone::data::validate_data_format(data, kind), Strings{}) << kind;
    }
}

TEST(SeedFormats, ClassificationProblemsNameSampleAndField) {
    auto data = nlohmann::json::parse(R"({
        "metadata": {"num_samples": 9},
        "samples": [
            {"text": "fine", "taxonomy_codes": ["000"]},
            {"taxonomy_codes": ["000"]},
            {"text": 42, "taxonomy_codes": ["000"]},
            {"text": "no codes"},
            {"text": "codes not a list", "taxonomy_codes": "000"},
            {"text": "bad codes", "taxonomy_codes": ["000", 4, "", "a|b"]},
            {"text": "  ", "taxonomy_codes": []},
            {"text": "sure?", "taxonomy_codes": ["100"], "confidence": "high"},
            {"text": "too sure", "taxonomy_codes": ["100"], "confidence": 1.5},
            "not an object"
        ]
    })");
    EXPECT_EQ(hone::data::validate_data_format(data, "classification"),
              (Strings{"'metadata.num_samples' is 9 but there are 10 samples",
                       "samples[1]: 'text' is required",
                       "samples[2]: 'text' must be a string, got 42",
                       "samples[3]: 'taxonomy_codes' is required",
                       "samples[4]: 'taxonomy_codes' must be an array, got \"000\"",
                       "samples[5]: 'taxonomy_codes[1]' must be a string, got 4",
                       "samples[5]: 'taxonomy_codes[2]' is empty",
                       "samples[5]: 'taxonomy_codes[3]' must not contain '|', got \"a|b\"",
                       "samples[6]: 'text' is empty",
                       "samples[6]: 'taxonomy_codes' is empty",
                       "samples[7]: 'confidence' must be a number, got \"high\"",
                       "samples[8]: 'confidence' must be between 0 and 1, got 1.5",
                       "samples[9]: must be an object, got \"not an object\""}));
}

TEST(SeedFormats, InteractionProblemsNameRecordAndField) {
    auto data = nlohmann::json::parse(R"({
        "metadata": {"num_interactions": 8},
        "interactions": [
            {"user_id": "u1", "item_id": "i1", "implicit_rating": 1.0},
            {"item_id": "i1", "implicit_rating": 1.0},
            {"user_id": 7, "item_id": "", "implicit_rating": 1.0},
            {"user_id": "u1", "implicit_rating": 1.0},
            {"user_id": "u1", "item_id": "i1", "timestamp": "yesterday", "implicit_rating": 1.0},
            {"user_id": "u1", "item_id": "i1", "timestamp": "2024-02-30T10:00:00", "implicit_rating": 1.0},
            {"user_id": "u1", "item_id": "i1", "timestamp": 1705314600, "interaction_type": 3, "implicit_rating": 1},
            {"user_id": "u1", "item_id": "i1", "implicit_rating": "high"},
            {"user_id": "u1", "item_id": "i1"}
        ]
    })");
    EXPECT_EQ(hone::data::validate_data_format(data, "interactions"),
              (Strings{"'metadata.num_interactions' is 8 but there are 9 interactions",
                       "interactions[1]: 'user_id' is required",
                       "interactions[2]: 'user_id' must be a string, got 7",
                       "interactions[2]: 'item_id' is empty",
                       "interactions[3]: 'item_id' is required",
                       "interactions[4]: 'timestamp' must be an ISO 8601 timestamp such as \"2024-01-15T10:30:00\", "
                       "got \"yesterday\"",
                       "interactions[5]: 'timestamp' must be an ISO 8601 timestamp such as \"2024-01-15T10:30:00\", "
                       "got \"2024-02-30T10:00:00\"",
                       "interactions[6]: 'timestamp' must be a string, got 1705314600",
                       "interactions[6]: 'interaction_type' must be a string, got 3",
                       "interactions[7]: 'implicit_rating' must be a number, got \"high\"",
                       "interactions[8]: 'implicit_rating' is required"}));
}

TEST(SeedFormats, TopLevelProblems) {
    using nlohmann::json;
    EXPECT_EQ(hone::data::validate_data_format(json::array(), "classification"),
              (Strings{"the data must be an object with 'metadata' and 'samples', got []"}));
    EXPECT_EQ(hone::data::validate_data_format(json::parse(R"({"metadata": {}})"), "classification"),
              (Strings{"'samples' is required"}));
    EXPECT_EQ(hone::data::validate_data_format(json::parse(R"({"interactions": {}})"), "interactions"),
              (Strings{"'interactions' must be an array, got {}"}));
    EXPECT_EQ(hone::data::validate_data_format(json::parse(R"({"metadata": [], "samples": []})"), "classification"),
              (Strings{"'samples' is empty", "'metadata' must be an object, got []"}));
    try {
        hone::data::validate_data_format(json::object(), "images");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "unknown data format 'images'; expected 'classification' or 'interactions'");
        EXPECT_EQ(e.kind(), ErrorKind::validation);
    }
}

TEST(SeedFormats, Iso8601) {
    for (const char* ok : {"2024-01-15", "2024-01-15T10:30", "2024-01-15T10:30:00", "2024-01-15 10:30:00",
                           "2024-01-15T10:30:00.123456", "2024-01-15T10:30:00Z", "2024-01-15T10:30:00+05:30",
                           "2024-01-15T10:30:00-0800", "2024-01-15T10:30:00+01", "2024-02-29T00:00:00",
                           "2016-12-31T23:59:60Z"})
        EXPECT_TRUE(hone::data::is_iso8601(ok)) << ok;
    for (const char* bad : {"", "yesterday", "2024-1-15", "2024/01/15", "2023-02-29", "2024-13-01", "2024-01-32",
                            "2024-01-15T25:00", "2024-01-15T10:60", "2024-01-15T10", "2024-01-15T10:30:00.",
                            "2024-01-15T10:30:00+5", "2024-01-15T10:30:00 ", "2024-01-15X10:30", "1705314600"})
        EXPECT_FALSE(hone::data::is_iso8601(bad)) << bad;
}

TEST(SeedFormats, LoadingFailsWithEveryProblem) {
    TempDir dir;
    fs::path p = dir.write("samples.json", R"({"samples": [
        {"text": "ok", "taxonomy_codes": ["000"]},
        {"text": "no codes"},
        {"taxonomy_codes": ["000"], "confidence": -0.5}
    ]})");
    expect_load_error([&] { hone::data::load_dataset(spec_of("taxonomy", "classification", p.string())); },
                      ErrorKind::data,
                      "dataset 'taxonomy': " + p.string() +
                          ": not valid classification data (3 problems):\n"
                          "  samples[1]: 'taxonomy_codes' is required\n"
                          "  samples[2]: 'text' is required\n"
                          "  samples[2]: 'confidence' must be between 0 and 1, got -0.5");

    // Many problems: the first 20, then a count of the rest.
    nlohmann::json many = {{"interactions", nlohmann::json::array()}};
    for (int i = 0; i < 25; ++i) many["interactions"].push_back({{"user_id", "u"}, {"item_id", "i"}});
    fs::path q = dir.write("many.json", many.dump());
    std::string expected = "dataset 'ncf': " + q.string() + ": not valid interactions data (25 problems):";
    for (int i = 0; i < 20; ++i) expected += "\n  interactions[" + std::to_string(i) + "]: 'implicit_rating' is required";
    expected += "\n  ... and 5 more";
    expect_load_error([&] { hone::data::load_dataset(spec_of("ncf", "interactions", q.string())); }, ErrorKind::data,
                      expected);

    fs::path r = dir.write("broken.json", "{\"samples\": [");
    expect_load_error([&] { hone::data::load_dataset(spec_of("taxonomy", "classification", r.string())); },
                      ErrorKind::data,
                      "dataset 'taxonomy': " + r.string() +
                          ": invalid JSON: parse error at line 1, column 14: syntax error while parsing value - "
                          "unexpected end of input; expected '[', '{', or a literal");
}

// --- SQLite ---

namespace {

void sqlite_exec(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "?";
        sqlite3_free(err);
        throw std::runtime_error("sqlite: " + msg + " in " + sql);
    }
}

// A real database file, written with the SQLite C API.
fs::path make_shop_db(const TempDir& dir) {
    fs::path path = dir.path() / "shop.db";
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot create " + path.string());
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(db, sqlite3_close);
    sqlite_exec(db, R"(
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, monthly REAL, active BOOLEAN, mixed NUMERIC,
                                code, blob_col BLOB, never INTEGER);
        INSERT INTO customers VALUES (1, 'ann', 29.5, 1, 3, 10, x'00ff', NULL);
        INSERT INTO customers VALUES (2, 'bob', NULL, 0, 2.5, 'B7', NULL, NULL);
        INSERT INTO customers VALUES (3, NULL, 79, NULL, NULL, 12, NULL, NULL);
        CREATE TABLE "order items" (sku TEXT, qty INTEGER);
        INSERT INTO "order items" VALUES ('a', 2), ('b', 5);
        CREATE TABLE flags (id INTEGER, flag BOOLEAN);
        INSERT INTO flags VALUES (1, 1), (2, 2);
    )");
    return path;
}

}  // namespace

TEST(SqliteSource, LoadsATableWithTypesFromStorageClasses) {
    TempDir dir;
    fs::path db = make_shop_db(dir);
    Frame f = hone::data::load_dataset(sqlite_spec(db, "customers"));
    EXPECT_EQ(f.names(), (Strings{"id", "name", "monthly", "active", "mixed", "code", "blob_col", "never"}));
    EXPECT_EQ(f.rows(), 3u);
    EXPECT_EQ(f.at("id").type(), DType::int64);
    EXPECT_EQ(f.at("id").ints(), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(f.at("name").type(), DType::string);
    EXPECT_EQ(texts(f.at("name")), (Strings{"ann", "bob", "<null>"}));
    // REAL affinity stores 79 as 79.0.
    EXPECT_EQ(f.at("monthly").type(), DType::float64);
    EXPECT_EQ(texts(f.at("monthly")), (Strings{"29.5", "<null>", "79"}));
    // BOOLEAN holding 0/1: bool.
    EXPECT_EQ(f.at("active").type(), DType::boolean);
    EXPECT_EQ(texts(f.at("active")), (Strings{"true", "false", "<null>"}));
    // int mixed with real: float.
    EXPECT_EQ(f.at("mixed").type(), DType::float64);
    EXPECT_EQ(texts(f.at("mixed")), (Strings{"3", "2.5", "<null>"}));
    // numbers mixed with text: string.
    EXPECT_EQ(f.at("code").type(), DType::string);
    EXPECT_EQ(texts(f.at("code")), (Strings{"10", "B7", "12"}));
    EXPECT_EQ(texts(f.at("blob_col")), (Strings{"x'00ff'", "<null>", "<null>"}));
    // Only NULLs: the declared type.
    EXPECT_EQ(f.at("never").type(), DType::int64);
    EXPECT_EQ(f.at("never").null_count(), 3u);
}

TEST(SqliteSource, LoadsAQueryAndQuotesTableNames) {
    TempDir dir;
    fs::path db = make_shop_db(dir);
    Frame q = hone::data::load_dataset(
        sqlite_spec(db, "", "SELECT id, monthly * 2 AS double_monthly, upper(name) AS shout FROM customers "
                            "WHERE id >= 2 ORDER BY id DESC"));
    EXPECT_EQ(q.names(), (Strings{"id", "double_monthly", "shout"}));
    EXPECT_EQ(q.at("id").ints(), (std::vector<std::int64_t>{3, 2}));
    EXPECT_EQ(q.at("double_monthly").type(), DType::float64);
    EXPECT_EQ(texts(q.at("double_monthly")), (Strings{"158", "<null>"}));
    EXPECT_EQ(texts(q.at("shout")), (Strings{"<null>", "BOB"}));

    Frame items = hone::data::load_dataset(sqlite_spec(db, "order items"));
    EXPECT_EQ(texts(items.at("sku")), (Strings{"a", "b"}));
    EXPECT_EQ(items.at("qty").ints(), (std::vector<std::int64_t>{2, 5}));

    // A BOOLEAN column holding other values stays int.
    Frame flags = hone::data::load_dataset(sqlite_spec(db, "flags"));
    EXPECT_EQ(flags.at("flag").type(), DType::int64);

    // An empty result keeps its columns, typed from their declarations; as a
    // dataset it is an error that says so.
    const std::string empty_query = "SELECT id, name, monthly FROM customers WHERE 0";
    Frame none = hone::data::read_sqlite(db, "", empty_query);
    EXPECT_EQ(none.rows(), 0u);
    EXPECT_EQ(none.names(), (Strings{"id", "name", "monthly"}));
    EXPECT_EQ(none.at("id").type(), DType::int64);
    EXPECT_EQ(none.at("monthly").type(), DType::float64);
    expect_load_error([&] { hone::data::load_dataset(sqlite_spec(db, "", empty_query)); }, ErrorKind::data,
                      "dataset 'shop' (query result of " + db.string() + "): no rows");
}

TEST(SqliteSource, ErrorsGiveSqlitesMessageAndTheQuery) {
    TempDir dir;
    fs::path db = make_shop_db(dir);
    const std::string at = "dataset 'shop': " + db.string() + ": SQLite: ";
    expect_load_error([&] { hone::data::load_dataset(sqlite_spec(db, "nope")); }, ErrorKind::data,
                      at + "no such table: nope (in: SELECT * FROM \"nope\")");
    expect_load_error([&] { hone::data::load_dataset(sqlite_spec(db, "", "SELEC id FROM customers")); },
                      ErrorKind::data, at + "near \"SELEC\": syntax error (in: SELEC id FROM customers)");
    expect_load_error([&] { hone::data::load_dataset(sqlite_spec(db, "", "SELECT nope FROM customers")); },
                      ErrorKind::data, at + "no such column: nope (in: SELECT nope FROM customers)");
    expect_load_error([&] { hone::data::load_dataset(sqlite_spec(db, "", "SELECT 1; SELECT 2")); }, ErrorKind::data,
                      at + "the query holds more than one statement (in: SELECT 1; SELECT 2)");
    expect_load_error(
        [&] { hone::data::load_dataset(sqlite_spec(db, "", "SELECT id, name AS id FROM customers")); },
        ErrorKind::data,
        at + "the result has two columns named 'id'; give them distinct names with AS (in: SELECT id, name AS id "
             "FROM customers)");
    // Opened read-only: loading never writes.
    expect_load_error([&] { hone::data::load_dataset(sqlite_spec(db, "", "DELETE FROM customers RETURNING id")); },
                      ErrorKind::data,
                      at + "attempt to write a readonly database (in: DELETE FROM customers RETURNING id)");
    EXPECT_EQ(hone::data::load_dataset(sqlite_spec(db, "customers")).rows(), 3u);

    fs::path not_db = dir.write("notes.db", "this is not a database, just text that is long enough to matter\n");
    expect_load_error([&] { hone::data::load_dataset(sqlite_spec(not_db, "t")); }, ErrorKind::data,
                      "dataset 'shop': " + not_db.string() +
                          ": SQLite: file is not a database (in: SELECT * FROM \"t\")");
}

TEST(SqliteSource, SchemaErrorsNameTheTable) {
    TempDir dir;
    fs::path db = make_shop_db(dir);
    auto s = sqlite_spec(db, "customers");
    s.schema = {decl("code", "int")};
    expect_load_error([&] { hone::data::load_dataset(s); }, ErrorKind::data,
                      "dataset 'shop': table 'customers' of " + db.string() +
                          ", row 2, column 'code': value 'B7' is not an int");
    s.schema = {decl("mixed", "float"), decl("id", "float"), decl("active", "int")};
    Frame f = hone::data::load_dataset(s);
    EXPECT_EQ(f.at("id").type(), DType::float64);
    EXPECT_EQ(texts(f.at("active")), (Strings{"1", "0", "<null>"}));
}

// --- PostgreSQL, against a real server ---

namespace {

class PostgresSource : public ::testing::Test {
protected:
    // One database for the suite's tests in this process, of its own name: other
    // test processes share the server.
    static void SetUpTestSuite() {
        server_ = hone::test::shared_postgres_server(start_error_);
        if (!server_) return;
        shop_ = hone::test::unique_database_name("shop");
        try {
            server_->create_database(shop_);
            server_->execute(R"(
                CREATE TABLE customers (
                    id integer PRIMARY KEY, small smallint, big bigint, ratio real, score double precision,
                    amount numeric(10, 2), active boolean, name text, code varchar(8), joined date,
                    seen timestamp, tags text[]);
                INSERT INTO customers VALUES
                    (1, 7, 9000000000, 0.5, 1.25, 10.50, true, 'ann', 'A1', '2024-01-15', '2024-01-15 10:30:00',
                     '{x,y}'),
                    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                    (3, -3, -1, 2, -0.125, 99999999.99, false, 'cy', 'C3', '2023-12-31', '2023-12-31 23:59:59',
                     '{}');
                CREATE SCHEMA sales;
                CREATE TABLE sales."Order Items" (sku text, qty integer);
                INSERT INTO sales."Order Items" VALUES ('a', 2), ('b', 5);
            )",
                             shop_);
        } catch (const std::exception& e) {
            start_error_ = "could not fill the test database " + shop_ + ": " + e.what();
            server_ = nullptr;
        }
    }
    static void TearDownTestSuite() {
        if (server_) server_->drop_database(shop_);
    }

    void SetUp() override {
        // The server is part of what these tests check: no server is a failure, never a skip.
        if (!server_) FAIL() << "the PostgreSQL test server could not start: " << start_error_;
    }

    static DatasetSpec pg_spec(const std::string& table, const std::string& query = {}) {
        DatasetSpec s = spec_of("pg", "postgres");
        s.table = table;
        s.query = query;
        s.connection = server_->url(shop_);
        return s;
    }

    static hone::test::PostgresServer* server_;
    static std::string shop_;
    static std::string start_error_;
};

hone::test::PostgresServer* PostgresSource::server_ = nullptr;
std::string PostgresSource::shop_;
std::string PostgresSource::start_error_;

}  // namespace

TEST_F(PostgresSource, LoadsATableWithTypesFromOids) {
    Frame f = hone::data::load_dataset(pg_spec("customers"));
    EXPECT_EQ(f.names(),
              (Strings{"id", "small", "big", "ratio", "score", "amount", "active", "name", "code", "joined", "seen",
                       "tags"}));
    EXPECT_EQ(f.rows(), 3u);
    for (const char* c : {"id", "small", "big"}) EXPECT_EQ(f.at(c).type(), DType::int64) << c;
    for (const char* c : {"ratio", "score", "amount"}) EXPECT_EQ(f.at(c).type(), DType::float64) << c;
    EXPECT_EQ(f.at("active").type(), DType::boolean);
    for (const char* c : {"name", "code", "joined", "seen", "tags"}) EXPECT_EQ(f.at(c).type(), DType::string) << c;

    EXPECT_EQ(f.at("id").ints(), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(texts(f.at("small")), (Strings{"7", "<null>", "-3"}));
    EXPECT_EQ(texts(f.at("big")), (Strings{"9000000000", "<null>", "-1"}));
    EXPECT_EQ(texts(f.at("ratio")), (Strings{"0.5", "<null>", "2"}));
    EXPECT_EQ(texts(f.at("score")), (Strings{"1.25", "<null>", "-0.125"}));
    EXPECT_EQ(texts(f.at("amount")), (Strings{"10.5", "<null>", "99999999.99"}));
    EXPECT_EQ(texts(f.at("active")), (Strings{"true", "<null>", "false"}));
    EXPECT_EQ(texts(f.at("name")), (Strings{"ann", "<null>", "cy"}));
    EXPECT_EQ(texts(f.at("code")), (Strings{"A1", "<null>", "C3"}));
    EXPECT_EQ(texts(f.at("joined")), (Strings{"2024-01-15", "<null>", "2023-12-31"}));
    EXPECT_EQ(texts(f.at("seen")), (Strings{"2024-01-15 10:30:00", "<null>", "2023-12-31 23:59:59"}));
    EXPECT_EQ(texts(f.at("tags")), (Strings{"{x,y}", "<null>", "{}"}));
}

TEST_F(PostgresSource, LoadsAQueryAndSchemaQualifiedQuotedTables) {
    Frame q = hone::data::load_dataset(
        pg_spec("", "SELECT id, score * 2 AS double_score, upper(name) AS shout, id::float8 / 2 AS half, "
                    "count(*) OVER () AS n FROM customers WHERE id <> 2 ORDER BY id DESC"));
    EXPECT_EQ(q.names(), (Strings{"id", "double_score", "shout", "half", "n"}));
    EXPECT_EQ(q.at("id").ints(), (std::vector<std::int64_t>{3, 1}));
    EXPECT_EQ(q.at("double_score").floats(), (std::vector<double>{-0.25, 2.5}));
    EXPECT_EQ(texts(q.at("shout")), (Strings{"CY", "ANN"}));
    EXPECT_EQ(q.at("half").floats(), (std::vector<double>{1.5, 0.5}));
    EXPECT_EQ(q.at("n").ints(), (std::vector<std::int64_t>{2, 2}));

    // numeric beyond a double's range saturates; NaN and infinities come through.
    Frame edge = hone::data::load_dataset(
        pg_spec("", "SELECT '1e400'::numeric AS huge, '-1e-400'::numeric AS tiny, 'NaN'::numeric AS nan_num, "
                    "'-Infinity'::float8 AS neg_inf"));
    EXPECT_EQ(edge.at("huge").floats(), (std::vector<double>{HUGE_VAL}));
    EXPECT_EQ(edge.at("tiny").floats(), (std::vector<double>{-0.0}));
    EXPECT_TRUE(std::isnan(edge.at("nan_num").floats()[0]));
    EXPECT_FALSE(edge.at("nan_num").is_null(0));
    EXPECT_EQ(edge.at("neg_inf").floats(), (std::vector<double>{-HUGE_VAL}));

    Frame items = hone::data::load_dataset(pg_spec("sales.Order Items"));
    EXPECT_EQ(texts(items.at("sku")), (Strings{"a", "b"}));
    EXPECT_EQ(items.at("qty").ints(), (std::vector<std::int64_t>{2, 5}));

    auto s = pg_spec("customers");
    s.schema = {decl("id", "float"), decl("amount", "string"), decl("active", "int")};
    Frame typed = hone::data::load_dataset(s);
    EXPECT_EQ(typed.at("id").type(), DType::float64);
    EXPECT_EQ(texts(typed.at("amount")), (Strings{"10.5", "<null>", "99999999.99"}));
    EXPECT_EQ(texts(typed.at("active")), (Strings{"1", "<null>", "0"}));
}

// The run context reads the environment once; a load takes its URL.
hone::data::LoadOptions from_environment() { return {0, hone::context_from_environment().postgres_url}; }

TEST_F(PostgresSource, ConnectionComesFromTheSpecThenTheEnvironment) {
    auto s = pg_spec("customers");
    s.connection.clear();
    {
        ScopedEnv hone_url("HONE_POSTGRES_URL", server_->url(shop_).c_str());
        ScopedEnv database_url("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nowhere");
        EXPECT_EQ(hone::data::load_dataset(s, from_environment()).rows(), 3u);
    }
    {
        ScopedEnv hone_url("HONE_POSTGRES_URL", nullptr);
        ScopedEnv database_url("DATABASE_URL", server_->url(shop_).c_str());
        EXPECT_EQ(hone::data::load_dataset(s, from_environment()).rows(), 3u);
    }
    {
        // The spec's own connection wins over the environment.
        ScopedEnv hone_url("HONE_POSTGRES_URL", "postgresql://nobody@127.0.0.1:1/nowhere");
        EXPECT_EQ(hone::data::load_dataset(pg_spec("customers"), from_environment()).rows(), 3u);
    }
    {
        ScopedEnv hone_url("HONE_POSTGRES_URL", nullptr);
        ScopedEnv database_url("DATABASE_URL", nullptr);
        expect_load_error([&] { hone::data::load_dataset(s, from_environment()); }, ErrorKind::validation,
                          "dataset 'pg': no PostgreSQL connection: set `connection:` in the dataset, or the "
                          "HONE_POSTGRES_URL or DATABASE_URL environment variable (e.g. "
                          "postgresql://user@localhost:5432/dbname)");
    }
}

TEST_F(PostgresSource, ErrorsGiveTheServersMessageAndTheQuery) {
    expect_load_error([] { hone::data::load_dataset(pg_spec("nope")); }, ErrorKind::data,
                      "dataset 'pg': PostgreSQL: relation \"nope\" does not exist (in: SELECT * FROM \"nope\")");
    expect_load_error([] { hone::data::load_dataset(pg_spec("", "SELEC 1")); }, ErrorKind::data,
                      "dataset 'pg': PostgreSQL: syntax error at or near \"SELEC\" (in: SELEC 1)");
    expect_load_error([] { hone::data::load_dataset(pg_spec("", "SELECT 1 AS a, 2 AS a")); }, ErrorKind::data,
                      "dataset 'pg': PostgreSQL: the result has two columns named 'a'; give them distinct names "
                      "with AS (in: SELECT 1 AS a, 2 AS a)");
    // A read-only transaction: loading never writes.
    expect_load_error([] { hone::data::load_dataset(pg_spec("", "DELETE FROM customers RETURNING id")); },
                      ErrorKind::data,
                      "dataset 'pg': PostgreSQL: cannot execute DELETE in a read-only transaction (in: DELETE FROM "
                      "customers RETURNING id)");
    EXPECT_EQ(hone::data::load_dataset(pg_spec("customers")).rows(), 3u);

    auto s = pg_spec("customers");
    s.schema = {decl("name", "int")};
    expect_load_error([&] { hone::data::load_dataset(s); }, ErrorKind::data,
                      "dataset 'pg': table 'customers', row 1, column 'name': value 'ann' is not an int");
}

TEST_F(PostgresSource, AnUnreachableServerIsAnIoErrorWithoutThePassword) {
    // The test server's port after it stops is closed; use a port nothing listens on.
    auto s = pg_spec("customers");
    s.connection = "postgresql://hone:secret@127.0.0.1:1/shop?connect_timeout=5";
    try {
        hone::data::load_dataset(s);
        FAIL() << "no error";
    } catch (const Error& e) {
        std::string what = e.what();
        EXPECT_EQ(e.kind(), ErrorKind::io);
        EXPECT_EQ(e.code(), "dataset_load_failed");
        EXPECT_TRUE(what.starts_with("dataset 'pg': cannot connect to PostgreSQL at "
                                     "postgresql://hone:***@127.0.0.1:1/shop?connect_timeout=5: "))
            << what;
        EXPECT_NE(what.find("Connection refused"), std::string::npos) << what;
        EXPECT_EQ(what.find("secret"), std::string::npos) << what;
    }
}

TEST(PostgresConnection, PasswordsAreRedacted) {
    EXPECT_EQ(hone::data::redact_connection("postgresql://u:pw@h:5432/db"), "postgresql://u:***@h:5432/db");
    EXPECT_EQ(hone::data::redact_connection("postgresql://u@h/db"), "postgresql://u@h/db");
    EXPECT_EQ(hone::data::redact_connection("postgresql://h/db?user=u&password=pw&sslmode=require"),
              "postgresql://h/db?user=u&password=***&sslmode=require");
    EXPECT_EQ(hone::data::redact_connection("host=h user=u password='p w' dbname=d"),
              "host=h user=u password=*** dbname=d");
}

// --- schema ---

namespace {

Frame sample_frame() {
    return hone::data::read_json_text(R"([
        {"id": 1, "tenure": "12", "monthly": 10.0, "flag": "true", "bit": 1, "ratio": "0.5", "city": 1, "churn": 0},
        {"id": 2, "tenure": " 7 ", "monthly": 20.0, "flag": "0", "bit": 0, "ratio": "1e-3", "city": 2, "churn": 1},
        {"id": 3, "tenure": "", "monthly": null, "flag": "False", "bit": null, "ratio": "-2", "city": 3, "churn": 1}
    ])");
}

}  // namespace

TEST(Schema, ConvertsColumnsToTheDeclaredTypes) {
    Frame f = sample_frame();
    hone::data::apply_schema(f,
                             {decl("id", "float"), decl("tenure", "int"), decl("monthly", "int"), decl("flag", "bool"),
                              decl("bit", "bool"), decl("ratio", "float"), decl("city", "category"),
                              decl("churn", "boolean")},
                             "customers.json");
    EXPECT_EQ(f.at("id").type(), DType::float64);
    EXPECT_EQ(f.at("id").floats(), (std::vector<double>{1, 2, 3}));
    EXPECT_EQ(f.at("tenure").type(), DType::int64);
    EXPECT_EQ(texts(f.at("tenure")), (Strings{"12", "7", "<null>"}));
    EXPECT_EQ(f.at("monthly").type(), DType::int64);
    EXPECT_EQ(texts(f.at("monthly")), (Strings{"10", "20", "<null>"}));
    EXPECT_EQ(f.at("flag").type(), DType::boolean);
    EXPECT_EQ(texts(f.at("flag")), (Strings{"true", "false", "false"}));
    EXPECT_EQ(f.at("bit").type(), DType::boolean);
    EXPECT_EQ(texts(f.at("bit")), (Strings{"true", "false", "<null>"}));
    EXPECT_EQ(f.at("ratio").floats(), (std::vector<double>{0.5, 0.001, -2}));
    EXPECT_EQ(f.at("city").type(), DType::string);
    EXPECT_EQ(texts(f.at("city")), (Strings{"1", "2", "3"}));
    EXPECT_EQ(f.at("churn").type(), DType::boolean);
    // Undeclared columns keep their inferred types.
    Frame g = sample_frame();
    hone::data::apply_schema(g, {}, "customers.json");
    EXPECT_EQ(g.at("tenure").type(), DType::string);
}

TEST(Schema, AValueThatDoesNotFitNamesColumnRowAndValue) {
    Frame f = hone::data::read_json_text(R"([{"tenure": "1"}, {"tenure": "2"}, {"tenure": "abc"}])");
    expect_load_error([&] { hone::data::apply_schema(f, {decl("tenure", "int")}, "customers.json"); },
                      ErrorKind::data, "customers.json, row 3, column 'tenure': value 'abc' is not an int");

    Frame g = hone::data::read_json_text(R"([{"x": 1.0}, {"x": 2.5}])");
    expect_load_error([&] { hone::data::apply_schema(g, {decl("x", "int")}, "t.json"); }, ErrorKind::data,
                      "t.json, row 2, column 'x': value '2.5' is not an int");
    Frame h = hone::data::read_json_text(R"([{"x": 0}, {"x": 1}, {"x": 2}])");
    expect_load_error([&] { hone::data::apply_schema(h, {decl("x", "bool")}, "t.json"); }, ErrorKind::data,
                      "t.json, row 3, column 'x': value '2' is not a bool");
    Frame i = hone::data::read_json_text(R"([{"x": "yes"}])");
    expect_load_error([&] { hone::data::apply_schema(i, {decl("x", "bool")}, "t.json"); }, ErrorKind::data,
                      "t.json, row 1, column 'x': value 'yes' is not a bool");
    Frame j = hone::data::read_json_text(R"([{"x": "1.5"}, {"x": "1,5"}])");
    expect_load_error([&] { hone::data::apply_schema(j, {decl("x", "float")}, "t.json"); }, ErrorKind::data,
                      "t.json, row 2, column 'x': value '1,5' is not a float");
    Frame k = hone::data::read_json_text(R"([{"x": 1e300}])");
    expect_load_error([&] { hone::data::apply_schema(k, {decl("x", "int")}, "t.json"); }, ErrorKind::data,
                      "t.json, row 1, column 'x': value '1e+300' is not an int");
}

TEST(Schema, AMissingColumnListsTheColumnsThereAre) {
    Frame f = sample_frame();
    expect_load_error([&] { hone::data::apply_schema(f, {decl("tenur", "int")}, "customers.json"); },
                      ErrorKind::data,
                      "customers.json: declared column 'tenur' is not in the data; did you mean 'tenure'?; the "
                      "columns are: id, tenure, monthly, flag, bit, ratio, city, churn");
    expect_load_error([&] { hone::data::apply_schema(f, {decl("signup_date", "datetime")}, "customers.json"); },
                      ErrorKind::data,
                      "customers.json: declared column 'signup_date' is not in the data; the columns are: id, "
                      "tenure, monthly, flag, bit, ratio, city, churn");
}

TEST(Schema, AnUnknownTypeIsAValidationError) {
    Frame f = sample_frame();
    ColumnDecl d = decl("id", "integr");
    d.pos.file = "job.n3";
    d.pos.line = 7;
    d.pos.col = 13;
    expect_load_error([&] { hone::data::apply_schema(f, {d}, "customers.json"); }, ErrorKind::validation,
                      "job.n3:7:13: column 'id' is declared as 'integr', which is not a type; expected 'int', "
                      "'float', 'bool', 'string', 'category' or 'datetime'");
}

// --- CSV through the registry ---

TEST(CsvSource, LoadsThroughTheRegistryWithSchemaTypesAndOptions) {
    TempDir dir;
    fs::path p = dir.write("customers.csv",
                           "customer_id;tenure;plan;churned\n1;12;basic;0\n2;-;premium;1\n3;40;standard;0\n");
    auto s = spec_of("customers", "csv", p.string());
    s.delimiter = ";";
    s.na_values = {"-"};
    s.schema = {decl("tenure", "float"), decl("churned", "bool"), decl("plan", "category")};
    Frame f = hone::data::load_dataset(s);
    EXPECT_EQ(f.names(), (Strings{"customer_id", "tenure", "plan", "churned"}));
    EXPECT_EQ(f.at("customer_id").type(), DType::int64);
    EXPECT_EQ(f.at("tenure").type(), DType::float64);
    EXPECT_EQ(texts(f.at("tenure")), (Strings{"12", "<null>", "40"}));
    EXPECT_EQ(f.at("churned").type(), DType::boolean);
    EXPECT_EQ(texts(f.at("churned")), (Strings{"false", "true", "false"}));
    EXPECT_EQ(texts(f.at("plan")), (Strings{"basic", "premium", "standard"}));

    // No header: columns are numbered.
    fs::path q = dir.write("rows.tsv", "1\tx\n2\ty\n");
    auto t = spec_of("rows", "file", q.string());
    t.header = false;
    Frame g = hone::data::load_dataset(t);
    EXPECT_EQ(g.names(), (Strings{"column_1", "column_2"}));
    EXPECT_EQ(texts(g.at("column_2")), (Strings{"x", "y"}));
}

TEST(CsvSource, SchemaProblemsAreDatasetLoadFailures) {
    TempDir dir;
    fs::path p = dir.write("customers.csv", "customer_id,tenure\n1,12\n2,abc\n");
    auto s = spec_of("customers", "csv", p.string());
    s.schema = {decl("signup", "datetime")};
    expect_load_error([&] { hone::data::load_dataset(s); }, ErrorKind::data,
                      "dataset 'customers': " + p.string() +
                          ": declared column 'signup' is not in the data; the columns are: customer_id, tenure");
    s.delimiter = "ab";
    expect_load_error([&] { hone::data::load_dataset(s); }, ErrorKind::validation,
                      "dataset 'customers': `delimiter` must be one character (or \\t), got 'ab'");
}

// --- confinement: a dataset of a job created over HTTP stays under the data root ---

namespace {

// Runs f, which must throw the refusal of a path outside the data root, with this what().
void expect_outside(const std::function<void()>& f, const std::string& what) {
    try {
        f();
        ADD_FAILURE() << "no error; expected: " << what;
    } catch (const Error& e) {
        EXPECT_EQ(e.what(), what);
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(e.code(), "path_outside_data_root");
        EXPECT_EQ(e.hint(), "jobs created over HTTP read data under the server's --data-root only");
    }
}

}  // namespace

TEST(ConfinedDataset, ALinkPlacedAfterTheSpecIsMadeIsRefusedWhenTheFileIsOpened) {
    TempDir dir;
    const fs::path base = fs::canonical(dir.path());
    fs::create_directories(base / "root");
    dir.write("root/data.csv", "a,b\n1,2\n");
    dir.write("secret.csv", "a,b\n42,43\n");
    DatasetSpec spec = spec_of("data", "csv", "data.csv");
    spec.base_dir = base / "root";
    spec.confined_to = (base / "root").string();
    EXPECT_EQ(hone::data::load_dataset(spec).rows(), 1u);  // inside: fine

    // The job was accepted; now the file becomes a link that leads out.
    fs::remove(base / "root" / "data.csv");
    fs::create_symlink(base / "secret.csv", base / "root" / "data.csv");
    expect_outside([&] { hone::data::load_dataset(spec); },
                   "dataset 'data': path '" + (base / "root" / "data.csv").string() + "' resolves to " +
                       (base / "secret.csv").string() + ", outside the data root " + (base / "root").string());

    // Without confinement (a job file run from the CLI) the link is followed.
    spec.confined_to.clear();
    EXPECT_EQ(hone::data::load_dataset(spec).at("a").ints(), (std::vector<std::int64_t>{42}));
}

TEST(ConfinedDataset, AFolderSwappedForALinkAndASqliteFileAreRefusedToo) {
    TempDir dir;
    const fs::path base = fs::canonical(dir.path());
    fs::create_directories(base / "root" / "sub");
    fs::create_directories(base / "outside");
    dir.write("outside/data.csv", "a\n1\n");
    fs::path db = make_shop_db(dir);  // outside the root
    DatasetSpec csv = spec_of("data", "csv", (base / "root" / "sub" / "data.csv").string());
    csv.confined_to = (base / "root").string() + "/";  // a trailing separator changes nothing
    fs::remove(base / "root" / "sub");
    fs::create_directory_symlink(base / "outside", base / "root" / "sub");
    expect_outside([&] { hone::data::load_dataset(csv); },
                   "dataset 'data': path '" + csv.path + "' resolves to " + (base / "outside" / "data.csv").string() +
                       ", outside the data root " + (base / "root").string());

    fs::create_symlink(db, base / "root" / "shop.db");
    DatasetSpec sqlite = sqlite_spec(base / "root" / "shop.db", "customers");
    sqlite.confined_to = (base / "root").string();
    expect_outside([&] { hone::data::load_dataset(sqlite); },
                   "dataset 'shop': path '" + (base / "root" / "shop.db").string() + "' resolves to " +
                       fs::canonical(db).string() + ", outside the data root " + (base / "root").string());

    // A link that stays inside the root is fine.
    fs::copy_file(db, base / "root" / "real.db");
    fs::remove(base / "root" / "shop.db");
    fs::create_symlink(base / "root" / "real.db", base / "root" / "shop.db");
    EXPECT_EQ(hone::data::load_dataset(sqlite).rows(), 3u);
}

TEST(ConfinedDataset, PathInsideComparesWholeComponents) {
    using hone::data::path_inside;
    EXPECT_TRUE(path_inside("/data/root/a.csv", "/data/root"));
    EXPECT_TRUE(path_inside("/data/root", "/data/root"));
    EXPECT_TRUE(path_inside("/data/root/a.csv", "/data/root/"));
    EXPECT_FALSE(path_inside("/data/rootless/a.csv", "/data/root"));
    EXPECT_FALSE(path_inside("/data/a.csv", "/data/root"));
}
