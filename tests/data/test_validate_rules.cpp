// A dataset's validation rules applied to a loaded table: which rows fail each
// rule, the first of them with their values, severities and the summary.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "data/records.hpp"
#include "data/validate_rules.hpp"
#include "common/error.hpp"
#include "lang/job_file.hpp"
#include "column_builders.hpp"

using namespace hone::data;
using namespace hone::data::testing;
using Json = nlohmann::ordered_json;

namespace {

// The rules as a job file writes them, bound by the language.
hone::lang::ValidationRulesSpec rules(const std::string& section) {
    std::string text = "dataset \"t\":\n    source: csv\n    path: t.csv\n    validation:\n" + section;
    auto loaded = hone::lang::parse_job_text(text, "t.n3", hone::lang::Format::n3);
    EXPECT_TRUE(loaded.ok()) << loaded.report();
    return loaded.spec.datasets.at(0).validation;
}

Frame customers() {
    Frame f;
    f.add(int_col("id", {1, 2, 3, 2, 5, 6}));
    f.add(int_col("age", {30, -1, std::nullopt, 130, 40, 50}));
    f.add(string_col("email", {"a@x", "b@x", "bad", "c@x", "bad", std::nullopt}));
    f.add(string_col("plan", {"basic", "pro", "gold", std::nullopt, "basic", std::nullopt}));
    f.add(float_col("score", {0.5, 1.5, std::nullopt, -0.0, 0.0, 2.0}));
    f.add(bool_col("active", {true, false, true, true, std::nullopt, true}));
    f.add(string_col("level", {"1", "2", "x", " 10", "3", "5"}));
    return f;
}

const RuleResult& result(const RulesReport& report, const std::string& column, const std::string& rule) {
    for (const auto& r : report.results)
        if (r.column == column && r.rule == rule) return r;
    throw std::runtime_error("no result for " + column + " " + rule);
}

std::vector<std::size_t> rows_of(const RuleResult& r) {
    std::vector<std::size_t> rows;
    for (const auto& e : r.examples) rows.push_back(e.row);
    return rows;
}

}  // namespace

TEST(ValidationRules, EachRuleFindsItsRowsNumberedFromOne) {
    auto report = check_rules(customers(), rules("        columns:\n"
                                                 "            id: {unique: true, not_null: true}\n"
                                                 "            age: {min: 0, max: 120, not_null: true}\n"
                                                 "            email: {regex: \"^[^@]+@[^@]+$\", unique: true}\n"),
                              "customers");
    EXPECT_EQ(report.rows, 6u);
    EXPECT_EQ(rows_of(result(report, "id", "unique")), (std::vector<std::size_t>{4}));
    EXPECT_TRUE(result(report, "id", "not_null").passed);
    EXPECT_EQ(rows_of(result(report, "age", "min")), (std::vector<std::size_t>{2}));
    EXPECT_EQ(rows_of(result(report, "age", "max")), (std::vector<std::size_t>{4}));
    EXPECT_EQ(rows_of(result(report, "age", "not_null")), (std::vector<std::size_t>{3}));
    // The null email is neither matched nor a duplicate: value rules skip nulls.
    EXPECT_EQ(rows_of(result(report, "email", "regex")), (std::vector<std::size_t>{3, 5}));
    EXPECT_EQ(rows_of(result(report, "email", "unique")), (std::vector<std::size_t>{5}));
    EXPECT_EQ(report.failed_errors(), 6u);
    EXPECT_EQ(report.failed_warnings(), 0u);
    EXPECT_FALSE(report.valid());
}

TEST(ValidationRules, ReportAsJsonWithExamplesValuesAndMessages) {
    auto report = check_rules(customers(), rules("        min_rows: 10\n"
                                                 "        max_rows: 100\n"
                                                 "        columns:\n"
                                                 "            age: {min: 0}\n"
                                                 "            plan: {allowed: [basic, pro], max_missing_ratio: 0.2, "
                                                 "severity: warning}\n"),
                              "customers");
    Json expected = Json::parse(R"({
      "dataset": "customers", "rows": 6, "valid": false,
      "summary": {"rules": 5, "passed": 1, "errors": 2, "warnings": 2},
      "results": [
        {"rule": "min_rows", "column": null, "setting": 10, "severity": "error", "passed": false,
         "failing_rows": 0, "examples": [], "message": "6 rows, fewer than 10"},
        {"rule": "max_rows", "column": null, "setting": 100, "severity": "error", "passed": true,
         "failing_rows": 0, "examples": [], "message": ""},
        {"rule": "min", "column": "age", "setting": 0.0, "severity": "error", "passed": false,
         "failing_rows": 1, "examples": [{"row": 2, "value": -1}], "message": "1 row is below 0"},
        {"rule": "allowed", "column": "plan", "setting": ["basic", "pro"], "severity": "warning", "passed": false,
         "failing_rows": 1, "examples": [{"row": 3, "value": "gold"}], "message": "1 row holds a value not allowed"},
        {"rule": "max_missing_ratio", "column": "plan", "setting": 0.2, "severity": "warning", "passed": false,
         "failing_rows": 2, "examples": [{"row": 4, "value": null}, {"row": 6, "value": null}],
         "message": "2 of 6 rows are null (0.3333), more than 0.2"}
      ]})");
    EXPECT_EQ(to_json(report), expected) << to_json(report).dump(2);
}

TEST(ValidationRules, WarningsAloneLeaveTheDatasetValid) {
    auto report = check_rules(customers(), rules("        severity: warning\n"
                                                 "        min_rows: 10\n"
                                                 "        columns:\n"
                                                 "            age: {not_null: true}\n"
                                                 "            id: {unique: true, severity: error}\n"),
                              "customers");
    EXPECT_TRUE(result(report, "", "min_rows").warning);
    EXPECT_TRUE(result(report, "age", "not_null").warning);
    EXPECT_FALSE(result(report, "id", "unique").warning);
    EXPECT_EQ(report.failed_warnings(), 2u);
    EXPECT_EQ(report.failed_errors(), 1u);
    auto warnings_only = check_rules(customers(), rules("        severity: warning\n        min_rows: 10\n"), "c");
    EXPECT_TRUE(warnings_only.valid());
}

TEST(ValidationRules, NumbersInTextAreComparedAsNumbersAndTextThatIsNoNumberFails) {
    auto report = check_rules(customers(), rules("        columns:\n            level: {min: 1, max: 5}\n"), "c");
    const auto& min = result(report, "level", "min");
    const auto& max = result(report, "level", "max");
    EXPECT_EQ(rows_of(min), (std::vector<std::size_t>{3}));
    EXPECT_EQ(min.message, "1 row is not a number or below 1");
    EXPECT_EQ(rows_of(max), (std::vector<std::size_t>{3, 4}));
    EXPECT_EQ(max.examples[1].value, " 10");
}

TEST(ValidationRules, AllowedComparesNumbersAsNumbersAndBoolsAsBools) {
    auto report = check_rules(customers(), rules("        columns:\n"
                                                 "            id: {allowed: [1, 2.0, \"3\"]}\n"
                                                 "            active: {allowed: [true]}\n"
                                                 "            level: {allowed: [1, 2, 3]}\n"),
                              "c");
    EXPECT_EQ(rows_of(result(report, "id", "allowed")), (std::vector<std::size_t>{5, 6}));
    EXPECT_EQ(rows_of(result(report, "active", "allowed")), (std::vector<std::size_t>{2}));
    EXPECT_EQ(rows_of(result(report, "level", "allowed")), (std::vector<std::size_t>{3, 4, 6}));
}

TEST(ValidationRules, UniqueFloatsTakeZeroAndMinusZeroAsOneValue) {
    auto report = check_rules(customers(), rules("        columns:\n            score: {unique: true}\n"), "c");
    EXPECT_EQ(rows_of(result(report, "score", "unique")), (std::vector<std::size_t>{5}));
}

TEST(ValidationRules, RegexOnNumbersSearchesTheirText) {
    auto report = check_rules(customers(), rules("        columns:\n            age: {regex: \"^\\\\d{2}$\"}\n"), "c");
    const auto& r = result(report, "age", "regex");
    EXPECT_EQ(rows_of(r), (std::vector<std::size_t>{2, 4}));
}

TEST(ValidationRules, AValueTooLongForTheRegexFailsIt) {
    Frame f;
    f.add(string_col("text", {"ok", std::string(kMaxRegexValueBytes + 1, 'a')}));
    auto report = check_rules(f, rules("        columns:\n            text: {regex: \"^[a-z]+$\"}\n"), "c");
    EXPECT_EQ(rows_of(result(report, "text", "regex")), (std::vector<std::size_t>{2}));
}

TEST(ValidationRules, AMissingColumnFailsAsTheRuleColumnWithTheNearestName) {
    auto report = check_rules(customers(), rules("        columns:\n            agee: {not_null: true}\n"), "c");
    ASSERT_EQ(report.results.size(), 1u);
    const auto& r = report.results[0];
    EXPECT_EQ(r.rule, "column");
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.message,
              "no column 'agee' in the dataset; did you mean 'age'? (columns: id, age, email, plan, score, active, "
              "level)");
}

TEST(ValidationRules, ExamplesAreCappedButEveryFailingRowIsCounted) {
    auto report = check_rules(customers(), rules("        columns:\n            email: {regex: \"@y$\"}\n"), "c", 2);
    const auto& r = result(report, "email", "regex");
    EXPECT_EQ(r.failing_rows, 5u);
    EXPECT_EQ(rows_of(r), (std::vector<std::size_t>{1, 2}));
}

TEST(ValidationRules, AMillionRowsInOnePassPerColumn) {
    constexpr std::size_t n = 1'000'000;
    Column ids("id", DType::int64), plans("plan", DType::string), emails("email", DType::string);
    for (std::size_t i = 0; i < n; ++i) {
        ids.push_int(static_cast<std::int64_t>(i));
        plans.push_string(i % 1000 == 0 ? "gold" : (i % 2 ? "basic" : "pro"));
        emails.push_string("user" + std::to_string(i % 5000) + "@example.com");
    }
    Frame f;
    f.add(std::move(ids));
    f.add(std::move(plans));
    f.add(std::move(emails));
    auto start = std::chrono::steady_clock::now();
    auto report = check_rules(f, rules("        columns:\n"
                                       "            id: {unique: true, min: 0, not_null: true}\n"
                                       "            plan: {allowed: [basic, pro]}\n"
                                       "            email: {regex: \"^[^@]+@[^@]+$\"}\n"),
                              "big");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(result(report, "id", "unique").passed);
    EXPECT_EQ(result(report, "plan", "allowed").failing_rows, 1000u);
    EXPECT_TRUE(result(report, "email", "regex").passed);
    // Generous for a shared, unoptimized build: what matters is no per-row regex.
    EXPECT_LT(seconds, 10.0);
}

TEST(Records, APageOfRowsKeyedByColumnWithNullsAsNull) {
    Json page = records_page(customers(), "customers", parse_page("3", "2"));
    EXPECT_EQ(page["dataset"], "customers");
    EXPECT_EQ(page["offset"], 3);
    EXPECT_EQ(page["limit"], 2);
    EXPECT_EQ(page["total_rows"], 6);
    EXPECT_EQ(page["columns"][0], (Json{{"name", "id"}, {"type", "int"}}));
    EXPECT_EQ(page["records"], Json::parse(R"([
        {"id": 2, "age": 130, "email": "c@x", "plan": null, "score": -0.0, "active": true, "level": " 10"},
        {"id": 5, "age": 40, "email": "bad", "plan": "basic", "score": 0.0, "active": null, "level": "3"}])"));
}

TEST(Records, ThePageEndsWithTheRowsAndAnOffsetAtTheEndIsEmpty) {
    EXPECT_EQ(records_page(customers(), "c", parse_page("5", "100"))["records"].size(), 1u);
    EXPECT_EQ(records_page(customers(), "c", parse_page("6", std::nullopt))["records"], Json::array());
}

TEST(Records, BadOffsetsAndLimitsAreNamed) {
    auto message = [](const std::optional<std::string>& offset, const std::optional<std::string>& limit) {
        try {
            records_page(customers(), "customers", parse_page(offset, limit));
        } catch (const hone::Error& e) {
            EXPECT_EQ(e.code(), "invalid_page");
            return e.message();
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("-1", std::nullopt), "offset must be a whole number of at least 0, got '-1'");
    EXPECT_EQ(message("x", std::nullopt), "offset must be a whole number of at least 0, got 'x'");
    EXPECT_EQ(message(std::nullopt, "0"), "limit must be a whole number from 1 to 10000, got '0'");
    EXPECT_EQ(message(std::nullopt, "10001"), "limit must be a whole number from 1 to 10000, got '10001'");
    EXPECT_EQ(message(std::nullopt, "2.5"), "limit must be a whole number from 1 to 10000, got '2.5'");
    EXPECT_EQ(message("7", std::nullopt), "offset 7 is past the end of dataset 'customers', which has 6 rows");
}
