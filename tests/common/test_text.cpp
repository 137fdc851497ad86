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

#include "common/sha256.hpp"

TEST(Sha256, KnownDigests) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    std::string million(1000000, 'a');
    EXPECT_EQ(sha256_hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
