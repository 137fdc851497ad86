// `hone data validate FILE DATASET` (a dataset's validation rules), `hone data
// head` and `hone data records` as a user runs them: real processes, exact
// exit codes and output.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "../support/files.hpp"
#include "../support/run_hone.hpp"

namespace fs = std::filesystem;
using hone::test_support::run_hone;
using hone::test_support::TempDir;
using Json = nlohmann::ordered_json;

namespace {

const char* kCustomers =
    "id,age,email,plan\n"
    "1,34,ann@example.com,basic\n"
    "2,-1,bob@example.com,pro\n"
    "3,,carl-at-example.com,gold\n"
    "2,200,dee@example.com,\n"
    "5,41,eve@example.com,basic\n";

// A job file beside customers.csv; `rules` is the dataset's validation section.
struct Job {
    TempDir dir{"hone-rules"};
    std::string file;

    explicit Job(const std::string& rules) {
        std::ofstream(dir.path / "customers.csv", std::ios::binary) << kCustomers;
        file = (dir.path / "job.n3").string();
        std::ofstream(file, std::ios::binary) << "dataset \"customers\":\n    source: csv\n    path: customers.csv\n"
                                              << rules;
    }
};

const char* kRules =
    "    validation:\n"
    "        min_rows: 3\n"
    "        columns:\n"
    "            id: {unique: true}\n"
    "            age: {min: 0, max: 120, not_null: true}\n"
    "            email: {regex: \"^[^@]+@[^@]+$\"}\n"
    "            plan: {allowed: [basic, pro], max_missing_ratio: 0.1, severity: warning}\n";

}  // namespace

TEST(DataValidateRules, PrintsEachFailedRuleWithItsRowsAndExitsOneOnAnError) {
    Job job(kRules);
    auto r = run_hone("data validate " + job.file + " customers");
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(r.out,
              "error: id: unique: 1 row repeats an earlier row's value: row 4: 2\n"
              "error: age: not_null: 1 of 5 rows is null: row 3: null\n"
              "error: age: min 0: 1 row is below 0: row 2: -1\n"
              "error: age: max 120: 1 row is above 120: row 4: 200\n"
              "error: email: regex ^[^@]+@[^@]+$: 1 row does not match the regex: row 3: \"carl-at-example.com\"\n"
              "warning: plan: allowed basic, pro: 1 row holds a value not allowed: row 3: \"gold\"\n"
              "warning: plan: max_missing_ratio 0.1: 1 of 5 rows is null (0.2), more than 0.1: row 4: null\n"
              "customers: 5 rows; 8 rules: 1 passed, 5 failed as error, 2 failed as warning; not valid\n");
}

TEST(DataValidateRules, WarningsAlonePassWithExitCodeZero) {
    Job job("    validation:\n"
            "        columns:\n"
            "            plan: {allowed: [basic, pro], severity: warning}\n"
            "            id: {not_null: true}\n");
    auto r = run_hone("data validate " + job.file + " customers");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out,
              "warning: plan: allowed basic, pro: 1 row holds a value not allowed: row 3: \"gold\"\n"
              "customers: 5 rows; 2 rules: 1 passed, 0 failed as error, 1 failed as warning; valid\n");
}

TEST(DataValidateRules, JsonReportHasEveryRuleAndTheSummary) {
    Job job(kRules);
    auto r = run_hone("data validate --json " + job.file + " customers --examples 1");
    EXPECT_EQ(r.code, 1) << r.err;
    Json j = Json::parse(r.out);
    EXPECT_EQ(j["dataset"], "customers");
    EXPECT_EQ(j["rows"], 5);
    EXPECT_EQ(j["valid"], false);
    EXPECT_EQ(j["summary"], Json::parse(R"({"rules": 8, "passed": 1, "errors": 5, "warnings": 2})"));
    EXPECT_EQ(j["results"][0], Json::parse(R"({"rule": "min_rows", "column": null, "setting": 3, "severity": "error",
        "passed": true, "failing_rows": 0, "examples": [], "message": ""})"));
    EXPECT_EQ(j["results"][4]["examples"], Json::parse(R"([{"row": 4, "value": 200}])"));
}

TEST(DataValidateRules, AMissingColumnIsAFailedRule) {
    Job job("    validation:\n        columns:\n            plans: {not_null: true}\n");
    auto r = run_hone("data validate " + job.file + " customers");
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out,
              "error: plans: column: no column 'plans' in the dataset; did you mean 'plan'? (columns: id, age, email, "
              "plan)\n"
              "customers: 5 rows; 1 rule: 0 passed, 1 failed as error, 0 failed as warning; not valid\n");
}

TEST(DataValidateRules, ADatasetWithoutRulesOrAFormatWithADatasetIsRefused) {
    Job job("");
    auto none = run_hone("data validate " + job.file + " customers");
    EXPECT_EQ(none.code, 1);
    EXPECT_EQ(none.err, "error: dataset \"customers\" in " + job.file +
                            " has no validation rules\nhint: add a `validation:` section to the dataset (min_rows, "
                            "max_rows, columns: ...)\n");
    auto both = run_hone("data validate " + job.file + " customers --format interactions");
    EXPECT_EQ(both.code, 1);
    EXPECT_EQ(both.err.substr(0, both.err.find('\n')),
              "error: --format is for a data file; a dataset is checked against its own validation rules");
    auto neither = run_hone("data validate " + job.file);
    EXPECT_EQ(neither.code, 1);
    EXPECT_EQ(neither.err.substr(0, neither.err.find('\n')),
              "error: name a DATASET of the job file, or give --format for a data file");
}

TEST(DataValidateRules, ABadRuleIsReportedWhereItWasWritten) {
    Job job("    validation:\n        columns:\n            age: {min: 5, max: 1}\n");
    auto r = run_hone("data validate " + job.file + " customers");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("job.n3:6:32: error: 'max' in validation of column 'age' (1) is below min (5): nothing can "
                         "pass"),
              std::string::npos)
        << r.err;
}

TEST(DataHead, PrintsTheFirstRowsAsATableWithRowNumbers) {
    Job job("");
    auto r = run_hone("data head " + job.file + " customers -n 3");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out,
              "row  id  age   email                plan\n"
              "1    1   34    ann@example.com      basic\n"
              "2    2   -1    bob@example.com      pro\n"
              "3    3   null  carl-at-example.com  gold\n");
    auto file = run_hone("data head " + (job.dir.path / "customers.csv").string() + " -n 1");
    EXPECT_EQ(file.out, "row  id  age  email            plan\n1    1   34   ann@example.com  basic\n");
    auto bad = run_hone("data head " + job.file + " customers -n 0");
    EXPECT_EQ(bad.code, 1);
    EXPECT_EQ(bad.err, "error: -n must be a whole number from 1 to 10000, got '0'\n");
}

TEST(DataRecords, PrintsOneJsonRecordALineOrThePageAsJson) {
    Job job("");
    auto lines = run_hone("data records " + job.file + " customers --offset 2 --limit 2");
    EXPECT_EQ(lines.code, 0) << lines.err;
    EXPECT_EQ(lines.out,
              "{\"id\":3,\"age\":null,\"email\":\"carl-at-example.com\",\"plan\":\"gold\"}\n"
              "{\"id\":2,\"age\":200,\"email\":\"dee@example.com\",\"plan\":null}\n");
    auto page = run_hone("data records --json " + job.file + " customers --offset 4");
    EXPECT_EQ(page.code, 0) << page.err;
    EXPECT_EQ(Json::parse(page.out), Json::parse(R"({"dataset": "customers", "offset": 4, "limit": 100,
        "total_rows": 5, "columns": [{"name": "id", "type": "int"}, {"name": "age", "type": "int"},
        {"name": "email", "type": "string"}, {"name": "plan", "type": "string"}],
        "records": [{"id": 5, "age": 41, "email": "eve@example.com", "plan": "basic"}]})"));
}

TEST(DataRecords, BadOffsetsAndLimitsAreClearErrors) {
    Job job("");
    auto bad = [&](const std::string& args) { return run_hone("data records " + job.file + " customers " + args); };
    auto r = bad("--offset -3");
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "error: offset must be a whole number of at least 0, got '-3'\n");
    EXPECT_EQ(bad("--limit 0").err, "error: limit must be a whole number from 1 to 10000, got '0'\n");
    EXPECT_EQ(bad("--limit many").err, "error: limit must be a whole number from 1 to 10000, got 'many'\n");
    EXPECT_EQ(bad("--offset 6").err, "error: offset 6 is past the end of dataset 'customers', which has 5 rows\n");
}
