// Data files written and checked: the interactions format's document of a
// table, CSV, the row count of synthetic interactions before they are made,
// and the format problems in parts with the summary of what a file holds.
#include <gtest/gtest.h>

#include <sstream>

#include "common/error.hpp"
#include "data/interactions.hpp"
#include "data/interactions_document.hpp"
#include "data/seed_formats.hpp"

using namespace hone;
using namespace hone::data;
using Json = nlohmann::ordered_json;

namespace {

Column strings(const std::string& name, const std::vector<const char*>& values) {
    Column c(name, DType::string);
    for (const char* v : values)
        if (v)
            c.push_string(v);
        else
            c.push_null();
    return c;
}

Column floats(const std::string& name, const std::vector<double>& values) {
    Column c(name, DType::float64);
    for (double v : values) c.push_float(v);
    return c;
}

Frame small_interactions() {
    Frame f;
    f.add(strings("user_id", {"u1", "u1", "u2"}));
    f.add(strings("item_id", {"i1", "i2", "i1"}));
    f.add(strings("timestamp", {"2024-01-15T10:30:00Z", nullptr, "2024-02-01"}));
    f.add(strings("interaction_type", {"view", "buy", nullptr}));
    f.add(floats("implicit_rating", {1.0, 2.5, 3.0}));
    return f;
}

std::string error_of(const Frame& f) {
    try {
        interactions_document(f);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "invalid_field");
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(InteractionsDocument, WritesTheFormatWithItsMetadata) {
    Json doc = interactions_document(small_interactions());
    EXPECT_EQ(doc, Json::parse(R"({
        "metadata": {"num_users": 2, "num_items": 2, "num_interactions": 3, "density": 0.75},
        "interactions": [
            {"user_id": "u1", "item_id": "i1", "timestamp": "2024-01-15T10:30:00Z", "interaction_type": "view",
             "implicit_rating": 1.0},
            {"user_id": "u1", "item_id": "i2", "interaction_type": "buy", "implicit_rating": 2.5},
            {"user_id": "u2", "item_id": "i1", "timestamp": "2024-02-01", "implicit_rating": 3.0}
        ]})"));
    // What the validator reads back: no problems, and the same counts as the metadata.
    nlohmann::json plain = doc;
    EXPECT_TRUE(validate_data_format(plain, "interactions").empty());
    EXPECT_EQ(data_format_summary(plain, "interactions"), doc["metadata"]);
}

TEST(InteractionsDocument, NamesAMissingColumnOrAMissingValue) {
    Frame no_rating = small_interactions().select({"user_id", "item_id"});
    EXPECT_EQ(error_of(no_rating), "interactions need a 'implicit_rating' column; the table has user_id, item_id");
    Frame text_rating;
    text_rating.add(strings("user_id", {"u1"}));
    text_rating.add(strings("item_id", {"i1"}));
    text_rating.add(strings("implicit_rating", {"high"}));
    EXPECT_EQ(error_of(text_rating), "column 'implicit_rating' must hold numbers, not string");
    Frame null_user;
    null_user.add(strings("user_id", {"u1", nullptr}));
    null_user.add(strings("item_id", {"i1", "i2"}));
    null_user.add(floats("implicit_rating", {1, 1}));
    EXPECT_EQ(error_of(null_user), "column 'user_id' has missing values; every interaction needs one");
}

TEST(InteractionsDocument, SyntheticInteractionsReadBackAsTheFormat) {
    Frame f = synthetic_interactions({.users = 30, .items = 40, .density = 0.1, .skew = 1.0, .seed = 4});
    Json doc = interactions_document(f);
    nlohmann::json plain = doc;
    EXPECT_TRUE(validate_data_format(plain, "interactions").empty());
    EXPECT_EQ(doc["metadata"]["num_interactions"], 120);
    EXPECT_EQ(doc["metadata"]["num_users"], 30);
    EXPECT_EQ(doc["metadata"], data_format_summary(plain, "interactions"));
    Frame back = seed_format_frame(plain, "interactions");
    EXPECT_EQ(back.rows(), f.rows());
    EXPECT_EQ(back.at("item_id").to_text(7), f.at("item_id").to_text(7));
    EXPECT_EQ(back.at("timestamp").to_text(7), f.at("timestamp").to_text(7));
}

TEST(InteractionsDocument, CsvQuotesOnlyWhatNeedsIt) {
    Frame f;
    f.add(strings("name", {"plain", "a,b", "say \"hi\"", nullptr, "two\nlines"}));
    f.add(floats("x", {1.0, 0.1, 2.5, 1e-5, 3}));
    std::ostringstream out;
    write_csv(f, out);
    EXPECT_EQ(out.str(), "name,x\nplain,1\n\"a,b\",0.1\n\"say \"\"hi\"\"\",2.5\n,1e-05\n\"two\nlines\",3\n");
}

TEST(SyntheticCount, IsTheRowCountWithoutMakingTheRows) {
    std::vector<SyntheticInteractions> cases = {
        {.users = 50, .items = 200, .density = 0.1, .skew = 1.0, .seed = 1},    // 1000
        {.users = 100, .items = 10, .density = 0.01, .skew = 1.0, .seed = 2},   // the floor: 2 per user
        {.users = 7, .items = 9, .density = 1.0, .skew = 0.0, .seed = 3},       // every pair
        {.users = 13, .items = 17, .density = 0.333, .skew = 2.0, .seed = 4},   // rounded: 73.593 -> 74
    };
    std::vector<std::size_t> expected = {1000, 200, 63, 74};
    for (std::size_t k = 0; k < cases.size(); ++k) {
        EXPECT_EQ(synthetic_interaction_count(cases[k]), expected[k]) << k;
        EXPECT_EQ(synthetic_interactions(cases[k]).rows(), expected[k]) << k;
    }
    try {
        synthetic_interaction_count({.users = 10, .items = 10, .density = 0.0});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "density must be above 0 and at most 1, not 0");
    }
}

TEST(FormatProblems, ComeInPartsThatSpellTheSameText) {
    auto data = nlohmann::json::parse(R"({"metadata": {"num_interactions": 3}, "interactions": [
        {"user_id": "u1", "item_id": "i1", "implicit_rating": "high"}, 5]})");
    auto problems = data_format_problems(data, "ncf");
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_EQ(problems[0].record, -1);
    EXPECT_EQ(problems[0].field, "metadata.num_interactions");
    EXPECT_EQ(problems[0].message, "is 3 but there are 2 interactions");
    EXPECT_EQ(problems[1].record, 0);
    EXPECT_EQ(problems[1].field, "implicit_rating");
    EXPECT_EQ(problems[1].message, "must be a number, got \"high\"");
    EXPECT_EQ(problems[1].text(), "interactions[0]: 'implicit_rating' must be a number, got \"high\"");
    EXPECT_EQ(problems[2].record, 1);
    EXPECT_EQ(problems[2].field, "");
    EXPECT_EQ(problems[2].text(), "interactions[1]: must be an object, got 5");
    std::vector<std::string> texts;
    for (const auto& p : problems) texts.push_back(p.text());
    EXPECT_EQ(texts, validate_data_format(data, "interactions"));
    EXPECT_EQ(canonical_format_name("Recommendation"), "interactions");
    EXPECT_EQ(canonical_format_name("CLASSIFICATION"), "classification");
}

TEST(FormatSummary, CountsWhatTheRecordsHold) {
    auto samples = nlohmann::json::parse(R"({"samples": [
        {"text": "a", "taxonomy_codes": ["100", "000"]}, {"text": "b", "taxonomy_codes": ["100"]},
        {"text": "c", "taxonomy_codes": "100"}, 7]})");
    EXPECT_EQ(data_format_summary(samples, "classification"),
              Json::parse(R"({"num_samples": 4, "num_classes": 2, "class_distribution": {"000": 1, "100": 2}})"));
    auto interactions = nlohmann::json::parse(R"({"interactions": [
        {"user_id": "u1", "item_id": "i1"}, {"user_id": "u2", "item_id": "i1"}, {"user_id": 3, "item_id": "i2"}]})");
    EXPECT_EQ(data_format_summary(interactions, "interactions"),
              Json::parse(R"({"num_users": 2, "num_items": 2, "num_interactions": 3, "density": 0.75})"));
    EXPECT_EQ(data_format_summary(nlohmann::json::array(), "interactions"),
              Json::parse(R"({"num_users": 0, "num_items": 0, "num_interactions": 0, "density": 0.0})"));
}
