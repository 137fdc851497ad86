// `hone data validate` and `hone data synthesize` as a user runs them: real
// processes, exact exit codes, messages and files.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../support/files.hpp"
#include "../support/run_hone.hpp"

namespace fs = std::filesystem;
using hone::test_support::run_hone;
using hone::test_support::TempDir;
using Json = nlohmann::ordered_json;

namespace {

std::string fixture(const std::string& name) {
    return (fs::path(HONE_SOURCE_DIR) / "tests/data/sources" / name).string();
}

std::string write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

const char* kBadInteractions = R"({
  "metadata": {"num_interactions": 3},
  "interactions": [
    {"user_id": "u1", "item_id": "i1", "implicit_rating": 1.0},
    {"user_id": "u1", "implicit_rating": "high"},
    {"user_id": "u2", "item_id": "i2", "timestamp": "yesterday", "implicit_rating": 1}
  ]
})";

}  // namespace

TEST(DataValidate, AValidFileGetsItsSummaryAndExitCode0) {
    auto r = run_hone("data validate " + fixture("interactions.json") + " --format interactions");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, fixture("interactions.json") + ": valid interactions data: 4 interactions, 2 users, 3 items\n");
    auto c = run_hone("data validate " + fixture("classification.json") + " --format classification");
    EXPECT_EQ(c.code, 0) << c.err;
    EXPECT_EQ(c.out, fixture("classification.json") + ": valid classification data: 4 samples, 3 classes\n");
}

TEST(DataValidate, JsonSummaryIsWhatTheFormatsMetadataSays) {
    auto r = run_hone("data validate --json " + fixture("classification.json") + " --format classification");
    ASSERT_EQ(r.code, 0) << r.err;
    Json j = Json::parse(r.out);
    std::ifstream in(fixture("classification.json"));
    Json file = Json::parse(in);
    EXPECT_EQ(j, (Json{{"file", fixture("classification.json")},
                       {"format", "classification"},
                       {"valid", true},
                       {"num_problems", 0},
                       {"problems", Json::array()},
                       {"summary", file["metadata"]}}));
}

TEST(DataValidate, ListsEveryProblemByRecordAndFieldWithExitCode1) {
    TempDir dir("hone-validate");
    std::string file = write(dir.path / "clicks.json", kBadInteractions);
    auto r = run_hone("data validate " + file + " --format ncf");
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(r.out, file + ": interactions[1]: 'item_id' is required\n" +
                         file + ": interactions[1]: 'implicit_rating' must be a number, got \"high\"\n" +
                         file + ": interactions[2]: 'timestamp' must be an ISO 8601 timestamp such as "
                                "\"2024-01-15T10:30:00\", got \"yesterday\"\n" +
                         file + ": not valid interactions data: 3 problems\n");
    auto few = run_hone("data validate " + file + " --format interactions --max-problems 1");
    EXPECT_EQ(few.code, 1);
    EXPECT_EQ(few.out, file + ": interactions[1]: 'item_id' is required\n"
                              "... and 2 more (--max-problems 0 lists them all)\n" +
                           file + ": not valid interactions data: 3 problems\n");
}

TEST(DataValidate, JsonProblemsHaveRecordFieldAndMessage) {
    TempDir dir("hone-validate");
    std::string file = write(dir.path / "clicks.json", kBadInteractions);
    auto r = run_hone("data validate " + file + " --format interactions --json");
    EXPECT_EQ(r.code, 1) << r.err;
    Json j = Json::parse(r.out);
    EXPECT_EQ(j["valid"], false);
    EXPECT_EQ(j["num_problems"], 3);
    EXPECT_EQ(j["problems"][1], (Json{{"record", 1},
                                      {"field", "implicit_rating"},
                                      {"message", "must be a number, got \"high\""},
                                      {"text", "interactions[1]: 'implicit_rating' must be a number, got \"high\""}}));
    EXPECT_EQ(j["summary"],
              Json::parse(R"({"num_users": 2, "num_items": 2, "num_interactions": 3, "density": 0.75})"));
}

TEST(DataValidate, AFileThatIsNotJsonGetsItsParseErrorWithLineAndColumn) {
    TempDir dir("hone-validate");
    std::string file = write(dir.path / "broken.json", "{\n  \"interactions\": [\n    {\"user_id\": \"u1\",}\n  ]\n}\n");
    auto r = run_hone("data validate " + file + " --format interactions");
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(r.out, file + ":3:22: invalid JSON file: syntax error while parsing object key - unexpected '}'; "
                            "expected string literal\n" +
                         file + ": not valid interactions data: 1 problem\n");
    auto j = Json::parse(run_hone("data validate --json " + file + " --format interactions").out);
    EXPECT_EQ(j["problems"][0]["line"], 3);
    EXPECT_EQ(j["problems"][0]["col"], 22);
    EXPECT_EQ(j["problems"][0]["record"], nullptr);
    EXPECT_EQ(j["problems"][0]["text"], "line 3, column 22: invalid JSON file: syntax error while parsing object key - "
                                        "unexpected '}'; expected string literal");
    EXPECT_EQ(j["summary"], nullptr);
}

TEST(DataValidate, AnUnknownFormatListsTheValidOnes) {
    auto r = run_hone("data validate " + fixture("interactions.json") + " --format csv");
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "error: unknown --format 'csv'; expected 'classification' or 'interactions'\n"
                     "hint: tables such as CSV have no format to validate against: `hone data describe FILE` loads "
                     "them\n");
}

TEST(DataValidate, AMissingFileIsNamed) {
    auto r = run_hone("data validate /nonexistent/clicks.json --format interactions");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("/nonexistent/clicks.json"), std::string::npos) << r.err;
}

TEST(DataValidate, HelpSaysOnlyJsonFormatsAreChecked) {
    auto r = run_hone("data validate --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("Only the JSON formats are checked"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--max-problems"), std::string::npos) << r.out;
}

TEST(DataSynthesize, WritesTheInteractionsFormatToStandardOutput) {
    auto r = run_hone("data synthesize --kind interactions --users 50 --items 200 --density 0.1 --skew 1 --seed 7");
    ASSERT_EQ(r.code, 0) << r.err;
    Json doc = Json::parse(r.out);
    EXPECT_EQ(doc["metadata"]["num_interactions"], 1000);
    EXPECT_EQ(doc["metadata"]["num_users"], 50);
    EXPECT_EQ(doc["interactions"].size(), 1000u);
    // One interaction a line, between the metadata's line and the brackets.
    EXPECT_EQ(lines(r.out), 1005u);
    const Json& first = doc["interactions"][0];
    EXPECT_EQ(first.size(), 4u);
    EXPECT_TRUE(first["timestamp"].get<std::string>().starts_with("2024-")) << first;
    // The same seed writes the same bytes; another seed other data.
    EXPECT_EQ(run_hone("data synthesize --users 50 --items 200 --density 0.1 --skew 1 --seed 7").out, r.out);
    EXPECT_NE(run_hone("data synthesize --users 50 --items 200 --density 0.1 --skew 1 --seed 8").out, r.out);
}

TEST(DataSynthesize, AnOutputFileValidatesAndSaysWhatItHolds) {
    TempDir dir("hone-synth");
    std::string file = (dir.path / "clicks.json").string();
    auto r = run_hone("data synthesize --users 50 --items 200 --density 0.1 --seed 3 --output " + file);
    ASSERT_EQ(r.code, 0) << r.err;
    Json doc = Json::parse(read(file));
    const Json& m = doc["metadata"];
    std::string items = m["num_items"].dump();
    EXPECT_EQ(r.out, "wrote 1000 interactions (50 users, " + items + " items, density " +
                         m["density"].dump() + ") to " + file + "\n");
    auto v = run_hone("data validate " + file + " --format interactions");
    EXPECT_EQ(v.code, 0) << v.out;
    EXPECT_EQ(v.out, file + ": valid interactions data: 1000 interactions, 50 users, " + items + " items\n");
    EXPECT_EQ(Json::parse(run_hone("data validate --json " + file + " --format interactions").out)["summary"], m);
}

TEST(DataSynthesize, WritesCsvByFlagOrByExtension) {
    TempDir dir("hone-synth");
    std::string file = (dir.path / "clicks.csv").string();
    ASSERT_EQ(run_hone("data synthesize --users 10 --items 20 --density 0.25 --output " + file).code, 0);
    std::string csv = read(file);
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "user_id,item_id,timestamp,implicit_rating");
    EXPECT_EQ(lines(csv), 51u);
    auto r = run_hone("data synthesize --users 10 --items 20 --density 0.25 --format CSV");
    EXPECT_EQ(r.out, csv);
}

TEST(DataSynthesize, OptionsOutOfRangeNameTheOption) {
    auto bad = [](const std::string& args) { return run_hone("data synthesize " + args); };
    auto r = bad("--density 1.5");
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "error: --density must be above 0 and at most 1, got 1.5\n");
    EXPECT_EQ(bad("--density 0").err, "error: --density must be above 0 and at most 1, got 0\n");
    EXPECT_EQ(bad("--users 0").err, "error: --users must be a whole number of at least 1, got 0\n");
    EXPECT_EQ(bad("--items 1").err,
              "error: --items must be a whole number of at least 2 (every user has 2 interactions), got 1\n");
    EXPECT_EQ(bad("--skew -1").err, "error: --skew must be 0 or more, got -1\n");
    EXPECT_EQ(bad("--seed -1").err, "error: --seed must be a whole number from 0 to 18446744073709551615, got -1\n");
    EXPECT_EQ(bad("--seed 1.5").err, "error: --seed must be a whole number from 0 to 18446744073709551615, got 1.5\n");
    EXPECT_EQ(bad("--format parquet").err, "error: unknown --format 'parquet'; expected 'json' or 'csv'\n");
    EXPECT_EQ(bad("--kind text").err, "error: unknown --kind 'text'; expected 'interactions'\n"
                                      "hint: template text samples come from POST /api/training/synthetic-data\n");
}

TEST(DataSynthesize, AnUnwritableOutputIsNamedAndLeavesNothing) {
    TempDir dir("hone-synth");
    auto r = run_hone("data synthesize --users 5 --items 5 --output " + (dir.path / "no/such/dir/x.json").string());
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, "error: cannot write " + (dir.path / "no/such/dir/x.json").string() +
                         ": No such file or directory\n");
    EXPECT_TRUE(fs::is_empty(dir.path));
}
