// UTF-8 checks and the mending of loaded frames (data/utf8.hpp), and how the
// warnings it leaves travel with the frame and into its statistics.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/frame.hpp"
#include "data/stats.hpp"
#include "data/utf8.hpp"

using namespace hone::data;

namespace {

using Strings = std::vector<std::string>;

Column strings(const std::string& name, const Strings& values) {
    Column c(name, DType::string);
    for (const auto& v : values) {
        if (v == "<null>")
            c.push_null();
        else
            c.push_string(v);
    }
    return c;
}

Strings cells(const Column& c) {
    Strings out;
    for (std::size_t i = 0; i < c.size(); ++i) out.push_back(c.is_null(i) ? "<null>" : c.to_text(i));
    return out;
}

Strings messages(const Frame& f) {
    Strings out;
    for (const auto& w : f.warnings()) out.push_back(w.message);
    return out;
}

}  // namespace

TEST(Utf8, ValidatesWellFormedSequencesOnly) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii, longer than eight bytes"));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
    EXPECT_FALSE(is_valid_utf8("caf\xe9"));                                  // Latin-1 é
    EXPECT_FALSE(is_valid_utf8("\x80"));                                     // stray continuation
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));                                 // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));                             // surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));                         // past U+10FFFF
    EXPECT_FALSE(is_valid_utf8("abcdefgh\xe2\x82"));                         // cut short
}

TEST(Utf8, Latin1AndEscapes) {
    EXPECT_EQ(latin1_to_utf8("caf\xe9"), "caf\xc3\xa9");
    EXPECT_EQ(latin1_to_utf8("\xff\x41"), "\xc3\xbf" "A");
    EXPECT_EQ(escape_invalid_utf8("caf\xc3\xa9 caf\xe9"), "caf\xc3\xa9 caf\\xe9");
    EXPECT_EQ(escape_invalid_utf8("fine"), "fine");
}

TEST(Utf8, MendsValuesMergesEqualOnesAndWarnsWithTheFirstRow) {
    Frame f;
    f.add(strings("city", {"Paris", "<null>", "caf\xe9", "M\xfcnchen", "caf\xc3\xa9", "caf\xe9"}));
    f.add(strings("ok", {"a", "b", "c", "d", "e", "f"}));
    make_valid_utf8(f);
    const Column& city = f.at("city");
    EXPECT_EQ(cells(city), (Strings{"Paris", "<null>", "caf\xc3\xa9", "M\xc3\xbcnchen", "caf\xc3\xa9", "caf\xc3\xa9"}));
    // The mended "café" and the valid one are one value, one code.
    EXPECT_EQ(city.dictionary(), (Strings{"Paris", "caf\xc3\xa9", "M\xc3\xbcnchen"}));
    EXPECT_EQ(city.codes()[2], city.codes()[4]);
    EXPECT_EQ(messages(f),
              (Strings{"column 'city': 2 values are not valid UTF-8, read as Latin-1 (in 3 rows, the first is row 3)"}));
    EXPECT_EQ(f.warnings()[0].column, "city");
    // Warnings travel with the rows a split takes, and into the statistics.
    Frame part = f.take({0, 2});
    EXPECT_EQ(messages(part), messages(f));
    auto stats = describe(f);
    EXPECT_EQ(stats[0].warnings, messages(f));
    EXPECT_TRUE(stats[1].warnings.empty());
    auto j = to_json(stats, f.rows());
    EXPECT_EQ(j["columns"][0]["warnings"][0], messages(f)[0]);
    EXPECT_FALSE(j["columns"][1].contains("warnings"));
    EXPECT_NE(format_table(stats, f.rows()).find("\nwarning: " + messages(f)[0] + "\n"), std::string::npos);
}

TEST(Utf8, MendsNamesKeepingThemDistinct) {
    Frame f;
    f.add(strings("caf\xc3\xa9", {"x"}));
    f.add(strings("caf\xe9", {"y"}));
    make_valid_utf8(f);
    EXPECT_EQ(f.names(), (Strings{"caf\xc3\xa9", "caf\xc3\xa9.1"}));
    EXPECT_EQ(messages(f),
              (Strings{"column 'caf\xc3\xa9.1' (column 2): its name is not valid UTF-8, read as Latin-1"}));
}

TEST(Utf8, AValidFrameIsLeftAlone) {
    Frame f;
    f.add(strings("city", {"Paris", "caf\xc3\xa9"}));
    make_valid_utf8(f);
    EXPECT_TRUE(f.warnings().empty());
    EXPECT_EQ(cells(f.at("city")), (Strings{"Paris", "caf\xc3\xa9"}));
}
