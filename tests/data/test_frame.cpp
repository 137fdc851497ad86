#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "data/frame.hpp"

using namespace hone;
using namespace hone::data;

TEST(Frame, DtypeNames) {
    EXPECT_EQ(parse_dtype("INT"), DType::int64);
    EXPECT_EQ(parse_dtype("double"), DType::float64);
    EXPECT_EQ(parse_dtype("boolean"), DType::boolean);
    EXPECT_EQ(parse_dtype("category"), DType::string);
    EXPECT_EQ(parse_dtype("datetime"), DType::string);
    EXPECT_EQ(parse_dtype("decimal"), std::nullopt);
    EXPECT_EQ(to_string(DType::float64), "float");
    EXPECT_EQ(to_string(DType::boolean), "bool");
}

TEST(Frame, ColumnsTrackNullsLazily) {
    Column c("x", DType::float64);
    c.push_float(1.5);
    c.push_float(2.0);
    EXPECT_TRUE(c.validity().empty());  // no null yet: no mask
    c.push_null();
    c.push_float(-1);
    ASSERT_EQ(c.size(), 4u);
    EXPECT_EQ(c.null_count(), 1u);
    EXPECT_EQ(c.validity(), (std::vector<std::uint8_t>{1, 1, 0, 1}));
    EXPECT_TRUE(c.is_null(2));
    EXPECT_TRUE(std::isnan(c.as_double(2)));
    EXPECT_EQ(c.as_double(3), -1.0);
    EXPECT_EQ(c.to_text(0), "1.5");
    EXPECT_EQ(c.to_text(2), "");
}

TEST(Frame, EveryTypeAsDoubleAndText) {
    Column i("i", DType::int64);
    i.push_int(-7);
    i.push_null();
    EXPECT_EQ(i.as_double(0), -7.0);
    EXPECT_EQ(i.to_text(0), "-7");
    EXPECT_EQ(i.ints(), (std::vector<std::int64_t>{-7, 0}));
    Column b("b", DType::boolean);
    b.push_bool(true);
    b.push_bool(false);
    EXPECT_EQ(b.as_double(0), 1.0);
    EXPECT_EQ(b.to_text(1), "false");
    Column s("s", DType::string);
    s.push_string("x");
    EXPECT_THROW(s.as_double(0), Error);
}

TEST(Frame, StringsAreDictionaryEncoded) {
    Column s("city", DType::string);
    for (const char* v : {"Oslo", "Rome", "Oslo", "Bern"}) s.push_string(v);
    s.push_null();
    EXPECT_EQ(s.dictionary(), (std::vector<std::string>{"Oslo", "Rome", "Bern"}));
    EXPECT_EQ(s.codes(), (std::vector<std::int32_t>{0, 1, 0, 2, -1}));
    EXPECT_EQ(s.string_at(3), "Bern");
    EXPECT_EQ(s.null_count(), 1u);
}

TEST(Frame, SetStringsDerivesNullsAndKeepsInterning) {
    Column s("s", DType::string);
    s.set_strings({1, -1, 0, 1}, {"a", "b"});
    EXPECT_EQ(s.size(), 4u);
    EXPECT_EQ(s.null_count(), 1u);
    EXPECT_EQ(s.to_text(0), "b");
    s.push_string("a");  // an existing value reuses its code
    s.push_string("c");
    EXPECT_EQ(s.codes(), (std::vector<std::int32_t>{1, -1, 0, 1, 0, 2}));
    EXPECT_EQ(s.dictionary(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Frame, TakeKeepsTypesNullsAndDictionary) {
    Frame f;
    Column x("x", DType::float64);
    Column s("s", DType::string);
    for (int i = 0; i < 5; ++i) {
        if (i == 3) x.push_null();
        else x.push_float(i * 1.5);
        s.push_string(i % 2 ? "odd" : "even");
    }
    f.add(std::move(x));
    f.add(std::move(s));
    Frame t = f.take({4, 3, 0});
    ASSERT_EQ(t.rows(), 3u);
    EXPECT_EQ(t.at("x").to_text(0), "6");
    EXPECT_TRUE(t.at("x").is_null(1));
    EXPECT_EQ(t.at("s").dictionary(), f.at("s").dictionary());
    EXPECT_EQ(t.at("s").codes(), (std::vector<std::int32_t>{0, 1, 0}));
    Frame sel = f.select({"s"});
    EXPECT_EQ(sel.names(), (std::vector<std::string>{"s"}));
}

TEST(Frame, AddChecksRowCountAndAtSuggestsNames) {
    Frame f;
    Column a("amount", DType::int64);
    a.push_int(1);
    f.add(std::move(a));
    Column b("b", DType::int64);
    EXPECT_THROW(f.add(std::move(b)), Error);
    EXPECT_EQ(f.find("nope"), nullptr);
    try {
        f.at("amonut");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::not_found);
        EXPECT_EQ(e.message(), "no column 'amonut'; did you mean 'amount'?");
        EXPECT_EQ(e.hint(), "the columns are: amount");
    }
}
