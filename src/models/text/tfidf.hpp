#pragma once
// A TF-IDF vectorizer computed as scikit-learn 1.2's TfidfVectorizer computes it at
// its defaults, where they apply:
//  - text is lowercased (ASCII exactly; Latin, Greek and Cyrillic capitals too);
//  - analyzer 'word': tokens are runs of two or more word characters (the token
//    pattern (?u)\b\w\w+\b: letters, digits and underscore; every non-ASCII code
//    point counts as a letter except spaces, punctuation and symbols of the
//    common blocks), then word n-grams from ngram_min to ngram_max joined by one
//    space; analyzer 'char_wb': character n-grams inside words padded with one
//    space each side, as scikit-learn's _char_wb_ngrams (code points, not bytes);
//  - the vocabulary is every term seen in at least min_df documents and at most
//    max_df of them (a fraction), the max_features most frequent (total count;
//    equal counts keep the term that sorts first) when given, sorted by code point:
//    a term's column is its rank in that order;
//  - tf is the raw count (1 + ln(count) with sublinear_tf), idf = ln((1 + n) /
//    (1 + df)) + 1 (smooth_idf), each row scaled to unit L2 norm (a row with no
//    known term stays empty).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/estimator.hpp"

namespace hone::models::text {

enum class Analyzer { word, char_wb };

struct TfidfOptions {
    Analyzer analyzer = Analyzer::word;
    int ngram_min = 1;  // 1 <= ngram_min <= ngram_max
    int ngram_max = 1;
    std::size_t min_df = 1;                   // documents
    double max_df = 1.0;                      // fraction of documents, in (0, 1]
    std::optional<std::size_t> max_features;  // none: every term
    bool sublinear_tf = false;
};

// Compressed sparse rows: row r's columns are indices[offsets[r] .. offsets[r+1]),
// ascending, with their values.
struct SparseRows {
    std::size_t cols = 0;
    std::vector<std::size_t> offsets{0};
    std::vector<std::int32_t> indices;
    std::vector<double> values;

    std::size_t rows() const { return offsets.size() - 1; }
};

// The terms of one document, in order of appearance, repeats kept: what the
// analyzer counts. `doc` is UTF-8; invalid bytes read as Latin-1.
std::vector<std::string> analyze(std::string_view doc, const TfidfOptions& options);

class TfidfVectorizer {
public:
    explicit TfidfVectorizer(TfidfOptions options = {});

    // Learns the vocabulary and idf from `docs` and returns their rows. No term
    // left (empty texts, min_df above every count): hone::Error(data,
    // "empty_vocabulary") saying why.
    SparseRows fit_transform(std::span<const std::string> docs);
    // Rows for new documents; terms outside the vocabulary are ignored.
    SparseRows transform(std::span<const std::string> docs) const;

    const TfidfOptions& options() const { return options_; }
    const std::vector<std::string>& vocabulary() const { return terms_; }  // column -> term
    const std::vector<double>& idf() const { return idf_; }

    // The options, the vocabulary and the idf; from_json reads it back, checked
    // (hone::Error(data, "invalid_model") naming `origin`).
    Json to_json() const;
    static TfidfVectorizer from_json(const Json& j, const std::string& origin);

private:
    TfidfOptions options_;
    std::vector<std::string> terms_;
    std::vector<double> idf_;
    std::unordered_map<std::string, std::int32_t> index_;

    // One document's (column, count) pairs, columns ascending.
    std::vector<std::pair<std::int32_t, double>> counts(std::string_view doc) const;
    void append_row(std::vector<std::pair<std::int32_t, double>> counts, SparseRows& out) const;
};

}  // namespace hone::models::text
