#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "common/error.hpp"
#include "data/csv_reader.hpp"

using namespace hone;
using namespace hone::data;

namespace {

// A cell as text, "<null>" for null, so whole columns compare as one vector.
std::string cell(const Column& c, std::size_t i) { return c.is_null(i) ? "<null>" : c.to_text(i); }

std::vector<std::string> cells(const Column& c) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < c.size(); ++i) out.push_back(cell(c, i));
    return out;
}

Frame parse(std::string_view text, CsvOptions options = {}) { return read_csv_text(text, options, "data.csv"); }

// The message of the hone::Error that parsing throws ("" if none).
std::string error_of(std::string_view text, CsvOptions options = {}) {
    try {
        parse(text, options);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::data);
        EXPECT_EQ(e.code(), "dataset_load_failed");
        return e.what();
    }
    return "";
}

using Strings = std::vector<std::string>;

}  // namespace

TEST(Csv, InfersEachTypeAndKeepsValues) {
    Frame f = parse(
        "id,price,ok,name,ratio\n"
        "1,2.5,true,apple,1e-5\n"
        "2,-3,False,\"pear\",inf\n"
        "-7,10,TRUE,fig,-2.25E+3\n");
    ASSERT_EQ(f.rows(), 3u);
    ASSERT_EQ(f.names(), (Strings{"id", "price", "ok", "name", "ratio"}));
    EXPECT_EQ(f.at("id").type(), DType::int64);
    EXPECT_EQ(f.at("id").ints(), (std::vector<std::int64_t>{1, 2, -7}));
    EXPECT_EQ(f.at("price").type(), DType::float64);
    EXPECT_EQ(f.at("price").floats(), (std::vector<double>{2.5, -3.0, 10.0}));
    EXPECT_EQ(f.at("ok").type(), DType::boolean);
    EXPECT_EQ(f.at("ok").bools(), (std::vector<std::uint8_t>{1, 0, 1}));
    EXPECT_EQ(f.at("name").type(), DType::string);
    EXPECT_EQ(cells(f.at("name")), (Strings{"apple", "pear", "fig"}));
    EXPECT_EQ(f.at("ratio").type(), DType::float64);
    EXPECT_EQ(f.at("ratio").floats()[0], 1e-5);
    EXPECT_TRUE(std::isinf(f.at("ratio").floats()[1]));
    EXPECT_EQ(f.at("ratio").floats()[2], -2250.0);
    for (const auto& c : f.columns()) EXPECT_FALSE(c.has_nulls()) << c.name();
}

TEST(Csv, ZeroAndOneAreIntsNotBools) {
    Frame f = parse("a,b\n0,true\n1,false\n");
    EXPECT_EQ(f.at("a").type(), DType::int64);
    EXPECT_EQ(f.at("b").type(), DType::boolean);
}

TEST(Csv, InferenceEdgeCases) {
    Frame f = parse(
        "mixed_bool,int_then_float,big,spaced,plus,zeros,dots,word_nan\n"
        "true,1,1,  5 ,+5,007,.5,x\n"
        "1,2.5,99999999999999999999,6,+1.5,010,5.,NAN\n");
    EXPECT_EQ(f.at("mixed_bool").type(), DType::string);  // a bool and an int do not share a type
    EXPECT_EQ(cells(f.at("mixed_bool")), (Strings{"true", "1"}));
    EXPECT_EQ(f.at("int_then_float").type(), DType::float64);
    EXPECT_EQ(f.at("int_then_float").floats(), (std::vector<double>{1.0, 2.5}));
    EXPECT_EQ(f.at("big").type(), DType::float64);  // beyond int64
    EXPECT_EQ(f.at("big").floats()[1], 1e20);
    EXPECT_EQ(f.at("spaced").type(), DType::int64);
    EXPECT_EQ(f.at("spaced").ints(), (std::vector<std::int64_t>{5, 6}));
    EXPECT_EQ(f.at("plus").type(), DType::float64);
    EXPECT_EQ(f.at("plus").floats(), (std::vector<double>{5.0, 1.5}));
    EXPECT_EQ(f.at("zeros").ints(), (std::vector<std::int64_t>{7, 10}));
    EXPECT_EQ(f.at("dots").floats(), (std::vector<double>{0.5, 5.0}));
    EXPECT_EQ(f.at("word_nan").type(), DType::string);
    EXPECT_EQ(cells(f.at("word_nan")), (Strings{"x", "NAN"}));
}

TEST(Csv, FloatsReadExactly) {
    // Both the fast path and from_chars must give the correctly rounded double.
    Frame f = parse("x\n0.1\n123456.789012\n-0.000001\n9007199254740993\n1.7976931348623157e308\n4.9e-324\n1e400\n");
    const auto& v = f.at("x").floats();
    EXPECT_EQ(v[0], 0.1);
    EXPECT_EQ(v[1], 123456.789012);
    EXPECT_EQ(v[2], -0.000001);
    EXPECT_EQ(v[3], 9007199254740992.0);  // nearest double to 2^53 + 1
    EXPECT_EQ(v[4], 1.7976931348623157e308);
    EXPECT_EQ(v[5], 4.9e-324);
    EXPECT_TRUE(std::isinf(v[6]));
}

TEST(Csv, NumbersReadTheSameMidInputAndAtItsEnd) {
    // Mid-input fields are parsed eight digits at a time, the input's last field
    // byte by byte; both must agree, whatever the digit count.
    const std::vector<std::string> values = {
        "0", "7", "-7", "+7", "12345678", "123456789", "-1234567890123456", "123456789012345678",
        "1234567890123456789", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "00000000000000000000042", "1.5", "-0.25", "12345678.87654321", "0.000000001", ".5", "5.",
        "123456789012345678.5", "1e5", "1.5E-3", "-inf", "12a", "1.2.3", "--1", "+-1", "-", ".", "1 2"};
    for (const auto& v : values) {
        Frame mid = parse("x\n" + v + "\nNA\nNA\nNA\n");
        Frame end = parse("x\n" + v);
        ASSERT_EQ(mid.at("x").type(), end.at("x").type()) << v;
        EXPECT_EQ(cell(mid.at("x"), 0), cell(end.at("x"), 0)) << v;
    }
    EXPECT_EQ(parse("x\n9223372036854775807\n").at("x").ints()[0], INT64_MAX);
    EXPECT_EQ(parse("x\n-9223372036854775808\n").at("x").ints()[0], INT64_MIN);
    EXPECT_EQ(parse("x\n9223372036854775808\n").at("x").type(), DType::float64);
    EXPECT_EQ(parse("x\n00000000000000000000042\n").at("x").ints()[0], 42);
    EXPECT_EQ(parse("x\n12345678.87654321\n").at("x").floats()[0], 12345678.87654321);
}

TEST(Csv, NegativeZeroReadsAsZero) {
    // Found by fuzzing: "-0" read as int 0 in one chunk and as float -0.0 in another
    // gave different Frames for one and two threads.
    std::string text = "x\n1.5\n-0\n-0.0\n-0e5\n";
    CsvOptions one, tiny;
    one.threads = 1;
    tiny.threads = 2;
    tiny.chunk_bytes = 1;
    for (const CsvOptions& o : {one, tiny}) {
        Frame f = parse(text, o);
        EXPECT_EQ(cells(f.at("x")), (Strings{"1.5", "0", "0", "0"}));
        for (double v : f.at("x").floats()) EXPECT_FALSE(std::signbit(v));
    }
}

TEST(Csv, EveryNaTokenIsNull) {
    Frame f = parse("n,s\n1,a\n,b\nNA,NA\nN/A,N/A\nNaN,NaN\nnan,nan\nnull,null\nNULL,NULL\nNone,None\n\"\",\"\"\n2,c\n");
    const Column& n = f.at("n");
    EXPECT_EQ(n.type(), DType::int64);
    EXPECT_EQ(cells(n), (Strings{"1", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "<null>",
                                 "<null>", "2"}));
    EXPECT_EQ(n.null_count(), 9u);
    const Column& s = f.at("s");
    EXPECT_EQ(s.type(), DType::string);
    EXPECT_EQ(s.null_count(), 8u);  // rows 3..10: NA ... None and ""
    EXPECT_EQ(s.dictionary(), (Strings{"a", "b", "c"}));
    EXPECT_EQ(s.codes()[3], -1);
}

TEST(Csv, ExtraNaValues) {
    CsvOptions o;
    o.na_values = {"-999", "?"};
    Frame f = parse("a,b\n-999,?\n3,x\n-9990,y\n", o);
    EXPECT_EQ(f.at("a").type(), DType::int64);
    EXPECT_EQ(cells(f.at("a")), (Strings{"<null>", "3", "-9990"}));
    EXPECT_EQ(cells(f.at("b")), (Strings{"<null>", "x", "y"}));
}

TEST(Csv, NullsKeepTheColumnType) {
    Frame f = parse("f,i,b\n,,\n1.5,2,true\nNA,NA,NA\n");
    EXPECT_EQ(f.at("f").type(), DType::float64);
    EXPECT_EQ(f.at("i").type(), DType::int64);
    EXPECT_EQ(f.at("b").type(), DType::boolean);
    EXPECT_EQ(cells(f.at("f")), (Strings{"<null>", "1.5", "<null>"}));
    EXPECT_TRUE(std::isnan(f.at("f").floats()[0]));  // a null float is also NaN
    EXPECT_EQ(cells(f.at("i")), (Strings{"<null>", "2", "<null>"}));
    EXPECT_EQ(cells(f.at("b")), (Strings{"<null>", "true", "<null>"}));
}

TEST(Csv, AllNullColumnIsString) {
    Frame f = parse("a,b\n1,\n2,NA\n");
    EXPECT_EQ(f.at("b").type(), DType::string);
    EXPECT_EQ(f.at("b").null_count(), 2u);
    EXPECT_TRUE(f.at("b").dictionary().empty());
}

TEST(Csv, Quoting) {
    Frame f = parse(
        "name,quote,n\n"
        "\"Smith, John\",\"He said \"\"hi\"\"\",\"1\"\n"
        "\"multi\nline\",\"\"\"\",2\n"
        "plain,5'11\",3\n"
        "\"crlf\r\ninside\",\"a,b;c|d\",4\n"
        "\"trailing\" ,x,5\n");
    ASSERT_EQ(f.rows(), 5u);
    EXPECT_EQ(cells(f.at("name")), (Strings{"Smith, John", "multi\nline", "plain", "crlf\r\ninside", "trailing"}));
    EXPECT_EQ(cells(f.at("quote")), (Strings{"He said \"hi\"", "\"", "5'11\"", "a,b;c|d", "x"}));
    EXPECT_EQ(f.at("n").type(), DType::int64);  // a quoted number is a number
    EXPECT_EQ(f.at("n").ints(), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

TEST(Csv, QuotedHeaderNames) {
    Frame f = parse("\"a,b\",\"c\"\"d\",\"e\nf\"\n1,2,3\n");
    EXPECT_EQ(f.names(), (Strings{"a,b", "c\"d", "e\nf"}));
}

TEST(Csv, Utf8BomAndText) {
    Frame f = parse("\xEF\xBB\xBFid,city\n1,Z\xC3\xBCrich\n2,\xE6\x9D\xB1\xE4\xBA\xAC\n");
    EXPECT_EQ(f.names(), (Strings{"id", "city"}));
    EXPECT_EQ(cells(f.at("city")), (Strings{"Z\xC3\xBCrich", "\xE6\x9D\xB1\xE4\xBA\xAC"}));
}

TEST(Csv, LineEndings) {
    Frame crlf = parse("a,b\r\n1,x\r\n2,y\r\n");
    EXPECT_EQ(crlf.names(), (Strings{"a", "b"}));
    EXPECT_EQ(crlf.at("a").ints(), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(cells(crlf.at("b")), (Strings{"x", "y"}));
    Frame cr = parse("a,b\r1,x\r2,y");
    EXPECT_EQ(cr.at("a").ints(), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(cells(cr.at("b")), (Strings{"x", "y"}));
    Frame no_final_newline = parse("a,b\n1,x\n2,");
    EXPECT_EQ(cells(no_final_newline.at("b")), (Strings{"x", "<null>"}));
}

TEST(Csv, BlankLinesAreSkipped) {
    Frame f = parse("\n\na,b\n\n1,x\r\n\r\n2,y\n\n");
    EXPECT_EQ(f.rows(), 2u);
    EXPECT_EQ(f.at("a").ints(), (std::vector<std::int64_t>{1, 2}));
}

TEST(Csv, DetectsEachDelimiter) {
    for (char d : {',', ';', '\t', '|'}) {
        std::string text = std::string("a") + d + "b" + d + "c\n1" + d + "x" + d + "2.5\n3" + d + "y" + d + "4\n";
        Frame f = parse(text);
        ASSERT_EQ(f.names(), (Strings{"a", "b", "c"})) << "delimiter " << int(d);
        EXPECT_EQ(f.at("a").ints(), (std::vector<std::int64_t>{1, 3}));
        EXPECT_EQ(cells(f.at("b")), (Strings{"x", "y"}));
        EXPECT_EQ(f.at("c").floats(), (std::vector<double>{2.5, 4.0}));
    }
}

TEST(Csv, DetectionIsQuoteAwareAndPrefersConsistentCounts) {
    // Commas inside quotes and decimal commas must not fool the count.
    Frame semi = parse("name;price\n\"a,b\";1,5\n\"c\";2,25\n");
    EXPECT_EQ(semi.names(), (Strings{"name", "price"}));
    EXPECT_EQ(cells(semi.at("name")), (Strings{"a,b", "c"}));
    EXPECT_EQ(cells(semi.at("price")), (Strings{"1,5", "2,25"}));
    Frame comma = parse("text,n\n\"x;y;z\",1\n\"p|q\",2\n");
    EXPECT_EQ(comma.names(), (Strings{"text", "n"}));
    Frame single = parse("only\n1\n2\n");
    EXPECT_EQ(single.names(), (Strings{"only"}));
    EXPECT_EQ(single.at("only").ints(), (std::vector<std::int64_t>{1, 2}));
}

TEST(Csv, ExplicitDelimiter) {
    CsvOptions o;
    o.delimiter = ';';
    Frame f = parse("a,b;c\n1,2;3\n", o);
    EXPECT_EQ(f.names(), (Strings{"a,b", "c"}));
    EXPECT_EQ(cells(f.at("a,b")), (Strings{"1,2"}));
}

TEST(Csv, NoHeader) {
    CsvOptions o;
    o.header = false;
    Frame f = parse("1,x\n2,y\n", o);
    EXPECT_EQ(f.names(), (Strings{"column_1", "column_2"}));
    EXPECT_EQ(f.at("column_1").ints(), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(error_of("1,x\n2\n", o), "data.csv, row 2, column 'column_2': row has 1 field, the first row has 2");
}

TEST(Csv, EmptyAndDuplicateHeaderNames) {
    Frame f = parse("a,,a,a.1,a,\n1,2,3,4,5,6\n");
    EXPECT_EQ(f.names(), (Strings{"a", "column_2", "a.2", "a.1", "a.3", "column_6"}));
    EXPECT_EQ(f.at("a.3").ints(), (std::vector<std::int64_t>{5}));
}

TEST(Csv, EmptyInputs) {
    Frame empty = parse("");
    EXPECT_EQ(empty.cols(), 0u);
    EXPECT_EQ(empty.rows(), 0u);
    EXPECT_EQ(parse("\xEF\xBB\xBF\n\r\n").cols(), 0u);
    Frame header_only = parse("a,b,c\n");
    EXPECT_EQ(header_only.names(), (Strings{"a", "b", "c"}));
    EXPECT_EQ(header_only.rows(), 0u);
    for (const auto& c : header_only.columns()) EXPECT_EQ(c.type(), DType::string);
    CsvOptions o;
    o.types = {{"b", DType::float64}};
    EXPECT_EQ(parse("a,b", o).at("b").type(), DType::float64);
}

TEST(Csv, DeclaredTypesOverrideInference) {
    CsvOptions o;
    o.types = {{"zip", DType::string}, {"n", DType::float64}, {"flag", DType::boolean}, {"count", DType::int64}};
    Frame f = parse("zip,n,flag,count,other\n00501,1,1,5,true\n90210,2,false,,false\n,3.5,TRUE,7,true\n", o);
    EXPECT_EQ(f.at("zip").type(), DType::string);
    EXPECT_EQ(cells(f.at("zip")), (Strings{"00501", "90210", "<null>"}));
    EXPECT_EQ(f.at("n").type(), DType::float64);
    EXPECT_EQ(f.at("n").floats(), (std::vector<double>{1.0, 2.0, 3.5}));
    EXPECT_EQ(f.at("flag").type(), DType::boolean);
    EXPECT_EQ(f.at("flag").bools(), (std::vector<std::uint8_t>{1, 0, 1}));
    EXPECT_EQ(f.at("count").type(), DType::int64);
    EXPECT_EQ(cells(f.at("count")), (Strings{"5", "<null>", "7"}));
    EXPECT_EQ(f.at("other").type(), DType::boolean);
}

TEST(Csv, ValueNotOfDeclaredTypeIsAnError) {
    CsvOptions o;
    o.types = {{"age", DType::int64}};
    EXPECT_EQ(error_of("name,age\nann,31\nbob,40\ncid,abc\n", o),
              "data.csv, row 3, column 'age': value 'abc' is not an int");
    EXPECT_EQ(error_of("name,age\nann,3.5\n", o), "data.csv, row 1, column 'age': value '3.5' is not an int");
    o.types = {{"x", DType::float64}};
    o.delimiter = ';';
    EXPECT_EQ(error_of("x\n1\n1,5\n", o),
              "data.csv, row 2, column 'x': value '1,5' is not a float");
    o.delimiter = 0;
    o.types = {{"b", DType::boolean}};
    EXPECT_EQ(error_of("b\ntrue\nyes\n", o), "data.csv, row 2, column 'b': value 'yes' is not a bool");
    o.types = {{"missing", DType::int64}};
    try {
        parse("a,b\n1,2\n", o);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "data.csv: the declared column 'missing' is not in the file");
        EXPECT_EQ(e.hint(), "the columns are: a, b");
    }
}

TEST(Csv, MalformedRowsAreErrorsNamingRowAndColumn) {
    EXPECT_EQ(error_of("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4\n"),
              "data.csv, row 2, column 'e': row has 4 fields, the header has 5");
    EXPECT_EQ(error_of("a,b,c\n1,2,3\n4,5,6\n1,2,3,4\n"),
              "data.csv, row 3, column 'c': row has 4 fields, the header has 3");
    EXPECT_EQ(error_of("a,b\n1,\"open\n2,3\n"),
              "data.csv, row 1, column 'b': unclosed quote: the quoted field that starts in this row has no "
              "closing quote");
    EXPECT_EQ(error_of("a,b\n1,2\n\"x\"y,3\n"),
              "data.csv, row 2, column 'a': unexpected 'y' after a closing quote; expected the delimiter ',' or "
              "the end of the row");
    CsvOptions tab;
    tab.delimiter = '\t';
    EXPECT_EQ(error_of("a\tb\nx\t\"y\"z\n", tab),
              "data.csv, row 1, column 'b': unexpected 'z' after a closing quote; expected the delimiter '\\t' or "
              "the end of the row");
    // A quoted field spanning lines counts as one row.
    EXPECT_EQ(error_of("a,b\n\"x\ny\",1\n2\n"), "data.csv, row 2, column 'b': row has 1 field, the header has 2");
    EXPECT_EQ(error_of("a,\"b\nc,d\n"),
              "data.csv:1: unclosed quote: the quoted field that starts in this row has no closing quote (in "
              "the header)");
}

TEST(Csv, ErrorLocationIsStructured) {
    try {
        parse("a,b\n1,2\n3\n");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.where().file, "data.csv");
        EXPECT_EQ(e.where().row, 2);
        EXPECT_EQ(e.where().column, "b");
        EXPECT_EQ(e.message(), "row has 1 field, the header has 2");
    }
}

TEST(Csv, DictionaryIsInFirstSeenOrder) {
    Frame f = parse("c\nb\na\nb\nc\n");
    EXPECT_EQ(f.at("c").dictionary(), (Strings{"b", "a", "c"}));
    EXPECT_EQ(f.at("c").codes(), (std::vector<std::int32_t>{0, 1, 0, 2}));
}

TEST(Csv, ColumnTurningStringLateKeepsEarlierText) {
    // Numbers first, then a word: the numbers come back exactly as written.
    Frame f = parse("v,w\n1.50,1\n007,2\nNA,3\n-2e3,x\n1.50,true\n");
    EXPECT_EQ(f.at("v").type(), DType::float64);
    Frame g = parse("v\n1.50\n007\nNA\n-2e3\nword\n1.50\n");
    EXPECT_EQ(g.at("v").type(), DType::string);
    EXPECT_EQ(cells(g.at("v")), (Strings{"1.50", "007", "<null>", "-2e3", "word", "1.50"}));
    EXPECT_EQ(g.at("v").dictionary(), (Strings{"1.50", "007", "-2e3", "word"}));
    EXPECT_EQ(cells(f.at("w")), (Strings{"1", "2", "3", "x", "true"}));
}

TEST(Csv, ReadsFilesAndNamesThemInErrors) {
    auto dir = std::filesystem::temp_directory_path() / ("hone_csv_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto path = dir / "people.csv";
    {
        std::ofstream out(path, std::ios::binary);
        out << "name,age\nann,31\nbob,x\n";
    }
    Frame f = read_csv(path);
    EXPECT_EQ(cells(f.at("age")), (Strings{"31", "x"}));
    CsvOptions o;
    o.types = {{"age", DType::int64}};
    try {
        read_csv(path, o);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), path.string() + ", row 2, column 'age': value 'x' is not an int");
    }
    try {
        read_csv(dir / "nope.csv");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::not_found);
        EXPECT_EQ(e.code(), "dataset_load_failed");
        EXPECT_EQ(std::string(e.what()), "file not found: " + (dir / "nope.csv").string());
    }
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
    }
    EXPECT_EQ(read_csv(path).cols(), 0u);
    std::filesystem::remove_all(dir);
}

TEST(Csv, RefusesAPipeWithoutBlockingOrReadingIt) {
    // Regular files only: a FIFO is refused at once, checked on the opened
    // descriptor, and a writer's data stays in the pipe for whoever reads it.
    auto fifo = std::filesystem::temp_directory_path() / ("hone_csv_fifo_" + std::to_string(::getpid()));
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        read_csv(fifo);
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(e.code(), "dataset_load_failed");
        EXPECT_EQ(std::string(e.what()), fifo.string() + " is a FIFO, not a regular file");
    }
    std::filesystem::remove(fifo);
}

TEST(Csv, RefusesDevicesAndDirectories) {
    try {
        read_csv("/dev/zero");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::validation);
        EXPECT_EQ(std::string(e.what()), "/dev/zero is a character device, not a regular file");
    }
    try {
        read_csv(std::filesystem::temp_directory_path());
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), std::filesystem::temp_directory_path().string() + " is a directory, not a regular file");
    }
}

TEST(Csv, FixtureFiles) {
    std::filesystem::path dir = std::filesystem::path(HONE_SOURCE_DIR) / "tests/data/csv";
    Frame quoted = read_csv(dir / "quoted.csv");
    EXPECT_EQ(quoted.names(), (Strings{"id", "name", "note", "score"}));
    EXPECT_EQ(quoted.rows(), 4u);
    EXPECT_EQ(cells(quoted.at("note")), (Strings{"plain", "comma, inside", "two\nlines", "say \"hi\""}));
    EXPECT_EQ(cells(quoted.at("score")), (Strings{"1.5", "<null>", "-2", "1e-05"}));
    Frame semi = read_csv(dir / "semicolon_crlf_bom.csv");
    EXPECT_EQ(semi.names(), (Strings{"city", "temp", "rain"}));
    EXPECT_EQ(cells(semi.at("temp")), (Strings{"21.5", "-3", "<null>"}));
    EXPECT_EQ(semi.at("rain").type(), DType::boolean);
    try {
        read_csv(dir / "bad_row.csv");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "row has 2 fields, the header has 3");
        EXPECT_EQ(e.where().row, 3);
        EXPECT_EQ(e.where().column, "c");
    }
}

// ---- the parallel path must give exactly what the serial one gives --------------

namespace {

// About 200k rows: every type, nulls, quoted fields with delimiters, doubled quotes
// and line breaks, a column that is int until near the end and then holds a word,
// one that is int until a float late, and one that is only null until late.
std::string big_input(std::size_t rows) {
    std::mt19937_64 rng(7);
    std::string text = "id,f,i,s,b,q,late_word,late_float,late_value\n";
    const char* words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
    for (std::size_t r = 0; r < rows; ++r) {
        auto x = rng();
        text += std::to_string(r) + ",";
        text += (x % 17 == 0) ? "" : std::to_string(static_cast<double>(x % 100000) / 128.0);
        text += ",";
        text += (x % 13 == 0) ? "NA" : std::to_string(static_cast<std::int64_t>(x % 2001) - 1000);
        text += ",";
        text += (x % 11 == 0) ? "null" : words[x % 6];
        text += ",";
        text += (x % 7 == 0) ? "" : ((x >> 8) % 2 ? "true" : "false");
        text += ",";
        switch ((x >> 16) % 5) {
            case 0: text += "\"multi\nline " + std::to_string(r % 97) + "\""; break;
            case 1: text += "\"comma, " + std::to_string(r % 89) + "\""; break;
            case 2: text += "\"say \"\"" + std::to_string(r % 5) + "\"\"\""; break;
            case 3: text += "\"\""; break;
            default: text += "plain"; break;
        }
        text += ",";
        text += r == rows - 10 ? "word" : std::to_string(r % 1000);
        text += ",";
        text += r == rows - 1000 ? "0.5" : std::to_string(r % 3);
        text += ",";
        text += r >= rows - 50 ? std::to_string(r) : "";
        text += (r % 3 == 0) ? "\r\n" : "\n";
    }
    return text;
}

void expect_same(const Frame& a, const Frame& b) {
    ASSERT_EQ(a.names(), b.names());
    ASSERT_EQ(a.rows(), b.rows());
    for (std::size_t c = 0; c < a.cols(); ++c) {
        const Column& x = a.columns()[c];
        const Column& y = b.columns()[c];
        ASSERT_EQ(x.type(), y.type()) << x.name();
        ASSERT_EQ(x.null_count(), y.null_count()) << x.name();
        if (x.type() == DType::string) {
            EXPECT_EQ(x.dictionary(), y.dictionary()) << x.name();
            EXPECT_EQ(x.codes(), y.codes()) << x.name();
        }
        for (std::size_t i = 0; i < x.size(); ++i)
            ASSERT_EQ(cell(x, i), cell(y, i)) << x.name() << " row " << i + 1;
    }
}

}  // namespace

TEST(CsvParallel, TwoThreadsEqualOneCellForCell) {
    const std::size_t rows = 200000;
    std::string text = big_input(rows);
    CsvOptions one;
    one.threads = 1;
    Frame serial = read_csv_text(text, one);
    ASSERT_EQ(serial.rows(), rows);
    EXPECT_EQ(serial.at("f").type(), DType::float64);
    EXPECT_EQ(serial.at("i").type(), DType::int64);
    EXPECT_EQ(serial.at("s").type(), DType::string);
    EXPECT_EQ(serial.at("b").type(), DType::boolean);
    EXPECT_EQ(serial.at("q").type(), DType::string);
    EXPECT_EQ(serial.at("late_word").type(), DType::string);
    EXPECT_EQ(serial.at("late_float").type(), DType::float64);
    EXPECT_EQ(serial.at("late_value").type(), DType::int64);
    EXPECT_EQ(serial.at("late_value").null_count(), rows - 50);
    EXPECT_EQ(cell(serial.at("late_word"), rows - 10), "word");
    EXPECT_EQ(cell(serial.at("late_word"), 0), "0");

    CsvOptions two;
    two.threads = 2;
    {
        SCOPED_TRACE("automatic chunks");
        expect_same(serial, read_csv_text(text, two));
    }
    {
        // Small chunks: many cuts fall inside quoted fields that span lines, and
        // many chunks see a column change type.
        SCOPED_TRACE("4 KiB chunks");
        two.chunk_bytes = 4096;
        expect_same(serial, read_csv_text(text, two));
    }
    {
        SCOPED_TRACE("1-byte chunks over a prefix");
        CsvOptions tiny;
        tiny.threads = 2;
        tiny.chunk_bytes = 1;
        std::string prefix = text.substr(0, text.find('\n', 20000) + 1);
        expect_same(read_csv_text(prefix, one), read_csv_text(prefix, tiny));
    }
}

TEST(CsvParallel, MappedFileEqualsTextInMemory) {
    // The file path maps the file and drops parsed pages while other chunks (and
    // the re-reads of columns that turned to strings) still read it.
    std::string text = big_input(60000);
    auto path = std::filesystem::temp_directory_path() / ("hone_csv_big_" + std::to_string(::getpid()) + ".csv");
    {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    CsvOptions one, two;
    one.threads = 1;
    two.threads = 2;
    two.chunk_bytes = 64 << 10;
    Frame expected = read_csv_text(text, one);
    expect_same(expected, read_csv(path, one));
    expect_same(expected, read_csv(path, two));
    std::filesystem::remove(path);
}

TEST(CsvParallel, FirstErrorInFileOrderWithItsGlobalRow) {
    std::string text = "a,b\n";
    for (int r = 1; r <= 100000; ++r) {
        if (r == 60000) text += "1,2,3\n";
        else if (r == 90000) text += "\"open,1\n";
        else text += std::to_string(r) + ",\"x\ny\"\n";
    }
    for (unsigned threads : {1u, 2u}) {
        CsvOptions o;
        o.threads = threads;
        o.chunk_bytes = threads == 1 ? 0 : 10000;
        EXPECT_EQ(error_of(text, o), "data.csv, row 60000, column 'b': row has 3 fields, the header has 2")
            << threads;
    }
}

TEST(CsvParallel, DeclaredTypeErrorInALaterChunk) {
    std::string text = "n\n";
    for (int r = 1; r <= 50000; ++r) text += r == 45678 ? "oops\n" : std::to_string(r) + "\n";
    CsvOptions o;
    o.threads = 2;
    o.chunk_bytes = 8192;
    o.types = {{"n", DType::int64}};
    EXPECT_EQ(error_of(text, o), "data.csv, row 45678, column 'n': value 'oops' is not an int");
}
