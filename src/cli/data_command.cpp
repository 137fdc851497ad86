// `hone data`: `describe` loads a dataset (from a job file's dataset block, or a
// data file directly) and prints per-column statistics; `validate` checks a
// dataset against its `validation:` rules, or a file against one of the JSON
// training-data formats; `head` and `records` print rows; `synthesize` writes
// synthetic interactions in the interactions format (or CSV).
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "common/json.hpp"
#include "common/error.hpp"
#include "common/run_context.hpp"
#include "common/text.hpp"
#include "data/interactions.hpp"
#include "data/interactions_document.hpp"
#include "data/records.hpp"
#include "data/seed_formats.hpp"
#include "data/source.hpp"
#include "data/stats.hpp"
#include "data/validate_rules.hpp"
#include "lang/job_file.hpp"

namespace hone::cli {

namespace {

// A dataset spec for a bare data file: the format comes from its extension.
lang::DatasetSpec spec_for_data_file(const std::string& path) {
    lang::DatasetSpec spec;
    spec.name = path;
    spec.source = "file";
    spec.path = path;
    auto ext = std::filesystem::path(path).extension().string();
    if (ext == ".tsv" || ext == ".txt") spec.format = "csv";
    return spec;
}

lang::DatasetSpec spec_from_job_file(const std::string& file, const std::string& dataset) {
    auto loaded = lang::load_job_file(file);
    if (!loaded.ok()) {
        std::cerr << loaded.report();
        throw Error(ErrorKind::validation, "invalid_job_file", "the job file has errors (see above)", Location(file));
    }
    const auto* spec = loaded.spec.find_dataset(dataset);
    if (!spec) {
        std::vector<std::string> names;
        for (const auto& d : loaded.spec.datasets) names.push_back(d.name);
        throw Error(ErrorKind::not_found, "dataset_not_found", "no dataset \"" + dataset + "\" in " + file, {},
                    names.empty() ? "the file defines no dataset" : "datasets in the file: " + [&] {
                        std::string s;
                        for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
                        return s;
                    }());
    }
    return *spec;
}

// A job file's dataset (with DATASET), else the data file itself.
lang::DatasetSpec dataset_spec(const std::string& file, const std::string& dataset) {
    return dataset.empty() ? spec_for_data_file(file) : spec_from_job_file(file, dataset);
}

data::Frame load(const lang::DatasetSpec& spec, unsigned threads) {
    const RunContext context = context_from_environment();
    return data::load_dataset(spec, {threads, context.postgres_url});
}

using OJson = nlohmann::ordered_json;

[[noreturn]] void bad_option(const std::string& message, const std::string& hint = "") {
    throw Error(ErrorKind::validation, "invalid_option", message, {}, hint);
}

// ---- hone data validate ----

// What validating one file found: a file that is not JSON has one problem, its
// parse error, and no summary.
struct Validation {
    std::string file, format;
    std::vector<data::FormatProblem> problems;
    std::optional<Error> parse_error;
    OJson summary;  // null when the file is not JSON

    bool valid() const { return problems.empty() && !parse_error; }
    std::size_t problem_count() const { return problems.size() + (parse_error ? 1 : 0); }
};

std::string format_name(const std::string& format) {
    try {
        return data::canonical_format_name(format);
    } catch (const Error&) {
        bad_option("unknown --format '" + format + "'; expected " + join_or(data::seed_format_names(), "'"),
                   "tables such as CSV have no format to validate against: `hone data describe FILE` loads them");
    }
}

Validation validate_file(const std::string& file, const std::string& format) {
    Validation v{file, format_name(format), {}, std::nullopt, nullptr};
    std::string text = data::read_text_file(file);  // as the loaders open it: regular files only
    nlohmann::json parsed;
    try {
        parsed = hone::parse_json(text, "file");
    } catch (const Error& e) {
        v.parse_error = e;
        return v;
    }
    v.problems = data::data_format_problems(parsed, v.format);
    v.summary = data::data_format_summary(parsed, v.format);
    return v;
}

OJson problem_json(const data::FormatProblem& p) {
    return {{"record", p.record >= 0 ? OJson(p.record) : OJson()},
            {"field", p.field.empty() ? OJson() : OJson(p.field)},
            {"message", p.message},
            {"text", p.text()}};
}

// The parse error's message without the parser's own "parse error at line L,
// column C: ", which says again what the location says.
std::string parse_error_message(const Error& e) {
    std::string message = e.message();
    auto at = message.find("parse error at line ");
    auto end = at == std::string::npos ? at : message.find(": ", at);
    if (end != std::string::npos) message.erase(at, end + 2 - at);
    return message;
}

// "clicks.json:3:22: invalid JSON file: syntax error ..."
std::string parse_error_text(const Validation& v) {
    const Error& e = *v.parse_error;
    return v.file + ":" + std::to_string(e.where().line) + ":" + std::to_string(e.where().col) + ": " +
           parse_error_message(e);
}

// As the other problems' "text", without the file (the answer names it once).
OJson parse_error_json(const Validation& v) {
    const Error& e = *v.parse_error;
    std::string at = "line " + std::to_string(e.where().line) + ", column " + std::to_string(e.where().col);
    std::string message = parse_error_message(e);
    return {{"record", nullptr}, {"field", nullptr}, {"line", e.where().line},
            {"col", e.where().col}, {"message", message}, {"text", at + ": " + message}};
}

OJson validation_json(const Validation& v, std::size_t max_problems) {
    OJson problems = OJson::array();
    if (v.parse_error) problems.push_back(parse_error_json(v));
    for (const auto& p : v.problems) {
        if (max_problems && problems.size() >= max_problems) break;
        problems.push_back(problem_json(p));
    }
    return {{"file", v.file},         {"format", v.format},     {"valid", v.valid()},
            {"num_problems", v.problem_count()}, {"problems", problems}, {"summary", v.summary}};
}

// "1000 interactions, 50 users, 200 items" / "200 samples, 10 classes"
std::string summary_text(const Validation& v) {
    const OJson& s = v.summary;
    auto count = [&](const char* key, const char* one, const char* many) {
        auto n = s[key].get<std::size_t>();
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    if (v.format == "classification")
        return count("num_samples", "sample", "samples") + ", " + count("num_classes", "class", "classes");
    return count("num_interactions", "interaction", "interactions") + ", " + count("num_users", "user", "users") +
           ", " + count("num_items", "item", "items");
}

void print_validation(const Validation& v, std::size_t max_problems) {
    if (v.valid()) {
        std::cout << v.file << ": valid " << v.format << " data: " << summary_text(v) << "\n";
        return;
    }
    std::size_t shown = 0;
    if (v.parse_error) {
        std::cout << parse_error_text(v) << "\n";
        ++shown;
    }
    for (const auto& p : v.problems) {
        if (max_problems && shown >= max_problems) break;
        std::cout << v.file << ": " << p.text() << "\n";
        ++shown;
    }
    std::size_t n = v.problem_count();
    if (shown < n) std::cout << "... and " << n - shown << " more (--max-problems 0 lists them all)\n";
    std::cout << v.file << ": not valid " << v.format << " data: " << n << (n == 1 ? " problem" : " problems")
              << "\n";
}

// ---- hone data validate FILE DATASET: the dataset's validation rules ----

// "min 0", "allowed basic, pro", "regex ^a", "not_null"
std::string rule_text(const data::RuleResult& r) {
    if (r.rule == "not_null" || r.rule == "unique" || r.rule == "column") return r.rule;
    if (r.setting.is_array()) {
        std::vector<std::string> values;
        for (const auto& v : r.setting) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
        return r.rule + " " + join(values);
    }
    if (r.setting.is_string()) return r.rule + " " + r.setting.get<std::string>();
    if (r.setting.is_number_float()) return r.rule + " " + format_double(r.setting.get<double>());
    return r.rule + " " + r.setting.dump();
}

// "row 5: -1, row 17: \"x\", ... (3 more)"
std::string examples_text(const data::RuleResult& r) {
    std::string out;
    for (const auto& e : r.examples)
        out += (out.empty() ? "" : ", ") + ("row " + std::to_string(e.row) + ": " + hone::json_dump(e.value));
    if (r.failing_rows > r.examples.size()) out += ", ... (" + std::to_string(r.failing_rows - r.examples.size()) + " more)";
    return out;
}

// One line per failed rule, errors first, then the summary.
void print_rules_report(const data::RulesReport& report) {
    for (bool warnings : {false, true})
        for (const auto& r : report.results) {
            if (r.passed || r.warning != warnings) continue;
            std::cout << (r.warning ? "warning: " : "error: ") << (r.column.empty() ? "" : r.column + ": ")
                      << rule_text(r) << ": " << r.message;
            if (!r.examples.empty()) std::cout << ": " << examples_text(r);
            std::cout << "\n";
        }
    const std::size_t errors = report.failed_errors(), warnings = report.failed_warnings();
    const std::size_t rules = report.results.size();
    std::cout << report.dataset << ": " << report.rows << (report.rows == 1 ? " row; " : " rows; ") << rules
              << (rules == 1 ? " rule: " : " rules: ") << rules - errors - warnings << " passed, " << errors
              << " failed as error, " << warnings << " failed as warning; " << (report.valid() ? "valid" : "not valid")
              << "\n";
}

void validate_dataset(const std::string& file, const std::string& dataset, bool json, std::size_t examples,
                      int& exit_code) {
    lang::DatasetSpec spec = spec_from_job_file(file, dataset);
    if (spec.validation.empty())
        throw Error(ErrorKind::validation, "no_validation_rules",
                    "dataset \"" + dataset + "\" in " + file + " has no validation rules", {},
                    "add a `validation:` section to the dataset (min_rows, max_rows, columns: ...)");
    data::Frame frame = load(spec, 0);
    data::RulesReport report = data::check_rules(frame, spec.validation, spec.name, examples);
    if (json)
        std::cout << hone::json_dump(data::to_json(report), 2) << "\n";
    else
        print_rules_report(report);
    for (const auto& w : frame.warnings()) std::cerr << "warning: " << w.message << "\n";
    exit_code = report.valid() ? 0 : hone::exit_code(ErrorKind::validation);
}

void add_validate(CLI::App& data, int& exit_code) {
    auto* cmd = data.add_subcommand(
        "validate", "Check a job file's dataset against its validation rules (FILE DATASET), or a data file against "
                    "one of hone's JSON training-data formats (FILE --format); exit 0 when valid, 1 when not");
    struct Options {
        std::string file, dataset, format;
        bool json = false;
        std::size_t max_problems = 100;
        std::size_t examples = 5;
    };
    auto opts = std::make_shared<Options>();
    cmd->add_option("FILE", opts->file, "a job file (with DATASET), or a data file (JSON, with --format)")->required();
    cmd->add_option("DATASET", opts->dataset, "the dataset block whose `validation:` rules to check");
    cmd->add_option("--format", opts->format,
                    "for a data file: classification: {\"samples\": [{\"text\", \"taxonomy_codes\", \"confidence\"}]}; "
                    "interactions: {\"interactions\": [{\"user_id\", \"item_id\", \"timestamp\", "
                    "\"interaction_type\", \"implicit_rating\"}]}");
    cmd->add_flag("--json", opts->json,
                  "print JSON: for a dataset {\"dataset\", \"rows\", \"valid\", \"summary\", \"results\"}; for a data "
                  "file {\"file\", \"format\", \"valid\", \"num_problems\", \"problems\": [{\"record\", \"field\", "
                  "\"message\", \"text\"}], \"summary\"}");
    cmd->add_option("--max-problems", opts->max_problems, "a data file: list at most this many problems; 0 lists all")
        ->capture_default_str();
    cmd->add_option("--examples", opts->examples, "a dataset: the failing rows shown per rule")->capture_default_str();
    cmd->footer("A dataset's rules are its `validation:` section (docs/language.md); warnings are printed but do "
                "not fail. Only the JSON formats are checked for a data file: a CSV or other table has no format to "
                "check against (`hone data describe FILE` loads it and prints its columns).");
    cmd->callback([opts, &exit_code] {
        if (!opts->dataset.empty()) {
            if (!opts->format.empty())
                bad_option("--format is for a data file; a dataset is checked against its own validation rules",
                           "hone data validate " + opts->file + " " + opts->dataset);
            validate_dataset(opts->file, opts->dataset, opts->json, opts->examples, exit_code);
            return;
        }
        if (opts->format.empty())
            bad_option("name a DATASET of the job file, or give --format for a data file",
                       "hone data validate jobs.n3 customers, or hone data validate clicks.json --format interactions");
        Validation v = validate_file(opts->file, opts->format);
        if (opts->json)
            std::cout << hone::json_dump(validation_json(v, opts->max_problems), 2) << "\n";
        else
            print_validation(v, opts->max_problems);
        exit_code = v.valid() ? 0 : hone::exit_code(ErrorKind::validation);
    });
}

// ---- hone data head, hone data records ----

std::vector<std::vector<std::string>> rows_table(const data::Frame& frame, const data::Page& page) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"row"};
    for (const auto& name : frame.names()) header.push_back(name);
    rows.push_back(std::move(header));
    const std::size_t end = std::min(frame.rows(), page.offset + page.limit);
    for (std::size_t row = page.offset; row < end; ++row) {
        std::vector<std::string> cells = {std::to_string(row + 1)};
        for (const auto& c : frame.columns()) cells.push_back(c.is_null(row) ? "null" : c.to_text(row));
        rows.push_back(std::move(cells));
    }
    return rows;
}

struct RowsOptions {
    std::string file, dataset, offset, limit;
    bool json = false;
    unsigned threads = 0;
};

void add_rows_source(CLI::App* cmd, RowsOptions& o) {
    cmd->add_option("FILE", o.file, "a job file (with DATASET) or a data file (.csv, .tsv, .json, .jsonl)")->required();
    cmd->add_option("DATASET", o.dataset, "the dataset block to load from the job file");
    cmd->add_option("--threads", o.threads, "threads for reading (default: all cores)");
}

void add_head(CLI::App& data, int& exit_code) {
    auto* cmd = data.add_subcommand("head", "Load a dataset and print its first rows as a table (nulls as null)");
    auto o = std::make_shared<RowsOptions>();
    add_rows_source(cmd, *o);
    cmd->add_option("-n", o->limit, "how many rows, 1 to " + std::to_string(data::kMaxRecordsLimit))
        ->type_name("UINT")
        ->default_str("10");
    cmd->callback([o, &exit_code] {
        data::Page page = data::parse_page(std::nullopt, o->limit.empty() ? "10" : o->limit, "-n");
        data::Frame frame = load(dataset_spec(o->file, o->dataset), o->threads);
        print_table(rows_table(frame, page));
        for (const auto& w : frame.warnings()) std::cerr << "warning: " << w.message << "\n";
        exit_code = 0;
    });
}

void add_records(CLI::App& data, int& exit_code) {
    auto* cmd = data.add_subcommand(
        "records", "Load a dataset and print a page of its rows as JSON records keyed by column, one a line (nulls "
                   "as null)");
    auto o = std::make_shared<RowsOptions>();
    add_rows_source(cmd, *o);
    cmd->add_option("--offset", o->offset, "rows to skip, from 0 to the dataset's rows")
        ->type_name("UINT")
        ->default_str("0");
    cmd->add_option("--limit", o->limit, "rows to print, 1 to " + std::to_string(data::kMaxRecordsLimit))
        ->type_name("UINT")
        ->default_str(std::to_string(data::kDefaultRecordsLimit));
    cmd->add_flag("--json", o->json,
                  "print one object: {\"dataset\", \"offset\", \"limit\", \"total_rows\", \"columns\": [{\"name\", "
                  "\"type\"}], \"records\"} (GET /api/training/datasets/{name}/records answers the same)");
    cmd->callback([o, cmd, &exit_code] {
        auto given = [cmd](const char* option, const std::string& value) {
            return cmd->count(option) ? std::optional(value) : std::nullopt;
        };
        data::Page page = data::parse_page(given("--offset", o->offset), given("--limit", o->limit));
        lang::DatasetSpec spec = dataset_spec(o->file, o->dataset);
        data::Frame frame = load(spec, o->threads);
        OJson answer = data::records_page(frame, spec.name, page);
        if (o->json) {
            std::cout << hone::json_dump(answer, 2) << "\n";
        } else {
            for (const auto& record : answer["records"]) std::cout << hone::json_dump(record) << "\n";
        }
        for (const auto& w : frame.warnings()) std::cerr << "warning: " << w.message << "\n";
        exit_code = 0;
    });
}

// ---- hone data synthesize ----

struct SynthesizeOptions {
    std::string kind = "interactions", format, output;
    data::SyntheticInteractions data;
    // Signed, and the seed as text: CLI11 would wrap a negative number into an
    // unsigned one, where these give our clear message.
    long long users = 1000, items = 500;
    std::string seed = "42";
};

std::uint64_t seed_of(const std::string& text) {
    std::uint64_t seed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        bad_option("--seed must be a whole number from 0 to 18446744073709551615, got " + text);
    return seed;
}

data::SyntheticInteractions checked(SynthesizeOptions& o) {
    if (to_lower(o.kind) != "interactions")
        bad_option("unknown --kind '" + o.kind + "'; expected 'interactions'",
                   "template text samples come from POST /api/training/synthetic-data");
    if (o.users < 1) bad_option("--users must be a whole number of at least 1, got " + std::to_string(o.users));
    if (o.items < 2)
        bad_option("--items must be a whole number of at least 2 (every user has 2 interactions), got " +
                   std::to_string(o.items));
    const double density = o.data.density, skew = o.data.skew;
    if (!(density > 0.0 && density <= 1.0))
        bad_option("--density must be above 0 and at most 1, got " + format_double(density));
    if (!(skew >= 0.0 && std::isfinite(skew))) bad_option("--skew must be 0 or more, got " + format_double(skew));
    data::SyntheticInteractions out = o.data;
    out.seed = seed_of(o.seed);
    out.users = static_cast<std::size_t>(o.users);
    out.items = static_cast<std::size_t>(o.items);
    return out;
}

// json, or csv; without --format, from --output's extension.
std::string output_format(const SynthesizeOptions& o) {
    std::string format = to_lower(o.format);
    if (format.empty()) return to_lower(std::filesystem::path(o.output).extension().string()) == ".csv" ? "csv" : "json";
    if (format != "json" && format != "csv") bad_option("unknown --format '" + o.format + "'; expected 'json' or 'csv'");
    return format;
}

// The document with one interaction a line: readable, and diffs well.
void write_document(const OJson& doc, std::ostream& out) {
    out << "{\n  \"metadata\": " << hone::json_dump(doc["metadata"]) << ",\n  \"interactions\": [";
    const OJson& records = doc["interactions"];
    for (std::size_t i = 0; i < records.size(); ++i) out << (i ? ",\n    " : "\n    ") << hone::json_dump(records[i]);
    out << (records.empty() ? "]" : "\n  ]") << "\n}\n";
}

// Written beside the target then renamed over it: a failed write leaves no half file.
void write_file(const std::string& path, const std::string& text) {
    std::string staged = path + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(staged, std::ios::binary);
        out << text;
        out.flush();
        if (!out) {
            std::string why = std::strerror(errno);
            std::filesystem::remove(staged);
            throw Error(ErrorKind::io, "io_error", "cannot write " + path + ": " + why);
        }
    }
    std::error_code ec;
    std::filesystem::rename(staged, path, ec);
    if (ec) {
        std::filesystem::remove(staged);
        throw Error(ErrorKind::io, "io_error", "cannot write " + path + ": " + ec.message());
    }
}

void synthesize(SynthesizeOptions& o) {
    data::SyntheticInteractions options = checked(o);
    std::string format = output_format(o);
    data::Frame frame = data::synthetic_interactions(options);
    OJson doc = data::interactions_document(frame);
    std::ostringstream text;
    if (format == "csv")
        data::write_csv(frame, text);
    else
        write_document(doc, text);
    if (o.output.empty()) {
        std::cout << text.str();
        return;
    }
    write_file(o.output, text.str());
    const OJson& m = doc["metadata"];
    std::cout << "wrote " << m["num_interactions"] << " interactions (" << m["num_users"] << " users, "
              << m["num_items"] << " items, density " << format_double(m["density"].get<double>()) << ") to "
              << o.output << "\n";
}

void add_synthesize(CLI::App& data, int& exit_code) {
    auto* cmd = data.add_subcommand(
        "synthesize", "Write synthetic user-item interactions in the interactions format (or CSV): every user with "
                      "at least 2, item popularity Zipf-distributed, timestamps during 2024, ratings 1 to 5");
    auto o = std::make_shared<SynthesizeOptions>();
    cmd->add_option("--kind", o->kind, "what to make: interactions (the only kind)")->capture_default_str();
    cmd->add_option("--users", o->users, "users, at least 1")->capture_default_str();
    cmd->add_option("--items", o->items, "items, at least 2")->capture_default_str();
    cmd->add_option("--density", o->data.density,
                    "share of all user-item pairs that interact, in (0, 1]: the file has round(density * users * "
                    "items) interactions, at least 2 per user")
        ->capture_default_str();
    cmd->add_option("--skew", o->data.skew, "Zipf exponent of item popularity (item_1 the most popular), 0 or more; 0 is uniform")
        ->capture_default_str();
    cmd->add_option("--seed", o->seed, "random seed: the same options and seed write the same file")
        ->type_name("UINT")
        ->capture_default_str();
    cmd->add_option("-o,--output", o->output, "write here (replaced whole); default: standard output");
    cmd->add_option("--format", o->format,
                    "json (the interactions format, with its metadata) or csv (user_id,item_id,timestamp,"
                    "implicit_rating); default: csv for an --output ending in .csv, else json");
    cmd->callback([o, &exit_code] {
        synthesize(*o);
        exit_code = 0;
    });
}

}  // namespace

void add_data_command(CLI::App& app, int& exit_code) {
    auto* data = app.add_subcommand("data", "Inspect, validate, page through and synthesize datasets");
    data->require_subcommand(1);
    add_validate(*data, exit_code);
    add_head(*data, exit_code);
    add_records(*data, exit_code);
    add_synthesize(*data, exit_code);
    auto* describe = data->add_subcommand(
        "describe", "Load a dataset and print per-column statistics (count, nulls, mean, std, min, max, distinct, top)");
    struct Options {
        std::string file, dataset;
        bool json = false;
        std::size_t top = 3;
        unsigned threads = 0;
    };
    auto opts = std::make_shared<Options>();
    describe->add_option("FILE", opts->file, "a job file (with DATASET) or a data file (.csv, .tsv, .json, .jsonl)")
        ->required();
    describe->add_option("DATASET", opts->dataset, "the dataset block to load from the job file");
    describe->add_flag("--json", opts->json, "print JSON");
    describe->add_option("--threads", opts->threads, "threads for reading and describing (default: all cores)");
    describe->add_option("--top", opts->top, "how many most frequent values to show per column")->capture_default_str();
    describe->callback([opts, &exit_code] {
        lang::DatasetSpec spec = dataset_spec(opts->file, opts->dataset);
        auto start = std::chrono::steady_clock::now();
        const RunContext context = context_from_environment();
        data::Frame frame = data::load_dataset(spec, {opts->threads, context.postgres_url});
        auto loaded = std::chrono::steady_clock::now();
        auto stats = data::describe(frame, opts->top, opts->threads);
        auto done = std::chrono::steady_clock::now();
        auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
        if (opts->json) {
            auto j = data::to_json(stats, frame.rows());
            j["dataset"] = spec.name;
            j["load_ms"] = ms(start, loaded);
            j["describe_ms"] = ms(loaded, done);
            nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
            for (const auto& w : frame.warnings()) warnings.push_back(w.message);
            j["warnings"] = std::move(warnings);
            std::cout << hone::json_dump(j, 2) << "\n";
        } else {
            std::cout << spec.name << ": " << frame.rows() << " rows x " << frame.cols() << " columns (loaded in "
                      << static_cast<long>(ms(start, loaded)) << " ms)\n";
            std::cout << data::format_table(stats, frame.rows());
            for (const auto& w : frame.warnings()) std::cerr << "warning: " << w.message << "\n";
        }
        exit_code = 0;
    });
}

}  // namespace hone::cli
