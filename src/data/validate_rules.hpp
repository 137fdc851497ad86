#pragma once
// Checks a loaded table against a dataset's `validation:` rules (lang/spec.hpp's
// ValidationRulesSpec) and reports, per rule and column, how many rows fail and
// the first few of them. `hone data validate FILE DATASET` prints the report.
//
// Each column is read once whatever its rules; text rules (allowed, regex, and
// min/max on a text column) are decided once per distinct value, not per row.
// Value rules skip nulls (not_null and max_missing_ratio are about them). A rule
// whose column the table lacks fails as the rule "column". Row numbers are
// 1-based data rows: row 1 is the first record (the line after a CSV header).
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"
#include "lang/spec.hpp"

namespace hone::data {

// Values longer than this are not searched by `regex` (the standard library's
// matcher recurses per character) and fail it, saying so.
inline constexpr std::size_t kMaxRegexValueBytes = 10000;

struct FailingRow {
    std::size_t row = 0;           // 1-based
    nlohmann::ordered_json value;  // as in the records (data/records.hpp); null for a null cell
};

struct RuleResult {
    // min_rows, max_rows, column (the column is missing), not_null, unique,
    // min, max, allowed, regex, max_missing_ratio.
    std::string rule;
    std::string column;              // "" for min_rows and max_rows
    nlohmann::ordered_json setting;  // the rule as written: 0, ["basic", "pro"], true, ...
    bool warning = false;            // the rule's severity is warning
    bool passed = true;
    std::size_t failing_rows = 0;
    std::vector<FailingRow> examples;  // the first failing rows, in row order
    std::string message;               // what failed, one sentence; "" when passed
};

struct RulesReport {
    std::string dataset;
    std::size_t rows = 0;
    std::vector<RuleResult> results;  // row counts first, then each column's in the section's order

    std::size_t failed_errors() const;
    std::size_t failed_warnings() const;
    // No error-severity rule failed (warnings do not count).
    bool valid() const { return failed_errors() == 0; }
};

RulesReport check_rules(const Frame& frame, const lang::ValidationRulesSpec& rules, const std::string& dataset,
                        std::size_t max_examples = 5);

// {"dataset", "rows", "valid", "summary": {"rules", "passed", "errors",
// "warnings"}, "results": [{"rule", "column", "setting", "severity", "passed",
// "failing_rows", "examples": [{"row", "value"}], "message"}]}
nlohmann::ordered_json to_json(const RulesReport& report);

}  // namespace hone::data
