// hone's TF-IDF vectorizer against scikit-learn's TfidfVectorizer on the corpus
// and options of tests/models/tfidf_reference.py: the same vocabulary, the same
// idf and the same sparse rows, values within 1e-6.
#include <gtest/gtest.h>

#include <fstream>

#include "models/text/tfidf.hpp"
#include "../support/errors.hpp"

using namespace hone::models;
using namespace hone::models::text;
using hone::ErrorKind;
using hone::test_support::expect_error;

namespace {

const Json& reference() {
    static const Json data = [] {
        std::ifstream in(std::string(HONE_SOURCE_DIR) + "/tests/models/tfidf_reference.json");
        if (!in) throw std::runtime_error("cannot open tests/models/tfidf_reference.json");
        return Json::parse(in);
    }();
    return data;
}

std::vector<std::string> corpus() { return reference()["corpus"].get<std::vector<std::string>>(); }

TfidfOptions options_of(const Json& args) {
    TfidfOptions o;
    if (args.value("analyzer", std::string("word")) == "char_wb") o.analyzer = Analyzer::char_wb;
    if (args.contains("ngram_range")) {
        o.ngram_min = args["ngram_range"][0].get<int>();
        o.ngram_max = args["ngram_range"][1].get<int>();
    }
    o.sublinear_tf = args.value("sublinear_tf", false);
    o.min_df = args.value("min_df", std::size_t{1});
    o.max_df = args.value("max_df", 1.0);
    if (args.contains("max_features")) o.max_features = args["max_features"].get<std::size_t>();
    return o;
}

void expect_rows(const SparseRows& rows, const Json& want) {
    EXPECT_EQ(rows.offsets, want["offsets"].get<std::vector<std::size_t>>());
    ASSERT_EQ(rows.indices, want["indices"].get<std::vector<std::int32_t>>());
    auto values = want["values"].get<std::vector<double>>();
    ASSERT_EQ(rows.values.size(), values.size());
    for (std::size_t k = 0; k < values.size(); ++k) EXPECT_NEAR(rows.values[k], values[k], 1e-6) << "value " << k;
}

}  // namespace

class TfidfReference : public testing::TestWithParam<std::size_t> {};

TEST_P(TfidfReference, MatchesScikitLearn) {
    const Json& want = reference()["cases"][GetParam()];
    SCOPED_TRACE(want["name"].get<std::string>());
    TfidfVectorizer v(options_of(want["args"]));
    auto docs = corpus();
    auto rows = v.fit_transform(docs);
    EXPECT_EQ(v.vocabulary(), want["vocabulary"].get<std::vector<std::string>>());
    auto idf = want["idf"].get<std::vector<double>>();
    ASSERT_EQ(v.idf().size(), idf.size());
    for (std::size_t k = 0; k < idf.size(); ++k) EXPECT_NEAR(v.idf()[k], idf[k], 1e-12);
    EXPECT_EQ(rows.cols, idf.size());
    expect_rows(rows, want);
    // transform() of the training texts gives what fit_transform gave, and so
    // does a vectorizer read back from its JSON.
    expect_rows(v.transform(docs), want);
    auto reread = TfidfVectorizer::from_json(Json::parse(v.to_json().dump()), "test");
    expect_rows(reread.transform(docs), want);
}

INSTANTIATE_TEST_SUITE_P(Cases, TfidfReference, testing::Range<std::size_t>(0, 4));

TEST(Tfidf, AnalyzesAsScikitLearn) {
    TfidfOptions words{.ngram_min = 1, .ngram_max = 2};
    EXPECT_EQ(analyze("A b-Cd ÉTÉ, x_1!", words),
              (std::vector<std::string>{"cd", "été", "x_1", "cd été", "été x_1"}));
    TfidfOptions chars{.analyzer = Analyzer::char_wb, .ngram_min = 3, .ngram_max = 4};
    // " a " is shorter than 4: itself once. "ab" padded: " ab", "ab " then " ab ".
    EXPECT_EQ(analyze("a  ab", chars), (std::vector<std::string>{" a ", " ab", "ab ", " ab "}));
}

TEST(Tfidf, UnknownTermsAndEmptyTextsGiveEmptyRows) {
    TfidfVectorizer v;
    std::vector<std::string> train = {"red apples", "green apples"};
    v.fit_transform(train);
    std::vector<std::string> other = {"", "blue pears", "red"};
    auto rows = v.transform(other);
    EXPECT_EQ(rows.offsets, (std::vector<std::size_t>{0, 0, 0, 1}));
    EXPECT_EQ(rows.indices, (std::vector<std::int32_t>{2}));
    EXPECT_DOUBLE_EQ(rows.values[0], 1.0);
}

TEST(Tfidf, RefusesTextsWithNothingToLearn) {
    std::vector<std::string> none = {"", "a b c", "!!"};
    expect_error([&] { TfidfVectorizer().fit_transform(none); }, ErrorKind::data, "empty_vocabulary",
                 "no term to learn from: the texts have no word of two or more letters or digits");
    std::vector<std::string> rare = {"red apples", "green pears"};
    TfidfVectorizer strict({.min_df = 2});
    expect_error([&] { strict.fit_transform(rare); }, ErrorKind::data, "empty_vocabulary",
                 "no term to learn from: every term is in fewer than min_df or more than max_df of the texts");
    expect_error([] { TfidfVectorizer({.ngram_min = 2, .ngram_max = 1}); }, ErrorKind::validation,
                 "invalid_hyperparameter", "ngram_range must be (min, max) with 1 <= min <= max, got (2, 1)");
}
