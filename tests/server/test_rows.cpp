// fast_rows_to_frame against rows_to_frame: the same Frame whenever the fast
// reader answers, and no answer for every body it leaves to the full parser.
#include <gtest/gtest.h>

#include "server/rows.hpp"

using namespace hone;
using Json = nlohmann::ordered_json;

namespace {

const std::vector<std::string> features = {"tenure", "spend", "plan", "active"};

// Every column's name, type and cells (as text, "<null>" for null).
std::string describe(const data::Frame& f) {
    std::string out;
    for (std::size_t c = 0; c < f.cols(); ++c) {
        const data::Column& col = f.columns()[c];
        out += col.name() + ":" + std::string(data::to_string(col.type())) + "=";
        for (std::size_t r = 0; r < col.size(); ++r) out += (col.is_null(r) ? "<null>" : col.to_text(r)) + "|";
        out += "\n";
    }
    return out;
}

}  // namespace

TEST(FastRows, SameFrameAsTheFullParser) {
    const std::vector<std::string> bodies = {
        R"({"records": [{"tenure": 3, "spend": 80.5, "plan": "monthly", "active": true}]})",
        R"( { "records" : [ { "active" : false , "plan" : "annual" , "spend" : 1e2 , "tenure" : -0 } ] } )",
        R"({"dataframe_records": [{"tenure": 1, "spend": 2, "plan": "a", "active": null},
                                  {"tenure": null, "spend": 2.25, "plan": null, "active": true, "extra": 7}]})",
        R"({"instances": [[40, 20.0, "two_year", false], {"tenure": 9, "spend": -3.5E-3, "plan": "x", "active": true}]})",
        R"({"instances": [[null, null, null, null]]})",
        "{\"records\":[{\"tenure\":9223372036854775807,\"spend\":0.1,\"plan\":\"\",\"active\":true}]}\n",
    };
    for (const auto& body : bodies) {
        auto fast = server::fast_rows_to_frame(body, features);
        ASSERT_TRUE(fast.has_value()) << body;
        EXPECT_EQ(describe(*fast), describe(server::rows_to_frame(Json::parse(body), features))) << body;
    }
}

TEST(FastRows, LeavesEverythingElseToTheFullParser) {
    const std::vector<std::string> bodies = {
        R"({"records": []})",                                                           // no rows
        R"({"records": [{"tenure": 3, "spend": 1, "plan": "a"}]})",                     // a feature missing
        R"({"records": [{"tenure": "3", "spend": 1, "plan": "a", "active": true}, {"tenure": 4, "spend": 1, "plan": "a", "active": true}]})",  // mixed column
        R"({"records": [{"tenure": 3, "spend": 1, "plan": "caf\u00e9", "active": true}]})",  // an escape
        "{\"records\": [{\"tenure\": 3, \"spend\": 1, \"plan\": \"caf\xc3\xa9\", \"active\": true}]}",  // non-ASCII
        R"({"records": [{"tenure": 3, "spend": 1, "plan": "a", "active": true, "x": [1]}]})",  // a nested value
        R"({"records": [{"tenure": 3, "tenure": 4, "spend": 1, "plan": "a", "active": true}]})",  // a key twice
        R"({"records": [{"tenure": 01, "spend": 1, "plan": "a", "active": true}]})",     // not JSON
        R"({"records": [{"tenure": 18446744073709551615, "spend": 1, "plan": "a", "active": true}]})",  // beyond int64
        R"({"records": [{"tenure": 3, "spend": 1, "plan": "a", "active": true}]} x)",   // trailing text
        R"({"records": [{"tenure": 3, "spend": 1, "plan": "a", "active": true}], "records2": 1})",
        R"({"dataframe_split": {"columns": ["tenure"], "data": [[1]]}})",
        R"({"instances": [[1, 2, "a"]]})",                                               // too few values
        R"({"records": [{"tenure": 3, "spend": 1., "plan": "a", "active": true}]})",
        R"({"records": [{"tenure": 3, "spend": 1, "plan": "a", "active": tru}]})",
        R"({"records": [{"tenure": 3, "spend": 1, "plan": "a", "active": true})",
        "",
    };
    for (const auto& body : bodies) EXPECT_FALSE(server::fast_rows_to_frame(body, features).has_value()) << body;
}
