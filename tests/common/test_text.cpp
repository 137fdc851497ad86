#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/text.hpp"

using namespace hone;

TEST(Text, EditDistanceIsCaseInsensitive) {
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("Model", "model"), 0u);
}

TEST(Text, NearestSuggestsOnlyCloseNames) {
    std::vector<std::string> keys = {"patience", "min_delta", "metric", "mode"};
    EXPECT_EQ(nearest("patiance", keys), "patience");
    EXPECT_EQ(nearest("mindelta", keys), "min_delta");
    EXPECT_EQ(nearest("completely_different", keys), "");
}

TEST(Text, JoinOr) {
    EXPECT_EQ(join_or({"grid", "random", "bayesian"}, "'"), "'grid', 'random' or 'bayesian'");
    EXPECT_EQ(join_or({"a"}), "a");
}

TEST(Text, FormatDoubleRoundTrips) {
    EXPECT_EQ(format_double(0.1), "0.1");
    EXPECT_EQ(format_double(1e-5), "1e-05");
    EXPECT_EQ(format_double(3.0), "3");
}

TEST(Error, LocationText) {
    Location where;
    where.file = "data.csv";
    where.row = 12;
    where.column = "age";
    EXPECT_EQ(where.to_string(), "data.csv, row 12, column 'age'");
    Error e(ErrorKind::data, "dataset_load_failed", "bad value", where);
    EXPECT_STREQ(e.what(), "data.csv, row 12, column 'age': bad value");
    EXPECT_EQ(exit_code(ErrorKind::io), 2);
}
