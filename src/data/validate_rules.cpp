#include "data/validate_rules.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <regex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/text.hpp"
#include "data/records.hpp"

namespace hone::data {

namespace {

using OJson = nlohmann::ordered_json;

// A rule applied row by row. `fails` sees the non-null rows only, unless
// `sees_nulls` (the rules about nulls).
struct RowCheck {
    RuleResult result;
    bool sees_nulls = false;
    std::function<bool(std::size_t)> fails;
};

std::string rows_text(std::size_t n) { return n == 1 ? "1 row" : std::to_string(n) + " rows"; }

RuleResult result_of(std::string rule, const lang::ColumnRulesSpec& spec, OJson setting) {
    RuleResult r;
    r.rule = std::move(rule);
    r.column = spec.column;
    r.setting = std::move(setting);
    r.warning = spec.severity == "warning";
    return r;
}

RowCheck row_check(std::string rule, const lang::ColumnRulesSpec& spec, OJson setting,
                   std::function<bool(std::size_t)> fails, bool sees_nulls = false) {
    return {result_of(std::move(rule), spec, std::move(setting)), sees_nulls, std::move(fails)};
}

// ---- text columns: one verdict per distinct value ----

// verdict[code] = fails(dictionary[code]); a row then costs one lookup.
std::function<bool(std::size_t)> per_distinct_value(const Column& c, const std::function<bool(std::string_view)>& fails) {
    std::vector<std::uint8_t> verdict(c.dictionary().size());
    for (std::size_t code = 0; code < verdict.size(); ++code) verdict[code] = fails(c.dictionary()[code]) ? 1 : 0;
    const auto* codes = &c.codes();
    return [codes, verdict = std::move(verdict)](std::size_t row) { return verdict[(*codes)[row]] != 0; };
}

// The text as a number ("42", " 1.5 ", "-3e2"), or nullopt.
std::optional<double> number_in(std::string_view text) {
    text = trim(text);
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// Text as the allowed list and the regex compare it: JSON strings as they are,
// numbers and true/false as written.
std::string text_of(const OJson& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// ---- the rules ----

RowCheck bound_check(const Column& c, const lang::ColumnRulesSpec& spec, bool is_min) {
    const double limit = is_min ? *spec.min : *spec.max;
    // NaN is below and above nothing: it fails both.
    auto outside = [limit, is_min](double v) { return is_min ? !(v >= limit) : !(v <= limit); };
    std::function<bool(std::size_t)> fails;
    if (c.type() == DType::string)
        fails = per_distinct_value(c, [outside](std::string_view text) {
            auto v = number_in(text);
            return !v || outside(*v);
        });
    else
        fails = [&c, outside](std::size_t row) { return outside(c.as_double(row)); };
    return row_check(is_min ? "min" : "max", spec, limit, std::move(fails));
}

RowCheck allowed_check(const Column& c, const lang::ColumnRulesSpec& spec) {
    OJson setting = OJson::array();
    for (const auto& v : spec.allowed) setting.push_back(v);
    if (c.type() == DType::string) {
        std::unordered_set<std::string> texts;
        for (const auto& v : spec.allowed) texts.insert(text_of(v));
        return row_check("allowed", spec, setting, per_distinct_value(c, [&texts](std::string_view text) {
                             return !texts.count(std::string(text));
                         }));
    }
    if (c.type() == DType::boolean) {
        bool allow[2] = {false, false};
        for (const auto& v : spec.allowed) {
            std::string text = to_lower(text_of(v));
            if (text == "true" || text == "1") allow[1] = true;
            if (text == "false" || text == "0") allow[0] = true;
        }
        return row_check("allowed", spec, setting,
                         [&c, allow](std::size_t row) { return !allow[c.bools()[row] ? 1 : 0]; });
    }
    // Numbers compare as numbers: 3 and 3.0 and "3" are the same value.
    std::vector<double> numbers;
    for (const auto& v : spec.allowed)
        if (auto n = v.is_number() ? std::optional(v.get<double>()) : number_in(text_of(v))) numbers.push_back(*n);
    std::sort(numbers.begin(), numbers.end());
    return row_check("allowed", spec, setting, [&c, numbers = std::move(numbers)](std::size_t row) {
        return !std::binary_search(numbers.begin(), numbers.end(), c.as_double(row));
    });
}

RowCheck regex_check(const Column& c, const lang::ColumnRulesSpec& spec) {
    auto pattern = std::make_shared<std::regex>(spec.regex, std::regex::ECMAScript);
    auto fails = [pattern](std::string_view text) {
        if (text.size() > kMaxRegexValueBytes) return true;
        return !std::regex_search(text.begin(), text.end(), *pattern);
    };
    if (c.type() == DType::string) return row_check("regex", spec, spec.regex, per_distinct_value(c, fails));
    // Numbers and true/false by their text, each distinct text searched once.
    auto seen = std::make_shared<std::unordered_map<std::string, bool>>();
    return row_check("regex", spec, spec.regex, [&c, fails, seen](std::size_t row) {
        auto [it, fresh] = seen->try_emplace(c.to_text(row), false);
        if (fresh) it->second = fails(it->first);
        return it->second;
    });
}

// Rows whose value an earlier row holds, as a per-row mark: the non-null rows
// sorted by (key, row), so each run of equal keys starts with the row that
// passes. A sort of a flat array is several times faster than a hash set of a
// million numbers.
std::vector<std::uint8_t> repeated_rows(const Column& c, const std::function<std::uint64_t(std::size_t)>& key) {
    std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
    keyed.reserve(c.size());
    for (std::size_t row = 0; row < c.size(); ++row)
        if (!c.is_null(row)) keyed.emplace_back(key(row), row);
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::uint8_t> repeated(c.size());
    for (std::size_t i = 1; i < keyed.size(); ++i)
        if (keyed[i].first == keyed[i - 1].first) repeated[keyed[i].second] = 1;
    return repeated;
}

// The first of equal values passes; each later one fails. Text and true/false
// have few distinct values: one mark per value, in row order.
RowCheck unique_check(const Column& c, const lang::ColumnRulesSpec& spec) {
    std::function<bool(std::size_t)> fails;
    switch (c.type()) {
        case DType::string:
            fails = [&c, seen = std::vector<std::uint8_t>(c.dictionary().size())](std::size_t row) mutable {
                return std::exchange(seen[c.codes()[row]], 1) != 0;
            };
            break;
        case DType::boolean:
            fails = [&c, seen = std::array<bool, 2>{}](std::size_t row) mutable {
                return std::exchange(seen[c.bools()[row] ? 1 : 0], true);
            };
            break;
        case DType::int64:
            fails = [repeated = repeated_rows(c, [&c](std::size_t row) {
                         return static_cast<std::uint64_t>(c.ints()[row]);
                     })](std::size_t row) { return repeated[row] != 0; };
            break;
        case DType::float64:
            // By bit pattern, with 0 and -0 one value.
            fails = [repeated = repeated_rows(c, [&c](std::size_t row) {
                         double v = c.floats()[row] == 0 ? 0.0 : c.floats()[row];
                         std::uint64_t bits;
                         std::memcpy(&bits, &v, sizeof bits);
                         return bits;
                     })](std::size_t row) { return repeated[row] != 0; };
            break;
    }
    return row_check("unique", spec, true, std::move(fails));
}

std::vector<RowCheck> column_checks(const Column& c, const lang::ColumnRulesSpec& spec) {
    std::vector<RowCheck> checks;
    auto is_null = [&c](std::size_t row) { return c.is_null(row); };
    if (spec.not_null) checks.push_back(row_check("not_null", spec, true, is_null, true));
    if (spec.unique) checks.push_back(unique_check(c, spec));
    if (spec.min) checks.push_back(bound_check(c, spec, true));
    if (spec.max) checks.push_back(bound_check(c, spec, false));
    if (!spec.allowed.empty()) checks.push_back(allowed_check(c, spec));
    if (!spec.regex.empty()) checks.push_back(regex_check(c, spec));
    if (spec.max_missing_ratio)
        checks.push_back(row_check("max_missing_ratio", spec, *spec.max_missing_ratio, is_null, true));
    return checks;
}

// One pass over the column, every rule on each row.
void run_checks(const Column& c, std::vector<RowCheck>& checks, std::size_t max_examples) {
    const std::size_t rows = c.size();
    for (std::size_t row = 0; row < rows; ++row) {
        const bool null = c.is_null(row);
        for (auto& check : checks) {
            if ((null && !check.sees_nulls) || !check.fails(row)) continue;
            RuleResult& r = check.result;
            if (r.examples.size() < max_examples) r.examples.push_back({row + 1, cell_json(c, row)});
            ++r.failing_rows;
        }
    }
}

// "1 row is", "3 rows are": the count with the verb agreeing.
std::string rows_verb(std::size_t n, const char* one, const char* many) { return rows_text(n) + " " + (n == 1 ? one : many); }

std::string failure_message(const RuleResult& r, DType type, std::size_t rows) {
    const std::size_t n = r.failing_rows;
    const char* not_number = type == DType::string ? (n == 1 ? "not a number or " : "not numbers or ") : "";
    if (r.rule == "not_null")
        return std::to_string(n) + " of " + rows_text(rows) + (n == 1 ? " is" : " are") + " null";
    if (r.rule == "unique") return rows_verb(n, "repeats", "repeat") + " an earlier row's value";
    if (r.rule == "min") return rows_verb(n, "is ", "are ") + not_number + "below " + format_double(r.setting.get<double>());
    if (r.rule == "max") return rows_verb(n, "is ", "are ") + not_number + "above " + format_double(r.setting.get<double>());
    if (r.rule == "allowed") return rows_verb(n, "holds", "hold") + " a value not allowed";
    return rows_verb(n, "does", "do") + " not match the regex";
}

// A ratio rule fails as a whole: its null rows count only when there are too many.
void finish_ratio(RuleResult& r, std::size_t rows) {
    const double ratio = rows ? static_cast<double>(r.failing_rows) / static_cast<double>(rows) : 0.0;
    const double most = r.setting.get<double>();
    r.passed = ratio <= most;
    if (r.passed) {
        r.failing_rows = 0;
        r.examples.clear();
        return;
    }
    char share[32];
    std::snprintf(share, sizeof share, "%.4g", ratio);
    r.message = std::to_string(r.failing_rows) + " of " + rows_text(rows) + (r.failing_rows == 1 ? " is" : " are") +
                " null (" + share + "), more than " + format_double(most);
}

void check_column(const Frame& frame, const lang::ColumnRulesSpec& spec, std::size_t max_examples,
                  RulesReport& report) {
    const Column* c = frame.find(spec.column);
    if (!c) {
        RuleResult r = result_of("column", spec, spec.column);
        r.passed = false;
        r.message = "no column '" + spec.column + "' in the dataset" + did_you_mean(spec.column, frame.names()) +
                    " (columns: " + join(frame.names()) + ")";
        report.results.push_back(std::move(r));
        return;
    }
    auto checks = column_checks(*c, spec);
    run_checks(*c, checks, max_examples);
    for (auto& check : checks) {
        RuleResult& r = check.result;
        if (r.rule == "max_missing_ratio") {
            finish_ratio(r, frame.rows());
        } else {
            r.passed = r.failing_rows == 0;
            if (!r.passed) r.message = failure_message(r, c->type(), frame.rows());
        }
        report.results.push_back(std::move(r));
    }
}

void check_row_counts(const Frame& frame, const lang::ValidationRulesSpec& rules, RulesReport& report) {
    const std::size_t rows = frame.rows();
    auto add = [&](const char* rule, std::uint64_t bound, bool passed, const char* relation) {
        RuleResult r;
        r.rule = rule;
        r.setting = bound;
        r.warning = rules.severity == "warning";
        r.passed = passed;
        if (!passed) r.message = rows_text(rows) + ", " + relation + " " + std::to_string(bound);
        report.results.push_back(std::move(r));
    };
    if (rules.min_rows) add("min_rows", *rules.min_rows, rows >= *rules.min_rows, "fewer than");
    if (rules.max_rows) add("max_rows", *rules.max_rows, rows <= *rules.max_rows, "more than");
}

}  // namespace

std::size_t RulesReport::failed_errors() const {
    return static_cast<std::size_t>(
        std::count_if(results.begin(), results.end(), [](const RuleResult& r) { return !r.passed && !r.warning; }));
}

std::size_t RulesReport::failed_warnings() const {
    return static_cast<std::size_t>(
        std::count_if(results.begin(), results.end(), [](const RuleResult& r) { return !r.passed && r.warning; }));
}

RulesReport check_rules(const Frame& frame, const lang::ValidationRulesSpec& rules, const std::string& dataset,
                        std::size_t max_examples) {
    RulesReport report;
    report.dataset = dataset;
    report.rows = frame.rows();
    check_row_counts(frame, rules, report);
    for (const auto& spec : rules.columns) check_column(frame, spec, max_examples, report);
    return report;
}

OJson to_json(const RulesReport& report) {
    OJson results = OJson::array();
    for (const auto& r : report.results) {
        OJson examples = OJson::array();
        for (const auto& e : r.examples) examples.push_back({{"row", e.row}, {"value", e.value}});
        results.push_back({{"rule", r.rule},
                           {"column", r.column.empty() ? OJson() : OJson(r.column)},
                           {"setting", r.setting},
                           {"severity", r.warning ? "warning" : "error"},
                           {"passed", r.passed},
                           {"failing_rows", r.failing_rows},
                           {"examples", std::move(examples)},
                           {"message", r.message}});
    }
    const std::size_t errors = report.failed_errors(), warnings = report.failed_warnings();
    OJson summary = {{"rules", report.results.size()},
                     {"passed", report.results.size() - errors - warnings},
                     {"errors", errors},
                     {"warnings", warnings}};
    return {{"dataset", report.dataset}, {"rows", report.rows},         {"valid", report.valid()},
            {"summary", std::move(summary)}, {"results", std::move(results)}};
}

}  // namespace hone::data
